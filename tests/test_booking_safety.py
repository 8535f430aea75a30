"""Who may act on a booking: nobody learns, moves or cancels another citizen's meeting with
their phone number alone (SECURITY.md, "The calendar and the database")."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import subprocess
import sys
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import Session as DB
from sqlmodel import select
from starlette.testclient import TestClient

from assistant.booking.caps import Caps
from assistant.booking.service import BookingService, TooMany
from assistant.channels.outbox import LoggingGateway, send_due
from assistant.channels.render import render_text
from assistant.channels.sms import sms_turn
from assistant.channels.text import run_chat
from assistant.channels.web import make_app
from assistant.conversation import Content, Conversation
from assistant.flow.loader import load_flows
from assistant.i18n import TZ, format_when
from assistant.paths import data_dir
from assistant.store.db import make_engine
from assistant.store.demo import seed_demo
from assistant.store.models import Booking, BookingCell, CallbackRequest, Outbox, PhoneProof
from assistant.store.sessions import SessionStore
from assistant.yamlsource import ContentError

from .conftest import FIXED_OTP, NOW

JOB_MEETING_AT_SUMMARY = ["1", "2", "1", "1", "1", "Someone Else", "22334455"]
"""Book a job meeting, the first, in Danish, the first free time, a name and the number."""


def _site(store: SessionStore) -> int:
    """The demo's jobcenter: conversations book there, so the owner's booking is there too."""
    return store.sites().sites[0].id


def _book_for_the_owner(store: SessionStore) -> str:
    """The number's owner has a job meeting; returns its code."""
    service = BookingService(store.engine, now=lambda: NOW, site_id=_site(store))
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
               for i, body in enumerate(["english", *JOB_MEETING_AT_SUMMARY, FIXED_OTP, "1"])]
    assert "already has a booking of this kind" in replies[-1]
    assert code not in replies[-1] and "2026" not in replies[-1]


def _codes_texted(store: SessionStore) -> int:
    with DB(store.engine) as db:
        return len(db.exec(select(Outbox).where(Outbox.kind == "otp")).all())


def test_a_number_that_has_this_kind_of_meeting_is_told_so_before_any_code_is_texted(
        content: Content, store: SessionStore) -> None:
    """On the web the refusal comes when the number is given, not after the SMS code; the
    words are those of booking time, nothing of the other booking."""
    code = _book_for_the_owner(store)
    client, token = _web(content, store)
    for text in JOB_MEETING_AT_SUMMARY[:-1]:
        _say(client, token, text)
    shown = _say(client, token, "22334455")
    assert "This phone number already has a booking of this kind." in shown
    assert "6-digit code" not in shown and "Is this right?" not in shown
    assert code not in shown and "2026" not in shown
    assert _codes_texted(store) == 0
    # a code typed anyway does not bring one either; "back" lets another number be given
    assert "already has a booking of this kind" in _say(client, token, "123456")
    assert _codes_texted(store) == 0
    _say(client, token, "back")
    assert "6-digit code" in _say(client, token, "22334466")
    assert _codes_texted(store) == 1


def test_at_the_kiosk_and_by_sms_the_refusal_comes_when_the_number_is_given(
        content: Content, store: SessionStore) -> None:
    _book_for_the_owner(store)
    convo, _ = Conversation.open(content, store, f"kiosk:{uuid.uuid4().hex}", "kiosk", "en",
                                 now=lambda: NOW)
    for raw in JOB_MEETING_AT_SUMMARY[:-1]:
        convo.handle(raw)
    shown = _said(convo.handle(JOB_MEETING_AT_SUMMARY[-1]))
    assert "already has a booking of this kind" in shown and "Is this right?" not in shown
    replies = [sms_turn(content, store, phone="+4566778899", body=body, sid=f"SM{i}",
                        lang="en", now=lambda: NOW)
               for i, body in enumerate(["english", *JOB_MEETING_AT_SUMMARY])]
    assert "already has a booking of this kind" in replies[-1]
    assert "code" not in replies[-1].split("kind.")[0]
    assert _codes_texted(store) == 0


def test_a_number_at_its_cap_of_bookings_is_told_so_before_any_code_is_texted(
        content: Content, store: SessionStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_MAX_BOOKINGS_PER_PHONE", "1")
    service = BookingService(store.engine, now=lambda: NOW, site_id=_site(store))
    service.book(meeting_type="first_meeting", channel="in_person", meeting_lang="da",
                 lang="en", free=service.free_times("first_meeting", "da")[0], name="Owner",
                 phone="+4522334455")
    client, token = _web(content, store)
    for text in JOB_MEETING_AT_SUMMARY[:-1]:
        _say(client, token, text)
    shown = _say(client, token, "22334455")
    assert "This phone number already has 1 booked meeting, which is as many as one number " \
        "can have." in shown
    assert "6-digit code" not in shown and _codes_texted(store) == 0


def test_a_booking_made_while_the_code_is_typed_is_still_refused_at_booking_time(
        content: Content, store: SessionStore) -> None:
    client, token, shown = _web_at_the_code(content, store)
    assert "6-digit code" in shown
    service = BookingService(store.engine, now=lambda: NOW, site_id=_site(store))
    code = service.book(meeting_type="job_meeting", channel="in_person", meeting_lang="da",
                        lang="en", free=service.free_times("job_meeting", "da")[-1],
                        name="Owner", phone="+4522334455").code  # booked meanwhile elsewhere
    assert "Is this right?" in _say(client, token, FIXED_OTP)
    shown = _say(client, token, "1")
    assert "already has a booking of this kind" in shown and code not in shown


def test_numbers_refused_before_a_code_count_as_codes_asked_for(
        content: Content, store: SessionStore) -> None:
    """Typing number after number tells whose have bookings no faster than asking for codes
    would: one conversation is told about 3 numbers at most."""
    from assistant.booking.proof import NUMBERS_PER_CONVERSATION

    service = BookingService(store.engine, now=lambda: NOW, site_id=_site(store))
    for n in range(NUMBERS_PER_CONVERSATION + 1):
        service.book(meeting_type="job_meeting", channel="in_person", meeting_lang="da",
                     lang="en", free=service.free_times("job_meeting", "da")[n],
                     name="Owner", phone=f"+452233{n:04d}")
    client, token = _web(content, store)
    for text in JOB_MEETING_AT_SUMMARY[:-1]:
        _say(client, token, text)
    for n in range(NUMBERS_PER_CONVERSATION + 1):
        shown = _say(client, token, f"2233{n:04d}")
        _say(client, token, "back")
    assert "already has a booking" not in shown
    assert "we cannot send a code to another number" in shown


# -- 2. proof that the person holds the phone -----------------------------------------------

def _web(content: Content, store: SessionStore, clock: list[dt.datetime] | None = None,
         ) -> tuple[TestClient, str]:
    now = (lambda: clock[0]) if clock else (lambda: NOW)
    client = TestClient(make_app(content, store, now=now), base_url="https://kiosk.example.dk")
    return client, client.post("/api/sessions", json={"lang": "en"}).json()["session"]


def _say(client: TestClient, token: str, text: str) -> str:
    data = client.post(f"/api/sessions/{token}/messages", json={"text": text}).json()
    # a confirmation is a card on the web: its heading says what happened
    return "\n".join(item.get("text") or item.get("heading", "") for item in data["reply"])


def _web_at_the_code(content: Content, store: SessionStore) -> tuple[TestClient, str, str]:
    """A web conversation that has booked up to the SMS code (JOB_MEETING_AT_SUMMARY): the
    client, its session and what the last reply showed."""
    client, token = _web(content, store)
    for text in JOB_MEETING_AT_SUMMARY:
        shown = _say(client, token, text)
    return client, token, shown


def _active(store: SessionStore, code: str) -> bool:
    with DB(store.engine) as db:
        return db.exec(select(Booking).where(Booking.code == code)).one().status == "active"


def test_a_code_asked_for_again_is_sent_again_within_the_same_caps(
        content: Content, store: SessionStore) -> None:
    """At the code, "I didn't get a code" (in Danish, English or Ukrainian, as a question
    too) texts a new code at once; after 5 codes to the number in an hour no more go."""
    from assistant.booking.proof import CODES_PER_HOUR

    client, token, shown = _web_at_the_code(content, store)
    assert _codes_texted(store) == 1
    shown = _say(client, token, "no")
    assert "The code has 6 digits." in shown and 'Write "send again" for a new code' in shown
    asks = ["I didn't get a code", "jeg har ikke fået nogen kode", "надішліть код ще раз",
            "kan I sende koden igen?", "send the code again"]
    for n, ask in enumerate(asks[:CODES_PER_HOUR - 1], start=2):
        shown = _say(client, token, ask)
        assert "We have sent a new code." in shown and "6-digit code" in shown, ask
        assert "The code has 6 digits" not in shown
        assert _codes_texted(store) == n
    shown = _say(client, token, asks[-1])
    assert "We have sent several codes to this phone number in the last hour" in shown
    assert "We have sent a new code." not in shown
    assert _codes_texted(store) == CODES_PER_HOUR
    assert "Is this right?" in _say(client, token, FIXED_OTP)  # the last code still works


def test_a_code_and_a_phone_number_are_not_enough_to_cancel_on_the_web(
        content: Content, store: SessionStore) -> None:
    code = _book_for_the_owner(store)
    client, token = _web(content, store)
    for text in ["3", "2", code]:
        _say(client, token, text)
    shown = _say(client, token, "22334455")
    assert "We have sent an SMS with a 6-digit code" in shown
    assert "Do you want to cancel" not in shown and "could not find" not in shown
    for guess in range(4):
        shown = _say(client, token, f"00000{guess}")
        assert f"You can try {4 - guess} more time" in shown
    shown = _say(client, token, "000009")
    assert "Too many wrong codes for this phone number. Please wait 15 minutes" in shown
    # the right code is refused too until the wait is over, and nothing was cancelled
    assert "Too many wrong codes" in _say(client, token, FIXED_OTP)
    assert _active(store, code)


def test_the_code_goes_by_sms_through_the_outbox_and_is_stored_hashed(
        content: Content, store: SessionStore, caplog: pytest.LogCaptureFixture) -> None:
    code = _book_for_the_owner(store)
    client, token = _web(content, store)
    for text in ["3", "2", code, "22 33 44 55"]:
        _say(client, token, text)
    with DB(store.engine) as db:
        [sms] = db.exec(select(Outbox).where(Outbox.kind == "otp")).all()
        [proof] = db.exec(select(PhoneProof)).all()
    assert sms.phone == "+4522334455" and sms.body.startswith(f"{FIXED_OTP} is your code")
    assert FIXED_OTP not in f"{proof.code_hash}{proof.salt}{proof.phone_hash}"
    assert "22334455" not in proof.phone_hash
    caplog.set_level(logging.INFO, logger="assistant.channels.outbox")
    assert send_due(store.engine, LoggingGateway(), now=lambda: NOW) == 1
    assert f"one-time code {FIXED_OTP}" in caplog.text and "22334455" not in caplog.text
    assert "Do you want to cancel the meeting?" in _say(client, token, FIXED_OTP)
    assert "is cancelled" in _say(client, token, "yes")
    with DB(store.engine) as db:  # the code's SMS leaves the outbox once it is used
        assert not db.exec(select(Outbox).where(Outbox.kind == "otp")).all()


def test_a_code_works_for_ten_minutes(content: Content, store: SessionStore) -> None:
    code = _book_for_the_owner(store)
    clock = [NOW]
    client, token = _web(content, store, clock)
    for text in ["3", "2", code, "22334455"]:
        _say(client, token, text)
    clock[0] = NOW + dt.timedelta(minutes=10, seconds=1)
    shown = _say(client, token, FIXED_OTP)
    assert "That code is too old or was already used. We have sent a new code." in shown
    assert "Do you want to cancel the meeting?" in _say(client, token, FIXED_OTP)


def test_a_new_booking_on_the_web_needs_the_code_and_at_the_kiosk_does_not(
        content: Content, store: SessionStore) -> None:
    client, token, shown = _web_at_the_code(content, store)
    assert "We have sent an SMS with a 6-digit code to your number" in shown
    assert "Your meeting is booked" not in _say(client, token, "1")
    with DB(store.engine) as db:
        assert not db.exec(select(Booking)).all()
    assert "Is this right?" in _say(client, token, FIXED_OTP)
    assert "Your meeting is booked" in _say(client, token, "1")

    kiosk, _ = Conversation.open(content, store, f"kiosk:{uuid.uuid4().hex}", "kiosk", "en",
                                 now=lambda: NOW)
    for raw in ["1", "1", "1", "1", "Someone Else", "22334466"]:
        shown = _said(kiosk.handle(raw))
    assert "Is this right?" in shown and "6-digit code" not in shown


def test_by_sms_the_number_itself_is_the_proof(content: Content, store: SessionStore) -> None:
    code = _book_for_the_owner(store)

    def texted(phone: str, bodies: list[str]) -> list[str]:
        return [sms_turn(content, store, phone=phone, body=body,
                         sid=f"SM{phone}{uuid.uuid4().hex}", lang="en", now=lambda: NOW)
                for body in bodies]

    other = texted("+4566778899", ["english", "3", "2", code, "22334455"])
    assert "6-digit code" in other[-1] and _active(store, code)
    own = texted("+4522334455", ["english", "3", "2", code, "22334455", "yes"])
    assert "Do you want to cancel the meeting?" in own[-2]
    assert "is cancelled" in own[-1] and not _active(store, code)


def test_by_sms_the_number_written_from_is_offered_not_asked_for(
        content: Content, store: SessionStore) -> None:
    """At the phone question an SMS citizen is offered the number they write from (only its
    last digits shown), in their language: "yes" takes it, with no code (the SMS from it is
    the proof, as before); "no" asks for the number; another number is taken and gets a
    code. The web and the kiosk still ask for the number."""
    def texted(phone: str, bodies: list[str]) -> list[str]:
        return [sms_turn(content, store, phone=phone, body=body,
                         sid=f"SM{phone}{uuid.uuid4().hex}", lang="en", now=lambda: NOW)
                for body in bodies]

    to_name = ["book", "1", "1", "1", "Anna Hansen"]
    own = texted("+4522334412", ["english", *to_name])
    assert "Use the number you write from, ending in 12? Reply YES, or write another number." \
        in own[-1] and "What is your phone number?" not in own[-1] and "22334412" not in own[-1]
    summary = texted("+4522334412", ["yes"])[0]
    assert "Is this right?" in summary and "Phone: +45 22 33 44 12" in summary
    with DB(store.engine) as db:
        assert not db.exec(select(Outbox).where(Outbox.kind == "otp")).all()  # no code
    danish = texted("+4522334413", ["dansk", *to_name])[-1]
    assert "Vil du bruge det nummer, du skriver fra (det slutter på 13)?" in danish
    ukrainian = texted("+4522334414", ["українська", *to_name])[-1]
    assert "Використати номер, з якого ви пишете (закінчується на 14)?" in ukrainian
    declined = texted("+4522334415", ["english", *to_name, "no"])[-1]
    assert declined.startswith("Write the phone number to use: 8 digits")
    other = texted("+4522334415", ["22334499"])[0]
    assert "6-digit code" in other  # another number is proven with a code, as before

    out = io.StringIO()  # the kiosk (as chat --channel text) asks
    run_chat(content, store, lang="en", channel="text", session_key=None,
             stdin=io.StringIO("".join(f"{line}\n" for line in to_name)), stdout=out,
             now=lambda: NOW)
    assert "What is your phone number?" in out.getvalue().split("\n\n")[-2]
    convo, _ = Conversation.open(content, store, "web:asks", "web", "en", now=lambda: NOW)
    for raw in to_name[:-1]:
        convo.handle(raw)
    assert "What is your phone number?" in _said(convo.handle("Anna Hansen"))


def test_by_sms_the_number_written_from_is_taken_with_a_casual_yes(
        content: Content, store: SessionStore) -> None:
    """"jep" or "yup" takes the number written from, as "yes" does; "nope" asks for one."""
    def texted(phone: str, bodies: list[str]) -> list[str]:
        return [sms_turn(content, store, phone=phone, body=body,
                         sid=f"SM{phone}{uuid.uuid4().hex}", lang="en", now=lambda: NOW)
                for body in bodies]

    to_name = ["book", "1", "1", "1", "Anna Hansen"]
    danish = texted("+4522334416", ["dansk", *to_name, "jep"])[-1]
    assert "Er det rigtigt?" in danish and "Telefon: +45 22 33 44 16" in danish
    english = texted("+4522334417", ["english", *to_name, "yup"])[-1]
    assert "Is this right?" in english and "Phone: +45 22 33 44 17" in english
    declined = texted("+4522334418", ["english", *to_name, "nope"])[-1]
    assert declined.startswith("Write the phone number to use: 8 digits")


def test_chat_channel_sms_asks_for_the_code_as_sms_does(content: Content,
                                                        store: SessionStore) -> None:
    out = io.StringIO()
    run_chat(content, store, lang="en", channel="sms", session_key=None,
             stdin=io.StringIO("".join(f"{line}\n" for line in JOB_MEETING_AT_SUMMARY)),
             stdout=out, now=lambda: NOW)
    assert "6-digit code" in out.getvalue().split("\n\n")[-2]


def test_a_flow_without_its_verify_step_still_cancels_nothing(
        content: Content, store: SessionStore) -> None:
    """The core checks the proof again where it acts: a flow that lost its verify step (the
    loader refuses such a file, so it is made here) cannot look up or cancel a booking by
    code and number alone."""
    manage = content.flows["manage"]
    steps = {sid: step for sid, step in manage.steps.items() if step.kind != "verify"}
    steps["phone"] = replace(steps["phone"], next=manage.steps["proof"].next)
    proofless = replace(content, flows={**content.flows, "manage": replace(manage, steps=steps)})
    code = _book_for_the_owner(store)
    convo, _ = Conversation.open(proofless, store, "web:proofless", "web", "en",
                                 now=lambda: NOW)
    for raw in ["3", "2", code, "22334455"]:
        convo.handle(raw)
    shown = _said(convo.handle("yes"))
    assert "could not check that this phone number is yours" in shown and _active(store, code)


def test_a_flow_that_books_or_cancels_without_a_verify_step_fails_at_load(
        tmp_path: Path) -> None:
    manage = (data_dir("flows") / "manage.yaml").read_text(encoding="utf-8")
    start, end = manage.index("    next: proof\n"), manage.index("  - id: slot\n")
    proofless = manage[:start] + manage[manage.index("    next:\n", start):end] + manage[end:]
    (tmp_path / "manage.yaml").write_text(proofless, encoding="utf-8")
    with pytest.raises(ContentError, match="needs a verify step with purpose 'manage'"):
        load_flows(tmp_path)


# -- 3. caps -------------------------------------------------------------------------------

def test_active_bookings_per_phone_number_are_capped(db_url: str) -> None:
    engine = make_engine(db_url)
    seed_demo(engine)
    service = BookingService(engine, now=lambda: NOW, caps=Caps(per_phone=2))

    ends: list[dt.datetime] = []

    def book(meeting_type: str, phone: str = "+4522334455"):
        # each after the one before: one number holds no two meetings at once
        free = service.free_times(meeting_type, "da", after=max(ends, default=None))[0]
        ends.append(free.start + dt.timedelta(hours=1))
        return service.book(meeting_type=meeting_type, channel="in_person", meeting_lang="da",
                            lang="da", free=free, name="X", phone=phone)

    first = book("job_meeting")
    book("first_meeting")
    with pytest.raises(TooMany) as refused:
        book("upskilling")
    assert (refused.value.which, refused.value.cap) == ("phone", 2)
    book("upskilling", phone="+4522334466")  # another number is not held back
    service.cancel(first.code, first.phone)
    book("upskilling")  # a cancelled booking no longer counts
    engine.dispose()


def test_the_caps_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_MAX_BOOKINGS_PER_PHONE", "1")
    monkeypatch.setenv("ASSISTANT_MAX_BOOKINGS_PER_SESSION", "0")
    monkeypatch.setenv("ASSISTANT_MAX_BOOKINGS_PER_IP", "9")
    assert Caps.from_environment() == Caps(per_phone=1, per_session=0, per_origin_per_day=9)
    monkeypatch.setenv("ASSISTANT_MAX_BOOKINGS_PER_IP", "many")
    with pytest.raises(ValueError, match="ASSISTANT_MAX_BOOKINGS_PER_IP"):
        Caps.from_environment()


def test_one_conversation_can_book_only_so_many_and_is_told_in_its_language(
        content: Content, store: SessionStore) -> None:
    convo, _ = Conversation.open(content, store, "kiosk:caps", "kiosk", "uk", now=lambda: NOW)
    # a job meeting (the first), a first meeting, guidance on upskilling (in person); Danish
    for n, answers in enumerate([["2", "1", "1"], ["1", "1"], ["4", "1", "1"]]):
        for raw in ["меню", "1", *answers, "1", "Ольга", f"2233445{n}"]:
            convo.handle(raw)
        shown = _said(convo.handle("1"), "uk")
    assert "Ви вже забронювали стільки зустрічей, скільки можна в одній розмові." in shown
    with DB(store.engine) as db:
        assert len(db.exec(select(Booking)).all()) == 2


def test_bookings_from_one_address_are_capped_per_day(
        content: Content, store: SessionStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_MAX_BOOKINGS_PER_IP", "1")
    shown = ""
    for phone in ("22334455", "22334466"):  # two conversations from one address
        client, token = _web(content, store)
        for text in [*JOB_MEETING_AT_SUMMARY[:-1], phone, FIXED_OTP, "1"]:
            shown = _say(client, token, text)
    assert "Many meetings have been booked from this connection today" in shown
    with DB(store.engine) as db:
        [booking] = db.exec(select(Booking)).all()
    assert booking.origin and "testclient" not in booking.origin  # kept hashed


# -- 4. check-in only at the kiosk ---------------------------------------------------------

def _today_booking(store: SessionStore) -> str:
    """A booking today (NOW is 08.00 UTC): its code."""
    service = BookingService(store.engine, now=lambda: NOW - dt.timedelta(hours=3),
                             site_id=_site(store))
    free = service.free_times("job_meeting", "da")[0]
    assert free.start.date() == NOW.date()
    return service.book(meeting_type="job_meeting", channel="in_person", meeting_lang="da",
                        lang="en", free=free, name="Owner", phone="+4522334455").code


def _booking_on(store: SessionStore, day: dt.date, channel: str = "in_person") -> Booking:
    """A job meeting of the owner's on ``day`` (Danish date), held ``channel``."""
    service = BookingService(store.engine, now=lambda: NOW - dt.timedelta(hours=3),
                             site_id=_site(store))
    free = next(f for f in service.free_times("job_meeting", "da", limit=80)
                if f.start.astimezone(TZ).date() == day)
    return service.book(meeting_type="job_meeting", channel=channel, meeting_lang="da",
                        lang="en", free=free, name="Owner", phone="+4522334455")


def _kiosk_check_in(content: Content, store: SessionStore, code: str, lang: str = "en") -> str:
    kiosk, _ = Conversation.open(content, store, f"kiosk:{uuid.uuid4().hex}", "kiosk", lang,
                                 now=lambda: NOW)
    kiosk.handle("2")
    return _said(kiosk.handle(code), lang)


def _checked_in(store: SessionStore, code: str) -> bool:
    with DB(store.engine) as db:
        return db.exec(select(Booking).where(Booking.code == code)).one().checked_in_at \
            is not None


def test_check_in_is_refused_on_the_web_and_by_sms_with_a_code_alone(
        content: Content, store: SessionStore) -> None:
    code = _today_booking(store)
    client, token = _web(content, store)
    shown = _say(client, token, "2")
    assert "at the kiosk in the jobcenter" in shown and "Write your booking code" not in shown
    assert "Write your booking code" not in _say(client, token, code)
    own_phone = [sms_turn(content, store, phone="+4522334455", body=body, sid=f"SMc{i}",
                          lang="en", now=lambda: NOW)
                 for i, body in enumerate(["english", "2", code])]
    assert "at the kiosk in the jobcenter" in own_phone[1]
    assert not _checked_in(store, code)
    # a web conversation that reached the action anyway (an old saved state) is refused too
    convo, _ = Conversation.open(content, store, "web:old", "web", "en", now=lambda: NOW)
    convo.state.flow = {"flow_id": "checkin", "step": "code", "answers": {}, "history": []}
    assert "You can check in at the kiosk" in _said(convo.handle(code))
    assert not _checked_in(store, code)


def test_check_in_works_at_the_kiosk(content: Content, store: SessionStore) -> None:
    code = _today_booking(store)
    kiosk, _ = Conversation.open(content, store, "kiosk:in", "kiosk", "en", now=lambda: NOW)
    kiosk.handle("2")
    assert "You are checked in" in _said(kiosk.handle(code)) and _checked_in(store, code)


@pytest.mark.parametrize(("channel", "then"), [
    ("phone", "and it is by phone. You do not need to check in. A member of staff calls you "
              "at this time."),
    ("video", "and it is by video. You do not need to check in. The jobcenter tells you how "
              "to join the video meeting.")])
def test_a_phone_or_video_meeting_today_is_not_checked_in_at_the_kiosk(
        content: Content, store: SessionStore, channel: str, then: str) -> None:
    """Nobody comes to the jobcenter for it: the kiosk says how and when it is held, and no
    more than a check-in says (a code alone was typed): not the number that is called, nor
    the name."""
    booking = _booking_on(store, NOW.astimezone(TZ).date(), channel)
    said = _kiosk_check_in(content, store, booking.code)
    assert f"Your meeting is {format_when(booking.start, in_sentence=True)['en']}, {then}" \
        in said, said
    assert "checked in" not in said and not _checked_in(store, booking.code)
    assert "22334455" not in said and "Owner" not in said
    danish = _kiosk_check_in(content, store, booking.code, "da")
    assert "Du skal ikke tjekke ind." in danish and not _checked_in(store, booking.code)


def test_an_in_person_meeting_on_another_day_is_not_checked_in_at_the_kiosk(
        content: Content, store: SessionStore) -> None:
    booking = _booking_on(store, NOW.astimezone(TZ).date() + dt.timedelta(days=1))
    said = _kiosk_check_in(content, store, booking.code)
    assert f"Your meeting is {format_when(booking.start, in_sentence=True)['en']}. Please " \
        "check in on that day, when you arrive at the jobcenter." in said, said
    assert "checked in" not in said and not _checked_in(store, booking.code)
    assert "22334455" not in said and "Owner" not in said


def test_a_meeting_on_a_past_day_is_not_checked_in_either(
        content: Content, store: SessionStore) -> None:
    """As before: a day gone by is not "that day" to come back on."""
    booking = _booking_on(store, NOW.astimezone(TZ).date())
    later = NOW + dt.timedelta(days=1)
    kiosk, _ = Conversation.open(content, store, "kiosk:late", "kiosk", "en", now=lambda: later)
    kiosk.handle("2")
    said = _said(kiosk.handle(booking.code))
    assert "You can check in on the day of the meeting." in said and "that day" not in said
    assert not _checked_in(store, booking.code)


# -- 8. a booking and its messages: all or nothing ------------------------------------------

LATER_JOB_MEETING = ["1", "2", "1", "1", "6", "6", "6", "1", "Anna Jensen", "22334455"]
"""At the summary of a job meeting more than a day ahead (so a reminder is due)."""


class Crash(RuntimeError):
    """Injected between a booking and its reminder."""


def _crash_at(monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    """Making the SMS of ``kind`` fails, after the booking (and its receipt) were made."""
    import assistant.booking.conversation as booking_conversation

    real = booking_conversation.Outbox

    def outbox(**fields):
        if fields.get("kind") == kind:
            raise Crash(kind)
        return real(**fields)

    monkeypatch.setattr(booking_conversation, "Outbox", outbox)


def _rows(store: SessionStore) -> tuple[list[str], int, list[str]]:
    with DB(store.engine) as db:
        return ([b.status for b in db.exec(select(Booking))],
                len(db.exec(select(BookingCell)).all()),
                sorted(o.kind for o in db.exec(select(Outbox))))


def test_a_crash_between_a_booking_and_its_reminder_leaves_nothing(
        db_url: str, content: Content, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(db_url)
    seed_demo(engine)
    store = SessionStore(engine)
    convo, _ = Conversation.open(content, store, "kiosk:crash", "kiosk", "en", now=lambda: NOW)
    for raw in LATER_JOB_MEETING:
        convo.handle(raw)
    _crash_at(monkeypatch, "reminder")
    assert "Sorry, something went wrong" in _said(convo.handle("1"))
    assert _rows(store) == ([], 0, [])
    monkeypatch.undo()
    _fixed_code(monkeypatch)
    assert "Your meeting is booked." in _said(convo.handle("1"))
    assert _rows(store) == (["active"], 2, ["receipt", "reminder"])
    engine.dispose()


def test_a_crash_while_cancelling_keeps_the_booking_and_its_reminder(
        db_url: str, content: Content, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(db_url)
    seed_demo(engine)
    store = SessionStore(engine)
    convo, _ = Conversation.open(content, store, "kiosk:cancel", "kiosk", "en", now=lambda: NOW)
    for raw in [*LATER_JOB_MEETING, "1"]:
        shown = _said(convo.handle(raw))
    code = shown.split("Code: ")[1][:6]
    for raw in ["menu", "3", "2", code, "22334455", FIXED_OTP]:
        convo.handle(raw)
    _crash_at(monkeypatch, "notice")
    assert "Sorry, something went wrong" in _said(convo.handle("yes"))
    assert _rows(store) == (["active"], 2, ["receipt", "reminder"])
    monkeypatch.undo()
    _fixed_code(monkeypatch)
    assert "is cancelled" in _said(convo.handle("yes"))
    assert _rows(store) == (["cancelled"], 0, ["notice"]), "no reminder nor receipt of it is sent"
    engine.dispose()


def _fixed_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """Again after monkeypatch.undo() (conftest's fixture set it)."""
    from assistant.booking import proof

    monkeypatch.setattr(proof, "new_code", lambda: FIXED_OTP)


def test_old_codes_go_with_the_purge_and_a_numbers_codes_with_its_erasure(
        content: Content, store: SessionStore) -> None:
    from assistant.retention import erase, purge

    client, token = _web(content, store)
    for text in ["3", "2", "K7M2QX", "22334455"]:
        _say(client, token, text)
    purge(store.engine, now=lambda: NOW + dt.timedelta(hours=1))
    with DB(store.engine) as db:
        assert len(db.exec(select(PhoneProof)).all()) == 1, "kept: it counts towards waits"
    purge(store.engine, now=lambda: NOW + dt.timedelta(days=2))
    with DB(store.engine) as db:
        assert not db.exec(select(PhoneProof)).all()
        assert not db.exec(select(Outbox).where(Outbox.kind == "otp")).all()
    client, token = _web(content, store)
    for text in ["3", "2", "K7M2QX", "22334466"]:
        _say(client, token, text)
    erase(store.engine, "+4522334466", "AB")
    with DB(store.engine) as db:
        assert not db.exec(select(PhoneProof)).all()


def test_a_saved_conversation_resumed_elsewhere_proves_the_number_again(
        content: Content, store: SessionStore) -> None:
    """Proof belongs to the conversation that made it: answers saved after it and resumed
    with the code in another conversation (the web) are asked for the SMS code again."""
    code = _book_for_the_owner(store)
    kiosk, _ = Conversation.open(content, store, "kiosk:save", "kiosk", "en", now=lambda: NOW)
    for raw in ["3", "2", code, "22334455", FIXED_OTP]:
        shown = _said(kiosk.handle(raw))
    assert "Do you want to cancel the meeting?" in shown
    saved = _said(kiosk.handle("save")).split("write: resume ")[1][:6]
    client, token = _web(content, store)
    shown = _say(client, token, f"resume {saved}")
    assert "6-digit code" in shown and "Do you want to cancel" not in shown
    assert "Do you want to cancel the meeting?" in _say(client, token, FIXED_OTP)


def test_one_address_cannot_have_codes_texted_to_many_numbers(
        content: Content, store: SessionStore) -> None:
    from assistant.booking.proof import CODES_PER_ADDRESS_PER_HOUR

    shown = ""
    for n in range(CODES_PER_ADDRESS_PER_HOUR + 1):
        client, token = _web(content, store)
        for text in ["3", "2", "K7M2QX", f"2233{n:04d}"]:
            shown = _say(client, token, text)
    assert "Many codes have been asked for from this connection in the last hour" in shown
    with DB(store.engine) as db:
        sent = db.exec(select(Outbox).where(Outbox.kind == "otp")).all()
    assert len(sent) == CODES_PER_ADDRESS_PER_HOUR


def test_one_number_gets_at_most_five_codes_an_hour(content: Content,
                                                    store: SessionStore) -> None:
    clock = [NOW]
    for n in range(6):
        clock[0] = NOW + dt.timedelta(minutes=2 * n)
        client, token = _web(content, store, clock)
        for text in ["3", "2", "K7M2QX", "22334455"]:
            shown = _say(client, token, text)
    assert "We have sent several codes to this phone number in the last hour" in shown


def test_the_demo_proves_a_number_with_the_code_outbox_send_logs(tmp_path: Path) -> None:
    """Without an SMS gateway: `outbox send` logs the code (the number masked), and typing it
    in the same conversation goes on."""
    db = f"sqlite:///{tmp_path / 'demo.sqlite3'}"

    def chat(lines: str) -> str:
        done = subprocess.run([sys.executable, "-m", "assistant", "chat", "--db", db, "--demo",
                               "--lang", "en", "--session", "demo"], input=lines,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "6-digit code" in chat("3\n2\nK7M2QX\n22334455\n")
    sent = subprocess.run([sys.executable, "-m", "assistant", "outbox", "send", "--db", db],
                          capture_output=True, text=True, timeout=120)
    assert sent.returncode == 0 and "sent 1" in sent.stdout, sent.stderr
    code = re.search(r"SMS to \+45\*+55 holds the one-time code (\d{6})", sent.stderr)
    assert code, sent.stderr
    assert "22334455" not in sent.stderr
    after = chat(f"{code[1]}\nyes\n")
    assert "Do you want to cancel the meeting?" in after
    assert "could not find an active booking" in after, "the code proved the number"


# -- SMS pumping: codes and receipts go to few numbers, and to mobile numbers only ----------

def _otps(store: SessionStore) -> list[Outbox]:
    with DB(store.engine) as db:
        return list(db.exec(select(Outbox).where(Outbox.kind == "otp")).all())


def test_one_conversation_has_codes_texted_to_three_numbers_at_most(
        content: Content, store: SessionStore) -> None:
    """"back" and a new number, again and again, in one web conversation."""
    from assistant.booking.proof import NUMBERS_PER_CONVERSATION

    client, token = _web(content, store)
    for text in JOB_MEETING_AT_SUMMARY[:-1]:
        _say(client, token, text)
    shown = ""
    for n in range(NUMBERS_PER_CONVERSATION + 2):
        shown = _say(client, token, f"2233{n:04d}")
        _say(client, token, "back")
    assert len(_otps(store)) == NUMBERS_PER_CONVERSATION
    assert "Codes have been sent to several phone numbers in this conversation" in shown
    # a number that already had its code in this conversation may still have it again
    assert "6-digit code" in _say(client, token, "22330000")


@pytest.mark.parametrize("number", ["+4590123456", "+88216123456", "+8816123456789",
                                    "+883510012345", "+19005551234"])
def test_no_code_is_texted_to_a_premium_rate_or_satellite_number(
        content: Content, store: SessionStore, number: str) -> None:
    client, token = _web(content, store)
    for text in JOB_MEETING_AT_SUMMARY[:-1]:
        _say(client, token, text)
    shown = _say(client, token, number)
    # refused as a number at all (it costs whoever calls or texts it), before any code
    assert "We cannot call or text a premium-rate, shared-cost or satellite number" in shown
    assert "What is your phone number?" in shown and not _otps(store)


def test_a_mobile_number_at_home_or_abroad_gets_its_code(
        content: Content, store: SessionStore) -> None:
    for number in ["22334455", "+380501234567", "+447400123456"]:
        client, token = _web(content, store)
        for text in JOB_MEETING_AT_SUMMARY[:-1]:
            _say(client, token, text)
        assert "6-digit code" in _say(client, token, number)
    assert len(_otps(store)) == 3


def test_a_premium_rate_number_is_no_number_to_book_with_at_the_kiosk(
        content: Content, store: SessionStore) -> None:
    kiosk, _ = Conversation.open(content, store, f"kiosk:{uuid.uuid4().hex}", "kiosk", "en",
                                 now=lambda: NOW)
    for raw in ["1", "1", "1", "1", "Someone Else"]:
        kiosk.handle(raw)
    shown = _said(kiosk.handle("90123456"))
    # a premium-rate number is no number to call or text back: asked for another
    assert "We cannot call or text a premium-rate, shared-cost or satellite number" in shown
    assert "Your meeting is booked" not in shown
    with DB(store.engine) as db:
        assert not db.exec(select(Outbox)).all()


def test_one_address_cannot_have_codes_texted_to_many_numbers_for_new_bookings(
        content: Content, store: SessionStore) -> None:
    from assistant.booking.proof import CODES_PER_ADDRESS_PER_HOUR

    shown = ""
    for n in range(CODES_PER_ADDRESS_PER_HOUR + 1):
        client, token = _web(content, store)
        for text in [*JOB_MEETING_AT_SUMMARY[:-1], f"2233{n:04d}"]:
            shown = _say(client, token, text)
    assert "Many codes have been asked for from this connection in the last hour" in shown
    assert len(_otps(store)) == CODES_PER_ADDRESS_PER_HOUR


def test_a_strangers_wrong_codes_never_lock_the_numbers_holder_out(
        content: Content, store: SessionStore) -> None:
    code = _book_for_the_owner(store)
    stranger, token = _web(content, store)
    for text in ["3", "2", code, "22334455", *[f"00000{n}" for n in range(5)]]:
        shown = _say(stranger, token, text)
    assert "Too many wrong codes" in shown
    assert "Too many wrong codes" in _say(stranger, token, FIXED_OTP), "that code is spent"
    holder, mine = _web(content, store)
    shown = "".join(_say(holder, mine, text) for text in ["3", "2", code, "22334455"])
    assert "6-digit code" in shown and "wrong" not in shown.lower()
    assert "Do you want to cancel the meeting?" in _say(holder, mine, FIXED_OTP)


# -- requests for staff: callbacks and "talk to staff now" are capped -----------------------

CALLBACK_TO = ["staff", "2", "Someone Else"]
"""Ask for a call back, with a name: the number and the confirmation follow."""


def _requests(store: SessionStore) -> int:
    from assistant.store.models import CallbackRequest

    with DB(store.engine) as db:
        return len(db.exec(select(CallbackRequest)).all())


def _callback(client: TestClient, token: str, number: str) -> str:
    shown = ""
    for text in [*CALLBACK_TO, number, "1", "1"]:
        shown = _say(client, token, text)
        if "call you back" in shown or "not sent this request" in shown:
            break
    return shown


def test_callbacks_to_one_number_are_capped_per_day(content: Content,
                                                    store: SessionStore) -> None:
    from assistant.booking.caps import RequestCaps

    shown = [_callback(*_web(content, store), "22334455")
             for _ in range(RequestCaps.per_phone_per_day + 1)]
    assert all("will call you back" in text for text in shown[:-1])
    assert "Staff have already been asked several times today to call this phone number" \
        in shown[-1]
    assert _requests(store) == RequestCaps.per_phone_per_day


def test_one_conversation_sends_only_so_many_requests_for_staff(
        content: Content, store: SessionStore) -> None:
    from assistant.booking.caps import RequestCaps

    client, token = _web(content, store)
    shown = [_callback(client, token, f"2233{n:04d}")
             for n in range(RequestCaps.per_session + 1)]
    assert "will call you back" in shown[-2]
    assert "You have already asked for staff several times in this conversation" in shown[-1]
    assert _requests(store) == RequestCaps.per_session


def test_requests_for_staff_now_from_one_address_are_capped_per_day(
        content: Content, store: SessionStore) -> None:
    from assistant.booking.caps import RequestCaps

    shown = ""
    for _ in range(RequestCaps.per_origin_per_day + 1):
        client, token = _web(content, store)
        _say(client, token, "staff")
        shown = _say(client, token, "1")
    assert "Many requests for staff have been sent from this connection today" in shown
    assert _requests(store) == RequestCaps.per_origin_per_day


def test_the_request_caps_are_read_from_the_environment(
        content: Content, store: SessionStore, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.booking.caps import RequestCaps

    assert RequestCaps.from_environment({"ASSISTANT_MAX_STAFF_REQUESTS_PER_SESSION": "1",
                                         "ASSISTANT_MAX_STAFF_REQUESTS_PER_PHONE": "0",
                                         "ASSISTANT_MAX_STAFF_REQUESTS_PER_IP": "7"}) == \
        RequestCaps(per_session=1, per_phone_per_day=0, per_origin_per_day=7)
    monkeypatch.setenv("ASSISTANT_MAX_STAFF_REQUESTS_PER_SESSION", "1")
    client, token = _web(content, store)
    assert "will call you back" in _callback(client, token, "22334455")
    assert "several times in this conversation" in _callback(client, token, "22334466")


def test_a_number_with_a_meeting_at_that_time_is_told_so_when_it_is_given(
        content: Content, store: SessionStore) -> None:
    """The owner has a job meeting at the first free time; a sickness follow-up at that same
    time (another member of staff is free) is refused for the number when it is given, with
    neither the other meeting's time nor its code, and nothing is booked."""
    code = _book_for_the_owner(store)
    convo, _ = Conversation.open(content, store, f"kiosk:{uuid.uuid4().hex}", "kiosk", "en",
                                 now=lambda: NOW)
    for raw in ["1", "3", "1", "1", "1", "Someone Else"]:
        shown = _said(convo.handle(raw))
    assert "What is your phone number?" in shown
    shown = _said(convo.handle("22334455"))
    assert "This phone number already has a meeting at that time." in shown, shown
    assert code not in shown and "Is this right?" not in shown
    with DB(store.engine) as db:
        assert len(db.exec(select(Booking)).all()) == 1


def test_a_number_no_code_can_go_to_is_asked_for_again_and_never_gets_a_code(
        content: Content, store: SessionStore) -> None:
    """A number no SMS can go to (a British landline; a premium-rate one is refused before,
    as no number at all) at the phone question is refused and the phone question is asked
    again: "send again" or a code typed then sends nothing, and the code step is never
    reached for it. The same when the number is changed at the summary, and by SMS, where the
    number written from is offered again."""
    client, token = _web(content, store)
    for text in JOB_MEETING_AT_SUMMARY[:-1]:
        _say(client, token, text)
    shown = _say(client, token, "+44 20 7946 0958")
    assert "We can only send the code by SMS to a mobile phone number" in shown
    assert "What is your phone number?" in shown and "6-digit code" not in shown
    for text in ["send again", "123456", "I did not get a code"]:
        shown = _say(client, token, text)
        assert "6-digit code" not in shown and "new code" not in shown
        assert "Is this right?" not in shown
    assert not _otps(store)
    assert "6-digit code" in _say(client, token, "22334455")  # a mobile number gets its code
    assert "Is this right?" in _say(client, token, FIXED_OTP)
    _say(client, token, "Change: Phone")
    shown = _say(client, token, "+442079460958")
    assert "We can only send the code by SMS to a mobile phone number" in shown
    assert "What is your phone number?" in shown and "6-digit code" not in shown
    assert "6-digit code" not in _say(client, token, "send again")
    assert not _otps(store) and _proofs(store) == 1  # only 22334455's, spent

    def texted(bodies: list[str]) -> list[str]:
        return [sms_turn(content, store, phone="+4522334412", body=body,
                         sid=f"SM{uuid.uuid4().hex}", lang="en", now=lambda: NOW)
                for body in bodies]

    replies = texted(["english", "book", "1", "1", "1", "Anna Hansen", "+44 20 7946 0958",
                      "send again", "123456"])
    assert "We can only send the code by SMS to a mobile phone number" in replies[-3]
    assert "Use the number you write from, ending in 12?" in replies[-3]
    assert not any("6-digit code" in reply for reply in replies)
    assert "Is this right?" in texted(["yes"])[0]  # the number written from needs no code
    assert not _otps(store) and _proofs(store) == 1



@pytest.mark.parametrize("number", ["+45 90 00 00 01", "+882 16 12345678"])
def test_staff_are_never_asked_to_call_back_a_premium_rate_or_satellite_number(
        content: Content, store: SessionStore, number: str) -> None:
    """A call back needs no code, so the code step's check never saw it: a tester had a call
    back to +45 90 00 00 01 queued for staff (toll fraud)."""
    client, token = _web(content, store)
    _say(client, token, "call me back")
    _say(client, token, "Tom Jones")
    shown = _say(client, token, number)
    assert "We cannot call or text a premium-rate, shared-cost or satellite number" in shown
    assert "Which phone number should we call?" in shown
    with DB(store.engine) as db:
        assert not db.exec(select(CallbackRequest)).all()

def _proofs(store: SessionStore) -> int:
    """Codes made (sent, or counted as asked for), whatever became of their SMS."""
    with DB(store.engine) as db:
        return len(db.exec(select(PhoneProof)).all())


def test_no_code_is_ever_queued_for_a_number_that_is_not_a_mobile_number(
        store: SessionStore) -> None:
    from assistant.booking.proof import PhoneProofs, Sent

    proofs = PhoneProofs(store.engine)
    for again in (False, True):
        assert not isinstance(proofs.send("s1", "+4590000001", "da", NOW, again=again), Sent)
    assert not _otps(store) and _proofs(store) == 0
