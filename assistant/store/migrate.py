"""The database's schema, kept up to date by Alembic's migrations (migrations/versions/).

Every process that opens a database upgrades it first (db.make_engine), and so does
`jobcenter-assistant db upgrade`. The migrations ship inside the package, so an installed
wheel has them. A database made before migrations (099e7cb or earlier) has tables but no
alembic_version table: it is stamped with the baseline, which is its schema, and upgraded
from there.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)
"""A migration that runs is said in one line of our own (see upgrade); Alembic's own INFO
lines are kept quiet (assistant/store/__init__.py)."""

MIGRATIONS = Path(__file__).parent / "migrations"
BASELINE = "0001"
"""The revision whose schema is 099e7cb's, the last version without migrations."""
LOCK = 727274
"""PostgreSQL's advisory lock for migrating: processes that start at once take turns."""


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@cache
def head() -> str:
    """The newest revision."""
    found = ScriptDirectory.from_config(_config()).get_current_head()
    assert found is not None
    return found


def revision(engine: Engine) -> str | None:
    """The revision the database is at (None: made before migrations, or empty)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the database up to the newest revision, in one transaction; returns the
    revision it was at and the one it is at now. Several processes may start at once: on
    PostgreSQL one migrates while the others wait for its advisory lock, on SQLite for the
    write lock its transaction takes first."""
    newest = head()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK})
        was = MigrationContext.configure(conn).get_current_revision()
        if was == newest:
            return was, newest
        config = _config(conn)
        if was is None and inspect(conn).has_table("sessions"):
            command.stamp(config, BASELINE)  # made before migrations: the baseline's schema
        command.upgrade(config, "head")
    log.info("database upgraded from revision %s to %s", was or "(empty)", newest)
    return was, newest
