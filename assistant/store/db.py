"""One engine factory for every process: SQLite (WAL, foreign keys) or any SQLAlchemy URL."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlmodel import SQLModel, create_engine

from assistant.store import models  # noqa: F401  (registers the tables)

ENV_DB = "ASSISTANT_DB"
SERVER_TURNS = 4
"""Worker threads of one `serve` process on a database server, for the turns that reach the
ORM (bookings, callbacks, resume codes); the others run on its event loop (LOOP_TURNS).
Measured on 2 cores against a local PostgreSQL when every turn ran in a thread, API turns/s
at 16 and 64 clients: 16 threads 621-860 and 655-683, 4 threads 791-1155 and 1035-1158."""
LOOP_TURNS = 8
"""Statements one `serve` process has in flight at once on a database server, for the turns on
its event loop (loop_postgres.py), each on a connection of its own. On 2 cores, 4, 8, 16 and
32 gave the same throughput within the machine's noise (2026-12-06)."""
ALIVE_BYPASS_SECONDS = 1.0
"""A pooled connection used this recently is not pinged before it is handed out again."""


def default_db_path() -> Path:
    return Path(user_data_dir("jobcenter-assistant", appauthor=False)) / "assistant.sqlite3"


def resolve_url(url: str | None) -> tuple[str, bool]:
    """The database URL to use, and whether it is the default (demo) database."""
    if url:
        return url, False
    if os.environ.get(ENV_DB):
        return os.environ[ENV_DB], False
    path = default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}", True


def make_engine(url: str) -> Engine:
    """An engine with the right settings for its backend; tables are created if missing."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    kwargs: dict[str, Any] = {}
    sqlite = url.startswith("sqlite")
    if sqlite:
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs.update(pool_size=SERVER_TURNS, max_overflow=16)  # 16: other threads, bursts
    # hide_parameters: an error's message (and so a logged traceback) never shows the values
    # of a statement, which may be a citizen's name or phone number.
    engine = create_engine(url, hide_parameters=True, **kwargs)
    if sqlite:
        _sqlite_pragmas(engine)
        SQLModel.metadata.create_all(engine)
        with engine.begin() as conn:
            _add_missing_columns(conn)
            for statement in [*_RETIRED, *_SQLITE_APPEND_ONLY]:
                conn.exec_driver_sql(statement)
    else:
        _ping_when_idle(engine)
        # Several processes may start at once: one creates the tables, the others wait.
        with engine.begin() as conn:
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(727274)")
            SQLModel.metadata.create_all(conn)
            _add_missing_columns(conn)
            for statement in [*_RETIRED, *_PG_APPEND_ONLY, *_PG_FUNCTIONS]:
                conn.exec_driver_sql(statement)
    return engine


def turn_concurrency(engine: Engine) -> int:
    """How many worker threads one process should have for turns; 0 means every turn runs
    one at a time on the event loop's own thread. SQLite has one writer, and a turn is all
    CPU and in-process I/O: handing it to a thread would add only the GIL's handoff (on
    this kind of machine, 1.05 ms of server CPU per turn through a thread, 0.73 ms without).
    A database server is a round trip away: turns wait for it on the event loop, and those
    that reach the ORM in these threads (loop_postgres.py)."""
    return 0 if engine.dialect.name == "sqlite" else SERVER_TURNS


# Indexes that earlier versions made and that every turn paid to update (see models.py).
_RETIRED = [f"DROP INDEX IF EXISTS {name}"
            for name in ("ix_turns_session_id", "ix_sessions_updated_at")]
# Columns that later versions added to tables earlier versions made (create_all adds tables,
# not columns): (table, column, SQL type).
_ADDED = [("sms_messages", "phone_hash", "VARCHAR(64)")]


def _add_missing_columns(conn: Any) -> None:
    have = inspect(conn)
    for table, column, sql_type in _ADDED:
        if column not in {c["name"] for c in have.get_columns(table)}:
            conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")


# The audit log is append-only in the database itself, not only by convention in the code.
_SQLITE_APPEND_ONLY = [
    f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{op.lower()} BEFORE {op} ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    for op in ("UPDATE", "DELETE")
]
_PG_APPEND_ONLY = [
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
]

NO_SESSION = "P0002"
"""The SQLSTATE (no_data_found) of a statement whose first part changed no row: a turn whose
session is gone or has had another turn saved since it read it (see Driver.as_one_if_first)."""
_PG_FUNCTIONS = [
    "CREATE OR REPLACE FUNCTION assistant_one_session(n bigint) RETURNS bigint AS $$ "
    "BEGIN IF n <> 1 THEN RAISE EXCEPTION 'the session is gone or has changed' "
    "USING ERRCODE = 'no_data_found'; END IF; RETURN n; END $$ LANGUAGE plpgsql",
]


def _ping_when_idle(engine: Engine) -> None:
    """Check that a pooled connection is alive before it is handed out, unless it was in use
    less than ALIVE_BYPASS_SECONDS ago (as HikariCP does): a ping is a round trip, and a busy
    server would otherwise pay one for every checkout. A dead connection is replaced; one that
    died within the window fails its first statement, which is then retried on a fresh
    connection where that is safe (see driver.py) or reported like any database error."""

    @event.listens_for(engine, "connect")
    def _fresh(dbapi_conn: Any, record: Any) -> None:
        record.info["used_at"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_conn: Any, record: Any) -> None:
        record.info["used_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, proxy: Any) -> None:
        if time.monotonic() - record.info.get("used_at", 0.0) < ALIVE_BYPASS_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            raise DisconnectionError("the pooled connection is gone") from exc


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Take the write lock at the start, so two writers queue instead of failing mid-way.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
