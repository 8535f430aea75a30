"""What the SMS channel keeps per message and per phone number: the gateway's message ids (so a
retried webhook never runs a turn twice), STOP, and the rest of a long reply for MORE.

The few statements of one step go to the database together (see driver.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.store.driver import Statement
from assistant.store.models import SmsMessage, utcnow

if TYPE_CHECKING:
    from assistant.store.sessions import Saved, SessionStore

_CLAIM = ("INSERT INTO sms_messages (sid, created_at) VALUES (:sid, :now) "
          "ON CONFLICT (sid) DO NOTHING RETURNING id")
_CONTACT = "SELECT stopped, pending FROM sms_contacts WHERE phone_hash = :key"
_SEEN = "SELECT reply FROM sms_messages WHERE sid = :sid"
_REPLY = "UPDATE sms_messages SET reply = :reply WHERE sid = :sid"
_CHANGE = ("INSERT INTO sms_contacts (phone_hash, stopped, pending, updated_at) "
           "VALUES (:key, :stopped, :pending, :now) ON CONFLICT (phone_hash) DO UPDATE SET ")
_FIELDS = ("stopped", "pending")


@dataclass(frozen=True)
class Contact:
    stopped: bool = False
    pending: str | None = None


@dataclass(frozen=True)
class Claim:
    """``first`` is False for a retried message: ``reply`` is then what was sent the first
    time. Otherwise: the number's state and its saved conversation, if any."""

    first: bool
    reply: str = ""
    contact: Contact = Contact()
    session: Saved | None = None


class SmsState:
    def __init__(self, store: SessionStore) -> None:
        self.store, self.driver = store, store.driver
        self._time = store.driver.encoder(SmsMessage.__table__.c.created_at)

    def claim(self, sid: str, key: str, session: str) -> Claim:
        """Claim the message ``sid`` from the number ``key``, reading the number's state and
        its conversation ``session`` at the same time."""
        saved, (claimed, contact) = self.store.load_with(session, [
            (_CLAIM, {"sid": sid, "now": self._time(utcnow())}), (_CONTACT, {"key": key})])
        if not claimed.rows:
            [seen] = self.driver.run([(_SEEN, {"sid": sid})])
            return Claim(False, (seen.rows[0][0] or "") if seen.rows else "")
        row = contact.rows[0] if contact.rows else None
        return Claim(True, "", Contact(bool(row[0]), row[1]) if row else Contact(), saved)

    def finish(self, sid: str, reply: str, key: str, changes: dict[str, Any]) -> None:
        """Store the reply (for retries) and the changes to the number's state."""
        self.driver.run(self.finishing(sid, reply, key, changes), write=True)

    def finishing(self, sid: str, reply: str, key: str,
                  changes: dict[str, Any]) -> list[Statement]:
        """The statements that store the reply (for retries) and the changes to the number's
        state (only the fields that changed, so a STOP that arrived meanwhile stands)."""
        unknown = set(changes) - set(_FIELDS)
        if unknown:
            raise ValueError(f"not SMS contact fields: {sorted(unknown)}")
        statements: list[Statement] = [(_REPLY, {"sid": sid, "reply": reply})]
        if changes:
            fields = [f for f in _FIELDS if f in changes]
            statements.append((
                _CHANGE + ", ".join(f"{f} = excluded.{f}" for f in [*fields, "updated_at"]),
                {"key": key, "stopped": bool(changes.get("stopped", False)),
                 "pending": changes.get("pending"), "now": self._time(utcnow())}))
        return statements
