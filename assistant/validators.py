"""Validators for text-input steps. Each returns the clean value or a localised error."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import phonenumbers

from assistant.i18n import format_day, tr
from assistant.privacy import MAX_INPUT_CHARS, has_cpr_mask
from assistant.text import LANGS, Text

MAX_INPUT = MAX_INPUT_CHARS
"""No input is longer than this; longer input is refused before any validator runs."""


@dataclass(frozen=True)
class Valid:
    value: Any


@dataclass(frozen=True)
class Invalid:
    error: Text


Result = Valid | Invalid
Validator = Callable[[str, Mapping[str, Any], dt.date], Result]

YES = ("ja", "j", "jo", "jep", "jup", "yes", "y", "yeah", "yep", "yup", "ok", "okay", "так", "т",
       "да", "ок", "окей")
NO = ("nej", "n", "no", "nope", "ні", "нi", "н", "нет")
"""Yes and no, as typed in a hurry too ("jep", "yup", "nope"); replies.CASUAL reads them so in
an option's words ("jep" is "Ja, jeg har et job")."""


def not_an_answer() -> Text:
    """The error for a free-text answer that is a button's or a command's word."""
    return tr("That is the name of a button or a command, not an answer. Please answer the "
              "question below.")


_NAME_INTRO = re.compile(
    r"^(?:my name is|my name's|i am|i'm|it's|this is|jeg hedder|mit navn er|jeg er|"
    r"мене звати|моє ім['’]я|я звуся)\s*[:,-]?\s+", re.IGNORECASE)
"""Words said before a name ("My name is Emir Hodzic", "Jeg hedder Anna", "Мене звати
Олена"): not part of it."""


def _text(raw: str, spec: Mapping[str, Any], today: dt.date) -> Result:
    """Free text (a name): not empty, with a letter, not too long, and not one of the
    assistant's own words (a command, a button's label: commands.names_a_command)."""
    from assistant.commands import names_a_command

    max_length = int(spec.get("max_length", 200))
    value = _NAME_INTRO.sub("", " ".join(raw.split()), count=1)
    if not any(ch.isalpha() for ch in value):  # "Jeg hedder" alone: kept as written
        value = " ".join(raw.split())
    if not value:
        return Invalid(tr("Please write an answer."))
    if names_a_command(value):
        return Invalid(not_an_answer())
    if not any(ch.isalpha() for ch in value):  # "1", "---": a slip, not a name
        return Invalid(tr("A name has at least one letter. Please write your name."))
    if len(value) > max_length:
        return Invalid(tr("Please keep it under {n} characters.", n=max_length))
    return Valid(value)


def _name(raw: str, spec: Mapping[str, Any], today: dt.date) -> Result:
    """A person's name: free text (:func:`_text`) with no digits. A time ("i går kl 9", "у
    вівторок о 12") or a CPR number typed with the name (masked before it gets here) is not
    a name; hyphens, apostrophes, accents and any alphabet are."""
    result = _text(raw, spec, today)
    if isinstance(result, Valid) and (any(ch.isdigit() for ch in result.value)
                                      or has_cpr_mask(result.value)):
        return Invalid(tr("A name has no digits. Please write only your first name and last "
                          "name."))
    return result


def _integer(raw: str, spec: Mapping[str, Any], today: dt.date) -> Result:
    lo, hi = spec.get("min"), spec.get("max")
    text = raw.strip()
    if not re.fullmatch(r"[+-]?\d{1,9}", text):
        return Invalid(tr("Please write a whole number, for example 30."))
    value = int(text)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return Invalid(tr("Please write a number from {lo} to {hi}.", lo=lo, hi=hi))
    return Valid(value)


_RELATIVE_DAYS = {
    "i dag": 0, "idag": 0, "today": 0, "сьогодні": 0,
    "i morgen": 1, "imorgen": 1, "tomorrow": 1, "завтра": 1,
}


def _date(raw: str, spec: Mapping[str, Any], today: dt.date) -> Result:
    text = raw.strip().casefold()
    day: dt.date | None = None
    if text in _RELATIVE_DAYS:
        day = today + dt.timedelta(days=_RELATIVE_DAYS[text])
    elif m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        day = _safe_date(int(m[1]), int(m[2]), int(m[3]))
    elif m := re.fullmatch(r"(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2}|\d{4}))?", text):
        year = int(m[3]) if m[3] else today.year
        if year < 100:
            year += 2000
        day = _safe_date(year, int(m[2]), int(m[1]))
    if day is None:
        return Invalid(tr("Please write a date like 24.11.2026."))
    if spec.get("not_past") and day < today:
        return Invalid(tr("That date has passed. Please choose today or a later date."))
    return Valid(day.isoformat())


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _time(raw: str, spec: Mapping[str, Any], today: dt.date) -> Result:
    text = raw.strip().casefold().removeprefix("kl").strip(" .")
    m = re.fullmatch(r"(\d{1,2})(?:[.:](\d{2}))?", text)
    if not m or int(m[1]) > 23 or (m[2] and int(m[2]) > 59):
        return Invalid(tr("Please write a time like 10.30."))
    return Valid(f"{int(m[1]):02d}:{int(m[2] or 0):02d}")


def _phone_error() -> Text:
    return tr("Please write a Danish phone number with 8 digits, or a foreign number with + and "
              "its country code, like +380 for Ukraine.")


PHONE_CHARS = 30
"""The longest answer the phone question reads as a number (:func:`e164`)."""


def e164(raw: str) -> str | None:
    """A Danish number (with or without +45), or a foreign one with + (or 00) and its country
    code, as E.164 (+4522334455); None when it is not a valid number."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if len(text) > PHONE_CHARS:
        return None
    try:
        number = phonenumbers.parse(text, "DK")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _phone(raw: str, spec: Mapping[str, Any], today: dt.date) -> Result:
    """A phone number as E.164 (:func:`e164`): receipts and reminders go to it through the
    outbox, and staff call it back. Never one that costs whoever calls or texts it
    (premium-rate, shared-cost, satellite: a call back to +45 90 00 00 01 was queued)."""
    number = e164(raw)
    if number is None:
        return Invalid(_phone_error())
    if is_costly(number):
        return Invalid(tr("We cannot call or text a premium-rate, shared-cost or satellite "
                          "number. Please write your own phone number."))
    return Valid(number)


def is_costly(number: str) -> bool:
    """Whether calling or texting ``number`` (E.164) costs the caller more than a call: a
    premium-rate or shared-cost number, or a non-geographic one (+881/+882/+883 satellite and
    international networks)."""
    parsed = phonenumbers.parse(number, "DK")
    if _non_geographic(parsed):
        return True
    return phonenumbers.number_type(parsed) in (phonenumbers.PhoneNumberType.PREMIUM_RATE,
                                                 phonenumbers.PhoneNumberType.SHARED_COST)


def _non_geographic(parsed: phonenumbers.PhoneNumber) -> bool:
    """A number in no country: satellite and international networks (+881/+882/+883)."""
    return phonenumbers.region_code_for_number(parsed) in (None, "001", "ZZ")


_MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE,
                 phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def is_mobile(number: str) -> bool:
    """Whether SMS may be sent to ``number`` (E.164): a mobile number by libphonenumber's type
    (MOBILE, or FIXED_LINE_OR_MOBILE where a country does not tell them apart, as Denmark), in
    a country. Never premium-rate, shared-cost, toll-free, VoIP, UAN, pager or the
    non-geographic ranges (+881/+882/+883 satellite and international networks): texting
    those costs the service money and proves nothing (SMS pumping)."""
    try:
        parsed = phonenumbers.parse(number, "DK")
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_valid_number(parsed):
        return False
    if _non_geographic(parsed):
        return False
    return phonenumbers.number_type(parsed) in _MOBILE_TYPES


def foreign_phone(raw: str) -> str | None:
    """A foreign number as an SMS gateway sends it (E.164, +46701234567), or None. Texts come
    from any country; a staff request about one (privacy export/delete) must find them."""
    try:
        number = phonenumbers.parse(raw.strip()[:32], None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}")


def _email(raw: str, spec: Mapping[str, Any], today: dt.date) -> Result:
    text = raw.strip()
    if len(text) > 254 or not _EMAIL.fullmatch(text):
        return Invalid(tr("Please write an e-mail address like name@example.dk."))
    return Valid(text)


def _code(raw: str, spec: Mapping[str, Any], today: dt.date) -> Result:
    from assistant.booking.codes import looks_like_code, normalise_code

    if not looks_like_code(raw):
        return Invalid(tr("A booking code has 6 letters and digits, like K7M2QX."))
    return Valid(normalise_code(raw))


def parse_yes_no(raw: str) -> bool | None:
    """Yes or no, also drawn out ("jaa") and at the start of a sentence ("ja tak", "no, I have
    not", "так, звісно"); None for anything else, and for a reply that says both ("ja, nej",
    "yes, I have not")."""
    from assistant.flow.replies import NEGATIONS, undrawn, words

    text = undrawn(unicodedata.normalize("NFC", raw).strip().casefold().strip(".!"))
    if text in YES:
        return True
    if text in NO:
        return False
    said = [undrawn(w) for w in words(text)]
    if len(said) < 2:
        return None
    if said[0] in YES and not any(w in NO or w in NEGATIONS for w in said[1:]):
        return True
    if said[0] in NO and not any(w in YES for w in said[1:]):
        return False
    return None


def _yes_no(raw: str, spec: Mapping[str, Any], today: dt.date) -> Result:
    answer = parse_yes_no(raw)
    if answer is None:
        return Invalid(tr("Please answer yes or no."))
    return Valid(answer)


VALIDATORS: dict[str, Validator] = {
    "text": _text,
    "name": _name,
    "integer": _integer,
    "date": _date,
    "time": _time,
    "phone": _phone,
    "email": _email,
    "yes_no": _yes_no,
    "code": _code,
}

SPEC_KEYS: dict[str, set[str]] = {
    "text": {"max_length"},
    "name": {"max_length"},
    "integer": {"min", "max"},
    "date": {"not_past"},
    "time": set(),
    "phone": set(),
    "email": set(),
    "yes_no": set(),
    "code": set(),
}


def validate(kind: str, raw: str, spec: Mapping[str, Any], today: dt.date) -> Result:
    if len(raw) > MAX_INPUT:
        return Invalid(tr("That is too long. Please keep it under {n} characters.", n=MAX_INPUT))
    return VALIDATORS[kind](raw, spec, today)


def display_value(kind: str, value: Any) -> Text:
    """How an answer is shown back to the user (summary, receipt), per language."""
    if kind == "date" and isinstance(value, str):
        day = dt.date.fromisoformat(value)
        return {lang: format_day(day, lang) for lang in LANGS}
    if kind == "time" and isinstance(value, str):
        return {"da": value.replace(":", "."), "en": value, "uk": value}
    if kind == "yes_no":
        return tr("Yes") if value else tr("No")
    if kind == "phone" and isinstance(value, str):
        number = phonenumbers.parse(value, "DK")
        shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        return dict.fromkeys(LANGS, shown)
    return dict.fromkeys(LANGS, str(value))
