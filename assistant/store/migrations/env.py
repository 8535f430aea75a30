"""Alembic's environment for the assistant's database.

The assistant runs it with a connection of its own (store/migrate.py: at every start, and by
`jobcenter-assistant db upgrade`). The `alembic` command runs it too, on the database of
$ASSISTANT_DB or the default one: README's Development section says how to add a migration.
"""

from alembic import context
from sqlalchemy import Connection, create_engine, pool
from sqlmodel import SQLModel

from assistant.store import models  # noqa: F401  (registers the tables)
from assistant.store.db import driver_url, resolve_url


def run(connection: Connection) -> None:
    # SQLite alters a table by copying it (batch mode): see the migrations that do.
    context.configure(connection=connection, target_metadata=SQLModel.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    engine = create_engine(driver_url(resolve_url(None)[0]), poolclass=pool.NullPool)
    with engine.connect() as connection:
        run(connection)
