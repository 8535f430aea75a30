"""Personal-data guards: CPR numbers never reach the database or a log, input is bounded."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

MAX_INPUT_CHARS = 500
CPR_MASK = "[CPR fjernet]"

# A CPR number is a date and four digits: DDMMYY-XXXX. People write it in many ways: with
# spaces, dots, slashes, dashes of any kind, underscores or commas (or a mix) between any of
# the parts ("01 01 90 1234", "0101 90 1234", "01.01.90-1234", "010190/1234", "010190_1234"),
# with a four-digit year ("01011990-1234"), with the day and month unpadded when a separator
# follows them ("1.1.90-1234", "3/12-1985 1234"), with a space inside the serial
# ("010190-12 34"), with every digit spaced ("0 1 0 1 9 0 1 2 3 4") and with full-width
# digits (NFKC makes them ASCII first) or invisible format characters (a soft hyphen, a
# zero-width space: Unicode category Cf, removed first). Not inside a longer run of digits,
# and not after "+" (a foreign phone number with its country code).
_SEP = r"[\s./\-_,\u2010-\u2015\u2212]{0,3}"
_CPR = re.compile(rf"(?<![\d+])(\d{{1,2}})({_SEP})(\d{{1,2}})({_SEP})(\d{{4}}|\d{{2}}){_SEP}"
                  r"(\d{4}(?!\d)|\d(?: ?\d){3}(?! ?\d))")
_SPACED = re.compile(r"(?<![\d+])\d(?: \d){9}(?:(?: \d){2})?(?! ?\d)")
"""Every digit apart: "0 1 0 1 9 0 1 2 3 4" (ten digits, or twelve with a four-digit year)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069"
                      r"\ud800-\udfff]")  # lone surrogates: bytes that were not UTF-8


def _real_date(day: str, month: str, year: str) -> bool:
    """Whether the parts are a date someone alive can be born on: the check that keeps phone
    numbers, amounts and times from being taken for CPR numbers."""
    if len(year) == 4 and not 1858 <= int(year) <= 2099:  # CPR years, four digits
        return False
    full = int(year) if len(year) == 4 else 2000 + int(year)
    try:
        dt.date(full, int(month), int(day))
    except ValueError:
        # 29 February in a year the 2000-based guess says is not a leap year
        return len(year) == 2 and (day, month) == ("29", "02")
    return True


_INTERNATIONAL = re.compile(r"(?<![\d+])(?:\+|00)\d[\d \t./\-()\u2010-\u2015]*")
"""Text that may start a phone number written with its country code."""


def _international_numbers(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds phone numbers written with their country code (+880 1812-345678,
    0039 02 1234 5678): their digits can look like a date and four digits. libphonenumber's
    matcher misses one that more digits follow ("+380 50 123 4567 01.01.90-1234"), so each
    "+" or "00" run is also cut at the end of each group of digits, longest first, until
    what is left is a valid number."""
    import phonenumbers

    spans = [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(
        text, "DK", leniency=phonenumbers.Leniency.VALID) if m.raw_string.startswith(("+", "00"))]
    for m in _INTERNATIONAL.finditer(text):
        raw = m[0]
        ends = [i + 1 for i, c in enumerate(raw)
                if c.isdigit() and (i + 1 == len(raw) or not raw[i + 1].isdigit())]
        for end in reversed(ends):
            digits = sum(c.isdigit() for c in raw[:end])
            if not 7 <= digits <= 17:
                continue
            number = "+" + raw[2:end] if raw.startswith("00") else raw[:end]
            try:
                parsed = phonenumbers.parse(number, None)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(parsed):
                spans.append((m.start(), m.start() + end))
                break
    return spans


def _candidates(text: str) -> list[tuple[int, int, str, str, str]]:
    """Every place that could be a CPR number: (start, end, day, month, year)."""
    found = []
    pos = 0
    while (m := _CPR.search(text, pos)) is not None:
        # an unpadded day or month needs a separator after it ("1.1.90", never "1190")
        if (len(m[1]) == 2 or m[2]) and (len(m[3]) == 2 or m[4]):
            found.append((m.start(), m.end(), m[1], m[3], m[5]))
        pos = m.start() + 1
    for m in _SPACED.finditer(text):
        digits = m[0].replace(" ", "")
        found.append((m.start(), m.end(), digits[:2], digits[2:4], digits[4:-4]))
    return sorted(found)


def _cpr_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` (NFKC, no format characters) holds CPR numbers. A candidate that is no
    date, or is part of an international phone number, does not hide a real one that starts
    inside it ("12 0101901234")."""
    spans: list[tuple[int, int]] = []
    phones: list[tuple[int, int]] | None = None
    for start, end, day, month, year in _candidates(text):
        if spans and start < spans[-1][1]:
            continue  # inside one already found
        if not _real_date(day, month, year):
            continue
        if phones is None:
            phones = _international_numbers(text)
        if not any(p_start < end and start < p_end for p_start, p_end in phones):
            spans.append((start, end))
    return spans


def _plain(text: str) -> str:
    """NFKC, without format characters (soft hyphens, zero-width spaces and joiners, word
    joiners, bidi marks: category Cf), which would otherwise hide a number's digits."""
    return "".join(c for c in unicodedata.normalize("NFKC", text)
                   if unicodedata.category(c) != "Cf")


def has_cpr(text: str) -> bool:
    return bool(_cpr_spans(_plain(text)))


def redact_cpr(text: str) -> str:
    """Replace every CPR-like number (a real date followed by four digits) with a mask. Text
    without one comes back as it was; text with one comes back NFKC-normalised, without
    format characters (category Cf)."""
    normal = _plain(text)
    spans = _cpr_spans(normal)
    if not spans:
        return text
    out, last = [], 0
    for start, end in spans:
        out += [normal[last:start], CPR_MASK]
        last = end
    return "".join([*out, normal[last:]])


def clean_input(text: str) -> str:
    """NFC, no control or bidi-override characters (nor lone surrogates, which a line of
    bytes that were not UTF-8 decodes to), one line, at most MAX_INPUT_CHARS."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text.replace("\r", " ").replace("\n", " ").replace("\t", " "))
    return " ".join(text.split())[:MAX_INPUT_CHARS]
