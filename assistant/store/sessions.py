"""Sessions, turns, callback requests and statistics: the conversation's persistence."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session as DB
from sqlmodel import select

from assistant.privacy import redact_cpr
from assistant.store.db import reading
from assistant.store.models import (
    CallbackRequest,
    FlowStat,
    ResumeCode,
    Session,
    Turn,
    new_id,
    utcnow,
)
from assistant.store.sms_state import SmsState

RESUME_DAYS = 7

# A turn is the hot path of every channel: it is read and written with plain SQL statements
# (SQLAlchemy Core), one read and one transaction, not through the ORM's unit of work.
SESSIONS, TURNS, STATS = Session.__table__, Turn.__table__, FlowStat.__table__
_LOAD = core_select(SESSIONS.c.id, SESSIONS.c.state).where(SESSIONS.c.key == bindparam("key"))
_CREATE = insert(SESSIONS)
_SAVE = (update(SESSIONS).where(SESSIONS.c.id == bindparam("session"))
         .values(turns=SESSIONS.c.turns + 1).returning(SESSIONS.c.turns))
_TURN = insert(TURNS)


@dataclass(frozen=True)
class Saved:
    """A stored session: its id and its state."""

    id: str
    state: dict[str, Any]


class SessionStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sms = SmsState(engine)
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        counter = dialect.insert(STATS)
        # One statement adds to a privacy-safe daily counter, creating it if need be: atomic in
        # SQL, so two processes counting at once never lose a count or fail the turn.
        self._count = counter.on_conflict_do_update(
            index_elements=["day", "flow_id", "event", "step_id"],
            set_={"count": STATS.c.count + counter.excluded.count})

    def load(self, key: str) -> Saved | None:
        with reading(self.engine) as conn:
            row = conn.execute(_LOAD, {"key": key}).first()
        return Saved(row.id, json.loads(row.state)) if row else None

    def create(self, key: str, channel: str, lang: str, state: dict[str, Any]) -> str:
        """Store a new session; returns its id."""
        session_id = new_id()
        with self.engine.begin() as conn:
            conn.execute(_CREATE, {"id": session_id, "key": key, "channel": channel, "lang": lang,
                                   "state": json.dumps(state, ensure_ascii=False)})
        return session_id

    def record_turn(
        self, session_id: str, text: str, reply: list[dict[str, Any]], state: dict[str, Any],
        lang: str, counts: Sequence[tuple[str, str, str]] = (), day: dt.date | None = None,
    ) -> int:
        """Save the turn, the new state and its statistics in one transaction; returns the
        turn number."""
        with self.engine.begin() as conn:
            seq = conn.execute(_SAVE, {
                "session": session_id, "state": json.dumps(state, ensure_ascii=False),
                "lang": lang, "updated_at": utcnow()}).scalar()
            if seq is None:
                raise LookupError(session_id)
            conn.execute(_TURN, {"session_id": session_id, "seq": seq, "lang": lang,
                                 "input": redact_cpr(text),
                                 "reply": json.dumps(reply, ensure_ascii=False)})
            self.count(conn, day or utcnow().date(), counts)
            return int(seq)

    def count(self, conn: Connection, day: dt.date,
              counts: Sequence[tuple[str, str, str]]) -> None:
        """Add ``counts`` (flow, event, step) to the daily statistics, in ``conn``'s
        transaction."""
        if counts:
            conn.execute(self._count, [
                {"day": day, "flow_id": flow_id, "event": event, "step_id": step_id, "count": n}
                for (flow_id, event, step_id), n in Counter(counts).items()])

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
                db.add(ResumeCode(code=code, state=json.dumps(state, ensure_ascii=False),
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
            return dict(json.loads(row.state))
