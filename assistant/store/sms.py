"""What the SMS channel keeps per message and per phone number: the gateway's message ids (so
a retried webhook never runs a turn twice), STOP, and the rest of a long reply for MORE.

The SMS channel writes these through :class:`SmsStore`'s methods, each one transaction, around
the conversation's own turn (see channels/sms.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, text, update
from sqlalchemy.engine import Engine

from assistant.store.db import insert, one_statement
from assistant.store.models import SmsContact, SmsMessage, utcnow
from assistant.store.saved import Saved

_MESSAGES, _CONTACTS = SmsMessage.__table__, SmsContact.__table__
_LOOK = text("SELECT s.id, s.state, s.turns, m.sid IS NOT NULL, m.reply, c.stopped, c.pending "
             "FROM (SELECT 1 AS one) AS here "
             'LEFT JOIN sessions AS s ON s."key" = :session '
             "LEFT JOIN sms_messages AS m ON m.sid = :sid "
             "LEFT JOIN sms_contacts AS c ON c.phone_hash = :key")
_SEEN = text("SELECT reply FROM sms_messages WHERE sid = :sid")
_REPLY = update(_MESSAGES).where(_MESSAGES.c.sid == bindparam("message")).values(
    reply=bindparam("text"))
_RELEASE = delete(_MESSAGES).where(_MESSAGES.c.sid == bindparam("message"),
                                   _MESSAGES.c.reply.is_(None))
# "MORE" sends the next part of a long reply only if it is still the part that was read: two
# MOREs at once, answered by two processes, would otherwise both send it.
_NEXT_PART = update(_CONTACTS).where(
    _CONTACTS.c.phone_hash == bindparam("key"), _CONTACTS.c.pending == bindparam("was")
).values(pending=bindparam("rest"), updated_at=bindparam("now"))
FIELDS = ("stopped", "pending")
"""What the channel keeps per number."""


class PartTaken(RuntimeError):
    """Another message from the number took the part of a long reply that a MORE read (sent
    it, or replaced it with a new reply's): nothing was written; look again."""


@dataclass(frozen=True)
class Contact:
    stopped: bool = False
    pending: str | None = None


@dataclass(frozen=True)
class Look:
    """What the store holds for a message and its number, read before the turn. ``seen`` is
    the reply sent the first time when the message was claimed before ("" for none yet), and
    None for a new message."""

    seen: str | None
    contact: Contact = Contact()
    session: Saved | None = None


class SmsStore:
    """The SMS channel's records. A message is claimed (its id stored under a unique
    constraint) before its turn runs or in the transaction that answers it, so however often
    the gateway sends it, one delivery answers it."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self._single, self._insert = engine, one_statement(engine), insert(engine)

    def look(self, sid: str, key: str, session: str) -> Look:
        """Read the message ``sid``, the state of the number ``key`` and its conversation
        ``session`` in one statement; nothing is written."""
        with self._single.connect() as conn:
            found = conn.execute(_LOOK, {"session": session, "sid": sid, "key": key}).one()
        session_id, state, turns, seen, reply, stopped, pending = found
        if seen:
            return Look(reply or "")
        return Look(None, Contact(bool(stopped), pending),
                    Saved.from_row(session_id, state, turns) if session_id is not None else None)

    def seen(self, sid: str) -> str | None:
        """The reply kept for the message ``sid`` ("" for none yet); None if not claimed."""
        with self._single.connect() as conn:
            row = conn.execute(_SEEN, {"sid": sid}).first()
        return (row[0] or "") if row else None

    def claim(self, sid: str, key: str) -> bool:
        """Claim the message now (committed); False if another delivery has claimed it."""
        claim = self._insert(_MESSAGES).values(sid=sid, phone_hash=key, created_at=utcnow())
        with self._single.begin() as conn:
            claimed = conn.execute(claim.on_conflict_do_nothing(index_elements=["sid"])
                                   .returning(_MESSAGES.c.id)).first()
        return claimed is not None

    def release(self, sid: str) -> None:
        """Give up the claim of a message whose turn wrote nothing (the conversation was busy
        with other messages): the gateway's retry of it is answered."""
        with self.engine.begin() as conn:
            conn.execute(_RELEASE, {"message": sid})

    def finish(self, sid: str, key: str, reply: str, changes: dict[str, Any], *,
               claimed: bool) -> None:
        """Keep the reply (for retries) and the changes to the number's state, in one
        transaction. A message not ``claimed`` yet is claimed by it: IntegrityError if another
        delivery has claimed it, and nothing is written."""
        with self.engine.begin() as conn:
            self._keep(conn, sid, key, reply, claimed)
            if changes:
                conn.execute(self._change(key, changes))

    def next_part(self, sid: str, key: str, reply: str, was: str, rest: str | None) -> None:
        """Answer a MORE with ``reply`` (kept for retries, claiming the message) and keep the
        part after it, in one transaction, if the part the MORE read, ``was``, is still the one
        waiting; else raise :class:`PartTaken` and write nothing."""
        with self.engine.begin() as conn:
            moved = conn.execute(_NEXT_PART, {"key": key, "was": was, "rest": rest,
                                              "now": utcnow()})
            if moved.rowcount != 1:
                raise PartTaken(key)
            self._keep(conn, sid, key, reply, claimed=False)

    def _keep(self, conn: Any, sid: str, key: str, reply: str, claimed: bool) -> None:
        if claimed:
            conn.execute(_REPLY, {"message": sid, "text": reply})
        else:
            conn.execute(_MESSAGES.insert().values(sid=sid, phone_hash=key, reply=reply,
                                                   created_at=utcnow()))

    def _change(self, key: str, changes: dict[str, Any]) -> Any:
        """The upsert of the number's state: only the fields that changed, so a STOP that
        arrived meanwhile stands."""
        unknown = set(changes) - set(FIELDS)
        if unknown:
            raise ValueError(f"not SMS contact fields: {sorted(unknown)}")
        upsert = self._insert(_CONTACTS).values(
            phone_hash=key, stopped=bool(changes.get("stopped", False)),
            pending=changes.get("pending"), updated_at=utcnow())
        fields = [f for f in FIELDS if f in changes]
        return upsert.on_conflict_do_update(
            index_elements=["phone_hash"],
            set_={f: upsert.excluded[f] for f in [*fields, "updated_at"]})
