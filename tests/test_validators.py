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
