"""What the SMS channel keeps per message and per phone number: the gateway's message ids (so a
retried webhook never runs a turn twice), STOP, and the rest of a long reply for MORE.

The few statements of one step go to the database together (see driver.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.store.driver import Statement
from assistant.store.models import SmsMessage, utcnow
from assistant.store.saved import Saved

if TYPE_CHECKING:
    from assistant.store.sessions import SessionStore

_SEEN = "SELECT reply FROM sms_messages WHERE sid = :sid"
_LOOK = ("SELECT s.id, s.state, s.turns, m.sid IS NOT NULL, m.reply, c.stopped, c.pending "
         "FROM (SELECT 1 AS one) AS here "
         'LEFT JOIN sessions AS s ON s."key" = :session '
         "LEFT JOIN sms_messages AS m ON m.sid = :sid "
         "LEFT JOIN sms_contacts AS c ON c.phone_hash = :key")
_CLAIM = ("INSERT INTO sms_messages (sid, phone_hash, created_at) VALUES (:sid, :key, :now) "
          "ON CONFLICT (sid) DO NOTHING RETURNING id")
_REPLY = "UPDATE sms_messages SET reply = :reply WHERE sid = :sid"
_CLAIM_WITH_REPLY = ("INSERT INTO sms_messages (sid, phone_hash, created_at, reply) "
                     "VALUES (:sid, :key, :now, :reply)")
_CHANGE = ("INSERT INTO sms_contacts (phone_hash, stopped, pending, updated_at) "
           "VALUES (:key, :stopped, :pending, :now) ON CONFLICT (phone_hash) DO UPDATE SET ")
_FIELDS = ("stopped", "pending")
# "MORE" sends the next part of a long reply only if it is still the part that was read: two
# MOREs at once, answered by two processes, would otherwise both send it.
_NEXT_PART = ("UPDATE sms_contacts SET pending = :pending, updated_at = :now "
              "WHERE phone_hash = :key AND pending = :was")


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


class Claim:
    """A message's claim: one turn per message id, however often the gateway sends it.

    A turn that only changes its own conversation claims the message in the turn's own
    transaction (one commit): a retry that ran at the same time fails on the unique message
    id and rolls back whole. Before a turn writes anything else (a booking), :meth:`make`
    commits the claim first, and the turn stops if it cannot: a retry after a crash can never
    book again."""

    def __init__(self, state: SmsState, sid: str, key: str) -> None:
        self.state, self.sid, self.key, self.made = state, sid, key, False

    def make(self) -> bool:
        """Claim the message now; False if another delivery has claimed it."""
        if not self.made:
            [claimed] = self.state.driver.run(
                [(_CLAIM, {"sid": self.sid, "key": self.key, "now": self.state._time(utcnow())})])
            self.made = bool(claimed.rows)
        return self.made

    def with_reply(self, reply: str) -> Statement:
        """The statement that stores the reply for retries, claiming the message if it is
        not claimed yet (a delivery that got there first makes it fail)."""
        if self.made:
            return (_REPLY, {"sid": self.sid, "reply": reply})
        return (_CLAIM_WITH_REPLY, {"sid": self.sid, "key": self.key, "reply": reply,
                                    "now": self.state._time(utcnow())})


class SmsState:
    def __init__(self, store: SessionStore) -> None:
        self.store, self.driver = store, store.driver
        self._time = store.driver.encoder(SmsMessage.__table__.c.created_at)

    def look(self, sid: str, key: str, session: str) -> Look:
        """Read the message ``sid``, the state of the number ``key`` and its conversation
        ``session`` in one statement; nothing is written."""

        [found] = self.driver.run([(_LOOK, {"session": session, "sid": sid, "key": key})])
        session_id, state, turns, seen, reply, stopped, pending = found.rows[0]
        if seen:
            return Look(reply or "")
        return Look(None, Contact(bool(stopped), pending),
                    Saved.from_row(session_id, state, turns) if session_id is not None else None)

    def seen(self, sid: str) -> str | None:
        """The reply kept for the message ``sid`` ("" for none yet); None if not claimed."""
        [seen] = self.driver.run([(_SEEN, {"sid": sid})])
        return (seen.rows[0][0] or "") if seen.rows else None

    def finish(self, claim: Claim, reply: str, key: str, changes: dict[str, Any]) -> None:
        """Store the reply (for retries) and the changes to the number's state, in one
        transaction (on PostgreSQL one statement)."""
        statements = self.finishing(claim, reply, key, changes)
        if self.driver.postgres and len(statements) > 1:
            statements = [self.driver.as_one(
                [(f"s{i}", sql, params) for i, (sql, params) in enumerate(statements)],
                "SELECT 1")]
        self.driver.run(statements, write=True)

    def next_part(self, claim: Claim, reply: str, key: str, was: str, rest: str | None) -> None:
        """Store the reply to a MORE (for retries) and the part after it, in one transaction,
        if the part the MORE read, ``was``, is still the one waiting; else raise
        :class:`PartTaken` and write nothing."""
        after = (_NEXT_PART, {"key": key, "was": was, "pending": rest,
                              "now": self._time(utcnow())})
        statements = [after, claim.with_reply(reply)]
        if self.driver.postgres:  # one statement
            statements = [self.driver.as_one_if_first(
                [("after", after[0] + " RETURNING 1", after[1]), ("reply", *statements[1])])]
        try:
            self.driver.run(statements, write=True, first_changes_one=True)
        except LookupError:
            raise PartTaken(key) from None

    def finishing(self, claim: Claim, reply: str, key: str,
                  changes: dict[str, Any]) -> list[Statement]:
        """The statements that store the reply (for retries) and the changes to the number's
        state (only the fields that changed, so a STOP that arrived meanwhile stands)."""
        unknown = set(changes) - set(_FIELDS)
        if unknown:
            raise ValueError(f"not SMS contact fields: {sorted(unknown)}")
        statements: list[Statement] = [claim.with_reply(reply)]
        if changes:
            fields = [f for f in _FIELDS if f in changes]
            statements.append((
                _CHANGE + ", ".join(f"{f} = excluded.{f}" for f in [*fields, "updated_at"]),
                {"key": key, "stopped": bool(changes.get("stopped", False)),
                 "pending": changes.get("pending"), "now": self._time(utcnow())}))
        return statements
