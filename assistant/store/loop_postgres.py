"""Turns on the event loop, for PostgreSQL: the core's blocking code, without a thread.

A server process answers turns while the database server works on others. In worker threads,
each turn cost a dozen context switches (8 voluntary, 3 forced) and as many handoffs of
Python's lock. So ``serve`` runs each turn in a greenlet on the event loop's own thread
(:func:`run_on_loop`). The core stays plain blocking code: when it runs a statement
(:meth:`Driver.run <assistant.store.driver.Driver.run>`), the greenlet sends it on a
non-blocking connection of its own and hands the loop back until the answer is in; other
turns run meanwhile. Measured with bench/turns.py on 2 cores (2026-12-06), a JSON API turn at
16 clients: 1.02-1.11 ms of server CPU and 0.30-0.35 of echo's throughput, where threads
took 1.15-1.33 ms and reached 0.23-0.25.

Only the driver's statements wait this way. The ORM's (bookings, callbacks, resume codes)
block, so a turn that reaches the ORM (:func:`may_block`, in ``DB``) stops with
:class:`NeedsThread` and is run again in a worker thread: safe, because it has written
nothing yet. A turn that has written (a new SMS conversation, say) runs on where it is, and
blocks the loop for the ORM's round trips. Each statement of a turn on the loop is a
transaction of its own (several that go together run blocking, in one pipeline, see
:func:`waits_on_loop`), so none holds a lock across a wait, and a blocked loop cannot wait for
itself.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from greenlet import getcurrent, greenlet
from psycopg import OperationalError
from psycopg.pq import ConnStatus

if TYPE_CHECKING:
    from assistant.store.driver import Driver, Result, Statement

log = logging.getLogger(__name__)
T = TypeVar("T")


class NeedsThread(BaseException):
    """A turn on the event loop reached code that blocks (the ORM) before writing anything:
    run it again in a worker thread. A BaseException, so that the core's "never leave a user
    stuck" handler does not answer it as a failed turn."""


class LoopTurn(greenlet):
    """A turn running on the event loop's thread, with the connections it waits on."""

    def __init__(self, work: Callable[[], Any], connections: LoopConnections) -> None:
        super().__init__(work)
        self.connections, self.wrote = connections, False


async def run_on_loop(work: Callable[[], T], connections: LoopConnections) -> T:
    """Run ``work`` (blocking code) on this thread: each statement it runs through the
    driver is awaited here, so the loop serves others meanwhile. Raises what ``work`` raises,
    :class:`NeedsThread` among them."""
    turn = LoopTurn(work, connections)
    turn.gr_context = contextvars.copy_context()
    waiting = turn.switch()
    while not turn.dead:
        try:
            answer = await waiting
        except BaseException as exc:
            waiting = turn.throw(exc)
        else:
            waiting = turn.switch(answer)
    return waiting


def loop_turn(driver: Driver) -> LoopTurn | None:
    """The turn on the event loop that this code runs in, if it runs in one for ``driver``."""
    here = getcurrent()
    if isinstance(here, LoopTurn) and here.connections.driver is driver:
        return here
    return None


def may_block() -> None:
    """Code that blocks (the ORM) calls this first: in a turn on the event loop that has
    written nothing, it raises :class:`NeedsThread`."""
    here = getcurrent()
    if isinstance(here, LoopTurn) and not here.wrote:
        raise NeedsThread


def waits_on_loop(statements: Sequence[Statement]) -> bool:
    """Whether ``statements`` can wait on the loop: one statement, run once. Several that
    go together would hold their transaction open across waits; they run blocking."""
    return len(statements) == 1 and not isinstance(statements[0][1], list)


def run_statements(turn: LoopTurn, statements: Sequence[Statement], write: bool) -> list[Result]:
    """Run one statement for ``turn`` (see Driver.run and :func:`waits_on_loop`), waiting
    on the loop."""
    from assistant.store.driver import _reads_only

    if write or not _reads_only(statements):
        turn.wrote = True  # from now on it cannot be run again
    [statement] = statements
    return [turn.parent.switch(turn.connections.run(statement))]


class LoopConnection:
    """One non-blocking connection, read by the event loop whenever the server sends."""

    def __init__(self, connection: Any, driver: Driver, loop: asyncio.AbstractEventLoop) -> None:
        from assistant.store.driver import Prepared

        self.connection, self.pgconn, self.loop = connection, connection.pgconn, loop
        self.prepared = Prepared(driver, connection)
        self.waiter: asyncio.Future[list[Any]] | None = None
        self.results: list[Any] = []
        self.broken = False
        self.generation = 0
        # Sending never blocks either: what the socket cannot take yet is sent when it can.
        self.pgconn.nonblocking = 1
        self.fd = self.pgconn.socket
        loop.add_reader(self.fd, self._readable)

    @property
    def dead(self) -> bool:
        """Known to be of no more use: closed, or dropped by the server."""
        return self.broken or self.pgconn.status == ConnStatus.BAD

    def _send(self, send: Callable[[], Any]) -> asyncio.Future[list[Any]]:
        """Send a statement (``send``, one of libpq's send calls); the future of its results.
        The rest of a statement bigger than the socket's buffer goes out as the socket takes
        it."""
        if self.dead:
            raise NotSent("the connection to the database server is broken")
        send()
        waiter = self.waiter = self.loop.create_future()
        try:
            if self.pgconn.flush():
                self.loop.add_writer(self.fd, self._writable)
        except Exception as exc:
            self._fail(exc)
        return waiter

    def _writable(self) -> None:
        try:
            if not self.pgconn.flush():
                self.loop.remove_writer(self.fd)
        except Exception as exc:
            self._fail(exc)

    def _readable(self) -> None:
        if self.waiter is None:
            # Nothing asked: the server is shutting the connection down (a FATAL error, then
            # the end). Open a new one.
            self._fail(OperationalError("the database server spoke unasked"))
            return
        pgconn = self.pgconn
        try:
            pgconn.consume_input()  # and sends what is left to send, in this mode
            while not pgconn.is_busy():
                result = pgconn.get_result()
                if result is None:  # the statement's results are all in
                    waiter, self.waiter, results, self.results = self.waiter, None, self.results, []
                    if not waiter.done():
                        waiter.set_result(results)
                    return
                self.results.append(result)
        except Exception as exc:  # the server went away
            self._fail(exc)
        if not self.broken and self.pgconn.status == ConnStatus.BAD:
            self._fail(OperationalError("the database server closed the connection"))

    def _fail(self, exc: Exception) -> None:
        self._forget()
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)

    def _forget(self) -> None:
        """Stop watching the socket (which libpq may have closed already)."""
        self.broken = True
        for remove in (self.loop.remove_writer, self.loop.remove_reader):
            try:
                remove(self.fd)
            except OSError:
                pass  # closed: the selector has let go of it

    async def one(self, sql: str, params: Any) -> Result:
        """One statement: prepared on first use, then only run (see driver.Prepared)."""
        prepared, pgconn = self.prepared, self.pgconn
        bound = prepared.bind(sql, params)

        def whole() -> None:
            pgconn.send_query_params(bound.query, bound.values, bound.types, bound.formats)

        if bound.prepare:
            try:
                made = _only(await self._send(
                    lambda: pgconn.send_prepare(bound.name, bound.query, bound.types)))
            except OperationalError as exc:  # lost before the statement itself was sent
                raise NotSent(str(exc)) from exc
            prepared.made(bound, made)
        if bound.name is None:
            return prepared.result(_only(await self._send(whole)))
        result = _only(await self._send(
            lambda: pgconn.send_query_prepared(bound.name, bound.values, bound.formats)))
        if prepared.stale(result):  # the server ran nothing (see driver.Prepared)
            if stale := prepared.deallocate(bound, result):
                prepared.result(_only(await self._send(
                    lambda: pgconn.send_query_params(stale, []))))
            result = _only(await self._send(whole))
        return prepared.result(result)

    def close(self) -> None:
        if not self.broken:
            self._forget()
        self.pgconn.finish()


class NotSent(OperationalError):
    """The connection was lost before a statement was sent: nothing of it ran."""


class LoopConnections:
    """The connections that turns on one event loop wait on: at most ``size`` turns run
    statements at once, each on a connection of its own (opened when first needed, in a
    thread, so that connecting does not block the loop)."""

    def __init__(self, driver: Driver, size: int) -> None:
        self.driver, self.size = driver, size
        self.loop: asyncio.AbstractEventLoop | None = None
        self.free: list[LoopConnection] = []
        self.slots: asyncio.Semaphore | None = None
        self.generation = 0  # connections opened before close() are not used again

    def _here(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if loop is not self.loop:  # a new loop (tests run one each): start afresh
            self.close()
            self.loop, self.slots = loop, asyncio.Semaphore(self.size)
        return loop

    async def _open(self, loop: asyncio.AbstractEventLoop) -> LoopConnection:
        def connect() -> Any:
            raw = self.driver.engine.raw_connection()
            connection = raw.driver_connection
            raw.detach()
            connection.autocommit = True
            return connection

        generation = self.generation
        opening = loop.run_in_executor(None, connect)
        try:
            opened = await asyncio.shield(opening)
        except asyncio.CancelledError:  # close it once open, rather than leave it to the GC
            opening.add_done_callback(
                lambda done: None if done.cancelled() or done.exception()
                else done.result().close())
            raise
        connection = LoopConnection(opened, self.driver, loop)
        connection.generation = generation
        return connection

    async def _take(self, loop: asyncio.AbstractEventLoop) -> LoopConnection:
        """An idle connection, or a new one; never one the server is known to have closed
        (the loop reads what the server sends an idle connection as its end), so no write
        is sent to a connection known dead."""
        while self.free:
            connection = self.free.pop()
            if not connection.dead:
                return connection
            connection.close()
        return await self._open(loop)

    async def run(self, statement: Statement) -> Result:
        """Run one statement, a transaction of its own."""
        from assistant.store.driver import _reads_only

        loop = self._here()
        assert self.slots is not None
        async with self.slots:
            for attempt in (1, 2):
                connection = await self._take(loop)
                try:
                    result = await connection.one(*statement)
                except NotSent:
                    connection.close()
                    if attempt == 2:
                        raise
                    continue  # nothing of it ran: safe to send on a new connection
                except Exception:
                    if not connection.dead:
                        self._give_back(connection)
                        raise
                    # The server dropped it (a restart, a failover); the loop has seen any
                    # other it dropped, and _take skips those.
                    connection.close()
                    if attempt == 2 or not _reads_only([statement]):
                        raise
                    log.warning("database connection lost; reading again on a new one")
                    continue
                except BaseException:  # cancelled (the client went away): state unknown
                    connection.close()
                    raise
                self._give_back(connection)
                return result
        raise AssertionError("unreachable")

    def _give_back(self, connection: LoopConnection) -> None:
        if connection.dead or connection.generation != self.generation:
            connection.close()
        else:
            self.free.append(connection)

    def close(self) -> None:
        """Close the idle connections (one in use closes when its statement ends). From
        another thread while the loop runs (an engine disposed of), the loop closes them."""
        loop = self.loop
        if loop is not None and loop.is_running():
            try:
                here = asyncio.get_running_loop()
            except RuntimeError:
                here = None
            if here is not loop:
                loop.call_soon_threadsafe(self.close)
                return
        free, self.free = self.free, []
        self.generation += 1
        for connection in free:
            if loop is not None and not loop.is_closed():
                connection.close()
            else:  # its loop is gone, and with it what the loop knew of the connection
                connection.broken = True
                connection.pgconn.finish()


def _only(results: list[Any]) -> Any:
    [result] = results
    return result
