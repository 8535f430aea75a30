"""Sessions, turns, callback requests and statistics: the conversation's persistence.

A turn is the hot path of every channel: one read (:meth:`SessionStore.load`) and one write
(:meth:`SessionStore.record_turn`), run as hot.py says. The write's parts (the session's new
state, the turn, its statistics) are SQLAlchemy Core statements written once for both
databases. On PostgreSQL they go as one statement, the parts its WITH queries, so a turn's
write is one round trip with no BEGIN or COMMIT of its own; on SQLite, whose writes are calls
within the process, they run one after another in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import bindparam, select, true, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session as DB
from sqlmodel import select as rows_of

from assistant import jsoncodec
from assistant.privacy import redact_cpr
from assistant.store.db import insert
from assistant.store.hot import Hot
from assistant.store.models import (
    CallbackRequest,
    FlowStat,
    ResumeCode,
    Session,
    Turn,
    new_id,
    utcnow,
)
from assistant.store.saved import Saved
from assistant.store.sms import SmsStore

RESUME_DAYS = 7
SITES_SECONDS = 60.0

_SESSIONS, _TURNS, _STATS = Session.__table__, Turn.__table__, FlowStat.__table__
_READ = select(_SESSIONS.c.id, _SESSIONS.c.state, _SESSIONS.c.turns)
_LOAD = _READ.where(_SESSIONS.c.key == bindparam("key"))
_BY_ID = _READ.where(_SESSIONS.c.id == bindparam("session"))
_COUNTED = ("day", "flow_id", "event", "step_id", "site_id", "count")


class SessionGone(LookupError):
    """The session a turn belongs to is no longer stored (erased or purged meanwhile)."""


class SessionChanged(RuntimeError):
    """Another turn of the session was saved after this one read it (a second message sent
    at once, answered by another thread or process): this turn was not saved. ``saved`` is
    the session as it is now, to answer the turn again from."""

    def __init__(self, saved: Saved) -> None:
        super().__init__(f"session {saved.id} changed meanwhile")
        self.saved = saved


def _save(checked: bool) -> Any:
    """The session's new state; with ``checked``, only if its turns are still ``seen``."""
    where = [_SESSIONS.c.id == bindparam("session")]
    if checked:  # saved only if no other turn was saved since this one read the session
        where.append(_SESSIONS.c.turns == bindparam("seen"))
    return (update(_SESSIONS).where(*where)
            .values(turns=_SESSIONS.c.turns + 1, state=bindparam("new_state"),
                    lang=bindparam("new_lang"), updated_at=bindparam("now"))
            .returning(_SESSIONS.c.id, _SESSIONS.c.turns))


def _turn(saved: Any) -> Any:
    """The turn, numbered by the session's row as saved (``saved``: its id and turns)."""
    values = [bindparam(name, type_=_TURNS.c[column].type) for name, column in
              (("new_lang", "lang"), ("input", "input"), ("reply", "reply"),
               ("now", "created_at"))]
    return _TURNS.insert().from_select(
        ["session_id", "seq", "lang", "input", "reply", "created_at"],
        select(saved.c.id, saved.c.turns, *values).where(true()))


def _count(insert_into: Any, saved: Any, i: int) -> Any:
    """Counter ``i`` of the turn's statistics, one upsert: atomic in SQL, so two processes
    counting at once never lose a count or fail the turn. Written only if ``saved`` is."""
    values = [bindparam(f"{column}_{i}", type_=_STATS.c[column].type) for column in _COUNTED]
    upsert = insert_into(_STATS).from_select(
        list(_COUNTED), select(*values).select_from(saved).where(true()))
    return upsert.on_conflict_do_update(
        index_elements=["day", "flow_id", "event", "step_id", "site_id"],
        set_={"count": _STATS.c["count"] + upsert.excluded["count"]})


class SessionStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self.hot = Hot(engine)
        self._insert = insert(engine)
        # A new session, unless another turn (another process) created it a moment ago: no
        # unique-key error, whose text would carry the key (an SMS number's hash).
        self._create = self._insert(_SESSIONS).on_conflict_do_nothing(
            index_elements=["key"]).returning(_SESSIONS.c.id)
        self._write = cache(self._write_statements)
        self.sms = SmsStore(engine)
        """The SMS channel's records (sms.py)."""
        self._sites: tuple[float, Any] | None = None

    def sites(self) -> Any:
        """The database's sites (:class:`assistant.site.registry.Sites`), read at most once a
        minute: a `site apply` reaches running processes within a minute."""
        import time

        from assistant.site.registry import Sites

        now = time.monotonic()
        if self._sites is None or now - self._sites[0] > SITES_SECONDS:
            self._sites = (now, Sites.load(self.engine))
        return self._sites[1]

    def _read(self, statement: Any, params: dict[str, Any]) -> list[Any]:
        """The rows of a read; read once more on a fresh connection if the server dropped
        the connection (a restart, a failover: the pool renews them all)."""
        for attempt in (1, 2):
            try:
                with self.hot.connection() as cursor:
                    return cursor.run(statement, params)[0]
            except DBAPIError as exc:
                if attempt == 2 or not exc.connection_invalidated:
                    raise
        raise AssertionError("unreachable")

    def load(self, key: str) -> Saved | None:
        rows = self._read(_LOAD, {"key": key})
        return Saved.from_row(*rows[0]) if rows else None

    def load_by_id(self, session_id: str) -> Saved | None:
        """The session with id ``session_id`` (the staff side finds it by a request's)."""
        rows = self._read(_BY_ID, {"session": session_id})
        return Saved.from_row(*rows[0]) if rows else None

    def create(self, key: str, channel: str, lang: str, state: dict[str, Any]) -> str | None:
        """Store a new session; returns its id, or None if a session ``key`` exists already
        (two first messages from one number at once: the other created it). Every new
        conversation's first turn pays for this, so it is one statement, not the ORM's flush
        and read back."""
        session_id, now = new_id(), utcnow()
        with self.hot.connection(write=True) as cursor:
            rows, _ = cursor.run(self._create, {
                "id": session_id, "key": key, "channel": channel, "lang": lang,
                "state": jsoncodec.dumps(state), "turns": 0, "created_at": now,
                "updated_at": now})
        return session_id if rows else None

    def record_turn(
        self, session_id: str, text: str, reply: list[dict[str, Any]], state: dict[str, Any],
        lang: str, counts: Sequence[tuple[str, str, str]] = (), day: dt.date | None = None,
        seen: int | None = None, site_id: int | None = None,
    ) -> None:
        """Save the turn, the new state and its statistics in one transaction. The turn is
        numbered by the database, from the session's row as it saves it. With ``seen`` (the
        session's turns when the turn read it), a session that another turn has been saved
        to since raises :class:`SessionChanged`; a session that is gone (erased meanwhile)
        raises :class:`SessionGone`. Either way nothing is written."""
        now, when = utcnow(), day or utcnow().date()
        params: dict[str, Any] = {
            "session": session_id, "seen": seen, "new_state": jsoncodec.dumps(state),
            "new_lang": lang, "now": now, "input": redact_cpr(text, lang),
            "reply": jsoncodec.dumps(reply)}
        counted = Counter(counts)
        for i, ((flow_id, event, step_id), n) in enumerate(counted.items()):
            params.update({f"day_{i}": when, f"flow_id_{i}": flow_id, f"event_{i}": event,
                           f"step_id_{i}": step_id, f"site_id_{i}": site_id or 0,
                           f"count_{i}": n})
        statements = self._write(seen is not None, len(counted))
        with self.hot.connection(write=True) as cursor:
            saved, _ = cursor.run(statements[0], params)
            if saved:  # on SQLite the other parts (on PostgreSQL there are none)
                for statement in statements[1:]:
                    cursor.run(statement, params)
        if not saved:  # gone or changed: nothing was written
            raise self._not_saved(session_id)

    def _write_statements(self, checked: bool, counts: int) -> list[Any]:
        """A turn's write with ``counts`` counters: on PostgreSQL one statement, on SQLite
        the statements of one transaction. Built once for each shape (see record_turn)."""
        save = _save(checked)
        if self.postgres:
            saved = save.cte("saved")
            parts = [_turn(saved).cte("turn"),
                     *(_count(self._insert, saved, i).cte(f"count_{i}") for i in range(counts))]
            return [select(saved.c.turns).add_cte(*parts)]
        saved = _BY_ID.subquery("saved")  # read after the save, in its transaction
        return [save, _turn(saved), *(_count(self._insert, saved, i) for i in range(counts))]

    def _not_saved(self, session_id: str) -> SessionGone | SessionChanged:
        """Why a turn's save changed no session: it is gone, or has changed since."""
        rows = self._read(_BY_ID, {"session": session_id})
        if not rows:
            return SessionGone(session_id)
        return SessionChanged(Saved.from_row(*rows[0]))

    def turns(self, session_id: str, after: int = 0) -> list[Turn]:
        """The session's turns after turn ``after``, in order."""
        with DB(self.engine) as db:
            return list(db.exec(rows_of(Turn).where(Turn.session_id == session_id,
                                                    Turn.seq > after).order_by(Turn.seq)))

    def add_callback(self, **fields: Any) -> CallbackRequest:
        for key in ("name", "note"):
            if fields.get(key):
                fields[key] = redact_cpr(str(fields[key]), fields.get("lang"))
        row = CallbackRequest(**fields)
        with DB(self.engine) as db:
            db.add(row)
            db.commit()
            db.refresh(row)
        return row

    def save_progress(self, state: dict[str, Any], now: dt.datetime) -> str:
        """Store a copy of ``state`` under a new one-time code; returns the code."""
        from assistant.booking.codes import new_code

        for _attempt in range(5):
            code = new_code()
            with DB(self.engine) as db:
                db.add(ResumeCode(code=code, state=jsoncodec.dumps(state),
                                  expires_at=now + dt.timedelta(days=RESUME_DAYS)))
                try:
                    db.commit()
                    return code
                except IntegrityError:
                    db.rollback()
        raise RuntimeError("could not make a unique resume code")

    def take_progress(self, code: str, now: dt.datetime) -> dict[str, Any] | None:
        """The saved state for ``code``, once: the code is spent in the same transaction."""
        with DB(self.engine) as db:
            row = db.exec(rows_of(ResumeCode).where(ResumeCode.code == code)).first()
            if row is None or row.used or row.expires_at < now:
                return None
            spent = db.exec(update(ResumeCode).where(  # type: ignore[call-overload]
                ResumeCode.id == row.id, ResumeCode.used.is_(False)).values(used=True))
            db.commit()
            if spent.rowcount != 1:
                return None  # someone else used it a moment ago
            return dict(jsoncodec.loads(row.state))
