"""Requests are read whatever polite or filler words come with them ("ring venligst til mig",
"Could you please call me back?", "Зателефонуйте мені, будь ласка", "vil gerne snakke med en
person"), in all three languages; the verbs of moving and cancelling typed alone ("aflys",
"flyt", "cancel", "скасувати", "перенести") start the change-or-cancel guide as "book" starts
booking, and "bok et mode" books."""

from __future__ import annotations

import uuid

import pytest

from assistant.channels.sms import sms_turn
from assistant.conversation import Conversation, State
from assistant.outputs import Choices
from assistant.store.sessions import SessionStore

from .conftest import NOW
from .replies import said_text

STAFF_TITLE = {"da": "Tal med en medarbejder", "en": "Talk to staff",
               "uk": "Поговорити з працівником"}
NAME_QUESTION = {"da": "Hvad hedder du?", "en": "What is your name?", "uk": "Як вас звати?"}
MANAGE_TITLE = {"da": "Flyt eller aflys et møde", "en": "Change or cancel a booking",
                "uk": "Змінити або скасувати зустріч"}
CODE_QUESTION = {"da": "Skriv din bookingkode.", "en": "Write your booking code.",
                 "uk": "Напишіть код бронювання."}


CALL_ME = [
    ("da", "ring venligst til mig"), ("da", "Vil I ringe mig op, tak?"),
    ("da", "kan du venligst ringe til mig"), ("da", "jeg har et spørgsmål, ring venligst til mig"),
    ("en", "Could you please call me back?"), ("en", "can someone call me back please"),
    ("en", "Please, call me."),
    ("uk", "будь ласка, зателефонуйте мені"), ("uk", "Зателефонуйте мені, будь ласка"),
    ("uk", "передзвоніть мені, будь ласка"), ("uk", "Чи не могли б ви мені зателефонувати?"),
]


@pytest.mark.parametrize("channel", ["web", "kiosk", "sms"])
@pytest.mark.parametrize(("lang", "text"), CALL_ME)
def test_a_polite_call_me_back_goes_to_the_callback(content, channel: str, lang: str,
                                                    text: str) -> None:
    convo = Conversation(content, State(lang=lang, channel=channel))
    shown = said_text(convo.handle(text), lang)
    assert STAFF_TITLE[lang] in shown and NAME_QUESTION[lang] in shown


A_PERSON = [
    ("da", "vil gerne snakke med en person"), ("da", "jeg vil gerne tale med en person, tak"),
    ("da", "Må jeg venligst tale med en medarbejder?"),
    ("en", "could I please speak to someone?"), ("en", "I'd like to talk to a person please"),
    ("uk", "будь ласка, я хочу поговорити з працівником"),
    ("uk", "Можна поговорити з людиною, будь ласка?"),
]


@pytest.mark.parametrize(("lang", "text"), A_PERSON)
def test_a_polite_request_for_a_person_reaches_staff(content, lang: str, text: str) -> None:
    reply = Conversation(content, State(lang=lang, channel="web")).handle(text)
    assert reply[0].text[lang] == STAFF_TITLE[lang]
    assert isinstance(reply[-1], Choices) and len(reply[-1].options) == 2  # now, or call back


@pytest.mark.parametrize(("lang", "text"), [("en", "I don't want to talk to a person"),
                                            ("da", "ring ikke til mig"),
                                            ("uk", "не телефонуйте мені")])
def test_a_request_said_not_to_be_wanted_is_none(content, lang: str, text: str) -> None:
    reply = Conversation(content, State(lang=lang, channel="web")).handle(text)
    assert STAFF_TITLE[lang] not in said_text(reply, lang)


@pytest.mark.parametrize(("lang", "text", "what"), [
    ("da", "aflys", "cancel"), ("da", "annuller", "cancel"), ("da", "flyt", "change"),
    ("en", "cancel", "cancel"), ("en", "reschedule", "change"),
    ("uk", "скасувати", "cancel"), ("uk", "перенести", "change"),
    ("da", "aflys venligst", "cancel"), ("uk", "перенести, будь ласка", "change"),
])
@pytest.mark.parametrize("channel", ["web", "kiosk"])
def test_a_verb_of_moving_or_cancelling_alone_starts_the_change_or_cancel_guide(
        content, channel: str, lang: str, text: str, what: str) -> None:
    convo = Conversation(content, State(lang=lang, channel=channel))
    shown = said_text(convo.handle(text), lang)
    assert MANAGE_TITLE[lang] in shown and CODE_QUESTION[lang] in shown
    assert convo.state.flow is not None and convo.state.flow["answers"]["what"] == what


def test_by_sms_aflys_starts_the_guide_and_cancel_stays_an_opt_out(content,
                                                                   store: SessionStore) -> None:
    def text(body: str) -> str:
        return sms_turn(content, store, phone="+4522334455", body=body, sid=uuid.uuid4().hex,
                        now=lambda: NOW)

    assert "Skriv din bookingkode." in text("aflys")
    assert "Skriv din bookingkode." in text("flyt")
    assert text("CANCEL") == ""  # the gateway's opt-out word: no reply, no more messages
    assert text("aflys") == ""


@pytest.mark.parametrize(("lang", "text"), [("da", "bok et mode"), ("da", "bok et møde"),
                                            ("da", "jeg vil gerne bok et mode")])
def test_book_typed_with_a_letter_missing_books(content, lang: str, text: str) -> None:
    convo = Conversation(content, State(lang=lang, channel="web"))
    convo.handle(text)
    assert convo.state.flow is not None and convo.state.flow["flow_id"] == "book"
