"""Storage on SQLite and PostgreSQL: turns persisted, sessions resumed, no CPR stored."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import uuid

from sqlmodel import Session as DB
from sqlmodel import select as sql_select

from assistant.conversation import Conversation
from assistant.store.db import make_engine
from assistant.store.demo import seed_demo
from assistant.store.models import CallbackRequest, OpeningHours, Session, Staff, Turn
from assistant.store.sessions import SessionStore
from assistant.text import pick

from .conftest import NOW


def test_wal_and_foreign_keys_on_sqlite(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_demo_data_is_seeded_once(db_url: str) -> None:
    engine = make_engine(db_url)
    assert seed_demo(engine) is True
    assert seed_demo(engine) is False
    with DB(engine) as db:
        assert len(db.exec(sql_select(Staff)).all()) == 4
        assert len(db.exec(sql_select(OpeningHours)).all()) == 5


def test_every_turn_is_persisted_and_the_session_resumes(db_url: str, content) -> None:
    store = SessionStore(make_engine(db_url))
    key = f"test:{uuid.uuid4().hex}"
    convo, _ = Conversation.open(content, store, key, "text", "en", now=lambda: NOW)
    convo.handle("staff")
    convo.handle("2")
    convo.handle("Anna Jensen")
    # a new process: the same key resumes at the phone question with the name kept
    again, opening = Conversation.open(content, SessionStore(make_engine(db_url)), key, "text",
                                       now=lambda: NOW)
    shown = " ".join(pick(o.text, "en") for o in opening if hasattr(o, "text"))
    assert "Welcome back" in shown and "Which phone number should we call?" in shown
    assert again.state.flow["answers"] == {"how": "callback", "name": "Anna Jensen"}
    again.handle("22334455")
    again.handle("1")
    again.handle("1")
    turns = store.turns(again.session_id)
    assert [t.seq for t in turns] == [1, 2, 3, 4, 5, 6]
    with DB(store.engine) as db:
        request = db.exec(sql_select(CallbackRequest)).one()
    assert (request.kind, request.name, request.phone, request.topic) == (
        "callback", "Anna Jensen", "+4522334455", "meeting")


def test_a_new_session_is_stored_as_the_orm_reads_it(db_url: str) -> None:
    """A session is created in one statement (sessions.py), and reads back through the ORM
    with every field set: the retention purge finds it by updated_at."""
    import datetime as dt

    from assistant.store.models import utcnow

    store = SessionStore(make_engine(db_url))
    before = utcnow()
    session_id = store.create("web:new", "web", "uk", {"lang": "uk", "flow": None})
    with DB(store.engine) as db:
        row = db.get(Session, session_id)
    assert (row.key, row.channel, row.lang, row.turns) == ("web:new", "web", "uk", 0)
    assert row.state == '{"lang":"uk","flow":null}'
    assert row.created_at == row.updated_at
    assert before - dt.timedelta(seconds=1) <= row.created_at <= utcnow()
    assert store.load("web:new").id == session_id
    store.engine.dispose()


def test_cpr_numbers_are_never_stored(db_url: str, content) -> None:
    store = SessionStore(make_engine(db_url))
    convo, _ = Conversation.open(content, store, "test:cpr", "text", "da", now=lambda: NOW)
    out = convo.handle("mit cpr er 010190-1234 hjælp")
    assert "CPR" in pick(out[0].text, "da")
    convo.handle("staff")
    convo.handle("2")
    convo.handle("Ole 0101901234")
    with DB(store.engine) as db:
        stored = " ".join(t.input + t.reply for t in db.exec(sql_select(Turn)))
    assert "010190" not in stored and "0101901234" not in stored
    assert "[CPR fjernet]" in stored


class BlockReader:
    """Reads reply blocks (ended by an empty line) from a child's stdout without blocking
    forever: select() on the raw descriptor, with a generous timeout."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        self.fd = proc.stdout.fileno()
        self.buffer = b""

    def block(self, timeout: float = 60.0) -> str:
        while b"\n\n" not in self.buffer:
            ready, _, _ = select.select([self.fd], [], [], timeout)
            assert ready, f"no reply within {timeout}s; got {self.buffer!r}"
            chunk = os.read(self.fd, 65536)
            assert chunk, f"process ended early; got {self.buffer!r}"
            self.buffer += chunk
        block, self.buffer = self.buffer.split(b"\n\n", 1)
        return block.decode("utf-8")


def _chat(db_url: str, session: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.Popen(
        [sys.executable, "-m", "assistant", "chat", "--db", db_url, "--session", session,
         "--lang", "en"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
    )


def test_session_resumes_after_sigkill_mid_flow(db_url: str) -> None:
    session = f"kill-{uuid.uuid4().hex[:8]}"
    proc = _chat(db_url, session)
    assert proc.stdin is not None
    reader = BlockReader(proc)
    try:
        proc.stdin.write(b"5\n")
        proc.stdin.flush()
        assert "How old are you?" in reader.block()
        proc.stdin.write(b"30\n")
        proc.stdin.flush()
        assert "What fits you best right now?" in reader.block()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    proc = _chat(db_url, session)
    raw, _ = proc.communicate(b"2\n3\n", timeout=120)
    assert proc.returncode == 0
    out = raw.decode("utf-8")
    blocks = out.split("\n\n")
    assert "What education do you have?" in blocks[0], out
    assert "Have you been unemployed for at least 6 months?" in blocks[1], out


def test_flow_statistics_count_exactly_when_turns_race(db_url: str, content) -> None:
    """Eight processes' worth of turns create and bump the same daily counters at once; an
    event counted twice in one turn counts twice. No count is lost, no turn fails."""
    import datetime as dt
    from concurrent.futures import ThreadPoolExecutor

    from assistant.reports import flow_statistics

    store = SessionStore(make_engine(db_url))
    ids = [store.create(f"race:{uuid.uuid4().hex}", "text", "en", {}) for _ in range(8)]
    counts = [("book", "started", ""), ("book", "left", "when"), ("book", "left", "when")]

    def turns(session_id: str) -> None:
        for _ in range(5):
            store.record_turn(session_id, "x", [], {}, "en", counts=counts, day=NOW.date())

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(turns, ids))
    [book] = flow_statistics(store.engine, NOW.date() - dt.timedelta(days=1))
    assert (book.flow_id, book.started, book.left_at) == ("book", 40, {"when": 80})
    assert [t.seq for t in store.turns(ids[0])] == [1, 2, 3, 4, 5]


def test_a_turn_of_a_session_erased_meanwhile_writes_nothing(db_url: str) -> None:
    """A conversation erased (privacy delete) while one of its turns was being answered:
    the turn fails whole. No statistics, and no SMS reply kept for a turn never saved."""
    import pytest
    from sqlalchemy import text

    from assistant.store.models import FlowStat, SmsMessage

    store = SessionStore(make_engine(db_url))
    session_id = store.create(f"erased:{uuid.uuid4().hex}", "sms", "en", {})
    with store.engine.begin() as db:
        db.execute(text("DELETE FROM sessions WHERE id = :id"), {"id": session_id})
    keep_reply = ("INSERT INTO sms_messages (sid, created_at, reply) VALUES (:sid, :now, :reply)",
                  {"sid": "SMerased", "now": store._time(NOW), "reply": "hello"})
    from assistant.store.sessions import SessionGone

    with pytest.raises(SessionGone):
        store.record_turn(session_id, "1", [], {}, "en", counts=[("book", "started", "")],
                          also=[keep_reply])
    with DB(store.engine) as db:
        assert db.exec(sql_select(FlowStat)).all() == []
        assert db.exec(sql_select(SmsMessage)).all() == []
        assert db.exec(sql_select(Turn)).all() == []
    store.engine.dispose()


def test_a_write_that_fails_leaves_nothing_and_the_pool_stays_transactional(db_url: str) -> None:
    """The hot path's statements commit together or not at all (on PostgreSQL: one pipeline,
    one transaction), and a connection goes back to the pool as the ORM expects it."""
    import pytest
    from sqlalchemy.exc import DBAPIError

    store = SessionStore(make_engine(db_url))
    session_id = store.create(f"atomic:{uuid.uuid4().hex}", "text", "en", {})
    with pytest.raises(Exception) as failed:
        store.driver.run([
            ("UPDATE sessions SET turns = 99 WHERE id = :session", {"session": session_id}),
            ("INSERT INTO no_such_table (x) VALUES (:x)", {"x": 1}),
        ], write=True)
    assert not isinstance(failed.value, AssertionError | DBAPIError)  # the driver's own error
    for _ in range(3):  # whichever pooled connection the ORM gets
        with DB(store.engine) as db:
            assert db.get(Session, session_id).turns == 0
            db.add(Staff(initials="ZZ", name="Rolled Back"))
            db.flush()
            db.rollback()
    with DB(store.engine) as db:
        assert db.exec(sql_select(Staff).where(Staff.initials == "ZZ")).first() is None


def test_turns_go_on_when_the_server_drops_every_connection(pg_url: str, content) -> None:
    """A restart or failover kills every connection: the pool's and the one the turns' own
    statements use. Those used a moment ago are not pinged before reuse; the next turn's
    read finds its connection dead, the connections are renewed and the read runs again, so
    the citizen notices nothing."""
    from sqlalchemy import create_engine, text

    from .conftest import PG_BASE

    store = SessionStore(make_engine(pg_url))
    key = f"test:{uuid.uuid4().hex}"
    convo, _ = Conversation.open(content, store, key, "text", "en", now=lambda: NOW)
    convo.handle("staff")
    raws = [store.engine.raw_connection() for _ in range(3)]
    pids = [raw.driver_connection.execute("SELECT pg_backend_pid()").fetchone()[0]
            for raw in raws]
    for raw in raws:
        raw.close()
    [own] = store.driver.run([("SELECT pg_backend_pid()", {})])
    pids.append(own.rows[0][0])
    admin = create_engine(PG_BASE)
    with admin.begin() as conn:
        for pid in pids:
            conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    admin.dispose()
    again = Conversation.load(content, store, key, now=lambda: NOW)
    assert again is not None and again.state.flow is not None
    again.handle("2")
    assert [t.seq for t in store.turns(again.session_id)] == [1, 2]


def test_an_idle_connection_the_server_dropped_is_replaced_before_a_write(
        pg_url: str, content, monkeypatch) -> None:
    """A connection idle for a while is pinged before use: a dead one is replaced before a
    turn writes on it, where a failed write could not safely be run again."""
    from sqlalchemy import create_engine, text

    from assistant.store import driver

    from .conftest import PG_BASE

    store = SessionStore(make_engine(pg_url))
    key = f"test:{uuid.uuid4().hex}"
    convo, _ = Conversation.open(content, store, key, "text", "en", now=lambda: NOW)
    [own] = store.driver.run([("SELECT pg_backend_pid()", {})])
    admin = create_engine(PG_BASE)
    with admin.begin() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": own.rows[0][0]})
    admin.dispose()
    monkeypatch.setattr(driver, "ALIVE_BYPASS_SECONDS", 0.0)  # as if idle long enough
    convo.handle("staff")  # the write goes to a fresh connection
    assert [t.seq for t in store.turns(convo.session_id)] == [1]


def test_the_turns_statements_keep_every_value_as_a_cursor_would(pg_url: str) -> None:
    """On PostgreSQL a turn's statement is one call into libpq, prepared on its first use
    (driver.py): what goes in and what comes back is what psycopg's own cursor gives, for
    each kind of value a turn stores, and again once the statement is prepared."""
    import datetime as dt

    store = SessionStore(make_engine(pg_url))
    values = {"text": "Привіт, «hej» æøå", "small": 7, "big": 2**40, "yes": True, "none": None,
              "at": dt.datetime(2026, 12, 3, 18, 30, 1, 123456),
              "day": dt.date(2026, 12, 3)}
    sql = ("SELECT :text, :small, :big, :yes, :none::text, :at, :day, "
           "CAST(:small AS integer) + 1")
    raw = store.engine.raw_connection()
    try:
        cursor = raw.driver_connection.cursor()
        cursor.execute(store.driver.sql(sql), values)
        expected = cursor.fetchall()
    finally:
        raw.close()
    assert expected == [(*values.values(), 8)]
    for _ in range(3):
        [found] = store.driver.run([(sql, values)])
        assert found.rows == expected
    [changed] = store.driver.run([("UPDATE sessions SET turns = turns WHERE id = :id",
                                   {"id": "no such session"})])
    assert changed == ([], 0)
    store.engine.dispose()


def test_turns_go_on_when_the_server_forgets_the_prepared_statements(pg_url: str,
                                                                     content) -> None:
    """A turn's statements are prepared once on their connection. If the server has dropped
    them meanwhile (DEALLOCATE, a pooler's reset), the next turn sends them whole instead of
    failing."""
    store = SessionStore(make_engine(pg_url))
    key = f"test:{uuid.uuid4().hex}"
    convo, _ = Conversation.open(content, store, key, "text", "en", now=lambda: NOW)
    for text in ("staff", "menu"):
        convo = Conversation.load(content, store, key, now=lambda: NOW)
        convo.handle(text)
    store.driver.run([("DEALLOCATE ALL", {})])
    again = Conversation.load(content, store, key, now=lambda: NOW)
    assert again is not None
    again.handle("staff")
    assert [t.seq for t in store.turns(again.session_id)] == [1, 2, 3]
    store.engine.dispose()


def test_a_prepared_statement_survives_a_type_change_and_a_name_the_server_knows(
        pg_url: str, table_of_seven: str) -> None:
    """A column that changes type (ALTER TABLE) makes the server refuse a statement prepared
    before; and behind a pooler another server connection may already hold a statement by
    the name this one is prepared under. Neither fails the statement."""
    from sqlalchemy import text

    store = SessionStore(make_engine(pg_url))
    read = (f"SELECT v FROM {table_of_seven} WHERE v = :v", {"v": 7})
    try:
        assert store.driver.run([read])[0].rows == [(7,)]
        with store.engine.begin() as db:
            db.execute(text(f"ALTER TABLE {table_of_seven} ALTER COLUMN v TYPE bigint"))
        for _ in range(2):
            assert store.driver.run([read])[0].rows == [(7,)]
        store.driver._own.prepared.names.clear()  # as if on a connection that has it already
        assert store.driver.run([read])[0].rows == [(7,)]
    finally:
        store.engine.dispose()


def test_a_write_on_a_connection_the_server_dropped_fails_as_a_lost_connection(
        pg_url: str, monkeypatch) -> None:
    """A write is not run again on a fresh connection (it may have run); it fails as a cursor
    would have, with OperationalError, so logs and monitoring name what happened."""
    import psycopg
    import pytest
    from sqlalchemy import create_engine, text

    from assistant.store import driver

    from .conftest import PG_BASE

    monkeypatch.setattr(driver, "ALIVE_BYPASS_SECONDS", 3600.0)  # used a moment ago: no ping
    store = SessionStore(make_engine(pg_url))
    [own] = store.driver.run([("SELECT pg_backend_pid()", {})])
    admin = create_engine(PG_BASE)
    with admin.begin() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": own.rows[0][0]})
    admin.dispose()
    with pytest.raises(psycopg.OperationalError):
        store.driver.run([("UPDATE sessions SET turns = turns WHERE id = :id", {"id": "x"})],
                         write=True)
    assert store.driver.run([("SELECT 1", {})])[0].rows == [(1,)]  # a fresh connection
    store.engine.dispose()


def test_a_database_from_an_earlier_version_opens_and_keeps_its_turns(db_url: str,
                                                                      content) -> None:
    """Earlier versions indexed turns.session_id and sessions.updated_at, and kept no number
    with an SMS reply; opening such a database drops those indexes (every turn paid for them),
    adds the column, and the conversations go on."""
    from sqlalchemy import inspect

    from assistant.channels.sms import sms_turn

    engine = make_engine(db_url)
    store = SessionStore(engine)
    convo, _ = Conversation.open(content, store, "old:1", "text", "en", now=lambda: NOW)
    convo.handle("1")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE INDEX ix_turns_session_id ON turns (session_id)")
        conn.exec_driver_sql("CREATE INDEX ix_sessions_updated_at ON sessions (updated_at)")
        conn.exec_driver_sql("ALTER TABLE sms_messages DROP COLUMN phone_hash")
    engine.dispose()

    engine = make_engine(db_url)
    names = {ix["name"] for table in ("turns", "sessions")
             for ix in inspect(engine).get_indexes(table)}
    assert not names & {"ix_turns_session_id", "ix_sessions_updated_at"}
    assert "phone_hash" in {c["name"] for c in inspect(engine).get_columns("sms_messages")}
    assert "Book" in sms_turn(content, SessionStore(engine), phone="+4522334455", body="menu",
                              sid="SMold")
    store = SessionStore(engine)
    convo = Conversation.load(content, store, "old:1", now=lambda: NOW)
    assert convo is not None
    convo.handle("back")
    assert [t.seq for t in store.turns(convo.session_id)] == [1, 2]


def test_parts_whose_parameters_would_collide_are_refused(tmp_path) -> None:
    """Driver.as_one renames each part's parameters after the part: two names that come out
    the same would silently give one part the other's value."""
    import pytest

    driver = SessionStore(make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")).driver
    sql, params = driver.as_one([("a", "UPDATE t SET x = :b", {"b": 1}),
                                 ("c", "UPDATE t SET y = :b", {"b": 2})], "SELECT 1")
    assert params == {"a_b": 1, "c_b": 2} and ":a_b" in sql and ":c_b" in sql
    with pytest.raises(ValueError, match="collide"):
        driver.as_one([("a", "UPDATE t SET x = :b_c", {"b_c": 1}),
                       ("a_b", "UPDATE t SET y = :c", {"c": 2})], "SELECT 1")
