"""What the validators accept as typed, and what they refuse with a reason."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.validators import Invalid, Valid, validate

TODAY = dt.date(2026, 11, 24)


@pytest.mark.parametrize("typed", ["1", "42", "-- 42 --", "...", "+45 22 33 44 55"])
def test_a_name_without_a_letter_is_refused_with_a_reason(typed: str) -> None:
    result = validate("text", typed, {}, TODAY)
    assert isinstance(result, Invalid), typed
    assert result.error["da"] == "Et navn har mindst ét bogstav. Skriv venligst dit navn."
    assert result.error["uk"].startswith("Ім'я має хоча б одну літеру.")


@pytest.mark.parametrize("typed", ["Anna Jensen", "Ø", "Олена", "Anna 2", "J. 3"])
def test_a_name_with_a_letter_is_a_name(typed: str) -> None:
    assert validate("text", typed, {}, TODAY) == Valid(typed)


@pytest.mark.parametrize(("said", "meant"), [
    ("ok", True), ("OK.", True), ("okay", True), ("ок", True), ("Ок!", True), ("окей", True),
    ("так", True), ("ok tak", True), ("ок, ні", None), ("ok, nej", None),
])
def test_ok_is_yes_in_every_language(said: str, meant) -> None:
    from assistant.validators import parse_yes_no

    assert parse_yes_no(said) is meant
    assert validate("yes_no", said, {}, TODAY) == (Valid(meant) if meant is not None else
                                                    validate("yes_no", "?", {}, TODAY))


@pytest.mark.parametrize(("said", "meant"), [
    ("jep", True), ("Jup!", True), ("yep", True), ("yup.", True), ("jep tak", True),
    ("ja tak", True), ("nej tak", False), ("nope", False), ("Nope, thanks", False),
    ("jep, nej", None),
])
def test_casual_yes_and_no_are_yes_and_no(said: str, meant) -> None:
    from assistant.commands import is_thanks
    from assistant.validators import parse_yes_no

    assert parse_yes_no(said) is meant
    assert not is_thanks(said)  # "nej tak" is a no, not a thank-you


@pytest.mark.parametrize(("said", "name"), [
    ("My name is Emir Hodzic", "Emir Hodzic"), ("Jeg hedder Anna Jensen", "Anna Jensen"),
    ("Мене звати Олена Коваленко", "Олена Коваленко"), ("Isabella Irving", "Isabella Irving"),
    ("jeg er", "jeg er")])
def test_the_words_said_before_a_name_are_not_part_of_it(said: str, name: str) -> None:
    # "My name is Emir Hodzic" was kept, and shown, as the name "My name is Emir Hodzic"
    result = validate("text", said, {"max_length": 100}, dt.date(2026, 11, 24))
    assert isinstance(result, Valid) and result.value == name


@pytest.mark.parametrize("typed", ["i går kl 9", "kl 25", "у вівторок о 12", "Anna 2",
                                   "Ole Hansen cpr [CPR fjernet]", "Ole Hansen [CPR removed]",
                                   "Оля Петренко [CPR видалено]", "Jens Hansen ２"])
def test_a_name_with_digits_is_refused_with_a_reason(typed: str) -> None:
    """Found by a tester: a time ("i går kl 9", "у вівторок о 12") or a name with a CPR
    number was taken as a name. Names have no digits (a CPR number is masked before this)."""
    result = validate("name", typed, {"max_length": 100}, TODAY)
    assert isinstance(result, Invalid), typed
    assert result.error["en"] == ("A name has no digits. Please write only your first name "
                                  "and last name.")
    assert result.error["da"] == "Et navn har ingen cifre. Skriv kun dit fornavn og efternavn."
    assert result.error["uk"] == "Ім'я не має цифр. Напишіть лише ваше ім'я та прізвище."


@pytest.mark.parametrize("typed", ["Anne-Marie O'Brien", "Søren Ærø-Østergård", "José Álvarez",
                                   "Олена Шевченко", "Мар'яна Коваль-Петренко",
                                   "Nguyễn Thị Minh", "Zoë D’Arcy", "J. R. Hansen"])
def test_a_name_with_hyphens_apostrophes_accents_or_cyrillic_is_a_name(typed: str) -> None:
    assert validate("name", typed, {"max_length": 100}, TODAY) == Valid(typed)
    assert validate("name", f"My name is {typed}", {}, TODAY) == Valid(typed)


def test_a_name_is_refused_as_text_is() -> None:
    for typed in ["42", "", "x" * 101]:
        assert isinstance(validate("name", typed, {"max_length": 100}, TODAY), Invalid)
