"""Sessions, turns, callback requests and statistics: the conversation's persistence."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session as DB
from sqlmodel import select

from assistant.privacy import redact_cpr
from assistant.store.models import CallbackRequest, FlowStat, Session, Turn, utcnow


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
        lang: str,
    ) -> int:
        """Save the turn and the new state in one transaction; returns the turn number."""
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

    def count(self, flow_id: str, event: str, step_id: str = "",
              day: dt.date | None = None) -> None:
        """Add one to a privacy-safe daily counter."""
        day = day or utcnow().date()
        with DB(self.engine) as db:
            row = db.exec(select(FlowStat).where(
                FlowStat.day == day, FlowStat.flow_id == flow_id, FlowStat.event == event,
                FlowStat.step_id == step_id)).first()
            if row is None:
                row = FlowStat(day=day, flow_id=flow_id, event=event, step_id=step_id)
            row.count += 1
            db.add(row)
            db.commit()
