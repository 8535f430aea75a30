"""A citizen who asks for a person in their own words (da/en/uk) reaches the staff flow, and
"call me back" its callback; a question about something ("who can I talk to about
repatriation") still gets the answer; an answer the assistant is not sure of offers a person."""

from __future__ import annotations

import pytest

from assistant.conversation import Conversation, State
from assistant.outputs import Card, Choices, Say

ASKS = [("da", "jeg vil gerne tale med et menneske"), ("da", "Kan jeg tale med en medarbejder?"),
        ("da", "jeg vil tale med en sagsbehandler"), ("da", "menneske"),
        ("en", "I want to talk to a person"), ("en", "can I speak to someone?"),
        ("uk", "Я хочу поговорити з працівником"), ("uk", "людина")]
STAFF_TITLE = {"da": "Tal med en medarbejder", "en": "Talk to staff",
               "uk": "Поговорити з працівником"}
NAME_QUESTION = {"da": "Hvad hedder du?", "en": "What is your name?", "uk": "Як вас звати?"}


@pytest.mark.parametrize(("lang", "text"), ASKS)
def test_asking_for_a_person_in_own_words_reaches_staff(content, lang: str, text: str) -> None:
    said = Conversation(content, State(lang=lang)).handle(text)
    assert said[0].text[lang] == STAFF_TITLE[lang]
    assert isinstance(said[-1], Choices) and len(said[-1].options) == 2  # now, or call back


@pytest.mark.parametrize(("lang", "text"), [("da", "ring mig op"), ("en", "Call me back"),
                                            ("uk", "зателефонуйте мені")])
def test_call_me_back_asks_for_the_name_to_call(content, lang: str, text: str) -> None:
    said = Conversation(content, State(lang=lang)).handle(text)
    assert said[0].text[lang] == STAFF_TITLE[lang]
    assert said[-1].text[lang].startswith(NAME_QUESTION[lang])


def test_a_question_about_who_to_talk_to_gets_the_answer(content) -> None:
    said = Conversation(content, State(lang="da")).handle(
        "hvem kan jeg tale med om repatriering")
    assert isinstance(said[0], Card) and "Repatriering" in said[0].title["da"]


def test_an_answer_not_sure_of_offers_a_person(content) -> None:
    convo = Conversation(content, State(lang="en"))
    said = convo.handle("pension abroad stuff")
    assert isinstance(said[0], Say) and "not sure" in said[0].text["en"]
    last = said[-1]
    assert isinstance(last, Choices) and last.options[-1].label["en"] == "Talk to staff"
    picked = convo.handle(last.options[-1].key)
    assert picked[0].text["en"] == "Talk to staff"


IN_A_SENTENCE = [("da", "jeg forstår ikke, jeg vil tale med en medarbejder"),
                 ("da", "Det er for svært. Jeg har brug for et menneske"),
                 ("en", "I don't understand, I want to talk to a person"),
                 ("en", "this is confusing, can I speak to someone?"),
                 ("uk", "я не розумію, мені потрібна людина"),
                 ("uk", "Не виходить. Я хочу поговорити з працівником")]


@pytest.mark.parametrize(("lang", "text"), IN_A_SENTENCE)
def test_asking_for_a_person_at_the_end_of_a_sentence_in_a_guide_reaches_staff(
        content, lang: str, text: str) -> None:
    convo = Conversation(content, State(lang=lang))
    convo.handle("1")  # in the booking guide, at its first question
    said = convo.handle(text)
    assert said[0].text[lang] == STAFF_TITLE[lang]
    assert isinstance(said[-1], Choices) and len(said[-1].options) == 2


@pytest.mark.parametrize(("lang", "text"), IN_A_SENTENCE)
def test_asking_for_a_person_at_the_end_of_a_sentence_at_the_menu_reaches_staff(
        content, lang: str, text: str) -> None:
    said = Conversation(content, State(lang=lang)).handle(text)
    assert said[0].text[lang] == STAFF_TITLE[lang]


def test_a_question_about_who_to_talk_to_in_a_guide_is_no_request_for_a_person(content) -> None:
    convo = Conversation(content, State(lang="en"))
    convo.handle("1")
    said = convo.handle("who can I talk to about repatriation")
    assert all(not (isinstance(o, Say) and o.text["en"] == STAFF_TITLE["en"]) for o in said)
    assert convo.state.flow is not None and convo.state.flow["flow_id"] == "book"
