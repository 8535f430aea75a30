"""Persistence: SQLModel tables and one engine factory (SQLite by default, or PostgreSQL)."""

import logging

logging.getLogger("alembic").setLevel(logging.WARNING)
"""Alembic says at INFO what it looks at on every start (its plugins as it imports them, its
context): noise every minute in the journal of a timer's `outbox send`. Set here, before
anything imports Alembic; a migration that runs is said in one line (store/migrate.py)."""
