"""A numbered suggestion ("I am not sure what you mean. Choose one of these:") is chosen with a
number written in words as with digits: a number word is not a new question. Its heading counts
nothing: a count of the answers stood over the answers, a guide and "Talk to staff"."""

from __future__ import annotations

import pytest

from assistant.channels.render import render_text
from assistant.conversation import Conversation, State
from assistant.outputs import Choices, Say


@pytest.mark.parametrize(("lang", "question", "choice"), [
    ("da", "hvad gælder for voksenlærling", "tre"),
    ("da", "hvad gælder for voksenlærling", "nummer 3"),
    ("uk", "я хочу повернутися додому в Україну, що буде з моїм дозволом?", "три"),
])
def test_a_suggestion_is_chosen_by_a_number_word(convo: Conversation, lang: str, question: str,
                                                 choice: str) -> None:
    convo.state.lang = lang
    offered = render_text(convo.handle(question), lang)
    # the third of the suggestions, whichever the search ranks third
    third = offered.split("\n  3. ", 1)[1].split("\n", 1)[0]
    assert "\n  4. " in offered  # three answers and a person: "3" is an answer
    shown = render_text(convo.handle(choice), lang)
    assert shown.startswith(f"== {third}"), shown


def test_open_suggestions_survive_a_reopened_session_and_a_language_change(content,
                                                                            store) -> None:
    """`chat --session` a second time, or a web page reloaded: the suggestions on screen
    before are shown again, and "2" still opens the second of them (not the menu's 2)."""
    first, _ = Conversation.open(content, store, "chat:suggest", "text", "da")
    offered = render_text(first.handle("hvad gælder for voksenlærling"), "da")
    second = offered.split("\n  2. ", 1)[1].split("\n", 1)[0]
    again, opening = Conversation.open(content, store, "chat:suggest", "text")
    assert f"2. {second}" in render_text(opening, "da")
    assert render_text(again.handle("2"), "da").startswith(f"== {second}")
    again.handle("hvad gælder for voksenlærling")
    english = render_text(again.handle("english"), "en")
    assert "2. Adult apprentice" in english, english


HEADING = {"da": "Jeg er ikke sikker på, hvad du mener. Vælg en af disse:",
           "en": "I am not sure what you mean. Choose one of these:",
           "uk": "Я не впевнений, що ви маєте на увазі. Оберіть один із цих варіантів:"}
STAFF = {"da": "Tal med en medarbejder", "en": "Talk to staff", "uk": "Поговорити з працівником"}


@pytest.mark.parametrize(("lang", "question"), [
    ("da", "pension sag ting"), ("da", "dagpenge ting sag"), ("en", "pension abroad stuff"),
    ("en", "Could you please help me with repatriation stuff"),  # "call me back about ...":
    # a request for a call (test_intents.py), no question
    ("uk", "щось про гроші та податки"), ("uk", "пенсія в іншій країні питання"),
])
@pytest.mark.parametrize("channel", ["web", "sms", "kiosk"])
def test_the_heading_of_suggestions_counts_nothing_the_list_does_not_show(
        content, channel: str, lang: str, question: str) -> None:
    """"I found 1 possible answer:" stood over two options (the answer and "Talk to staff"):
    the heading says to choose, in every language, and counts nothing."""
    said = Conversation(content, State(lang=lang, channel=channel)).handle(question)
    heading, shown = said[-2], said[-1]
    assert isinstance(heading, Say) and isinstance(shown, Choices)
    assert heading.text == HEADING
    assert not any(c.isdigit() for c in heading.text[lang])
    assert shown.options[-1].label[lang] == STAFF[lang]
