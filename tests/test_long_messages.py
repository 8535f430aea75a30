"""A long message (the web API takes 2,000 characters, an SMS 1,600) is read to its first 500
characters on every channel, and the citizen is told, in their language, that only its first
part was read; before, a 651-character SMS whose question was at its end was answered from
its beginning, unsaid. Every length stays bounded, and no half CPR number is kept at the cut."""

from __future__ import annotations

import uuid

import pytest
from starlette.testclient import TestClient

from assistant.channels.sms import sms_turn
from assistant.channels.web import make_app
from assistant.conversation import Conversation, State
from assistant.outputs import Say
from assistant.privacy import MAX_INPUT_CHARS
from assistant.store.sessions import SessionStore

from .conftest import NOW

TOLD = {"da": "Din besked var lang, så kun den første del blev læst.",
        "en": "Your message was long, so only its first part was read.",
        "uk": "Ваше повідомлення було довгим, тому прочитано лише його першу частину."}
STORY = {"da": "Jeg kom til Danmark for to år siden med min familie, og vi bor nu i Slagelse. ",
         "en": "I came to Denmark two years ago with my family, and we now live in Slagelse. ",
         "uk": "Я приїхала до Данії два роки тому з родиною, і тепер ми живемо в Слагельсе. "}
QUESTION = {"da": "Hvad er voksenlærling?", "en": "What is an adult apprenticeship?",
            "uk": "Що таке учнівство для дорослих?"}


def long_message(lang: str, length: int = 651) -> str:
    story = STORY[lang] * (length // len(STORY[lang]) + 1)
    return story[:length - len(QUESTION[lang]) - 1] + " " + QUESTION[lang]


def said(outputs: list, lang: str) -> str:
    return "\n".join(o.text[lang] for o in outputs if isinstance(o, Say))


@pytest.mark.parametrize("lang", ["da", "en", "uk"])
@pytest.mark.parametrize("channel", ["web", "kiosk", "text", "sms"])
def test_a_long_message_is_said_to_be_read_in_part(content, channel: str, lang: str) -> None:
    reply = Conversation(content, State(lang=lang, channel=channel)).handle(long_message(lang))
    assert TOLD[lang] in said(reply, lang)


@pytest.mark.parametrize("lang", ["da", "en", "uk"])
def test_a_message_that_is_read_whole_is_not_said_to_be_cut(content, lang: str) -> None:
    message = long_message(lang, MAX_INPUT_CHARS)
    assert len(message) == MAX_INPUT_CHARS
    reply = Conversation(content, State(lang=lang, channel="web")).handle(message)
    assert TOLD[lang] not in said(reply, lang)


def test_a_long_sms_is_said_to_be_read_in_part(content, store: SessionStore) -> None:
    """The tester's case: a 651-character SMS whose question is at its end."""
    message = long_message("da")
    assert len(message) == 651
    reply = sms_turn(content, store, phone="+4522334455", body=message, sid=uuid.uuid4().hex,
                     now=lambda: NOW)
    assert reply.startswith(TOLD["da"])


def test_a_long_message_to_the_web_api_is_said_to_be_read_in_part(content, store) -> None:
    client = TestClient(make_app(content, store), base_url="https://kiosk.example.dk")
    token = client.post("/api/sessions", json={"lang": "uk"}).json()["session"]
    response = client.post(f"/api/sessions/{token}/messages",
                           json={"text": long_message("uk", 2000)})
    assert response.status_code == 200
    shown = [item.get("text", "") for item in response.json()["reply"]]
    assert any(TOLD["uk"] in text for text in shown)


def test_a_long_message_to_a_member_of_staff_is_said_to_be_cut(content) -> None:
    """While a member of staff has the conversation, the assistant answers nothing, but says
    that only the first part of a long message reaches them."""
    convo = Conversation(content, State(lang="en", channel="web", staff="AB"))
    assert TOLD["en"] in said(convo.handle(long_message("en", 900)), "en")


def test_what_is_read_and_stored_is_bounded_and_keeps_no_half_cpr_number(
        content, store: SessionStore) -> None:
    convo, _ = Conversation.open(content, store, f"test:{uuid.uuid4().hex}", "web", "da",
                                 now=lambda: NOW)
    crossing = "a " * 247 + "010190-1234 " + "b" * 20_000  # the number across the cut
    assert crossing.index("010190") < MAX_INPUT_CHARS < crossing.index("1234")
    reply = convo.handle(crossing)
    assert "CPR" in said(reply, "da") and TOLD["da"] in said(reply, "da")
    [turn] = store.turns(convo.session_id or "")
    assert len(turn.input) <= MAX_INPUT_CHARS and "0101" not in turn.input
    assert "1234" not in turn.input
    from assistant.privacy import read_input

    assert len(read_input("x " * 1_000_000).text) <= MAX_INPUT_CHARS
