"""`serve` on PostgreSQL runs turns on its event loop (store/loop_postgres.py): the answers
are the ones the blocking core gives, a turn that reaches the ORM (a booking) moves to a
thread, and lost, cancelled or forgotten connections and statements do not fail a turn."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session as DB
from sqlmodel import select

from assistant.channels.web import make_app, render_json
from assistant.conversation import Conversation
from assistant.store import loop_postgres
from assistant.store.db import make_engine
from assistant.store.demo import seed_demo
from assistant.store.loop_postgres import LoopConnections, run_on_loop
from assistant.store.models import Booking
from assistant.store.sessions import SessionStore

from .conftest import NOW, PG_BASE

BOOKING = ["1", "2", "1", "1", "1", "Anna Jensen", "22334455", "1"]


@pytest.fixture
def store(pg_url: str) -> Iterator[SessionStore]:
    engine = make_engine(pg_url)
    seed_demo(engine)
    yield SessionStore(engine)
    engine.dispose()


class OnLoop:
    """Runs blocking code as `serve` runs a turn, on one event loop for the whole test."""

    def __init__(self, store: SessionStore) -> None:
        self.loop = asyncio.new_event_loop()
        self.connections = LoopConnections(store.driver, 2)

    def __call__(self, work: Callable[[], Any]) -> Any:
        """What ``work`` returns; a turn that hangs fails the test instead."""
        return self.loop.run_until_complete(
            asyncio.wait_for(run_on_loop(work, self.connections), timeout=60))

    def until(self, done: Callable[[], bool]) -> None:
        """Let the loop run until ``done()`` (what it waits for has happened already)."""

        async def wait() -> None:
            for _ in range(10_000):
                if done():
                    return
                await asyncio.sleep(0)
            raise AssertionError("the loop never saw it")

        self.loop.run_until_complete(wait())


@pytest.fixture
def on_loop(store: SessionStore) -> Iterator[OnLoop]:
    running = OnLoop(store)
    yield running
    running.connections.close()
    running.loop.close()


def terminate(pids: list[int]) -> None:
    admin = create_engine(PG_BASE)
    with admin.begin() as conn:
        for pid in pids:
            conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    admin.dispose()


async def test_a_booking_through_the_api_answers_as_the_blocking_core_does(
        content, store: SessionStore, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Turns run on the loop, and those that reach the ORM (the free times, the booking) in
    a thread: the citizen gets the answers that plain blocking code gives, and one booking."""
    on_loop = moved = 0
    run_statements, may_block = loop_postgres.run_statements, loop_postgres.may_block

    def counted(*args: Any) -> Any:
        nonlocal on_loop
        on_loop += 1
        return run_statements(*args)

    def noted() -> None:
        nonlocal moved
        try:
            may_block()
        except loop_postgres.NeedsThread:
            moved += 1
            raise

    monkeypatch.setattr("assistant.store.driver.run_statements", counted)
    monkeypatch.setattr("assistant.store.orm.may_block", noted)
    monkeypatch.setattr("assistant.conversation.may_block", noted)
    reference = make_engine(f"sqlite:///{tmp_path}/reference.sqlite3")
    seed_demo(reference)
    blocking, _ = Conversation.open(content, SessionStore(reference), "test:reference", "web",
                                    "uk", now=lambda: NOW)
    expected = [render_json(blocking.handle(text), "uk") for text in BOOKING]
    reference.dispose()

    app = make_app(content, store, now=lambda: NOW)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://kiosk") as client:
        token = (await client.post("/api/sessions", json={"lang": "uk"})).json()["session"]
        got = [(await client.post(f"/api/sessions/{token}/messages", json={"text": t})).json()
               for t in BOOKING]
    assert [_no_code(reply["reply"]) for reply in got] == [_no_code(r) for r in expected]
    with DB(store.engine) as db:
        assert len(db.exec(select(Booking).where(Booking.name == "Anna Jensen")).all()) == 1
    assert on_loop >= 2 * len(BOOKING) - 2 and moved >= 2


def _no_code(reply: list) -> str:
    """A reply, but for its booking code (a new one each time)."""
    return re.sub(r"\b[A-Z2-9]{6}\b", "CODE", json.dumps(reply, ensure_ascii=False))


def test_turns_go_on_when_the_server_drops_the_loops_connections(
        content, store: SessionStore, on_loop: OnLoop) -> None:
    """A restart kills every connection: the loop sees each one close, so no write is sent
    to one of them, and the next turn reads and writes on new ones: the citizen notices
    nothing."""
    key = f"test:{uuid.uuid4().hex}"
    on_loop(lambda: Conversation.open(content, store, key, "web", "en", now=lambda: NOW))
    async def on_two_connections() -> list:
        return await asyncio.gather(*(on_loop.connections.run(("SELECT pg_backend_pid()", {}))
                                      for _ in range(2)))

    pids = [found.rows[0][0] for found in on_loop.loop.run_until_complete(on_two_connections())]
    idle = list(on_loop.connections.free)
    assert len(set(pids)) == len(idle) == 2
    terminate(pids)
    on_loop.until(lambda: all(connection.dead for connection in idle))
    touch = ("UPDATE sessions SET updated_at = updated_at WHERE \"key\" = :key", {"key": key})
    assert on_loop(lambda: store.driver.run([touch], write=True))[0].rowcount == 1

    def turn() -> int:
        convo = Conversation.load(content, store, key, now=lambda: NOW)
        assert convo is not None
        convo.handle("staff")
        return convo.version

    assert on_loop(turn) == 1
    assert on_loop(lambda: store.driver.run([("SELECT pg_backend_pid()", {})])[0].rows[0][0]
                   ) not in pids


def test_a_write_on_a_connection_lost_mid_statement_fails_as_a_lost_connection(
        store: SessionStore, on_loop: OnLoop) -> None:
    """A write whose connection dies under it is not run again (it may have run): it fails
    with OperationalError, as the blocking driver's does, and the next statement runs."""
    with store.engine.begin() as db:
        db.execute(text("CREATE SEQUENCE tries"))
    # Its first run kills its connection; run again, it would write its row.
    write = ("INSERT INTO sms_messages (sid, created_at) SELECT :sid, now() WHERE CASE "
             "WHEN nextval('tries') > 1 THEN true ELSE pg_terminate_backend(pg_backend_pid()) "
             "END", {"sid": "SMgone"})
    with pytest.raises(psycopg.OperationalError):
        on_loop(lambda: store.driver.run([write], write=True))
    count = ("SELECT count(*) FROM sms_messages WHERE sid = :sid", {"sid": "SMgone"})
    assert on_loop(lambda: store.driver.run([count]))[0].rows == [(0,)]


def test_a_statement_cancelled_while_it_runs_leaves_no_connection_behind(
        store: SessionStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A request cancelled while its statement runs (the client went away) closes that
    connection, whose state is unknown; the next statement runs on another."""
    connections, opened = LoopConnections(store.driver, 1), []
    open_connection = connections._open

    async def recorded(loop: asyncio.AbstractEventLoop) -> Any:
        opened.append(await open_connection(loop))
        return opened[-1]

    monkeypatch.setattr(connections, "_open", recorded)

    async def main() -> None:
        slow = asyncio.ensure_future(connections.run(("SELECT pg_sleep(5)", {})))
        while not (opened and opened[0].waiter):
            await asyncio.sleep(0)  # until it has sent the statement: no timing involved
        slow.cancel()
        with pytest.raises(asyncio.CancelledError):
            await slow
        assert opened[0].broken and connections.free == []
        assert (await connections.run(("SELECT 1", {}))).rows == [(1,)]
        assert len(opened) == 2

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(main())
    finally:
        connections.close()
        loop.close()


def test_prepared_statements_the_server_forgot_or_cannot_run_are_sent_whole(
        store: SessionStore, on_loop: OnLoop, table_of_seven: str) -> None:
    """On the loop too, a statement is prepared once; one the server dropped (DEALLOCATE)
    or can no longer run (a column changed type) is sent whole instead of failing."""
    read = (f"SELECT v FROM {table_of_seven} WHERE v = :v", {"v": 7})
    assert on_loop(lambda: store.driver.run([read]))[0].rows == [(7,)]
    on_loop(lambda: store.driver.run([("DEALLOCATE ALL", {})]))
    assert on_loop(lambda: store.driver.run([read]))[0].rows == [(7,)]
    with store.engine.begin() as db:
        db.execute(text(f"ALTER TABLE {table_of_seven} ALTER COLUMN v TYPE bigint"))
    for _ in range(2):
        assert on_loop(lambda: store.driver.run([read]))[0].rows == [(7,)]


def test_a_statement_bigger_than_the_sockets_buffer_is_sent_whole(
        store: SessionStore, on_loop: OnLoop) -> None:
    """What the socket cannot take at once is sent as it can: the turn neither hangs nor
    holds up the loop meanwhile."""
    big = "æ" * 4_000_000  # 8 MB as UTF-8, more than a socket's buffer
    for _ in range(2):  # prepared, then only run
        found = on_loop(lambda: store.driver.run([("SELECT length(:s)", {"s": big})]))
        assert found[0].rows == [(4_000_000,)]
