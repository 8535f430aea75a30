"""Hostile input: random Unicode and random command sequences never break a conversation."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.conversation import Conversation
from assistant.outputs import Say
from assistant.privacy import clean_input, redact_cpr

from .conftest import NOW

COMMANDS = ["back", "tilbage", "назад", "menu", "меню", "help", "hjælp", "start over", "forfra",
            "language", "sprog", "мова", "staff", "1", "2", "3", "9", "ja", "ні", "dansk",
            "english", "українська"]
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=60) | st.sampled_from([
    "\u202eevil", "👩‍👩‍👧" * 50, "\x1b[31mred\x1b[0m", "[bold]x[/bold]", "a" * 10_000,
    "010190-1234", "\x00\x07", "   ",
])


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
        assert "010190-1234" not in turn.input


def test_clean_input_strips_controls_and_bounds_length() -> None:
    assert clean_input("\x1b[31mred\x1b[0m\n\u202eok") == "[31mred [0m ok"
    assert len(clean_input("x" * 10_000)) == 500


def test_cpr_redaction_only_touches_real_dates() -> None:
    assert redact_cpr("cpr 010190-1234 og 0101901234 og 010190 1234") == \
        "cpr [CPR fjernet] og [CPR fjernet] og [CPR fjernet]"
    assert redact_cpr("telefon 22334455, sag 999999-1234") == "telefon 22334455, sag 999999-1234"


@pytest.mark.parametrize("written", ["010190 - 1234", "010190–1234", "010190\u20101234",
                                     "01.01.90-1234", "01-01-90 1234", "010190—1234"])
def test_cpr_numbers_are_redacted_however_they_are_written(written: str) -> None:
    assert redact_cpr(f"mit cpr er {written} tak") == "mit cpr er [CPR fjernet] tak"


def test_times_dates_and_phone_numbers_are_not_taken_for_cpr_numbers() -> None:
    for text in ("kl. 10.30-12.00", "ring 22 33 44 55", "den 2026-12-03 kl 1000"):
        assert redact_cpr(text) == text


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
            await pilot.pause()
            for raw in inputs:
                screen = app.screen
                assert isinstance(screen, ConversationScreen)
                screen.query_one(Input).value = raw[:500]
                await pilot.press("enter")
                await pilot.pause()
            assert isinstance(app.screen, ConversationScreen)

    asyncio.run(drive())


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
