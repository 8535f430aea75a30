"""Natural replies: numbers in words and inside sentences, option words, and never a guess."""

from __future__ import annotations

import itertools

import pytest

from assistant.flow.engine import requested
from assistant.flow.loader import load_flows
from assistant.flow.model import Option
from assistant.flow.replies import (
    Ambiguous,
    chosen_number,
    numbers_in,
    pick_many,
    pick_one,
    whole_number,
)
from assistant.text import LANGS

FLOWS = load_flows()
SITUATION = FLOWS["voksenlaerling"].step("situation").options
EDUCATION = FLOWS["voksenlaerling"].step("education").options
MEETING = FLOWS["book"].step("meeting_type").options
SKILLS = FLOWS["et_trin_op"].step("skills").options
CHANNEL = FLOWS["book"].step("channel").options
STATUS = FLOWS["et_trin_op"].step("status").options


@pytest.mark.parametrize(("said", "lang", "number"), [
    ("3", None, 3), ("tre", None, 3), ("three", None, 3), ("три", None, 3), ("toogfyrre", None, 42),
    ("forty-two", None, 42), ("сорок два", None, 42), ("дві", None, 2), ("en", None, 1),
    ("to og tyve", None, None), ("jeg er 42", None, None), ("", None, None),
])
def test_a_reply_that_is_a_number_in_words(said: str, lang, number) -> None:
    assert whole_number(said) == number


@pytest.mark.parametrize(("said", "lang", "numbers"), [
    ("jeg er 42 år", "da", [42]), ("jeg er toogfyrre år", "da", [42]),
    ("I am forty two", "en", [42]), ("мені сорок два роки", "uk", [42]),
    ("I want to go", "en", []),  # "to" is two only in Danish
    ("jeg vil have en jobsamtale", "da", []),  # "en" is an article here
    ("jeg er en mand på 42", "da", [1, 42]),  # ... and a number beside another one
    ("42,5", "da", [42, 5]),
])
def test_numbers_inside_a_sentence(said: str, lang: str, numbers: list[int]) -> None:
    assert numbers_in(said, lang) == numbers


@pytest.mark.parametrize(("options", "said", "lang", "picked"), [
    (SITUATION, "ledig", "da", "unemployed"),
    (SITUATION, "jeg er ledig nu", "da", "unemployed"),
    (SITUATION, "я безробітна", "uk", "unemployed"),
    (SITUATION, "I have a job", "en", "employed"),
    (SITUATION, "number 2", "en", "unemployed"),
    (SITUATION, "варіант 1", "uk", "employed"),
    (EDUCATION, "jeg vælger 2", "da", "outdated"),
    (SITUATION, "jeg har været ledig i 2 år", "da", "unemployed"),
    (EDUCATION, "ufaglært", "da", "unskilled"),  # not "faglært", whatever they share
    (MEETING, "jeg vil gerne have en jobsamtale", "da", "job_meeting"),
    (MEETING, "sygdom", "da", "sickness_followup"),
])
def test_one_option_named_in_a_sentence(options, said: str, lang: str, picked: str) -> None:
    assert pick_one(options, said, lang) == picked


@pytest.mark.parametrize(("options", "said", "lang"), [
    (SITUATION, "jeg er ikke ledig", "da"), (SITUATION, "I am not unemployed", "en"),
    (SITUATION, "не працюю", "uk"), (SITUATION, "jeg er 42 år", "da"),
    (MEETING, "I want to book", "en"),
    # a number in a sentence about something else is no option's number
    (EDUCATION, "jeg har arbejdet 3 år som tømrer", "da"),
    # ... and a reply of numbers one of which is no option is no reading of the others: "1,5"
    # was taken for 1, "2 og 4" for 2
    (SITUATION, "1,5", "en"), (SITUATION, "2 og 4", "da"), (SITUATION, "nummer 1 eller 7", "da"),
])
def test_no_option_is_read_past_a_negation_or_from_nothing(options, said: str, lang) -> None:
    assert pick_one(options, said, lang) is None


@pytest.mark.parametrize(("options", "said", "lang", "among"), [
    (SITUATION, "1 og 2", "da", ("employed", "unemployed")),
    (SITUATION, "ledig, men jeg har et job", "da", ("employed", "unemployed")),
    (EDUCATION, "faglært", "da", ("outdated", "skilled")),
    (EDUCATION, "a skilled worker", "en", ("outdated", "skilled")),
    (MEETING, "guidance", "en", ("upskilling", "adult_apprenticeship", "repatriation")),
])
def test_two_answers_to_a_one_answer_question_are_asked_about(options, said, lang,
                                                              among) -> None:
    assert pick_one(options, said, lang) == Ambiguous(among)


def test_two_options_named_together_are_never_taken_for_one() -> None:
    """Every pair of different options of every one-answer step of the shipped flows, named
    by their labels in any language and joined as people join them: never one answer."""
    joins = {"da": " og ", "en": " and ", "uk": " і "}
    checked = 0
    for flow in FLOWS.values():
        for step in flow.steps.values():
            if step.kind != "choice":
                continue
            for a, b in itertools.permutations(step.options, 2):
                for lang in LANGS:
                    said = a.label[lang] + joins[lang] + b.label[lang]
                    assert not isinstance(pick_one(step.options, said, lang), str), said
                    checked += 1
    assert checked > 100


@pytest.mark.parametrize(("said", "lang", "picked"), [
    ("1 og 3", "da", ["danish", "it"]), ("dansk og it", "da", ["danish", "it"]),
    ("en og tre", "da", ["danish", "it"]), ("one and three", "en", ["danish", "it"]),
    ("I'd like danish and maths", "en", ["danish", "maths"]),
    ("англійська і данська мова", "uk", ["danish", "english"]),
])
def test_several_options_named_in_a_sentence(said: str, lang: str, picked) -> None:
    assert pick_many(SKILLS, said, lang) == picked


@pytest.mark.parametrize(("said", "lang", "read"), [
    ("dansk men ikke it", "da", None), ("1 og 7", "da", None),  # 7 is no option
    ("мова", "uk", Ambiguous(("danish", "english"))),
])
def test_several_options_are_not_guessed(said: str, lang: str, read) -> None:
    assert pick_many(SKILLS, said, lang) == read


@pytest.mark.parametrize(("said", "lang", "number"), [
    ("nummer 2", "da", 2), ("I'll take 3", "en", 3), ("I'll take 3 hours", "en", None),
    ("варіант 1", "uk", 1), ("jeg har 2 børn", "da", None), ("2 eller 3", "da", None),
    ("tre tak", "da", 3),
])
def test_the_number_of_a_free_time_in_a_sentence(said: str, lang: str, number) -> None:
    assert chosen_number(said, lang) == number


@pytest.mark.parametrize(("text", "flow_id"), [
    ("book", "book"), ("booke", "book"), ("jeg vil booke", "book"), ("bestil tid", "book"),
    ("записатися", "book"), ("I want to book", "book"),
    ("tjek ind", "checkin"), ("check in", "checkin"), ("відмітитися", "checkin"),
    ("I'm here for my meeting", "checkin"), ("я прийшов на зустріч", "checkin"),
    ("can I book a meeting here", "book"), ("jeg er her for at flytte mit møde", "manage"),
    ("jeg har booket", None), ("hvordan booker jeg selv på jobnet?", None),
])
def test_a_bare_verb_or_words_of_arriving_ask_for_their_flow(text: str,
                                                              flow_id: str | None) -> None:
    asked = requested(FLOWS.values(), text)
    assert (asked[0].id if asked else None) == flow_id


@pytest.mark.parametrize("said", ["voksenlaerling", "voksenlarling", "voksenlærling",
                                  "Vejledning om voksenlaerling"])
def test_an_option_typed_without_danish_letters_is_the_option(said: str) -> None:
    assert pick_one(MEETING, said, "da") == "adult_apprenticeship"


@pytest.mark.parametrize(("options", "said", "lang", "picked"), [
    # the number, then courtesy or the option's own words: that option
    (MEETING, "4 gerne over telefonen", "da", "upskilling"),
    (CHANNEL, "2 tak, det er fint", "da", "phone"),
    (CHANNEL, "nummer 2 gerne over telefonen", "da", "phone"),
    (MEETING, "2 sounds good", "en", "job_meeting"),
    (MEETING, "2 мені підходить", "uk", "job_meeting"),
    # ... words that name another option: asked which
    (CHANNEL, "1 gerne over telefonen", "da", Ambiguous(("in_person", "phone"))),
    (CHANNEL, "3 please, by phone", "en", Ambiguous(("phone", "video"))),
    # ... a number in a sentence, or said with a word of time, or with many words after it:
    # no option's number
    (MEETING, "jeg har 2 børn", "da", None),
    (MEETING, "3 år som tømrer", "da", None),
    (MEETING, "2 men jeg har lige fået nyt arbejde i byen", "da", None),
])
def test_an_options_number_followed_by_a_few_words(options, said, lang, picked) -> None:
    assert pick_one(options, said, lang) == picked


def test_the_number_of_a_phone_meeting_said_with_how_is_that_meeting() -> None:
    """At a list whose 4th option is a phone meeting, "4 gerne over telefonen" is that one."""
    options = (CHANNEL[0], CHANNEL[2],
               Option("later", {"da": "Senere", "en": "Later", "uk": "Пізніше"}),
               Option("phone_meeting", {"da": "Møde i telefonen", "en": "Meeting by phone",
                                        "uk": "Зустріч телефоном"}))
    assert pick_one(options, "4 gerne over telefonen", "da") == "phone_meeting"
    assert pick_one(options, "4 over the phone please", "en") == "phone_meeting"
    assert pick_one(options, "4 телефоном, дякую", "uk") == "phone_meeting"
    assert pick_one(options, "1 gerne over telefonen", "da") == Ambiguous(
        ("in_person", "phone_meeting"))


@pytest.mark.parametrize(("options", "said", "lang", "picked"), [
    (CHANNEL, "tlf", "da", "phone"), (CHANNEL, "tlf.", "da", "phone"),
    (CHANNEL, "over tlf tak", "da", "phone"), (CHANNEL, "2 tlf", "da", "phone"),
    (CHANNEL, "1 tlf", "da", Ambiguous(("in_person", "phone"))),
    (STATUS, "jep", "da", "employed"), (STATUS, "yup", "en", "employed"),
    (STATUS, "nope", "en", "unemployed"), (STATUS, "nej tak", "da", "unemployed"),
])
def test_abbreviations_and_casual_yes_and_no_name_their_option(options, said, lang,
                                                               picked) -> None:
    assert pick_one(options, said, lang) == picked
