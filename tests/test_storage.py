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
    seed_demo(store.engine)  # a jobcenter whose staff read the queue
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
    the turn fails whole, with no statistics."""
    import pytest
    from sqlalchemy import text

    from assistant.store.models import FlowStat
    from assistant.store.sessions import SessionGone

    store = SessionStore(make_engine(db_url))
    session_id = store.create(f"erased:{uuid.uuid4().hex}", "sms", "en", {})
    with store.engine.begin() as db:
        db.execute(text("DELETE FROM sessions WHERE id = :id"), {"id": session_id})
    with pytest.raises(SessionGone):
        store.record_turn(session_id, "1", [], {}, "en", counts=[("book", "started", "")])
    with DB(store.engine) as db:
        assert db.exec(sql_select(FlowStat)).all() == []
        assert db.exec(sql_select(Turn)).all() == []
    store.engine.dispose()


def test_a_write_that_fails_leaves_nothing_and_the_pool_stays_transactional(db_url: str) -> None:
    """A turn's parts (the session, the turn, its statistics) commit together or not at all
    (on PostgreSQL one statement, on SQLite one transaction), and a connection goes back to
    the pool as the ORM expects it."""
    import pytest
    from sqlalchemy.exc import StatementError

    store = SessionStore(make_engine(db_url))
    session_id = store.create(f"atomic:{uuid.uuid4().hex}", "text", "en", {})
    with pytest.raises(StatementError):  # the statistics' day cannot be stored: the last part
        store.record_turn(session_id, "1", [], {"lang": "da"}, "da",
                          counts=[("book", "started", "")], day="not a day")  # type: ignore[arg-type]
    for _ in range(3):  # whichever pooled connection the ORM gets
        with DB(store.engine) as db:
            assert db.get(Session, session_id).turns == 0
            db.add(Staff(initials="ZZ", name="Rolled Back"))
            db.flush()
            db.rollback()
    with DB(store.engine) as db:
        assert db.exec(sql_select(Staff).where(Staff.initials == "ZZ")).first() is None
        assert db.exec(sql_select(Turn)).all() == []
    store.engine.dispose()


def _backends(store: SessionStore) -> list[int]:
    """The server processes of every connection in the store's pool (all checked out at
    once, so each is another)."""
    raws = [store.engine.raw_connection() for _ in range(store.engine.pool.size())]
    pids = [raw.driver_connection.execute("SELECT pg_backend_pid()").fetchone()[0]
            for raw in raws]
    for raw in raws:
        raw.close()
    return pids


def _terminate(pids: list[int]) -> None:
    from sqlalchemy import create_engine, text

    from .conftest import PG_BASE

    admin = create_engine(PG_BASE)
    with admin.begin() as conn:
        for pid in pids:
            conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    admin.dispose()


def test_turns_go_on_when_the_server_drops_every_connection(pg_url: str, content) -> None:
    """A restart or failover kills every connection in the pool. Those used a moment ago are
    not pinged before reuse; the next turn's read finds its connection dead, the pool renews
    its connections and the read runs again, so the citizen notices nothing."""
    store = SessionStore(make_engine(pg_url))
    seed_demo(store.engine)  # a jobcenter whose staff read the queue
    key = f"test:{uuid.uuid4().hex}"
    convo, _ = Conversation.open(content, store, key, "text", "en", now=lambda: NOW)
    convo.handle("staff")
    _terminate(_backends(store))
    again = Conversation.load(content, store, key, now=lambda: NOW)
    assert again is not None and again.state.flow is not None
    again.handle("2")
    assert [t.seq for t in store.turns(again.session_id)] == [1, 2]
    store.engine.dispose()


def test_an_idle_connection_the_server_dropped_is_replaced_before_a_write(
        pg_url: str, content, monkeypatch) -> None:
    """A connection idle for a while is pinged before use: a dead one is replaced before a
    turn writes on it, where a failed write could not safely be run again."""
    from assistant.store import db

    store = SessionStore(make_engine(pg_url))
    key = f"test:{uuid.uuid4().hex}"
    convo, _ = Conversation.open(content, store, key, "text", "en", now=lambda: NOW)
    _terminate(_backends(store))
    monkeypatch.setattr(db, "ALIVE_BYPASS_SECONDS", 0.0)  # as if idle long enough
    convo.handle("staff")  # the write goes to a fresh connection
    assert [t.seq for t in store.turns(convo.session_id)] == [1]
    store.engine.dispose()


def test_a_write_on_a_connection_the_server_dropped_fails_as_a_lost_connection(
        pg_url: str, monkeypatch) -> None:
    """A write is not run again on a fresh connection (it may have run); it fails with
    OperationalError, so logs and monitoring name what happened, and the next statement
    gets a fresh connection."""
    import pytest
    from sqlalchemy.exc import OperationalError

    from assistant.store import db

    monkeypatch.setattr(db, "ALIVE_BYPASS_SECONDS", 3600.0)  # used a moment ago: no ping
    store = SessionStore(make_engine(pg_url))
    session_id = store.create("lost:1", "text", "en", {})
    _terminate(_backends(store))
    with pytest.raises(OperationalError):
        store.record_turn(session_id, "x", [], {}, "en")
    assert store.load("lost:1").turns == 0  # a fresh connection; the write did not run
    store.engine.dispose()


def test_a_database_from_an_earlier_version_opens_and_keeps_its_turns(db_url: str,
                                                                      content) -> None:
    """Versions before 099e7cb indexed turns.session_id and sessions.updated_at, kept no
    number with an SMS reply, and no version made before migrations has alembic_version;
    opening such a database drops those indexes (every turn paid for them), adds the column,
    and the conversations go on (migration 0002)."""
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
        conn.exec_driver_sql("DROP TABLE alembic_version")
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
