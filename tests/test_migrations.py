"""Migrations (Alembic): a database made by 099e7cb, the last version before migrations, with
rows in every table, is upgraded on SQLite and PostgreSQL and keeps every row; it ends with
the schema a new database gets, which is what the models say; processes that start at once
on one database take turns."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine

from assistant.conversation import Conversation
from assistant.store.db import driver_url, make_engine
from assistant.store.migrate import head, revision
from assistant.store.sessions import SessionStore

OLD = Path(__file__).parent / "data" / "db_099e7cb"
"""099e7cb's schema with rows, as its code made them (see make.py there)."""
TABLES = ["audit_log", "booking_cells", "bookings", "callback_requests", "closed_days",
          "flow_stats", "interpreters", "login_attempts", "meeting_types", "opening_hours",
          "outbox", "resume_codes", "sessions", "sms_contacts", "sms_messages", "staff", "turns"]


def load_old(url: str) -> None:
    """Make the database at ``url`` what 099e7cb left."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        conn.executescript((OLD / "sqlite.sql").read_text())
        conn.close()
        return
    engine = create_engine(driver_url(url))
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute((OLD / "postgresql.sql").read_text())  # many statements
        raw.commit()
    finally:
        raw.close()
        engine.dispose()


def rows(url: str) -> dict[str, set[tuple]]:
    """Every row of every table, read without the assistant's engine (no migration): the
    columns 099e7cb had (later migrations add columns, whose old rows hold their default)."""
    engine = create_engine(driver_url(url))
    found = {}
    with engine.connect() as conn:
        found = {table: {tuple(row) for row in conn.execute(text(
            "SELECT " + ", ".join(f'"{c}"' for c in OLD_COLUMNS.get(table, ["*"]))
            .replace('"*"', "*") + f' FROM "{table}"'))} for table in TABLES}
    engine.dispose()
    return found


def kept(after: dict[str, set[tuple]], before: dict[str, set[tuple]]) -> dict[str, set[tuple]]:
    """The rows ``after`` an upgrade, cut to the columns each table had ``before`` (a
    migration may add columns at the end)."""
    width = {table: len(next(iter(found))) for table, found in before.items() if found}
    return {table: {row[:width[table]] for row in found} if table in width else found
            for table, found in after.items()}


OLD_COLUMNS = {"callback_requests": ["id", "kind", "topic", "lang", "name", "phone", "note",
                                     "session_id", "status", "created_at"],
               "meeting_types": ["code", "minutes", "channels"],
               "closed_days": ["day", "reason"]}
"""Tables a later migration added columns to or rebuilt (0005: per site), compared by the
columns 099e7cb made, in its order."""


def schema(engine: Engine) -> dict[str, object]:
    """The tables' columns, indexes and unique constraints, as the database reports them."""
    seen = inspect(engine)
    return {table: (
        [(c["name"], str(c["type"]), c["nullable"]) for c in seen.get_columns(table)],
        sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
               for i in seen.get_indexes(table)),
        sorted(tuple(u["column_names"]) for u in seen.get_unique_constraints(table)),
        sorted(tuple(f["constrained_columns"]) for f in seen.get_foreign_keys(table)),
    ) for table in sorted(seen.get_table_names())}


def test_a_099e7cb_database_is_upgraded_and_keeps_every_row(db_url: str, content) -> None:
    load_old(db_url)
    before = rows(db_url)
    assert all(before[table] for table in TABLES), "the fixture fills every table"
    engine = make_engine(db_url)
    assert revision(engine) == head()
    after = rows(db_url)  # columns added since come last, with their defaults
    assert kept(after, before) == before
    outbox = next(iter(after["outbox"]))
    assert outbox[-4:] == (0, None, None, None), "no tries yet, none given up"
    assert all(row[-1] == "staff" for row in after["login_attempts"])
    # and the assistant goes on with them: a conversation resumes, a kept reply is sent
    store = SessionStore(engine)
    convo = Conversation.load(content, store, "chat:fixture")
    assert convo is not None and convo.version == 11
    convo.handle("menu")
    assert [t.seq for t in store.turns(convo.session_id)] == list(range(1, 13))
    from assistant.channels.sms import sms_turn
    from assistant.staff import login

    more = sms_turn(content, store, phone="+4522334466", body="ЩЕ", sid="SMafter")
    assert more and more != sms_turn(content, store, phone="+4522334466", body="ЩЕ",
                                     sid="SMlong"), "a retry of an old message gets its reply"
    assert login(engine, "FX", "1234").staff is not None
    engine.dispose()


def test_an_upgraded_database_has_the_schema_of_a_new_one_and_of_the_models(
        db_url: str, tmp_path, request: pytest.FixtureRequest) -> None:
    """The baseline is 099e7cb's schema: upgraded, an old database is what a new database
    is, and what the models say (so `alembic revision --autogenerate` starts clean)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    load_old(db_url)
    old = make_engine(db_url)
    if db_url.startswith("sqlite"):
        new = make_engine(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    else:
        new = make_engine(request.getfixturevalue("pg_url"))
    assert schema(old) == schema(new)
    for engine in (old, new):
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
        engine.dispose()


def test_the_audit_log_stays_append_only_after_the_upgrade(db_url: str) -> None:
    from sqlalchemy.exc import DatabaseError

    load_old(db_url)
    engine = make_engine(db_url)
    for change in ("UPDATE audit_log SET detail = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
            conn.execute(text(change))
    engine.dispose()


def _upgrade(url: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "assistant", "db", "upgrade", "--db", url],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_processes_that_start_at_once_on_an_old_database_take_turns(db_url: str) -> None:
    """Four processes open one old database at once: one migrates it, the others wait for
    it and find it done."""
    load_old(db_url)
    procs = [_upgrade(db_url) for _ in range(4)]
    said = sorted(proc.communicate(timeout=120)[0].strip() for proc in procs)
    assert [proc.returncode for proc in procs] == [0] * 4
    assert said == [f"up to date at {head()}"] * 3 + [f"upgraded from none to {head()}"]
    engine = make_engine(db_url)
    assert revision(engine) == head()
    engine.dispose()
