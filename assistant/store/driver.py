"""Plain SQL on the database driver's own connection, for the statements every turn runs.

A turn is the hot path of every channel. SQLAlchemy adds 50-170 microseconds to each
statement, and on PostgreSQL each statement is a round trip as well. Here a turn is one read
and one write, each a single :meth:`Driver.run`: on SQLite one ``BEGIN IMMEDIATE ... COMMIT``;
on PostgreSQL the write is one statement, its parts the WITH queries of :meth:`Driver.as_one`.
Other statements that go together on PostgreSQL are one pipeline, sent in one round trip and
run as one transaction (the statements before a Sync message commit together, or not at all).
The SQL is the same on both databases (``ON CONFLICT``, ``RETURNING``) but for how the turn's
write is put together; values are encoded by the columns' own SQLAlchemy types, so the rows
are exactly what the ORM writes and reads.

On PostgreSQL a single statement is one call into libpq, prepared once per connection
(:meth:`Driver._one_call`): a cursor's execute spent 85-94 us of CPU on a read by key where
the one call spends 38, and it lets go of Python's lock once rather than at every step of its
wait. With turns in four threads that cut a JSON API turn from 1.03 to 0.77 ms of CPU
(in-process, measured 2026-12-03). A prepared statement's name is a hash of its text and
parameter types, so it never means another statement, on a connection or behind a pooler;
one the server has dropped or can no longer run (a column changed type) is sent whole.
Behind PgBouncer in transaction mode, use 1.21 or later with ``max_prepared_statements``,
or psycopg's own switch for poolers, ``prepare_threshold=None``, which turns this off too.

In `serve` a turn runs on the event loop instead (loop_postgres.py): :meth:`Driver.run` sends
its statements on a non-blocking connection and waits there, prepared the same way
(:class:`Prepared`).

Each thread keeps one connection of its own for these statements, opened by the engine (with
its settings) and taken out of the pool: a pool's checkout and return cost more than a turn's
read on SQLite (2 x 9 us), and on PostgreSQL (with the switch into autocommit and back) 73 us
a statement. Disposing of the engine makes every thread open a fresh one. On PostgreSQL a
connection idle for ALIVE_BYPASS_SECONDS is pinged before use, as the pool does (db.py), and
one that the server dropped is replaced, the statements run again where that is safe.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Column, event
from sqlalchemy.engine import Engine

from assistant.store.db import ALIVE_BYPASS_SECONDS, NO_SESSION
from assistant.store.loop_postgres import (
    LoopConnections,
    loop_turn,
    may_block,
    run_statements,
    waits_on_loop,
)

_PARAM = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")

Params = Mapping[str, Any]
Statement = tuple[str, Params | list[Params]]
"""SQL with ``:name`` parameters, and its parameters (a list: run once for each)."""
Part = tuple[str, str, Params | list[Params]]
"""A named statement of :meth:`Driver.as_one`: its name, its SQL, its parameters."""


class Result(NamedTuple):
    rows: list[tuple[Any, ...]]
    rowcount: int


class Driver:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self.integrity_error: type[Exception] = engine.dialect.loaded_dbapi.IntegrityError
        """What the driver raises when a statement breaks a unique constraint."""
        self._sql: dict[str, str] = {}
        self._numbered: dict[str, tuple[bytes, list[str]]] = {}
        self._together: dict[tuple[Any, ...], str] = {}
        self._own = threading.local()  # this thread's connection, its generation, last use
        self._generation = 0
        self._on_loop: LoopConnections | None = None
        event.listen(engine, "engine_disposed", self._forget_connections)

    def _forget_connections(self, engine: Engine) -> None:
        self._generation += 1
        if self._on_loop is not None:
            self._on_loop.close()

    def on_loop(self, size: int) -> LoopConnections:
        """PostgreSQL: the connections for turns run on an event loop (loop_postgres.py), at
        most ``size`` statements at once."""
        if self._on_loop is None:
            self._on_loop = LoopConnections(self, size)
        return self._on_loop

    def _connection(self) -> Any:
        """This thread's own connection (see the module's docstring)."""
        own = self._own
        if getattr(own, "generation", None) == self._generation:
            if not self.postgres or time.monotonic() - own.used < ALIVE_BYPASS_SECONDS:
                return own.connection
            try:
                self.engine.dialect.do_ping(own.connection)
                return own.connection
            except Exception:
                pass  # gone: open another
        self._drop_connection()
        raw = self.engine.raw_connection()
        own.connection, own.generation = raw.driver_connection, self._generation
        own.used = time.monotonic()
        raw.detach()
        if self.postgres:
            own.connection.autocommit = True  # no BEGIN or COMMIT of psycopg's: a round trip
        return own.connection

    def _drop_connection(self) -> None:
        connection = getattr(self._own, "connection", None)
        self._own.connection = self._own.generation = None
        if connection is not None:
            try:
                connection.close()
            except Exception:
                pass  # already broken; nothing to release

    def encoder(self, column: Column[Any]) -> Callable[[Any], Any]:
        """How ``column``'s type turns a Python value into what the driver is given."""
        dialect = self.engine.dialect
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        return process or (lambda value: value)

    def sql(self, text: str) -> str:
        """``text`` with its ``:name`` parameters in the driver's own style."""
        if not self.postgres:
            return text
        if text not in self._sql:
            self._sql[text] = _PARAM.sub(r"%(\1)s", text.replace("%", "%%"))
        return self._sql[text]

    def _positional(self, text: str) -> tuple[bytes, list[str]]:
        """``text`` with ``$1, $2 ...`` for its ``:name`` parameters, and the names in order."""
        found = self._numbered.get(text)
        if found is None:
            names: list[str] = []

            def number(match: re.Match[str]) -> str:
                if match[1] not in names:
                    names.append(match[1])
                return f"${names.index(match[1]) + 1}"

            found = self._numbered[text] = (_PARAM.sub(number, text).encode(), names)
        return found

    def as_one(self, parts: Sequence[Part], select: str) -> Statement:
        """PostgreSQL: ``parts`` as the WITH queries of one statement that ends in ``select``:
        one execution and one transaction, for less client CPU than a pipeline of as many
        statements. A part is named and may read an earlier part by its name (the rows it
        returns); its parameters are renamed ``<name>_<parameter>``, and a list of parameters
        makes one part for each, named ``<name>_<i>``. All parts see the database as it was
        when the statement began: none reads what another writes but through RETURNING."""
        flat: list[tuple[str, str, Params]] = []
        for name, sql, params in parts:
            if isinstance(params, list):
                flat.extend((f"{name}_{i}", sql, p) for i, p in enumerate(params))
            else:
                flat.append((name, sql, params))
        key = (tuple((name, sql) for name, sql, _ in flat), select)
        text = self._together.get(key)
        if text is None:
            names = [f"{name}_{k}" for name, _, params in flat for k in params]
            if len(set(names)) != len(names):
                raise ValueError(f"parts' parameters collide once renamed: {sorted(names)}")
            queries = [f"{name} AS ({_renamed(sql, name)})" for name, sql, _ in flat]
            text = self._together[key] = f"WITH {', '.join(queries)} {select}"
        return text, {f"{name}_{k}": v for name, _, params in flat for k, v in params.items()}

    def as_one_if_first(self, parts: Sequence[Part]) -> Statement:
        """PostgreSQL: ``parts`` as one statement (:meth:`as_one`) that fails whole unless
        the first part, which must end in RETURNING, changes exactly one row; run it with
        ``first_changes_one``."""
        return self.as_one(parts, f"SELECT assistant_one_session(count(*)) FROM {parts[0][0]}")

    def run(self, statements: Sequence[Statement], *, write: bool = False,
            first_changes_one: bool = False) -> list[Result]:
        """Run ``statements`` in order and return their results. With ``write`` they form one
        transaction, which on SQLite takes the write lock first. On PostgreSQL several
        statements always go as one pipeline: one round trip, one transaction. With
        ``first_changes_one``, a first statement that changes no row (on PostgreSQL: the first
        part of an :meth:`as_one_if_first` statement) leaves nothing written, and raises
        LookupError."""
        if not self.postgres:
            return self._sqlite(self._connection(), statements, write, first_changes_one)
        try:
            return self._on_postgres(statements, write)
        except Exception as exc:
            if first_changes_one and getattr(exc, "sqlstate", None) == NO_SESSION:
                raise LookupError("the first statement changed no row") from None
            raise

    def _on_postgres(self, statements: Sequence[Statement], write: bool) -> list[Result]:
        if (turn := loop_turn(self)) is not None:  # a turn on the event loop
            if waits_on_loop(statements):
                return run_statements(turn, statements, write)  # waits there
            may_block()  # a pipeline blocks: in a worker thread, if the turn can move
            turn.wrote = True
        for attempt in (1, 2):
            connection = self._connection()
            try:
                results = self._postgres(connection, statements)
                self._own.used = time.monotonic()
                return results
            except Exception:
                if not connection.broken:
                    raise
                # The server dropped the connection (a restart, a failover): drop it, and
                # have every thread and the pool renew theirs, which went the same way.
                # Reads are safe to run again.
                self._drop_connection()
                self.engine.dispose(close=False)
                if attempt == 2 or not _reads_only(statements):
                    raise
        raise AssertionError("unreachable")

    def _sqlite(self, connection: Any, statements: Sequence[Statement], write: bool,
                first_changes_one: bool = False) -> list[Result]:
        # The connection is in autocommit mode (see db.py): each statement commits on its own
        # unless we begin a transaction here.
        cursor = connection.cursor()  # each result is fetched before the next statement
        if not write:
            return [_result(cursor, sql, params) for sql, params in statements]
        cursor.execute("BEGIN IMMEDIATE")
        try:
            results = []
            for sql, params in statements:
                results.append(_result(cursor, sql, params))
                if first_changes_one and len(results) == 1 and results[0].rowcount != 1:
                    raise LookupError("the first statement changed no row")
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")
        return results

    def _postgres(self, connection: Any, statements: Sequence[Statement]) -> list[Result]:
        if len(statements) == 1:
            sql, params = statements[0]
            if isinstance(params, list):
                return [_result(connection.cursor(), self.sql(sql), params)]
            return [self._one_call(connection, sql, params)]
        cursors = []
        with connection.pipeline():
            for sql, params in statements:
                cursor = connection.cursor()
                _send(cursor, self.sql(sql), params)
                cursors.append(cursor)
        # Leaving the pipeline sent one Sync: every statement has run, in one transaction.
        return [_fetch(cursor) for cursor in cursors]

    def _one_call(self, connection: Any, sql: str, params: Params) -> Result:
        """One statement as one call into libpq, which sends it, waits for the server and
        reads the result without Python's lock: a cursor's execute takes and gives up that
        lock at each step of its wait, and with turns in several threads those handoffs cost
        more CPU than the statement (see the module's docstring)."""
        own = self._own
        if getattr(own, "adapt_for", None) is not connection:
            own.adapt_for, own.prepared = connection, Prepared(self, connection)
        prepared: Prepared = own.prepared
        pgconn = connection.pgconn
        bound = prepared.bind(sql, params)
        if bound.prepare:
            prepared.made(bound, pgconn.prepare(bound.name, bound.query, bound.types))
        if bound.name is None:
            result = pgconn.exec_params(bound.query, bound.values, bound.types, bound.formats)
        else:
            result = pgconn.exec_prepared(bound.name, bound.values, bound.formats)
            if prepared.stale(result):
                if stale := prepared.deallocate(bound, result):
                    _checked(pgconn.exec_params(stale, []), connection)
                result = pgconn.exec_params(bound.query, bound.values, bound.types,
                                            bound.formats)
        return prepared.result(result)


class Bound(NamedTuple):
    """A statement ready for libpq: the query, its values, their types and formats; the
    name it is prepared under (None: sent whole), and whether to prepare it first."""

    query: bytes
    values: Sequence[Any]
    types: Sequence[int]
    formats: Sequence[Any]
    key: tuple[bytes, Sequence[int]]
    name: bytes | None
    prepare: bool


class Prepared:
    """One PostgreSQL connection's statements: its parameters and rows are converted by
    psycopg's own adapters, as a cursor would, and each statement is prepared on first use
    (once for each set of parameter types) and then only run. Shared by the blocking calls
    (:meth:`Driver._one_call`) and the event loop's (loop_postgres.py)."""

    def __init__(self, driver: Driver, connection: Any) -> None:
        from psycopg.adapt import Transformer

        self.driver, self.connection = driver, connection
        self.transformer = Transformer(connection)
        self.names: dict[tuple[bytes, Sequence[int]], bytes] = {}

    def bind(self, sql: str, params: Params) -> Bound:
        from psycopg.adapt import PyFormat

        transformer = self.transformer
        query, names = self.driver._positional(sql)
        values = transformer.dump_sequence([params[n] for n in names],
                                           [PyFormat.AUTO] * len(names))
        types, formats = transformer.types or (), transformer.formats
        key = (query, types)
        name = self.names.get(key)
        prepare = (name is None and len(self.names) < _PREPARED_MAX
                   and bool(_PREPARABLE.match(sql))
                   and self.connection.prepare_threshold is not None)  # None: "never"
        if prepare:
            name = _prepared_name(query, types)
        return Bound(query, values, types, formats, key, name, prepare)

    def made(self, bound: Bound, result: Any) -> None:
        """Note that ``bound`` is prepared, once the server has answered ``result``."""
        if _sqlstate(result) != _ALREADY_PREPARED:  # by its name, this very statement
            _checked(result, self.connection)
        assert bound.name is not None
        self.names[bound.key] = bound.name

    def stale(self, result: Any) -> bool:
        """Whether ``result`` says the server dropped the prepared statement (DEALLOCATE), or
        its result's columns changed type (ALTER TABLE): a failed Bind ran nothing, so the
        statement is to be sent whole, and prepared afresh next time."""
        return _sqlstate(result) in (_NO_SUCH_PREPARED, _PLAN_CHANGED)

    def deallocate(self, bound: Bound, result: Any) -> bytes | None:
        """Forget a stale statement; the command that drops it on the server, if it is still
        there."""
        del self.names[bound.key]
        if _sqlstate(result) == _PLAN_CHANGED:
            assert bound.name is not None
            return b"DEALLOCATE " + bound.name
        return None

    def result(self, result: Any) -> Result:
        """The rows of a statement's ``result``, or its error raised."""
        _checked(result, self.connection)
        if not result.nfields:
            return Result([], _rowcount(result))
        self.transformer.set_pgresult(result)
        return Result(self.transformer.load_rows(0, result.ntuples, tuple), _rowcount(result))


_PREPARED_MAX = 64
"""Statements one connection prepares; beyond that they are sent whole each time."""
_PREPARABLE = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)
_NO_SUCH_PREPARED = "26000"
"""invalid_sql_statement_name: the server no longer has a statement prepared before."""
_ALREADY_PREPARED = "42P05"
"""duplicate_prepared_statement: a statement of that name, so this one, is prepared."""
_PLAN_CHANGED = "0A000"
"""feature_not_supported, as in "cached plan must not change result type"."""


def _prepared_name(query: bytes, types: Sequence[int]) -> bytes:
    """A name that only this statement with these parameter types can have: on a
    connection, or behind a pooler that hands a client another server connection, a name
    never means another statement."""
    digest = hashlib.blake2b(query + repr(tuple(types)).encode(), digest_size=12)
    return b"assistant_" + digest.hexdigest().encode()


def _sqlstate(result: Any) -> str | None:
    from psycopg.pq import DiagnosticField

    state = result.error_field(DiagnosticField.SQLSTATE)
    return state.decode() if state else None


def _checked(result: Any, connection: Any) -> None:
    """Raise the error a failed result holds, as psycopg's own exception for it."""
    from psycopg import OperationalError
    from psycopg.errors import error_from_result
    from psycopg.pq import ConnStatus, ExecStatus

    if result.status not in (ExecStatus.COMMAND_OK, ExecStatus.TUPLES_OK):
        error = error_from_result(result, encoding=connection.info.encoding)
        if connection.pgconn.status == ConnStatus.BAD:  # the server went away, as a cursor says
            raise OperationalError(str(error)) from error
        raise error


def _rowcount(result: Any) -> int:
    tuples = result.command_tuples
    return tuples if tuples is not None else -1


def _renamed(sql: str, prefix: str) -> str:
    return _PARAM.sub(lambda m: f":{prefix}_{m[1]}", sql)


def _reads_only(statements: Sequence[Statement]) -> bool:
    return all(sql.lstrip().upper().startswith("SELECT") for sql, _ in statements)


def _send(cursor: Any, sql: str, params: Params | list[Params]) -> None:
    if isinstance(params, list):
        if params:
            cursor.executemany(sql, params)
    else:
        cursor.execute(sql, params)


def _fetch(cursor: Any) -> Result:
    return Result(cursor.fetchall() if cursor.description else [], cursor.rowcount)


def _result(cursor: Any, sql: str, params: Params | list[Params]) -> Result:
    _send(cursor, sql, params)
    return _fetch(cursor)
