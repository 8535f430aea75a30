"""Personal-data guards: CPR numbers never reach the database or a log, input is bounded."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

MAX_INPUT_CHARS = 500
CPR_MASK = "[CPR fjernet]"

# DDMMYY-XXXX, not inside a longer run of digits, written as people write it: the date may
# have dots, dashes or slashes (01.01.90), and the two parts a dash of any kind (- ‐ ‑ – —)
# or a dot, with spaces around it or only a space.
_CPR = re.compile(r"(?<!\d)(\d{2})[./-]?(\d{2})[./-]?(\d{2})"
                  r"(?:\s{0,2}[-\u2010\u2011\u2012\u2013\u2014\u2212.]\s{0,2}|\s{0,2})(\d{4})(?!\d)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069"
                      r"\ud800-\udfff]")  # lone surrogates: bytes that were not UTF-8


def _real_date(day: str, month: str, year: str) -> bool:
    try:
        dt.date(2000 + int(year), int(month), int(day))
    except ValueError:
        # 29 February in a year the 2000-based guess says is not a leap year
        return (day, month) == ("29", "02")
    return True


def has_cpr(text: str) -> bool:
    return any(_real_date(m[1], m[2], m[3]) for m in _CPR.finditer(text))


def redact_cpr(text: str) -> str:
    """Replace every CPR-like number (a real date followed by four digits) with a mask."""
    return _CPR.sub(lambda m: CPR_MASK if _real_date(m[1], m[2], m[3]) else m[0], text)


def clean_input(text: str) -> str:
    """NFC, no control or bidi-override characters (nor lone surrogates, which a line of
    bytes that were not UTF-8 decodes to), one line, at most MAX_INPUT_CHARS."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text.replace("\r", " ").replace("\n", " ").replace("\t", " "))
    return " ".join(text.split())[:MAX_INPUT_CHARS]
