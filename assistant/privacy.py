"""Personal-data guards: CPR numbers never reach the database or a log, input is bounded."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

MAX_INPUT_CHARS = 500
CPR_MASK = "[CPR fjernet]"

# A CPR number is a date and four digits: DDMMYY-XXXX. People write it in many ways: with
# spaces, dots, slashes or dashes of any kind (or a mix) between any of the parts
# ("01 01 90 1234", "0101 90 1234", "01.01.90-1234", "010190/1234"), with a four-digit year
# ("01011990-1234") and with full-width digits (NFKC makes them ASCII first). Not inside a
# longer run of digits, and not after "+" (a foreign phone number with its country code).
_SEP = r"[\s./\-\u2010-\u2015\u2212]{0,3}"
_CPR = re.compile(rf"(?<![\d+])(\d{{2}}){_SEP}(\d{{2}}){_SEP}(\d{{4}}|\d{{2}}){_SEP}"
                  r"(\d{4})(?!\d)")
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


def _international_numbers(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds phone numbers written with their country code (+880 1812-345678,
    0039 02 1234 5678): their digits can look like a date and four digits."""
    import phonenumbers

    return [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(
        text, "DK", leniency=phonenumbers.Leniency.VALID) if m.raw_string.startswith(("+", "00"))]


def _cpr_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` (NFKC already) holds CPR numbers. A candidate that is no date, or is part
    of an international phone number, does not hide a real one that starts inside it
    ("12 0101901234")."""
    spans: list[tuple[int, int]] = []
    phones: list[tuple[int, int]] | None = None
    pos = 0
    while (m := _CPR.search(text, pos)) is not None:
        if _real_date(m[1], m[2], m[3]):
            if phones is None:
                phones = _international_numbers(text)
            if not any(start < m.end() and m.start() < end for start, end in phones):
                spans.append(m.span())
                pos = m.end()
                continue
        pos = m.start() + 1
    return spans


def has_cpr(text: str) -> bool:
    return bool(_cpr_spans(unicodedata.normalize("NFKC", text)))


def redact_cpr(text: str) -> str:
    """Replace every CPR-like number (a real date followed by four digits) with a mask. Text
    without one comes back as it was; text with one comes back NFKC-normalised."""
    normal = unicodedata.normalize("NFKC", text)
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
