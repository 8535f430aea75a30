"""The turn's statements, run on the DBAPI connection of one of the engine's pooled
connections: the hot path of every channel (sessions.py).

A turn is one read and one write. Through SQLAlchemy's Connection a one-row read cost
184-197 us of client CPU, through the driver's cursor on a connection of the same pool 60
(execution context, events and result objects, and on PostgreSQL the switch to autocommit
and back; measured on 2 cores, 2026-12-06): a turn with its two statements took 947 us
in-process, and 510 us this way. So the statements are still SQLAlchemy Core constructs,
compiled once by SQLAlchemy for the engine's dialect, their values encoded by their types'
own bind processors, on a connection of the engine's own pool; only the execution is the
driver's cursor (psycopg prepares a statement it runs often). Errors are SQLAlchemy's, as
Connection.execute raises them, and a connection the server dropped renews the pool, as
SQLAlchemy does.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.sql import Executable


class Compiled:
    """A statement compiled for a dialect, with what encodes its values."""

    def __init__(self, statement: Executable, engine: Engine) -> None:
        dialect = engine.dialect
        self.compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        self.sql: str = self.compiled.string
        self.order: tuple[str, ...] | None = self.compiled.positiontup  # qmark: by position
        self.rows = bool(statement.is_select or self.compiled.returning)  # type: ignore[attr-defined]
        self.encoders = {key: process for key, bind in self.compiled.binds.items()
                         if (process := bind.type.dialect_impl(dialect).bind_processor(dialect))}

    def parameters(self, given: Mapping[str, Any]) -> Any:
        values = self.compiled.construct_params(given)
        for key, encode in self.encoders.items():
            values[key] = encode(values[key])
        return values if self.order is None else [values[key] for key in self.order]


class Cursor:
    """Runs statements on one DBAPI connection (see :meth:`Hot.connection`)."""

    def __init__(self, hot: Hot, cursor: Any) -> None:
        self.hot, self.cursor = hot, cursor

    def run(self, statement: Executable, params: Mapping[str, Any]) -> tuple[list[Any], int]:
        """The statement's rows (all of them) and how many rows it changed."""
        compiled = self.hot.compiled(statement)
        try:
            values = compiled.parameters(params)
        except (TypeError, ValueError, KeyError) as exc:  # as SQLAlchemy reports a bad value
            raise StatementError(str(exc), compiled.sql, None, exc,
                                 hide_parameters=True) from exc
        try:
            self.cursor.execute(compiled.sql, values)
            rows = self.cursor.fetchall() if compiled.rows else []
        except self.hot.dbapi_error as exc:
            raise self.hot.wrapped(exc, compiled.sql, self.cursor) from exc
        return rows, self.cursor.rowcount


class Hot:
    """The engine's compiled statements, and connections to run them on."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.postgres = engine, engine.dialect.name == "postgresql"
        self.dbapi_error: type[Exception] = engine.dialect.loaded_dbapi.Error
        self._compiled: dict[int, tuple[Executable, Compiled]] = {}

    def compiled(self, statement: Executable) -> Compiled:
        found = self._compiled.get(id(statement))
        if found is None:  # the statement is kept with it, so its id is never another's
            found = self._compiled[id(statement)] = (statement, Compiled(statement, self.engine))
        return found[1]

    @contextmanager
    def connection(self, *, write: bool = False) -> Iterator[Cursor]:
        """A cursor on a pooled connection. Its statements are one transaction: on
        PostgreSQL there is only one (a write is one statement) and it commits by itself;
        on SQLite a write takes the write lock first (BEGIN IMMEDIATE) and commits at the
        end, or rolls back on an error."""
        pooled = self.engine.raw_connection()
        dbapi = pooled.driver_connection
        try:
            if self.postgres:
                dbapi.autocommit = True  # a single statement: no BEGIN, no COMMIT
            elif write:
                self._run(dbapi, "BEGIN IMMEDIATE")
            # One cursor for the life of the DBAPI connection (the pool clears its info
            # when it replaces the connection): making one cost as much as using it.
            cursor = pooled.info.get("hot") or pooled.info.setdefault("hot", dbapi.cursor())
            try:
                yield Cursor(self, cursor)
            except BaseException:
                if write and not self.postgres:
                    dbapi.rollback()
                raise
            if write and not self.postgres:
                self._run(dbapi, "COMMIT")
        finally:
            if getattr(dbapi, "broken", False) or getattr(dbapi, "closed", False):
                pooled.invalidate()  # the server dropped it
            else:
                if self.postgres:
                    dbapi.autocommit = False  # as the pool hands it to the ORM
                pooled.close()

    def _run(self, dbapi: Any, sql: str) -> None:
        cursor = dbapi.cursor()
        try:
            cursor.execute(sql)
        except self.dbapi_error as exc:
            raise self.wrapped(exc, sql, cursor) from exc

    def wrapped(self, exc: Exception, sql: str, cursor: Any) -> DBAPIError:
        """``exc`` as SQLAlchemy raises it; a lost connection renews the pool's."""
        lost = self.engine.dialect.is_disconnect(exc, cursor.connection, cursor)
        if lost:  # a restart or a failover: the others went the same way
            self.engine.dispose(close=False)
        return DBAPIError.instance(sql, None, exc, self.dbapi_error, hide_parameters=True,
                                   connection_invalidated=lost, dialect=self.engine.dialect)
