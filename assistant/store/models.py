"""The tables. Datetimes are UTC-aware; nothing here holds a CPR number."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id() -> str:
    return uuid.uuid4().hex


class Session(SQLModel, table=True):
    """One conversation. ``key`` is what a channel resumes it by (a kiosk session id, a chat
    ``--session`` name, a hashed phone number)."""

    __tablename__ = "sessions"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    key: str = Field(index=True, unique=True, max_length=128)
    channel: str = Field(max_length=16)
    lang: str = Field(max_length=5)
    state: str = Field(sa_column=Column(Text, nullable=False))
    turns: int = 0
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)
    """Not indexed: every turn sets it, and only the daily retention purge looks it up (a
    scan). On PostgreSQL an unindexed column also keeps the update a HOT one."""


class Turn(SQLModel, table=True):
    """One input and the reply to it. Input is stored with CPR-like numbers redacted."""

    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("session_id", "seq", name="uq_turn_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="sessions.id", max_length=32)
    """Found through uq_turn_seq, whose first column it is: no index of its own to update."""
    seq: int
    lang: str = Field(max_length=5)
    input: str = Field(sa_column=Column(Text, nullable=False))
    reply: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow)


class CallbackRequest(SQLModel, table=True):
    """A staff request: a citizen asked staff to call back (``kind='callback'``), to come to
    the kiosk (``kind='desk'``) or to write with them on the web page or by SMS
    (``kind='chat'``). ``status`` is open, taken (``taken_by`` has it) or done; a request is
    taken by a conditional update, so two members of staff never take the same one."""

    __tablename__ = "callback_requests"

    id: int | None = Field(default=None, primary_key=True)
    site_id: int | None = Field(default=None, index=True)
    kind: str = Field(max_length=16)
    topic: str = Field(max_length=40)
    lang: str = Field(max_length=5)
    name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, max_length=500)
    session_id: str | None = Field(default=None, max_length=32)
    status: str = Field(default="open", max_length=16)
    created_at: dt.datetime = Field(default_factory=utcnow)
    place: str | None = Field(default=None, max_length=80)
    """Where it was made: ``kiosk:<name>``, ``web``, ``sms`` or ``text`` (None: before 0006)."""
    taken_by: str | None = Field(default=None, max_length=8)
    """The initials of the member of staff who took it."""
    taken_at: dt.datetime | None = None
    seen_turn: int | None = None
    """The last turn of the conversation the member of staff who took it has seen: a citizen
    turn after it is a new message for them (0007)."""
    origin: str | None = Field(default=None, max_length=64, index=True)
    """The web address it came from, hashed (caps.py), for the per-address cap (0008)."""


class Site(SQLModel, table=True):
    """A jobcenter (one municipality's) as its site file describes it (`site apply`)."""

    __tablename__ = "sites"
    __table_args__ = (UniqueConstraint("code", name="uq_site_code"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40)
    """The site's short name in the file (``site: lejre``): what ``--site`` takes."""
    name: str = Field(max_length=200)
    municipality: str | None = Field(default=None, max_length=40)
    """Knowledge entries of this municipality (and national ones) show here; None: all."""
    data: str = Field(sa_column=Column(Text, nullable=False))
    """The site file as applied (JSON): address, phone, hours, kiosks, web and SMS routes."""
    updated_at: dt.datetime = Field(default_factory=utcnow)


class Staff(SQLModel, table=True):
    __tablename__ = "staff"

    id: int | None = Field(default=None, primary_key=True)
    site_id: int | None = Field(default=None, index=True)
    """The site the person works at: they see only its bookings (None: every site)."""
    initials: str = Field(unique=True, max_length=8)
    name: str = Field(max_length=200)
    languages: str = Field(default="da", max_length=40)
    """Comma-separated language codes the person speaks."""
    competences: str = Field(default="", max_length=400)
    """Comma-separated meeting-type codes the person handles."""
    pin_hash: str | None = Field(default=None, max_length=200)
    active: bool = True


class OpeningHours(SQLModel, table=True):
    __tablename__ = "opening_hours"
    __table_args__ = (UniqueConstraint("site_id", "weekday", name="uq_opening_site_weekday"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int | None = None
    weekday: int
    """0 = Monday ... 6 = Sunday."""
    opens: str = Field(max_length=5)
    closes: str = Field(max_length=5)


class MeetingType(SQLModel, table=True):
    __tablename__ = "meeting_types"
    __table_args__ = (UniqueConstraint("site_id", "code", name="uq_meeting_type_site_code"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int | None = None
    code: str = Field(max_length=40)
    minutes: int
    channels: str = Field(default="in_person", max_length=60)
    """Comma-separated: in_person, phone, video."""
    competence: str = Field(default="", max_length=40)
    """The competence (in staff's ``competences``) that books it; empty: the code itself."""

    def books(self) -> str:
        return self.competence or self.code


class FlowStat(SQLModel, table=True):
    """Privacy-safe counts: how many started, completed or left a flow at which step, per day."""

    __tablename__ = "flow_stats"
    __table_args__ = (
        UniqueConstraint("day", "flow_id", "event", "step_id", "site_id", name="uq_flow_stat"),
    )

    id: int | None = Field(default=None, primary_key=True)
    day: dt.date
    flow_id: str = Field(max_length=40)
    event: str = Field(max_length=16)
    step_id: str = Field(default="", max_length=40)
    count: int = 0
    site_id: int = 0
    """The site counted at; 0: none (a database with no site). Never NULL: it is part of
    the key the counters are added up under."""


class Interpreter(SQLModel, table=True):
    """An interpreter the jobcenter can book as a resource for a meeting."""

    __tablename__ = "interpreters"

    id: int | None = Field(default=None, primary_key=True)
    site_id: int | None = Field(default=None, index=True)
    name: str = Field(max_length=200)
    language: str = Field(max_length=5, index=True)
    active: bool = True


class ClosedDay(SQLModel, table=True):
    """A local closing day (besides Danish public holidays)."""

    __tablename__ = "closed_days"
    __table_args__ = (UniqueConstraint("site_id", "day", name="uq_closed_site_day"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int | None = None
    """None: closed at every site."""
    day: dt.date
    reason: str = Field(default="", max_length=200)


class Booking(SQLModel, table=True):
    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint("code", name="uq_booking_code"),
        UniqueConstraint("active_key", name="uq_booking_active"),
    )

    id: int | None = Field(default=None, primary_key=True)
    site_id: int | None = Field(default=None, index=True)
    code: str = Field(max_length=8)
    meeting_type: str = Field(max_length=40)
    channel: str = Field(max_length=16)
    meeting_lang: str = Field(max_length=5)
    """The language the meeting is held in."""
    lang: str = Field(max_length=5)
    """The citizen's language, for receipts."""
    staff_id: int = Field(foreign_key="staff.id")
    interpreter_id: int | None = Field(default=None, foreign_key="interpreters.id")
    start: dt.datetime = Field(index=True)
    end: dt.datetime
    name: str = Field(max_length=200)
    phone: str = Field(max_length=20, index=True)
    status: str = Field(default="active", max_length=16)
    active_key: str | None = Field(default=None, max_length=80)
    """phone|meeting_type while active, NULL otherwise: one active booking per citizen and
    meeting type, enforced by the database."""
    sequence: int = 0
    checked_in_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)
    session_id: str | None = Field(default=None, max_length=32, index=True)
    """The conversation that made it (None for bookings made by staff or before 0003): the
    per-session cap counts these."""
    origin: str | None = Field(default=None, max_length=64, index=True)
    """Where a web booking came from: the client's address, hashed (the per-address cap)."""


class BookingCell(SQLModel, table=True):
    """One 15-minute cell of a person's time held by a booking. The unique constraint is what
    makes a double booking impossible, across processes and servers."""

    __tablename__ = "booking_cells"
    __table_args__ = (UniqueConstraint("resource", "cell", name="uq_cell"),)

    id: int | None = Field(default=None, primary_key=True)
    resource: str = Field(max_length=40)
    """"staff:<id>" or "interpreter:<id>"."""
    cell: dt.datetime
    booking_id: int = Field(foreign_key="bookings.id", index=True)


class Outbox(SQLModel, table=True):
    """SMS waiting to be sent by the SMS adapter (receipts, reminders, notices)."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    phone: str = Field(max_length=20)
    lang: str = Field(max_length=5)
    kind: str = Field(max_length=16)
    body: str = Field(sa_column=Column(Text, nullable=False))
    due_at: dt.datetime = Field(default_factory=utcnow, index=True)
    sent_at: dt.datetime | None = None
    booking_id: int | None = Field(default=None, foreign_key="bookings.id")
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    """Failed tries to send it so far."""
    next_try_at: dt.datetime | None = None
    """After a failed try: not tried again before this (back-off)."""
    failed_at: dt.datetime | None = None
    """Given up (a permanent failure, or too many tries): never tried again."""
    failure: str | None = Field(default=None, max_length=80)
    """Why the last try failed: the error's kind and code, never its text (it may name the
    number)."""


class SmsMessage(SQLModel, table=True):
    """Inbound SMS seen by the webhook, by the gateway's message id: a retried webhook returns
    the stored reply instead of running the turn again. A reply may hold what the citizen
    wrote (a summary with name and phone), so it goes with the number's other data: purged
    with old conversations and erased with the number."""

    __tablename__ = "sms_messages"
    __table_args__ = (UniqueConstraint("sid", name="uq_sms_sid"),)

    id: int | None = Field(default=None, primary_key=True)
    sid: str = Field(max_length=64)
    phone_hash: str | None = Field(default=None, max_length=64)
    """The number it came from, hashed as in sms_contacts (None in rows stored before it was
    kept: those go with the purge)."""
    reply: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: dt.datetime = Field(default_factory=utcnow)


class SmsContact(SQLModel, table=True):
    """Per phone number (hashed): opted out with STOP, and the rest of a long reply."""

    __tablename__ = "sms_contacts"

    phone_hash: str = Field(primary_key=True, max_length=64)
    stopped: bool = False
    pending: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    updated_at: dt.datetime = Field(default_factory=utcnow)


class AuditEntry(SQLModel, table=True):
    """What a member of staff did. Append-only: the code never updates or deletes a row."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, index=True)
    staff: str = Field(max_length=8)
    action: str = Field(max_length=40)
    detail: str = Field(default="", max_length=500)
    """What it was done to, in English: rows written before ``params`` (empty since)."""
    params: str | None = Field(default=None, max_length=1000)
    """What it was done to, in no language (JSON: ``{"request": 3}``), for a screen to word
    in its reader's language (staffwords.audit_detail); None in rows written before."""


class LoginAttempt(SQLModel, table=True):
    """Failed PIN attempts, for back-off."""

    __tablename__ = "login_attempts"

    id: int | None = Field(default=None, primary_key=True)
    initials: str = Field(max_length=8, index=True)
    at: dt.datetime = Field(default_factory=utcnow)
    place: str = Field(default="staff", max_length=16,
                       sa_column_kwargs={"server_default": "staff"})
    """Where the PIN was typed: "staff" (a staff terminal) or "kiosk" (a public kiosk's quit
    screen, or one served at /tui). Back-off is counted per place, so the public cannot lock
    staff out of their own terminals."""


class ResumeCode(SQLModel, table=True):
    """Progress a user chose to save: resumable once, on any channel, with the code."""

    __tablename__ = "resume_codes"
    __table_args__ = (UniqueConstraint("code", name="uq_resume_code"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=8)
    state: str = Field(sa_column=Column(Text, nullable=False))
    expires_at: dt.datetime
    used: bool = False


class PhoneProof(SQLModel, table=True):
    """A one-time code sent by SMS to prove that a person holds a phone number: 6 digits,
    stored only as a salted hash, valid for 10 minutes and 5 tries (booking/proof.py)."""

    __tablename__ = "phone_proofs"

    id: int | None = Field(default=None, primary_key=True)
    phone_hash: str = Field(max_length=64, index=True)
    session_id: str = Field(max_length=32)
    code_hash: str = Field(max_length=64)
    salt: str = Field(max_length=32)
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime
    tries: int = 0
    used: bool = False
    blocked_until: dt.datetime | None = None
    """Set when the fifth wrong try is made: no code for the number until then."""
    origin: str | None = Field(default=None, max_length=64, index=True)
    """The address (web) that asked for it, hashed: codes per address are capped too."""
