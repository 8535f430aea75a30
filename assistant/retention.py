"""Retention and data-subject requests: purge old conversations, anonymise old bookings,
export and erase what we hold about a phone number. Every request is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import phonenumbers
from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlmodel import Session as DB
from sqlmodel import col, delete, select, update

from assistant.booking.proof import OTP_KIND
from assistant.booking.service import release
from assistant.channels_keys import sms_session_key
from assistant.staff import audit
from assistant.store.models import (
    Booking,
    CallbackRequest,
    Outbox,
    PhoneProof,
    ResumeCode,
    Session,
    SmsContact,
    SmsMessage,
    Turn,
    utcnow,
)

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
        counts["sms"] = db.exec(delete(Outbox).where(Outbox.sent_at.is_not(None),  # type: ignore[union-attr]
                                                     Outbox.sent_at < cutoff)).rowcount
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
    audit(engine, "system", "purge", ", ".join(f"{k}={v}" for k, v in counts.items()))
    return counts


def export(engine: Engine, phone: str, staff: str) -> dict[str, Any]:
    """Everything held about ``phone`` (an access request), as plain data."""
    with DB(engine) as db:
        bookings = [{"code": b.code, "meeting_type": b.meeting_type, "start": b.start.isoformat(),
                     "status": b.status, "name": b.name, "channel": b.channel}
                    for b in db.exec(select(Booking).where(Booking.phone == phone))]
        callbacks = [{"created": c.created_at.isoformat(), "topic": c.topic, "name": c.name,
                      "status": c.status}
                     for c in db.exec(select(CallbackRequest).where(
                         CallbackRequest.phone == phone))]
        messages = [{"kind": o.kind, "due": o.due_at.isoformat(), "text": o.body}
                    for o in db.exec(select(Outbox).where(Outbox.phone == phone))]
        session = db.exec(select(Session).where(Session.key == sms_session_key(phone))).first()
        turns = [] if session is None else [
            {"at": t.created_at.isoformat(), "input": t.input}
            for t in db.exec(select(Turn).where(Turn.session_id == session.id)
                             .order_by(Turn.seq))]
    audit(engine, staff, "privacy_export", f"phone ending {phone[-2:]}")
    return {"phone": phone, "bookings": bookings, "callbacks": callbacks, "sms": messages,
            "sms_conversation": turns}


def _written(phone: str) -> list[str]:
    """The ways a number (E.164) is written in what citizens type and what replies show
    (the summary shows it as validators.py formats it): +4522334455, +45 22 33 44 55,
    22 33 44 55, 22334455. Digits, + and spaces only, so none is a LIKE wildcard."""
    try:
        number = phonenumbers.parse(phone, "DK")
    except phonenumbers.NumberParseException:
        return [phone]
    formats = (phonenumbers.PhoneNumberFormat.INTERNATIONAL,
               phonenumbers.PhoneNumberFormat.NATIONAL)
    ways = [phone, *(phonenumbers.format_number(number, f) for f in formats),
            phonenumbers.national_significant_number(number)]
    return list(dict.fromkeys(ways))


def erase(engine: Engine, phone: str, staff: str) -> dict[str, int]:
    """Erase what we hold about ``phone``: future bookings are cancelled and freed, past ones
    anonymised; callbacks, queued SMS, the SMS conversation and the replies kept for gateway
    retries are deleted."""
    counts = {"bookings": 0, "callbacks": 0, "sms": 0, "turns": 0, "conversations": 0,
              "resume_codes": 0, "sms_replies": 0}
    with DB(engine) as db:
        for booking in db.exec(select(Booking).where(Booking.phone == phone)):
            if booking.status == "active":
                release(db, booking)
            booking.name, booking.phone, booking.active_key = ANONYMOUS, "", None
            db.add(booking)
            counts["bookings"] += 1
        counts["callbacks"] = db.exec(delete(CallbackRequest).where(
            CallbackRequest.phone == phone)).rowcount
        counts["sms"] = db.exec(delete(Outbox).where(Outbox.phone == phone)).rowcount
        key = sms_session_key(phone)
        db.exec(delete(PhoneProof).where(PhoneProof.phone_hash == key.removeprefix("sms:")))
        session = db.exec(select(Session).where(Session.key == key)).first()
        if session is not None:
            counts["turns"] = db.exec(delete(Turn).where(Turn.session_id == session.id)).rowcount
            db.delete(session)
        # Web and kiosk conversations in which the number was given (typed, or stored as an
        # answer or in a reply's summary): the whole conversation goes, with the name beside it.
        ways = _written(phone)
        found = {t.session_id for t in db.exec(select(Turn).where(or_(
            *(col(Turn.input).contains(w) for w in ways),
            *(col(Turn.reply).contains(w) for w in ways))))}
        found |= {s.id for s in db.exec(select(Session).where(
            or_(*(col(Session.state).contains(w) for w in ways))))}
        if found:
            counts["turns"] += db.exec(delete(Turn).where(col(Turn.session_id).in_(found))).rowcount
            counts["conversations"] = db.exec(delete(Session).where(
                col(Session.id).in_(found))).rowcount
        counts["resume_codes"] = db.exec(delete(ResumeCode).where(
            or_(*(col(ResumeCode.state).contains(w) for w in ways)))).rowcount
        counts["sms_replies"] = db.exec(delete(SmsMessage).where(
            SmsMessage.phone_hash == key.removeprefix("sms:"))).rowcount
        contact = db.get(SmsContact, key.removeprefix("sms:"))
        if contact is not None:
            db.delete(contact)
        db.commit()
    audit(engine, staff, "privacy_delete",
          f"phone ending {phone[-2:]}: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    return counts
