"""Who may act on a booking: nobody learns, moves or cancels another citizen's meeting with
their phone number alone (SECURITY.md, "The calendar and the database")."""

from __future__ import annotations

import uuid

from assistant.booking.service import BookingService
from assistant.channels.render import render_text
from assistant.channels.sms import sms_turn
from assistant.conversation import Content, Conversation
from assistant.store.sessions import SessionStore

from .conftest import NOW

JOB_MEETING_AT_SUMMARY = ["1", "2", "1", "1", "1", "Someone Else", "22334455"]
"""Book a job meeting, the first, in Danish, the first free time, a name and the number."""


def _book_for_the_owner(store: SessionStore) -> str:
    """The number's owner has a job meeting; returns its code."""
    service = BookingService(store.engine, now=lambda: NOW)
    free = service.free_times("job_meeting", "da")[0]
    return service.book(meeting_type="job_meeting", channel="in_person", meeting_lang="da",
                        lang="en", free=free, name="Owner", phone="+4522334455").code


def _said(outputs: list, lang: str = "en") -> str:
    return render_text(outputs, lang)


def test_already_booked_never_names_the_other_bookings_time_or_code(
        content: Content, store: SessionStore) -> None:
    code = _book_for_the_owner(store)
    convo, _ = Conversation.open(content, store, f"kiosk:{uuid.uuid4().hex}", "kiosk", "en",
                                 now=lambda: NOW)
    for raw in JOB_MEETING_AT_SUMMARY:
        convo.handle(raw)
    shown = _said(convo.handle("1"))
    assert "already has a booking of this kind" in shown
    assert code not in shown and "Code" not in shown
    assert "2026" not in shown and ":" not in shown.split("menu")[0].split("kind.")[1]


def test_already_booked_by_sms_never_names_the_other_bookings_time_or_code(
        content: Content, store: SessionStore) -> None:
    code = _book_for_the_owner(store)
    replies = [sms_turn(content, store, phone="+4566778899", body=body, sid=f"SM{i}",
                        lang="en", now=lambda: NOW)
               for i, body in enumerate(["english", *JOB_MEETING_AT_SUMMARY, "1"])]
    assert "already has a booking of this kind" in replies[-1]
    assert code not in replies[-1] and "2026" not in replies[-1]
