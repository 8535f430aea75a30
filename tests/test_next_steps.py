"""Next steps after a free-text knowledge answer, offered by the core to every channel."""

from __future__ import annotations

import pytest

from assistant.conversation import Conversation
from assistant.outputs import Card, Choices, Output, Say
from assistant.text import pick

from .conftest import NOW


def _options(outputs: list[Output], lang: str = "en") -> list[str]:
    choices = next(o for o in outputs if isinstance(o, Choices))
    return [f"{c.key}. {pick(c.label, lang)}" for c in choices.options]


def test_a_free_text_answer_offers_its_flow_related_entries_and_staff(convo) -> None:
    out = convo.handle("what is voksenlaerling")
    assert isinstance(out[0], Card) and out[0].entry_id == "voksenlaerling"
    assert _options(out) == ["1. One step up - education and upskilling",
                             "2. Step by step: Adult apprenticeship",
                             "3. Adult apprenticeship: target groups, the 6-month rule and the "
                             "subsidy",
                             "4. Talk to staff"]
    out = convo.handle("2")
    assert "How old are you?" in pick(next(o for o in out if isinstance(o, Say)
                                           and o.tone == "prompt").text, "en")


@pytest.mark.parametrize("lang", ["da", "en", "uk"])
def test_a_guide_named_as_the_answer_is_told_apart_from_it(convo, lang: str) -> None:
    """The voksenlærling entry and its guide share a title: offered as "Voksenlærling" after
    the entry "Voksenlærling", the guide read as the same text again."""
    out = convo.handle("what is voksenlaerling")
    card = out[0]
    assert isinstance(card, Card)
    labels = [label.split(". ", 1)[1] for label in _options(out, lang)]
    assert pick(card.title, lang) not in labels and len(set(labels)) == len(labels)
    guide = {"da": "Trin for trin: Voksenlærling", "en": "Step by step: Adult apprenticeship",
             "uk": "Покроково: "}[lang]
    assert any(label.startswith(guide) for label in labels), labels


def test_a_related_entry_comes_with_next_steps_of_its_own(convo) -> None:
    convo.handle("what is voksenlaerling")
    out = convo.handle("3")
    assert isinstance(out[0], Card) and out[0].entry_id == "voksenlaerling_regler"
    assert _options(out)[-1].endswith("Talk to staff")


def test_an_answer_no_flow_covers_offers_booking_and_staff(convo) -> None:
    out = convo.handle("what is fleksjob")
    assert isinstance(out[0], Card)
    assert _options(out)[0] == "1. Book a meeting" and _options(out)[-1] == (
        f"{len(_options(out))}. Talk to staff")
    out = convo.handle(str(len(_options(out))))
    assert "How would you like help?" in " ".join(pick(o.text, "en") for o in out
                                                 if isinstance(o, Say))


def test_a_picked_did_you_mean_suggestion_also_offers_next_steps(content, store) -> None:
    convo, _ = Conversation.open(content, store, "suggest", "text", "da", now=lambda: NOW)
    out = convo.handle("lærling")
    assert _options(out, "da")[0] == "1. Voksenlærling"
    out = convo.handle("1")
    assert isinstance(out[0], Card) and out[0].entry_id == "voksenlaerling"
    assert _options(out, "da")[-1].endswith("Tal med en medarbejder")


@pytest.mark.parametrize(("said", "what"), [
    ("jeg vil flytte min tid", "change"), ("flyt mit møde", "change"),
    ("aflys min tid", "cancel"), ("I want to move my appointment", "change"),
    ("cancel my meeting", "cancel"), ("перенести зустріч", "change"),
    ("скасувати зустріч", "cancel"),
])
def test_a_typed_request_to_move_or_cancel_starts_the_change_flow(convo, said: str,
                                                                   what: str) -> None:
    out = convo.handle(said)
    assert convo.state.flow is not None and convo.state.flow["flow_id"] == "manage"
    assert convo.state.flow["answers"] == {"what": what}
    assert any(isinstance(o, Say) and o.tone == "prompt" for o in out)
    assert convo.searched is None, "not a knowledge search"


@pytest.mark.parametrize("said", [
    "hvordan flytter jeg min tid", "what happens if I cancel my meeting",
    "jeg vil flytte tilbage til Ukraine",
])
def test_a_question_about_moving_or_cancelling_still_asks_the_knowledge_base(convo,
                                                                             said: str) -> None:
    convo.handle(said)
    assert convo.state.flow is None and convo.searched is not None


@pytest.mark.parametrize("said", [
    "jeg vil boke et mode", "jeg vil booke et møde", "jeg vil gerne bestille tid",
    "I want to book an appointment", "make an appointment", "хочу записатися на зустріч",
    "записати мене на прийом",
])
def test_a_typed_request_to_book_starts_the_booking(convo, said: str) -> None:
    convo.handle(said)
    assert convo.state.flow is not None and convo.state.flow["flow_id"] == "book"
    assert convo.searched is None, "not a knowledge search"


@pytest.mark.parametrize("said", [
    "hvordan booker jeg selv et møde på jobnet?", "how do I book a meeting on Jobnet",
    "rebook my appointment",
])
def test_a_question_about_booking_or_a_rebooking_does_not_start_a_new_booking(
        convo, said: str) -> None:
    convo.handle(said)
    assert convo.state.flow is None or convo.state.flow["flow_id"] != "book"


@pytest.mark.parametrize(("lang", "said", "guide"), [
    ("en", "Hi, I'm 35 and I'd like to become an adult apprentice",
     "Step by step: Adult apprenticeship"),
    ("da", "jeg er 35 og vil gerne være voksenlærling", "Trin for trin: Voksenlærling")])
def test_an_unsure_answer_also_offers_the_guide_through_its_first_suggestion(
        content, store, lang: str, said: str, guide: str) -> None:
    # someone who wants to become an adult apprentice got three voksenlærling entries to read
    # and no way into the guide that asks what the rules need
    convo, _ = Conversation.open(content, store, "unsure-guide", "text", lang,
                                 now=lambda: NOW)
    out = convo.handle(said)
    options = _options(out, lang)
    picked = next(o for o in options if o.endswith(guide))
    assert options[-1].endswith({"en": "Talk to staff", "da": "Tal med en medarbejder"}[lang])
    out = convo.handle(picked.split(".")[0])
    prompt = next(o for o in out if isinstance(o, Say) and o.tone == "prompt")
    assert pick(prompt.text, "en").startswith("How old are you?")


@pytest.mark.parametrize(("lang", "typed"), [
    ("da", "trin for trin"), ("da", "Trin for trin: Voksenlærling"), ("en", "Step by step"),
    ("en", "step by step please"), ("uk", "покроково"), ("en", "trin for trin"),
])
def test_the_words_of_one_shown_option_choose_it_before_any_search(
        content, store, lang: str, typed: str) -> None:
    """Found by a tester: after the voksenlærling card, "trin for trin" (the start of the
    option "Trin for trin: Voksenlærling") was searched and gave the "Ét trin op" card. Words
    that name exactly one shown option, its label or a clear part of it, in any language,
    choose it."""
    convo, _ = Conversation.open(content, store, f"words-{lang}-{typed}", "text", lang,
                                 now=lambda: NOW)
    convo.handle("what is voksenlaerling")
    out = convo.handle(typed)
    assert not any(isinstance(o, Card) for o in out), [type(o).__name__ for o in out]
    assert convo.state.flow and convo.state.flow["flow_id"] == "voksenlaerling"


def test_words_that_name_several_shown_options_or_none_are_still_a_question(convo) -> None:
    out = convo.handle("what is voksenlaerling")
    out = convo.handle("adult apprenticeship")  # the guide and an entry: searched, as before
    assert not convo.state.flow
    out = convo.handle("what is fleksjob")  # no option's words: a question
    assert isinstance(out[0], Card) and out[0].entry_id != "voksenlaerling"
    out = convo.handle("Talk")  # "Talk to staff"
    assert convo.state.flow and convo.state.flow["flow_id"] == "staff"
