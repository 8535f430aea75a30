"""Retention and data-subject requests: purge old conversations, anonymise old bookings,
export and erase what we hold about a phone number. Every request is audited."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from sqlalchemy import select as core_select
from sqlalchemy.engine import Engine
from sqlmodel import Session as DB
from sqlmodel import col, delete, select, update

from assistant import jsoncodec
from assistant.booking.proof import OTP_KIND
from assistant.booking.service import release
from assistant.channels_keys import phone_hash, sender_mark, sms_session_key
from assistant.i18n import local
from assistant.privacy import plain_text
from assistant.staff import audit
from assistant.store.models import (
    AuditEntry,
    Booking,
    CallbackRequest,
    ClosedDay,
    Outbox,
    PhoneProof,
    ResumeCode,
    Session,
    SmsContact,
    SmsMessage,
    Turn,
    utcnow,
)
from assistant.validators import PHONE_CHARS, e164

ANONYMOUS = "(anonymised)"


def purge(engine: Engine, *, keep_days: int = 30, anonymise_after_days: int = 30,
          now: Callable[[], dt.datetime] = utcnow) -> dict[str, int]:
    """Delete sessions and turns older than ``keep_days``; anonymise bookings and callbacks
    ``anonymise_after_days`` after the meeting or request; drop sent SMS and the replies kept
    for gateway retries."""
    moment = now()
    cutoff = moment - dt.timedelta(days=keep_days)
    anon_cutoff = moment - dt.timedelta(days=anonymise_after_days)
    counts = {"sessions": 0, "turns": 0, "bookings": 0, "callbacks": 0, "sms": 0,
              "sms_replies": 0, "sms_pending": 0, "resume_codes": 0, "phone_proofs": 0}
    with DB(engine) as db:
        old = [s.id for s in db.exec(select(Session).where(Session.updated_at < cutoff))]
        if old:
            counts["turns"] = db.exec(delete(Turn).where(col(Turn.session_id).in_(old))).rowcount
            counts["sessions"] = db.exec(delete(Session).where(col(Session.id).in_(old))).rowcount
        # A conversation still in use (one SMS session per number) keeps only its recent turns.
        counts["turns"] += db.exec(delete(Turn).where(Turn.created_at < cutoff)).rowcount
        # The rest of a long reply waiting for MORE may hold a name or a number.
        counts["sms_pending"] = db.exec(update(SmsContact).where(
            SmsContact.updated_at < cutoff, SmsContact.pending.is_not(None))  # type: ignore[union-attr]
            .values(pending=None)).rowcount
        for booking in db.exec(select(Booking).where(Booking.end < anon_cutoff,
                                                     Booking.name != ANONYMOUS)):
            booking.name, booking.phone, booking.active_key = ANONYMOUS, "", None
            booking.session_id = booking.origin = None
            db.add(booking)
            counts["bookings"] += 1
        for request in db.exec(select(CallbackRequest).where(
                CallbackRequest.created_at < anon_cutoff, CallbackRequest.phone.is_not(None))):  # type: ignore[union-attr]
            request.name, request.phone = None, None
            db.add(request)
            counts["callbacks"] += 1
        counts["sms"] = db.exec(delete(Outbox).where(  # sent, or given up, long ago
            ((Outbox.sent_at.is_not(None)) & (Outbox.sent_at < cutoff))  # type: ignore[union-attr,operator]
            | ((Outbox.failed_at.is_not(None)) & (Outbox.failed_at < cutoff)))).rowcount  # type: ignore[union-attr,operator]
        counts["sms_replies"] = db.exec(delete(SmsMessage).where(
            SmsMessage.created_at < cutoff)).rowcount
        counts["resume_codes"] = db.exec(delete(ResumeCode).where(
            (ResumeCode.used == True) | (ResumeCode.expires_at < moment))).rowcount  # noqa: E712
        # One-time codes (booking/proof.py) count towards waits for a day at most; the SMS of
        # a code that is long dead is never worth sending, and holds the code in clear.
        day_ago = moment - dt.timedelta(days=1)
        counts["phone_proofs"] = db.exec(delete(PhoneProof).where(
            PhoneProof.created_at < day_ago)).rowcount
        counts["sms"] += db.exec(delete(Outbox).where(Outbox.kind == OTP_KIND,
                                                      Outbox.due_at < day_ago)).rowcount
        db.commit()
    audit(engine, "system", "purge", counts=counts)
    return counts


_SEP = r"(?:[\s\-/()\[\]*_,~\u2010-\u2015\u2053\u2212\u223c]|\.{1,3}){0,3}"
"""What may stand between two digits of a written number, in text made plain (_plain):
up to three of what the phone question (validators.e164, libphonenumber) reads as a
separator (spaces of any width, dots or "…", dashes of any kind, slashes, brackets, "*",
tildes), and also underscores and commas (2611-2233, 26.11.22.33, (+45) 26 11 22 33, 26_11_22_33,
26,11,22,33). Soft hyphens and other invisible characters are removed before."""
_COUNTRY_BEFORE = re.compile(rf"(?:\+|(?<!\d)00)((?:{_SEP}\d){{1,7}}){_SEP}$")
"""A "+" or "00" and up to 7 digits right before the number: a country code (and an area
code) written before it, "+49 30 " in "+49 30 26112233"."""
_AMOUNT_BEFORE = re.compile(r"(?:\bkr\.?|\bdkk)\s*$", re.IGNORECASE)
_AMOUNT_AFTER = re.compile(r"\s*(?:kr\b|dkk\b|,-)", re.IGNORECASE)
"""An amount: "kr. 26.112.233", "26.112.233 kr", "26.112.233,-"."""


_KEYPAD = str.maketrans({letter: digit for digit, letters in (
    ("2", "abc"), ("3", "def"), ("4", "ghi"), ("5", "jkl"), ("6", "mno"), ("7", "pqrs"),
    ("8", "tuv"), ("9", "wxyz")) for lower in letters for letter in (lower, lower.upper())})
"""Letters as the phone question reads them when a number has three or more (libphonenumber,
as on a phone's keypad: "2611ABDE" is 26112233); with fewer it leaves them out."""
_NOT_DIGITS = re.compile(r"[^0-9]+")
_START = re.compile(r"(?<![0-9])[+0-9]")
"""Where a number may begin: a "+" or a digit that follows no digit."""
_WORD_END = re.compile(r"(?<=[^\W_])(?![^\W_])")
"""Where a written word ends (a letter or digit, then none): a number ends at one."""
_TAIL = 6
"""How many of a number's last digits every writing of it holds, in a row, as digits or as
keypad letters (a country's own prefixes change only its start)."""


class NumberFinder:
    """Where a text (made plain with _plain: full-width, Arabic-Indic and other digits as
    ASCII, no soft hyphens) writes ``phone`` (E.164) as citizens type it and replies show
    it. Two readings, and what either finds is the number:

    - every stretch of the text the phone question (validators.e164, libphonenumber) takes
      as the number: from a "+" or a digit to the end of a word, at most 30 characters,
      with any of its separators ("26--//--11 22 33"), letters it reads as keypad digits
      ("2611ABDE", "26 11 AB DE") or leaves out ("2611 2233ab", "+45 26 11 22 33x"),
      letters before it ("tlf26112233") and an extension after it ("26112233 ext 5");
    - the digits with or without their own country code (+45, 0045, 45) and up to three of
      _SEP between two of them, also where the phone question refuses the separator
      ("26_11_22_33", "26,11,22,33"), unless letters are glued after the last digit.

    Not someone else's number that ends in the same digits: one written with another country
    code ("+46 26112233", "0046 26112233", "+49 30 26112233", "+1 2611 2233"), an amount
    ("26.112.233 kr", "kr. 26.112.233"), and not a word the phone question refuses
    ("26112233xyz": three letters are keypad digits, so it has eleven digits)."""

    def __init__(self, phone: str) -> None:
        self.phone = phone
        try:
            number = phonenumbers.parse(phone, "DK")
            national = phonenumbers.national_significant_number(number)
            self.country = str(number.country_code)
        except phonenumbers.NumberParseException:
            national, self.country = re.sub(r"\D", "", phone), ""
        self.tail = national[-_TAIL:]
        digits = _SEP.join(national)
        prefix = (rf"(?:(?:\+|00)?{_SEP}{_SEP.join(self.country)}{_SEP})?"
                  if self.country else "")
        self.pattern = re.compile(rf"(?<!\d){prefix}{digits}(?!\d)(?![^\W\d_])")

    def __call__(self, text: str) -> bool:
        return bool(self.spans(text, first=True))

    def _someone_elses(self, text: str, start: int, end: int) -> bool:
        """Whether the number written at ``text[start:end]`` is another country's (a country
        code before it) or an amount."""
        before = text[max(0, start - 40):start]
        code = _COUNTRY_BEFORE.search(before)
        if code is not None and re.sub(r"\D", "", code[1]) != self.country:
            return True
        digits_end = 1 + max((i for i in range(start, end) if text[i].isdigit()),
                             default=end - 1)
        return bool(_AMOUNT_BEFORE.search(before) or _AMOUNT_AFTER.match(text, digits_end))

    def spans(self, text: str, *, first: bool = False) -> list[tuple[int, int]]:
        """Where ``text`` writes the number, in order, overlaps joined; with ``first``, at
        most the first found."""
        found: list[tuple[int, int]] = []
        pos = 0
        while (m := self.pattern.search(text, pos)) is not None:
            pos = m.start() + 1  # a number refused may hold the start of one that is not
            if not self._someone_elses(text, m.start(), m.end()):
                found.append(m.span())
                if first:
                    return found
        found += self._read_as_asked(text, first=first)
        return _joined(text, found)

    def _read_as_asked(self, text: str, *, first: bool) -> list[tuple[int, int]]:
        """The stretches of ``text`` the phone question takes as the number."""
        if self.tail not in _NOT_DIGITS.sub("", text) and \
                self.tail not in _NOT_DIGITS.sub("", text.translate(_KEYPAD)):
            return []  # no writing of the number can be here: the common case, quickly
        ends = [m.start() for m in _WORD_END.finditer(text)]
        found: list[tuple[int, int]] = []
        for start in (m.start() for m in _START.finditer(text)):
            if found and start < found[-1][1]:
                continue  # inside the number just found
            for end in ends[bisect.bisect_right(ends, start):]:
                if end - start > PHONE_CHARS:
                    break
                if e164(text[start:end]) == self.phone and \
                        not self._someone_elses(text, start, end):
                    found.append((start, end))
                    if first:
                        return found
                    break
        return found


def _joined(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` in order, without the spaces at their ends, overlaps joined."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        start += len(text[start:end]) - len(text[start:end].lstrip())
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


@functools.cache
def _digits() -> dict[int, str]:
    """For str.translate: every other script's decimal digit as its ASCII digit."""
    return {code: str(unicodedata.decimal(chr(code))) for code in range(0x80, sys.maxunicode + 1)
            if chr(code).isdecimal()}


def _plain(text: str) -> str:
    """``text`` as the phone question reads a number: made plain as privacy.plain_text makes
    it (NFKC, no format or other invisible characters: soft hyphens, zero-width spaces), and
    every decimal digit as an ASCII one (Arabic-Indic ٢٦, Devanagari २६)."""
    if text.isascii():
        return text
    return plain_text(text).translate(_digits())


def _mentions(found: Callable[[str], bool], *texts: str | None) -> bool:
    return any(text and found(_plain(text)) for text in texts)


PHONE_MASKS = {"da": "[telefonnummer fjernet]", "en": "[phone number removed]",
               "uk": "[номер телефону видалено]"}
"""What stands for a phone number an erasure took out of someone else's words (a callback
request's note or name), in the request's language. Fixed here, not translated in i18n/:
masks are stored."""


def _masked(finder: NumberFinder, text: str | None, lang: str, length: int) -> str | None:
    """``text`` with every writing of the number (:class:`NumberFinder`) masked, cut to the
    column's ``length``. Text without it comes back as it was; text with it comes back as
    the finder read it (:func:`_plain`: NFKC, no format characters)."""
    if not text:
        return text
    spans = finder.spans(_plain(text))
    if not spans:
        return text
    plain = text if text.isascii() else plain_text(text)  # _plain's, before the digits
    mask = PHONE_MASKS.get(lang, PHONE_MASKS["da"])
    out, last = [], 0
    for start, end in spans:
        out += [plain[last:start], mask]
        last = end
    return "".join([*out, plain[last:]])[:length]


@dataclass
class Held:
    """What is held about one number: what an access request shows and an erasure takes."""

    bookings: list[Booking] = field(default_factory=list)
    callbacks: list[CallbackRequest] = field(default_factory=list)
    outbox: list[Outbox] = field(default_factory=list)
    sms_session: Session | None = None
    conversations: list[Session] = field(default_factory=list)
    """The number's own web, kiosk and chat conversations in which it was typed, stored or
    shown: the store ties them to the number (:func:`_tied`)."""
    mentioned: list[Session] = field(default_factory=list)
    """The other conversations in which the number was written: nothing ties them to it, so
    they may be someone else's (a mistyped number, a friend's number)."""
    mention_turns: dict[str, int] = field(default_factory=dict)
    """Per conversation, how many of its turns write the number."""
    mentioning_callbacks: list[CallbackRequest] = field(default_factory=list)
    """Someone else's requests for staff (from another number, or none) whose note or name
    writes the number: they are not the number's holder's, so an erasure masks the number
    in them and keeps the rest."""
    resume_codes: list[ResumeCode] = field(default_factory=list)
    sms_replies: list[SmsMessage] = field(default_factory=list)
    sms_contact: SmsContact | None = None


def _state(text: str) -> dict[str, Any]:
    try:
        data = jsoncodec.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _tied(states: dict[str, str], phone: str) -> set[str]:
    """The conversations (of ``states``, by id) that proved ``phone`` with the code texted to
    it (their state's ``proven``): only those are the number's holder's own. A booking or a
    callback request made with the number needs no code at the kiosk, nor does a callback
    anywhere, so a conversation that made one may be someone else's who mistyped the number;
    it is a mention (its booking or request is exported on its own)."""
    proof = phone_hash(phone)
    tied = set()
    for session_id, text in states.items():
        proven = _state(text).get("proven")
        if isinstance(proven, list) and proof in proven:
            tied.add(session_id)
    return tied


def _held(db: DB, phone: str) -> Held:
    """Everything held about ``phone``, found the same way for export and erase."""
    held, mentions = Held(), NumberFinder(phone)
    held.bookings = list(db.exec(select(Booking).where(Booking.phone == phone)))
    held.callbacks = list(db.exec(select(CallbackRequest).where(CallbackRequest.phone == phone)
                                  .order_by(CallbackRequest.created_at)))
    own = {request.id for request in held.callbacks}
    held.mentioning_callbacks = [
        request for request in db.exec(select(CallbackRequest).where(
            CallbackRequest.note.is_not(None) | CallbackRequest.name.is_not(None))  # type: ignore[union-attr]
            .order_by(CallbackRequest.created_at))
        if request.id not in own and _mentions(mentions, request.note, request.name)]
    held.outbox = list(db.exec(select(Outbox).where(Outbox.phone == phone)))
    key = sms_session_key(phone)
    held.sms_session = db.exec(select(Session).where(Session.key == key)).first()
    sms_id = held.sms_session.id if held.sms_session is not None else None
    # Any written form of the number: read every conversation's text once (a request is rare;
    # SQL's LIKE cannot say "these digits, with anything between them").
    for session_id, said, replied in db.exec(
            select(Turn.session_id, Turn.input, Turn.reply).execution_options(yield_per=1000)):
        if _mentions(mentions, said, replied):
            held.mention_turns[session_id] = held.mention_turns.get(session_id, 0) + 1
    states = {session_id: state for session_id, state in db.exec(
        select(Session.id, Session.state).execution_options(yield_per=1000))
        if session_id in held.mention_turns or _mentions(mentions, state)}
    states.pop(sms_id or "", None)
    if states:  # a turn's session is always there (purge and erase take both at once)
        tied = _tied(states, phone)
        found = list(states)
        for session in db.exec(select(Session).where(col(Session.id).in_(found))
                               .order_by(Session.created_at)):
            (held.conversations if session.id in tied else held.mentioned).append(session)
    mark = sender_mark(phone)  # saved by SMS from the number: held as its hash
    held.resume_codes = [code for code in db.exec(select(ResumeCode))
                         if _mentions(mentions, code.state) or mark in code.state]
    hashed = key.removeprefix("sms:")
    held.sms_replies = list(db.exec(select(SmsMessage).where(SmsMessage.phone_hash == hashed)
                                    .order_by(SmsMessage.id)))
    held.sms_contact = db.get(SmsContact, hashed)
    return held


def _at(when: dt.datetime) -> str:
    """A time as the export gives it: ISO 8601 in the jobcenter's local time, with its
    offset (2026-12-07T17:15:00+01:00), to the second; the store keeps UTC."""
    return local(when).isoformat(timespec="seconds")


def _turns(db: DB, session: Session) -> list[dict[str, Any]]:
    """A conversation's turns: what was written, the reply as stored (``reply``, JSON with
    every language) and as read in the turn's language (``reply_text``, plain lines)."""
    return [{"at": _at(t.created_at), "input": t.input, "reply": t.reply,
             "reply_text": _reply_text(t.reply, t.lang)}
            for t in db.exec(select(Turn).where(Turn.session_id == session.id)
                             .order_by(Turn.seq))]


def _reply_text(reply: str, lang: str) -> str:
    """A stored reply as the person read it: its lines in ``lang`` (the option list, a
    card's title), as the staff transcript shows it."""
    from assistant.outputs import from_json
    from assistant.staffdesk import plain

    try:
        stored = jsoncodec.loads(reply)
    except ValueError:
        return reply
    items = stored if isinstance(stored, list) else []
    return plain([out for item in items if isinstance(item, dict)
                  and (out := from_json(item)) is not None], lang)


MENTIONS_NOTE = (
    "The conversations and requests for staff under \"mentions\" are not tied to this phone "
    "number: it was only written in them, perhaps by someone else (a mistyped number, or a "
    "friend's number), so they may be someone else's. Their text is not part of this export. "
    "A deletion (privacy delete) takes the conversations too, and takes the number out of "
    "the requests.")
MENTIONS_REVIEW_NOTE = (
    "The conversations and requests for staff under \"mentions\" are not tied to this phone "
    "number: it was only written in them, perhaps by someone else (a mistyped number, or a "
    "friend's number), so they may be someone else's. Their text is here for staff to "
    "review only: it is not part of the export to hand out. A deletion (privacy delete) "
    "takes the conversations too, and takes the number out of the requests.")


def _channel(place: str | None) -> str | None:
    """A request's place as a channel: "kiosk" for "kiosk:<name>", "web", "sms", "text"."""
    return place.split(":", 1)[0] if place else None


def export(engine: Engine, phone: str, staff: str, *,
           with_mentions: bool = False) -> dict[str, Any]:
    """Everything held about ``phone`` (an access request), as plain data: exactly what
    :func:`erase` would take. The number's own conversations (:func:`_tied`) are given in
    full; the others in which it was only written ("mentions") by their channel, start and
    how many of their turns write the number, and not their text, which may be someone
    else's (GDPR art. 15(4)); so are someone else's callback requests whose note or name
    writes the number, by their channel and time. ``with_mentions`` adds their turns (and
    the requests' name and note) for staff to review before anything is handed out; the
    audit log says so (``privacy_export_mentions``)."""
    with DB(engine) as db:
        held = _held(db, phone)
        data = {
            "phone": phone,
            "bookings": [{"code": b.code, "meeting_type": b.meeting_type,
                          "start": _at(b.start), "status": b.status, "name": b.name,
                          "channel": b.channel} for b in held.bookings],
            "callbacks": [{"created": _at(c.created_at), "topic": c.topic,
                           "name": c.name, "note": c.note, "status": c.status}
                          for c in held.callbacks],
            "sms": [{"kind": o.kind, "due": _at(o.due_at), "text": o.body,
                     "sent": _at(o.sent_at) if o.sent_at else None}
                    for o in held.outbox],
            "sms_conversation": [] if held.sms_session is None else [
                {"at": t["at"], "input": t["input"]} for t in _turns(db, held.sms_session)],
            "sms_replies": [{"at": _at(m.created_at), "reply": m.reply}
                            for m in held.sms_replies],
            "sms_stopped": held.sms_contact.stopped if held.sms_contact else None,
            "conversations": [{"channel": s.channel, "started": _at(s.created_at),
                               "turns": _turns(db, s)} for s in held.conversations],
            "mentions": [
                *({"what": "conversation", "channel": s.channel, "started": _at(s.created_at),
                   "turns_with_number": held.mention_turns.get(s.id, 0),
                   **({"turns": _turns(db, s)} if with_mentions else {})}
                  for s in held.mentioned),
                *({"what": "callback request", "channel": _channel(c.place),
                   "created": _at(c.created_at),
                   **({"name": c.name, "note": c.note} if with_mentions else {})}
                  for c in held.mentioning_callbacks)],
            "note": MENTIONS_REVIEW_NOTE if with_mentions else MENTIONS_NOTE,
            "resume_codes": [{"expires": _at(r.expires_at)} for r in held.resume_codes],
        }
    if with_mentions:
        audit(engine, staff, "privacy_export_mentions", phone_ending=phone[-2:],
              mentions=len(held.mentioned))
    else:
        audit(engine, staff, "privacy_export", phone_ending=phone[-2:])
    return data


def erase(engine: Engine, phone: str, staff: str) -> dict[str, int]:
    """Erase what we hold about ``phone`` (what :func:`export` shows): future bookings are
    cancelled and freed, past ones anonymised; callbacks, queued SMS, the SMS conversation,
    the replies kept for gateway retries and every conversation in which the number was
    written in any form are deleted; in someone else's callback request whose note or name
    writes the number, the number is masked (:data:`PHONE_MASKS`). On SQLite the erased
    rows' bytes are overwritten and the write-ahead log is emptied, so no copy of them is left
    in the database's files."""
    counts = {"bookings": 0, "callbacks": 0, "callbacks_masked": 0, "sms": 0, "turns": 0,
              "conversations": 0, "resume_codes": 0, "sms_replies": 0}
    sqlite = engine.dialect.name == "sqlite"
    with DB(engine) as db:
        if sqlite:  # deleted rows are overwritten with zeros, not left in free space
            db.connection().exec_driver_sql("PRAGMA secure_delete = ON")
        held = _held(db, phone)
        for booking in held.bookings:
            if booking.status == "active":
                release(db, booking)
            booking.name, booking.phone, booking.active_key = ANONYMOUS, "", None
            db.add(booking)
            counts["bookings"] += 1
        counts["callbacks"], counts["sms"] = len(held.callbacks), len(held.outbox)
        for row in [*held.callbacks, *held.resume_codes, *held.sms_replies]:
            db.delete(row)
        finder, columns = NumberFinder(phone), CallbackRequest.__table__.c  # type: ignore[attr-defined]
        for request in held.mentioning_callbacks:  # someone else's: the number goes, not it
            request.note = _masked(finder, request.note, request.lang, columns.note.type.length)
            request.name = _masked(finder, request.name, request.lang, columns.name.type.length)
            db.add(request)
        counts["callbacks_masked"] = len(held.mentioning_callbacks)
        # by id: releasing a booking above already took its reminder, a row of these
        if held.outbox:
            db.exec(delete(Outbox).where(col(Outbox.id).in_([o.id for o in held.outbox])))
        counts["resume_codes"], counts["sms_replies"] = (len(held.resume_codes),
                                                         len(held.sms_replies))
        sessions = [s.id for s in [*held.conversations, *held.mentioned]]
        if held.sms_session is not None:
            sessions.append(held.sms_session.id)
        if sessions:
            counts["turns"] = db.exec(delete(Turn).where(col(Turn.session_id).in_(sessions))
                                      ).rowcount
            db.exec(delete(Session).where(col(Session.id).in_(sessions)))
        counts["conversations"] = len(held.conversations) + len(held.mentioned)
        if held.sms_contact is not None:
            db.delete(held.sms_contact)
        # One-time codes sent to prove the number (booking/proof.py)
        db.exec(delete(PhoneProof).where(
            PhoneProof.phone_hash == sms_session_key(phone).removeprefix("sms:")))
        db.commit()
        if sqlite:
            db.connection().exec_driver_sql("PRAGMA secure_delete = OFF")
    audit(engine, staff, "privacy_delete", phone_ending=phone[-2:], counts=counts)
    if sqlite:
        wal_checkpoint(engine)
    return counts


def wal_checkpoint(engine: Engine) -> None:
    """Copy SQLite's write-ahead log into the database and empty it (TRUNCATE), so erased
    rows are not left in the -wal file while the server runs. Readers in the middle of a
    read make SQLite wait for them (the busy timeout) before it gives up."""
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        raw.close()


CPR_COLUMNS: dict[type, tuple[str, ...]] = {
    Turn: ("input", "reply"), Session: ("state",), Booking: ("name",),
    CallbackRequest: ("name", "note"), Outbox: ("body",), SmsMessage: ("reply",),
    SmsContact: ("pending",), ResumeCode: ("state",), ClosedDay: ("reason",),
}
"""Where a citizen's or a staff member's words are stored: what `privacy scan` reads. The
audit log is append-only (the database refuses changes): it is counted, never changed."""
JSON_COLUMNS = {"turns.reply", "sessions.state", "resume_codes.state"}
"""Columns that hold JSON: their strings are redacted one by one, so the JSON stays valid
(NFKC over the whole text would turn a full-width quote into a real one)."""


def _redacted(value: str, as_json: bool) -> str:
    from assistant import jsoncodec
    from assistant.privacy import redact_cpr

    if not as_json:
        return redact_cpr(value)
    try:
        data = jsoncodec.loads(value)
    except ValueError:
        return redact_cpr(value)

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            return redact_cpr(item)
        if isinstance(item, list):
            return [walk(x) for x in item]
        if isinstance(item, dict):
            return {k: walk(v) for k, v in item.items()}
        return item

    return jsoncodec.dumps(walk(data))


def scan_cpr(engine: Engine, *, redact: bool = False) -> dict[str, int]:
    """Find CPR numbers already stored (by a version that missed a form of them, or typed
    where nothing redacted), with :mod:`assistant.privacy`'s detector; with ``redact``,
    mask them in place (cut to the column's length). Returns how many values held one, per
    ``table.column``: counts only, never the numbers."""
    from assistant.privacy import has_cpr

    counts: dict[str, int] = {}
    with engine.begin() as conn:
        for model, names in CPR_COLUMNS.items():
            table = model.__table__  # type: ignore[attr-defined]
            key = next(iter(table.primary_key.columns))
            columns = [table.c[name] for name in names]
            for name in names:
                counts[f"{table.name}.{name}"] = 0
            found: list[tuple[Any, dict[str, str]]] = []
            for row in conn.execute(core_select(key, *columns)
                                   .execution_options(yield_per=1000)):
                changed = {}
                for column, value in zip(columns, row[1:], strict=True):
                    if value and has_cpr(value):
                        counts[f"{table.name}.{column.name}"] += 1
                        length = getattr(column.type, "length", None)
                        as_json = f"{table.name}.{column.name}" in JSON_COLUMNS
                        changed[column.name] = _redacted(value, as_json)[:length]
                if changed:
                    found.append((row[0], changed))
            if redact:
                for ident, changed in found:
                    conn.execute(table.update().where(key == ident).values(**changed))
        detail = AuditEntry.__table__.c.detail  # type: ignore[attr-defined]
        counts["audit_log.detail (append-only, not changed)"] = sum(
            1 for (value,) in conn.execute(core_select(detail)) if value and has_cpr(value))
    if redact and engine.dialect.name == "sqlite":
        wal_checkpoint(engine)
    return counts
