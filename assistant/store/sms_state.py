"""What the SMS channel keeps per message and per phone number: the gateway's message ids (so a
retried webhook never runs a turn twice), STOP, and the rest of a long reply for MORE.

Plain SQL statements, each atomic on its own: an SMS turn is a hot path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from assistant.store.db import reading
from assistant.store.models import SmsContact, SmsMessage, utcnow

MESSAGES, CONTACTS = SmsMessage.__table__, SmsContact.__table__
_REPLY = update(MESSAGES).where(MESSAGES.c.sid == bindparam("message"))
_SEEN = core_select(MESSAGES.c.reply).where(MESSAGES.c.sid == bindparam("message"))
_CONTACT = core_select(CONTACTS.c.stopped, CONTACTS.c.pending).where(
    CONTACTS.c.phone_hash == bindparam("key"))


@dataclass(frozen=True)
class Contact:
    stopped: bool = False
    pending: str | None = None


class SmsState:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        self._claim = (dialect.insert(MESSAGES).on_conflict_do_nothing(index_elements=["sid"])
                       .returning(MESSAGES.c.id))
        self._insert_contact = dialect.insert(CONTACTS)

    def claim(self, sid: str, key: str) -> tuple[bool, str, Contact]:
        """Claim the message ``sid`` from the number ``key``: (True, "", the number's state)
        the first time; (False, the reply stored then, ...) for a retry."""
        with reading(self.engine) as conn:
            if conn.execute(self._claim, {"sid": sid, "created_at": utcnow()}).first() is None:
                reply = conn.execute(_SEEN, {"message": sid}).scalar()
                return False, reply or "", Contact()
            row = conn.execute(_CONTACT, {"key": key}).first()
        return True, "", Contact(row.stopped, row.pending) if row else Contact()

    def finish(self, sid: str, reply: str, key: str, changes: dict[str, Any]) -> None:
        """Store the reply (for retries) and the changes to the number's state (only the
        fields that changed, so a STOP that arrived meanwhile stands)."""
        with reading(self.engine) as conn:
            conn.execute(_REPLY, {"message": sid, "reply": reply})
            if changes:
                fields = {**changes, "updated_at": utcnow()}
                upsert = self._insert_contact.on_conflict_do_update(
                    index_elements=["phone_hash"],
                    set_={c: self._insert_contact.excluded[c] for c in fields})
                conn.execute(upsert, {"phone_hash": key, **fields})
