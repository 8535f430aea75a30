"""Sessions, turns, callback requests and statistics: the conversation's persistence."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session as DB
from sqlmodel import select

from assistant.privacy import redact_cpr
from assistant.store.models import (
    CallbackRequest,
    FlowStat,
    ResumeCode,
    Session,
    Turn,
    utcnow,
)

RESUME_DAYS = 7


class SessionStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def load(self, key: str) -> Session | None:
        with DB(self.engine) as db:
            return db.exec(select(Session).where(Session.key == key)).first()

    def create(self, key: str, channel: str, lang: str, state: dict[str, Any]) -> Session:
        row = Session(key=key, channel=channel, lang=lang, state=json.dumps(state))
        with DB(self.engine) as db:
            db.add(row)
            db.commit()
            db.refresh(row)
        return row

    def record_turn(
        self, session_id: str, text: str, reply: list[dict[str, Any]], state: dict[str, Any],
        lang: str, counts: Sequence[tuple[str, str, str]] = (), day: dt.date | None = None,
    ) -> int:
        """Save the turn, the new state and its statistics in one transaction; returns the
        turn number."""
        with DB(self.engine) as db:
            row = db.get(Session, session_id)
            if row is None:
                raise LookupError(session_id)
            row.turns += 1
            row.state = json.dumps(state, ensure_ascii=False)
            row.lang = lang
            row.updated_at = utcnow()
            db.add(row)
            db.add(Turn(session_id=session_id, seq=row.turns, lang=lang,
                        input=redact_cpr(text), reply=json.dumps(reply, ensure_ascii=False)))
            for flow_id, event, step_id in counts:
                self._bump(db, day or utcnow().date(), flow_id, event, step_id)
            db.commit()
            return row.turns

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

    @staticmethod
    def _bump(db: DB, day: dt.date, flow_id: str, event: str, step_id: str) -> None:
        """Add one to a privacy-safe daily counter, inside the caller's transaction. Atomic in
        SQL, and a race to create the row never costs the turn it belongs to."""
        from sqlalchemy import update
        from sqlalchemy.exc import IntegrityError

        where = (FlowStat.day == day, FlowStat.flow_id == flow_id, FlowStat.event == event,
                 FlowStat.step_id == step_id)
        bump = update(FlowStat).where(*where).values(count=FlowStat.count + 1)
        if db.exec(bump).rowcount:  # type: ignore[call-overload]
            return
        try:
            with db.begin_nested():
                db.add(FlowStat(day=day, flow_id=flow_id, event=event, step_id=step_id,
                                count=1))
        except IntegrityError:
            db.exec(bump)  # type: ignore[call-overload]

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
