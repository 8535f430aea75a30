"""Hostile input: random Unicode and random command sequences never break a conversation."""

from __future__ import annotations

import json
import unicodedata
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.conversation import Conversation
from assistant.outputs import Say
from assistant.privacy import clean_input, redact_cpr

from .conftest import NOW
from .pilot import settle

CPR_FORMS = ["010190-1234", "01 01 90 1234", "24 11 88 2345", "01011990-1234", "010190/1234",
             "0101 90 1234", "０１０１９０－１２３４", "01.01.90 - 1234", "24/11/1988 2345",
             # an outside attacker's pass: unpadded day and month, "_" and ",", a space in the
             # serial, every digit apart, and invisible format characters (category Cf)
             "1.1.90-7111", "1/1-90-7201", "1/1-1990-7202", "1.1.1990-7205", "1-1-90-7206",
             "1/1/90 7207", "3.12.85-7208", "1 1 90 7210", "010190_7211", "01,01,90,7212",
             "010190-71 29", "0 1 0 1 9 0 7 1 1 8", "0101\u00ad90-7213", "01\u200b0190-7214",
             "010190\u2060-7215", "\u00ad".join("0101907216"),
             # a security tester's: the month first or by a short name, an ordinal, other
             # separators, more of them in a row, every digit apart with a dash before the serial
             "January 1 1990 7220", "1st January 1990 7221", "1 січ 1990 7222", "010190*7223",
             "010190 | 7224", "010190⸺7225", "01 01 90 - - 7226", "0 1 0 1 9 0 - 7 2 2 7"]
"""Ways people write a CPR number (issue 23): every channel stores none of them."""
NOT_CPR = ["kl. 10.30-12.00", "ring 22 33 44 55", "den 2026-12-03 kl 1000", "22334455",
           "+45 22 33 44 55", "+380 50 123 4567", "+380501234567", "00380 50 123 4567",
           "+46 70 123 45 67", "K7M2QX", "24.11.2026", "24/11/2026", "1.234.567,50 kr",
           "12.500 kr", "sag 999999-1234", "2026-11-24 10:30", "10.30-12.00 24.11.26",
           "1.1.2027 20 12 34 56", "ring 2 2 3 3 4 4 5 5", "3.12.85", "1 1 90", "kl 1.30",
           "1, 2, 3, 4", "1.500.000 kr", "10 000,00 kr", "+1 900 555 1234", "1-800-123-4567",
           "+45 20 12 34 56", "den 1/1 kl 1030", "1.1.2027 kl. 10.30",
           "mødet 3.12.2026 22334455", "12 34 56 78 90", "1 2 3 4 5 6 7 8 9 0",
           "+44 7400 123456", "4.12.2026, 22334455", "1_000_000", "sag 1.1.2026-12"]
"""Ordinary numbers a citizen writes: phone numbers (Danish, foreign), codes, amounts, dates."""
COMMANDS = ["back", "tilbage", "назад", "menu", "меню", "help", "hjælp", "start over", "forfra",
            "language", "sprog", "мова", "staff", "1", "2", "3", "9", "ja", "ні", "dansk",
            "english", "українська"]
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=60) | st.sampled_from([
    "\u202eevil", "👩‍👩‍👧" * 50, "\x1b[31mred\x1b[0m", "[bold]x[/bold]", "a" * 10_000,
    "\x00\x07", "   ", *CPR_FORMS, *(f"mit cpr er {cpr}" for cpr in CPR_FORMS),
])


def digits(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isdigit())


def holds_a_cpr_form(stored: str) -> bool:
    """Whether ``stored`` still holds the digits of one of CPR_FORMS, in any spacing."""
    return any(digits(cpr) in digits(stored) for cpr in CPR_FORMS)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(inputs=st.lists(st.sampled_from(COMMANDS) | TEXT, min_size=1, max_size=12),
       lang=st.sampled_from(["da", "en", "uk"]))
def test_every_input_gets_a_reply_and_never_an_exception(content, store, inputs, lang) -> None:
    convo, _ = Conversation.open(content, store, f"fuzz:{uuid.uuid4().hex}", "text", lang,
                                 now=lambda: NOW)
    for raw in inputs:
        outputs = convo.handle(raw)
        assert outputs, f"no reply to {raw!r}"
        says = [o for o in outputs if isinstance(o, Say)]
        assert all(convo.lang in o.text for o in says)
    for turn in store.turns(convo.session_id):
        assert len(turn.input) <= 500
        assert not holds_a_cpr_form(turn.input)


def test_clean_input_strips_controls_and_bounds_length() -> None:
    assert clean_input("\x1b[31mred\x1b[0m\n\u202eok") == "[31mred [0m ok"
    assert len(clean_input("x" * 10_000)) == 500


def test_cpr_redaction_only_touches_real_dates() -> None:
    assert redact_cpr("cpr 010190-1234 og 0101901234 og 010190 1234") == \
        "cpr [CPR fjernet] og [CPR fjernet] og [CPR fjernet]"
    assert redact_cpr("telefon 22334455, sag 999999-1234") == "telefon 22334455, sag 999999-1234"


@pytest.mark.parametrize("written", ["010190 - 1234", "010190–1234", "010190\u20101234",
                                     "01.01.90-1234", "01-01-90 1234", "010190—1234",
                                     *CPR_FORMS, "01 . 01 / 90 - 1234", "290200-1111",
                                     "３１１２８５１２３４", "31.12.1985/1234"])
def test_cpr_numbers_are_redacted_however_they_are_written(written: str) -> None:
    assert redact_cpr(f"mit cpr er {written} tak") == "mit cpr er [CPR fjernet] tak"
    assert redact_cpr(f"tlf 22334455, cpr {written}") == "tlf 22334455, cpr [CPR fjernet]"
    assert redact_cpr(f"+380 50 123 4567 {written}") == "+380 50 123 4567 [CPR fjernet]"


def test_times_dates_and_phone_numbers_are_not_taken_for_cpr_numbers() -> None:
    for text in NOT_CPR:
        assert redact_cpr(text) == text
    assert redact_cpr("31129912345") == "31129912345", "a longer run of digits is no CPR"
    assert redact_cpr("32.01.90-1234 og 01.13.90-1234") == "32.01.90-1234 og 01.13.90-1234"


def test_no_phone_number_of_any_country_is_taken_for_a_cpr_number() -> None:
    """Each country's example numbers, as written with the country code: some look like a
    date and four digits (+86 10 1234 5678, +880 1812-345678) and must stay."""
    import phonenumbers
    from phonenumbers import PhoneNumberFormat, PhoneNumberType

    written = 0
    for region in phonenumbers.SUPPORTED_REGIONS:
        for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is None:
                continue
            for text in (phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL),
                         phonenumbers.format_number(number, PhoneNumberFormat.E164),
                         phonenumbers.format_out_of_country_calling_number(number, "DK")):
                assert redact_cpr(f"ring {text} tak") == f"ring {text} tak"
                written += 1
    assert written > 1000


def _stored_text(engine) -> str:
    """Every value the conversation tables hold, as text."""
    from sqlmodel import Session as DB
    from sqlmodel import select

    from assistant.store.models import CallbackRequest, Outbox, Session, SmsMessage, Turn

    ids = {"id", "session_id", "key", "sid", "phone_hash"}
    with DB(engine) as db:
        rows = [row for model in (Turn, Session, SmsMessage, Outbox, CallbackRequest)
                for row in db.exec(select(model))]
    return " ".join(str(value) for row in rows for name, value in row.model_dump().items()
                    if name not in ids)


@pytest.mark.parametrize("cpr", CPR_FORMS)
def test_every_channel_stores_no_cpr_number_however_it_is_written(
        content, store, cpr: str, sms_token) -> None:
    """Typed at the text chat, sent to the web API and texted to the SMS webhook: each turn
    says the number was removed, and nothing stored holds its digits."""
    import io

    from starlette.testclient import TestClient
    from twilio.request_validator import RequestValidator

    from assistant.channels.text import run_chat
    from assistant.channels.web import make_app

    said = f"mit cpr er {cpr} og tlf 22334455"
    out = io.StringIO()
    run_chat(content, store, lang="en", channel="text", session_key=None,
             stdin=io.StringIO(f"1\n{said}\n"), stdout=out, now=lambda: NOW)
    assert "Please do not write your CPR number here." in out.getvalue().split("\n\n")[1]

    client = TestClient(make_app(content, store, now=lambda: NOW),
                        base_url="https://kiosk.example.dk")
    token = client.post("/api/sessions", json={"lang": "en"}).json()["session"]
    reply = client.post(f"/api/sessions/{token}/messages", json={"text": said}).json()
    # a Danish first message: answered in Danish, though the page started in English
    assert reply["lang"] == "da", reply
    assert "Skriv venligst ikke dit CPR-nummer her." in json.dumps(reply, ensure_ascii=False)

    form = {"From": "+4522334455", "To": "+4570000000", "Body": said, "MessageSid": "SMcpr"}
    signature = RequestValidator("fuzz-token").compute_signature(
        "https://kiosk.example.dk/sms/twilio", form)
    sms = client.post("/sms/twilio", data=form, headers={"X-Twilio-Signature": signature})
    assert sms.status_code == 200 and "CPR" in sms.text

    stored = _stored_text(store.engine)
    # the English chat masks it in English; the web page and SMS, answered in Danish, in Danish
    assert stored.count("[CPR fjernet]") >= 2 and "[CPR removed]" in stored, stored
    assert "22334455" in stored
    assert not holds_a_cpr_form(stored), stored


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(inputs=st.lists(st.sampled_from(COMMANDS) | TEXT, min_size=1, max_size=6),
       lang=st.sampled_from(["da", "en", "uk"]))
def test_web_and_sms_channels_survive_hostile_input(content, db_url, inputs, lang,
                                                    sms_token) -> None:
    from starlette.testclient import TestClient
    from twilio.request_validator import RequestValidator

    from assistant.channels.web import make_app
    from assistant.store.db import make_engine
    from assistant.store.sessions import SessionStore

    store = _stores.setdefault(db_url, SessionStore(make_engine(db_url)))
    client = TestClient(make_app(content, store, ip_limit=10**6, phone_limit=10**6),
                        base_url="https://kiosk.example.dk")
    token = client.post("/api/sessions", json={"lang": lang}).json()["session"]
    phone = f"+452233{uuid.uuid4().int % 10_000:04d}"
    for raw in inputs:
        response = client.post(f"/api/sessions/{token}/messages", json={"text": raw[:2000]})
        assert response.status_code == 200, response.text
        reply = response.json()
        assert reply["reply"] and reply["lang"] in ("da", "en", "uk")
        form = {"From": phone, "To": "+4570000000", "Body": raw[:1600],
                "MessageSid": f"SM{uuid.uuid4().hex}"}
        signature = RequestValidator("fuzz-token").compute_signature(
            "https://kiosk.example.dk/sms/twilio", form)
        sms = client.post("/sms/twilio", data=form, headers={"X-Twilio-Signature": signature})
        assert sms.status_code == 200 and sms.text.startswith("<?xml")


_stores: dict = {}


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(inputs=st.lists(st.sampled_from(COMMANDS) | TEXT, min_size=1, max_size=5),
       lang=st.sampled_from(["da", "en", "uk"]))
def test_the_kiosk_survives_hostile_input(content, store, inputs, lang) -> None:
    import asyncio

    from textual.widgets import Input

    from assistant.channels.tui.kiosk import ConversationScreen, KioskApp

    async def drive() -> None:
        app = KioskApp(content, store, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for raw in inputs:
                screen = app.screen
                assert isinstance(screen, ConversationScreen)
                screen.query_one(Input).value = raw[:500]
                await pilot.press("enter")
                await settle(pilot)  # the turn's worker done
            assert isinstance(app.screen, ConversationScreen)

    asyncio.run(drive())


def test_the_kiosk_stores_no_cpr_number_however_it_is_written(content, store) -> None:
    """Each form typed at the kiosk: the citizen is told, and nothing stored holds it."""
    import asyncio

    from textual.widgets import Input

    from assistant.channels.tui.kiosk import KioskApp

    async def drive() -> None:
        app = KioskApp(content, store, lang="en")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for cpr in CPR_FORMS:
                app.screen.query_one(Input).value = f"my cpr is {cpr}"
                await pilot.press("enter")
                await settle(pilot)  # the turn's worker done

    asyncio.run(drive())
    stored = _stored_text(store.engine)
    assert stored.count("[CPR removed]") >= len(CPR_FORMS), "the English kiosk's mask"
    assert stored.count("Please do not write your CPR number here.") >= len(CPR_FORMS)
    assert not holds_a_cpr_form(stored), stored


def test_a_turn_that_fails_leaves_the_conversation_as_it_was(content, store) -> None:
    """An action that fails (a database outage, a bug) must not leave half of the failed turn
    in the state: the user is asked the same question again and can answer it differently."""
    from dataclasses import replace

    def broken(act, convo):
        raise RuntimeError("the staff system is down")

    broken_content = replace(content, actions={**content.actions, "handoff": broken})
    convo, _ = Conversation.open(broken_content, store, f"fail:{uuid.uuid4().hex}", "text",
                                 "en", now=lambda: NOW)
    convo.handle("staff")
    before = json.loads(json.dumps(convo.state.to_dict()))
    outputs = convo.handle("1")  # "a member of staff should come to me" -> handoff fails
    assert any(isinstance(o, Say) and o.tone == "error" for o in outputs)
    assert convo.state.to_dict() == before
    convo.handle("2")  # call me back instead
    assert convo.state.flow["step"] == "name"
    assert "desk" not in convo.state.flow["history"]
