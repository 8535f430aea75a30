"""One engine factory for every process: SQLite (WAL, foreign keys) or any SQLAlchemy URL."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import (
    ArgumentError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import create_engine

from assistant.store import models  # noqa: F401  (registers the tables)

ENV_DB = "ASSISTANT_DB"
ENV_POOL = "ASSISTANT_DB_POOL"
DEFAULT_POOL = 4
"""Connections one process keeps to a database server, and so the turns it runs at once
(`serve` runs each turn in a worker thread, one per connection). On 2 cores against a local
PostgreSQL, 4 turns at once kept both cores busy; more only queued for Python's lock."""
ENV_PREPARE = "ASSISTANT_DB_PREPARE"
"""Set to 0 behind a pooler that cannot keep prepared statements (PgBouncer in transaction
mode before 1.21, or without max_prepared_statements): psycopg then never prepares."""
ALIVE_BYPASS_SECONDS = 1.0
"""A pooled connection used this recently is not pinged before it is handed out again."""


def default_db_path() -> Path:
    return Path(user_data_dir("jobcenter-assistant", appauthor=False)) / "assistant.sqlite3"


def resolve_url(url: str | None) -> tuple[str, bool]:
    """The database URL to use, and whether it is the default (demo) database. A URL given
    but empty (``--db ""``, ``ASSISTANT_DB=``) is refused: it is a mistake in a service file,
    and quietly using the local default file would put a jobcenter's data in the wrong place."""
    if url is None:
        url = os.environ.get(ENV_DB)
    if url is not None:
        if not url.strip():
            raise ArgumentError(f"the database URL is empty (--db or ${ENV_DB}); leave both "
                                "unset for the default SQLite file")
        return url.strip(), False
    path = default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}", True


_POSTGRES_FORMS = ("postgresql://", "postgres://", "postgresql+psycopg2://",
                   "postgresql+psycopg://")


def driver_url(url: str) -> str:
    """``url`` with the driver named: PostgreSQL always means psycopg (3), the driver this
    package installs, however the URL names it (``postgres://``, ``postgresql+psycopg2://``).
    Only SQLite and PostgreSQL are supported: any other URL is refused in one line."""
    for form in _POSTGRES_FORMS:
        if url.startswith(form):
            return "postgresql+psycopg://" + url.removeprefix(form)
    if url.startswith(("sqlite://", "sqlite+pysqlite://")):
        return url
    scheme = url.split("://", 1)[0] if "://" in url else url[:40]
    raise ArgumentError(f"{scheme!r} is not supported: use postgresql://user@host/db or "
                        "sqlite:///path/to/file")


def pool_size(size: int | None = None) -> int:
    """Connections per process: ``size``, else $ASSISTANT_DB_POOL, else DEFAULT_POOL."""
    if size is None:
        raw = os.environ.get(ENV_POOL, "").strip() or str(DEFAULT_POOL)
        if not raw.isdigit():
            raise ArgumentError(f"{ENV_POOL} must be a whole number of connections, not {raw!r}")
        size = int(raw)
    if size < 1:
        raise ValueError(f"a pool holds at least one connection, not {size}")
    return size


def make_engine(url: str, *, pool: int | None = None, migrate: bool = True) -> Engine:
    """An engine with the right settings for its backend; with ``migrate``, the schema is
    brought up to date (migrate.py). On a database server the process keeps at most ``pool``
    connections (see pool_size)."""
    url = driver_url(url)
    kwargs: dict[str, Any] = {}
    sqlite = url.startswith("sqlite")
    if sqlite:
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs.update(pool_size=pool_size(pool), max_overflow=0)
        if os.environ.get(ENV_PREPARE, "").strip() in ("0", "off", "no", "false"):
            kwargs["connect_args"] = {"prepare_threshold": None}
    # hide_parameters: an error's message (and so a logged traceback) never shows the values
    # of a statement, which may be a citizen's name or phone number.
    engine = create_engine(url, hide_parameters=True, **kwargs)
    if sqlite:
        _sqlite_pragmas(engine)
    else:
        _ping_when_idle(engine)
    if migrate:
        from assistant.store.migrate import upgrade

        upgrade(engine)
    return engine


def turns_at_once(engine: Engine) -> int:
    """How many turns a server process runs at once, each in a worker thread: one for each
    connection to a database server; one on SQLite, which has one writer (turns in more
    threads would only wait for its lock, in sleeps of up to 100 ms)."""
    return 1 if engine.dialect.name == "sqlite" else engine.pool.size()  # type: ignore[attr-defined]


def one_statement(engine: Engine) -> Engine:
    """``engine`` for work that is a single statement (the SMS records' reads and claims):
    no transaction around it. On PostgreSQL that saves a BEGIN and a COMMIT, two round
    trips; on SQLite a read does not take the write lock."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(sqlite_begin="BEGIN")
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def insert(engine: Engine) -> Any:
    """The dialect's INSERT construct, which has ON CONFLICT (``on_conflict_do_update``)."""
    if engine.dialect.name == "sqlite":
        return sqlite_insert
    return postgresql_insert


def _ping_when_idle(engine: Engine) -> None:
    """Check that a pooled connection is alive before it is handed out, unless it was in use
    less than ALIVE_BYPASS_SECONDS ago (as HikariCP does): a ping is a round trip, and a busy
    server would otherwise pay one for every checkout. A dead connection is replaced; one that
    died within the window fails its first statement: the pool then renews every connection,
    and a read is run again (see sessions.py) while a write is reported as it failed."""

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
        # Take the write lock at the start, so two writers queue instead of failing mid-way;
        # a single statement that reads (one_statement) does not need it.
        conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN IMMEDIATE"))


def is_outage(exc: BaseException) -> bool:
    """Whether ``exc`` means the database cannot be used right now (down, restarting,
    dropped, unreachable, every pooled connection busy, SQLite locked) rather than a bug: the
    caller answers "try again" instead of failing."""
    if isinstance(exc, OperationalError | InterfaceError | DisconnectionError | PoolTimeout):
        return True
    # The hot path (hot.py) talks to the DBAPI connection itself: its errors are the driver's
    # own, named as PEP 249 names them (psycopg.OperationalError, sqlite3.OperationalError).
    return any(kind.__name__ in _DBAPI_OUTAGES and kind.__module__.split(".")[0] in _DRIVERS
               for kind in type(exc).__mro__)


_DBAPI_OUTAGES = frozenset({"OperationalError", "InterfaceError"})
_DRIVERS = frozenset({"psycopg", "sqlite3"})
