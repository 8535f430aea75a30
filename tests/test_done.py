"""The core's signal to channels that a step is complete (booking, check-in, callback request,
saved answers), with what it showed of the person."""

from __future__ import annotations

from assistant.booking.service import BookingService
from assistant.outputs import Done, to_json
from assistant.text import pick

from .conftest import NOW


def test_a_booking_is_done_with_the_name_phone_and_code_it_showed(convo) -> None:
    for raw in ["1", "2", "1", "1", "1", "Test Person", "22334455"]:
        convo.handle(raw)
    out = convo.handle("1")
    done = next(o for o in out if isinstance(o, Done))
    assert done.kind == "booking"
    name, phone, code = done.private
    assert (name, phone) == ("Test Person", "+4522334455")
    assert f"Code: {code}" in pick(out[0].text, "en")
    assert to_json(done) == {"type": "done", "kind": "booking"}, "never stored"


def test_a_callback_request_and_a_check_in_are_done_too(convo, store) -> None:
    for raw in ["staff", "2", "Test Person", "22334455", "1"]:
        convo.handle(raw)
    out = convo.handle("1")
    assert [o.kind for o in out if isinstance(o, Done)] == ["callback"]
    assert not [o for o in convo.handle("menu") if isinstance(o, Done)]

    service = BookingService(store.engine, now=lambda: NOW)
    today = service.free_times("job_meeting", "da", limit=1)[0]
    assert today.start.date() == NOW.date()
    booking = service.book(meeting_type="job_meeting", channel="in_person", meeting_lang="da",
                           lang="da", free=today, name="Other Person", phone="+4522334466")
    convo.handle("2")
    out = convo.handle(booking.code)
    assert "You are checked in" in pick(out[0].text, "en")
    assert [o for o in out if isinstance(o, Done)] == [
        Done("checkin", ("Other Person", "+4522334466", booking.code))]


def test_saved_answers_are_done_with_their_resume_code(convo) -> None:
    convo.handle("1")
    out = convo.handle("save")
    done = next(o for o in out if isinstance(o, Done))
    assert done.kind == "saved" and f"resume {done.private[0]}" in pick(out[0].text, "en")
