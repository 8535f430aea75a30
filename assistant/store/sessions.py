"""Sessions, turns, callback requests and statistics: the conversation's persistence."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from assistant import jsoncodec
from assistant.privacy import redact_cpr
from assistant.store.driver import Driver, Statement
from assistant.store.models import (
    CallbackRequest,
    FlowStat,
    ResumeCode,
    Session,
    Turn,
    new_id,
    utcnow,
)
from assistant.store.orm import DB
from assistant.store.saved import Saved
from assistant.store.sms_state import SmsState

RESUME_DAYS = 7


class SessionGone(LookupError):
    """The session a turn belongs to is no longer stored (erased or purged meanwhile)."""


class SessionChanged(RuntimeError):
    """Another turn of the session was saved after this one read it (a second message sent
    at once, answered by another thread or process): this turn was not saved. ``saved`` is
    the session as it is now, to answer the turn again from."""

    def __init__(self, saved: Saved) -> None:
        super().__init__(f"session {saved.id} changed meanwhile")
        self.saved = saved


# A turn is the hot path of every channel: one read and one write (see driver.py).
_LOAD = 'SELECT id, state, turns FROM sessions WHERE "key" = :key'
_BY_ID = "SELECT id, state, turns FROM sessions WHERE id = :session"
_SAVE = ("UPDATE sessions SET turns = turns + 1, state = :state, lang = :lang, updated_at = :now "
         "WHERE id = :session")
# A turn that read the session at version :seen is saved only if no other turn was since.
_SAVE_IF = _SAVE + " AND turns = :seen"
_TURN_FROM = ("INSERT INTO turns (session_id, seq, lang, input, reply, created_at) "
              "SELECT id, turns, :lang, :input, :reply, :now FROM ")
_TURN = _TURN_FROM + "sessions WHERE id = :session"
# On PostgreSQL the turn's writes are one statement (Driver.as_one): the turn is numbered from
# the session's row as the update returns it.
_RETURNING = " RETURNING id, turns"
_TURN_OF_SAVED = _TURN_FROM + "saved"
_CREATE = ('INSERT INTO sessions (id, "key", channel, lang, state, turns, created_at, '
           "updated_at) VALUES (:id, :key, :channel, :lang, :state, 0, :now, :now)")
_COUNT = ('INSERT INTO flow_stats (day, flow_id, event, step_id, "count") '
          "VALUES (:day, :flow_id, :event, :step_id, :n) "
          'ON CONFLICT (day, flow_id, event, step_id) DO UPDATE SET "count" = '
          'flow_stats."count" + excluded."count"')


class SessionStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.driver = Driver(engine)
        self.sms = SmsState(self)
        self._time = self.driver.encoder(Session.__table__.c.updated_at)
        self._day = self.driver.encoder(FlowStat.__table__.c.day)

    def load(self, key: str) -> Saved | None:
        [found] = self.driver.run([(_LOAD, {"key": key})])
        return Saved.from_row(*found.rows[0]) if found.rows else None

    def create(self, key: str, channel: str, lang: str, state: dict[str, Any]) -> str:
        """Store a new session; returns its id. Every new conversation's first turn pays
        for this, so it is one statement too: through the ORM (a flush, and a read of the
        id back after the commit) it cost more than the turn itself."""
        session_id, now = new_id(), self._time(utcnow())
        self.driver.run([(_CREATE, {"id": session_id, "key": key, "channel": channel,
                                    "lang": lang, "state": jsoncodec.dumps(state),
                                    "now": now})], write=True)
        return session_id

    def record_turn(
        self, session_id: str, text: str, reply: list[dict[str, Any]], state: dict[str, Any],
        lang: str, counts: Sequence[tuple[str, str, str]] = (), day: dt.date | None = None,
        also: Sequence[Statement] = (), seen: int | None = None,
    ) -> None:
        """Save the turn, the new state, its statistics and the statements ``also`` in one
        transaction (on PostgreSQL one statement, so ``also`` must not read what the turn
        writes). The turn is numbered by the database, in the same transaction as the session
        it belongs to. Each counter is one upsert: atomic in SQL, so two processes counting at
        once never lose a count or fail the turn. With ``seen`` (the session's turns when the
        turn read it), a session that another turn has been saved to since raises
        :class:`SessionChanged`; a session that is gone (erased meanwhile) raises
        :class:`SessionGone`. Either way nothing is written."""
        now, when = self._time(utcnow()), self._day(day or utcnow().date())
        save = {"session": session_id, "lang": lang, "now": now, "state": jsoncodec.dumps(state)}
        if seen is not None:
            save["seen"] = seen
        update = _SAVE if seen is None else _SAVE_IF
        turn = {"session": session_id, "lang": lang, "now": now, "input": redact_cpr(text),
                "reply": jsoncodec.dumps(reply)}
        count = [{"day": when, "flow_id": flow_id, "event": event, "step_id": step_id, "n": n}
                 for (flow_id, event, step_id), n in Counter(counts).items()]
        if not self.driver.postgres:
            statements = [(update, save), (_TURN, turn), (_COUNT, count), *also]
        else:  # one statement
            statements = [self.driver.as_one_if_first([
                ("saved", update + _RETURNING, save), ("turn", _TURN_OF_SAVED, turn),
                ("count", _COUNT, count),
                *((f"also_{i}", sql, params) for i, (sql, params) in enumerate(also)),
            ])]
        try:
            self.driver.run(statements, write=True, first_changes_one=True)
        except LookupError:  # gone or changed: nothing was written
            raise self._not_saved(session_id) from None

    def _not_saved(self, session_id: str) -> SessionGone | SessionChanged:
        """Why a turn's save changed no session: it is gone, or has changed since."""
        [found] = self.driver.run([(_BY_ID, {"session": session_id})])
        if not found.rows:
            return SessionGone(session_id)
        return SessionChanged(Saved.from_row(*found.rows[0]))

    def turns(self, session_id: str) -> list[Turn]:
        with DB(self.engine) as db:
            return list(db.exec(select(Turn).where(Turn.session_id == session_id)
                                .order_by(Turn.seq)))

    def add_callback(self, **fields: Any) -> CallbackRequest:
        for key in ("name", "note"):
            if fields.get(key):
                fields[key] = redact_cpr(str(fields[key]))
        row = CallbackRequest(**fields)
        with DB(self.engine) as db:
            db.add(row)
            db.commit()
            db.refresh(row)
        return row

    def save_progress(self, state: dict[str, Any], now: dt.datetime) -> str:
        """Store a copy of ``state`` under a new one-time code; returns the code."""
        from sqlalchemy.exc import IntegrityError

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
        from sqlalchemy import update

        with DB(self.engine) as db:
            row = db.exec(select(ResumeCode).where(ResumeCode.code == code)).first()
            if row is None:
                return None
            if row.used or row.expires_at < now:
                return None
            spent = db.exec(update(ResumeCode).where(  # type: ignore[call-overload]
                ResumeCode.id == row.id, ResumeCode.used.is_(False)).values(used=True))
            db.commit()
            if spent.rowcount != 1:
                return None  # someone else used it a moment ago
            return dict(jsoncodec.loads(row.state))
