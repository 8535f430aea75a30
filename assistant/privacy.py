"""Personal-data guards: CPR numbers never reach the database or a log, input is bounded."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import NamedTuple

MAX_INPUT_CHARS = 500
"""What the assistant reads of a message: a longer one is read to there, and the user is told
(conversation.py). The web API and the web page's box take 2,000 characters, an SMS 1,600,
the kiosk's box MAX_LINE_CHARS."""
MAX_LINE_CHARS = 4000
"""What of a message is looked at at all, before anything else (hostile input)."""
CPR_MASKS = {"da": "[CPR fjernet]", "en": "[CPR removed]", "uk": "[CPR видалено]"}
"""What stands for a CPR number taken out of a text, in the language of the one who reads it:
the citizen's own line as kept, the transcript. Fixed here, not translated in i18n/: masks are
stored, and every form ever written must stay known to :func:`has_cpr_mask`."""
CPR_MASK = CPR_MASKS["da"]
"""The mask where the language is not known (`ask`, a stored row `privacy scan --redact`
masks)."""


def cpr_mask(lang: str | None) -> str:
    """The mask in ``lang``; the Danish one for a language it has none in, or None."""
    return CPR_MASKS.get(lang or "", CPR_MASK)


def has_cpr_mask(text: str) -> bool:
    """Whether ``text`` holds a masked CPR number, in any language's mask."""
    return any(mask in text for mask in CPR_MASKS.values())


# A CPR number is a date and four digits: DDMMYY-XXXX. People write it in many ways: with
# spaces, dots, slashes, dashes of any kind, underscores, commas, colons, semicolons, a "+"
# or brackets (or a mix) between any of the parts ("01 01 90 1234", "0101 90 1234",
# "01.01.90-1234", "010190/1234", "010190_1234", "010190:1234", "(010190) 1234"), with a
# four-digit year ("01011990-1234"), with the day and month unpadded when a separator
# follows them ("1.1.90-1234", "3/12-1985 1234"), with the month's name in Danish, English
# or Ukrainian ("1. januar 1990 1234", "01 jan 90 1234", "1 січня 1990 1234"), with the
# serial in two pairs ("010190-12 34", "01.01.90.12.34", "010190 12-34") or spaced
# ("010190-1 2 3 4"), with every digit spaced ("0 1 0 1 9 0 1 2 3 4") or the ten digits
# grouped any way by single spaces ("01019 01234"; not a Ukrainian number written at home,
# "050 123 45 67"), and with full-width digits (NFKC makes
# them ASCII first) or invisible characters (a soft hyphen, a zero-width space, a braille
# blank, a Hangul filler, a variation selector: removed first, see plain_text). Not inside a
# longer run of digits. A date with separators, a space and then a time ("24.11.2026
# 10.30", "1. marts 2026 09:15") is a meeting's time, not a CPR number.
_START = r"(?<!\d)(?<!\d[.:])"
"""Not inside a longer number: "1.12 10.30-11.30" holds no date "12.10.30", "1.234 567 890"
no "23.4.56"."""
_SEP = r"[\s./\-_,\u2010-\u2015\u2212]{0,3}"
_SERIAL_SEP = r"[\s./\-_,:;+()\u2010-\u2015\u2212]{0,3}"
"""Before the serial also a colon, semicolon, "+" or bracket ("010190:1234", "(010190) 1234"),
never inside the date ("2026-12-07 10:43+0000" holds no "07 10:43+0000")."""
_PAIR_SEP = r"[\s./\-_,:\u2010-\u2015\u2212]"
_SERIAL = (rf"(\d{{4}}(?!\d)|(?<!\d)\d\d{_PAIR_SEP}\d\d(?!{_PAIR_SEP}?\d)"
           r"|\d(?: ?\d){3}(?! ?\d))")
_CPR = re.compile(rf"{_START}(\d{{1,2}})({_SEP})(\d{{1,2}})({_SEP})(\d{{4}}|\d{{2}})"
                  rf"({_SERIAL_SEP})" + _SERIAL)
_MONTHS = {
    1: "januar january jan січня", 2: "februar february feb лютого",
    3: "marts march mar березня", 4: "april apr квітня", 5: "maj may травня",
    6: "juni june jun червня", 7: "juli july jul липня", 8: "august aug серпня",
    9: "september sept sep вересня", 10: "oktober october okt oct жовтня",
    11: "november nov листопада", 12: "december dec грудня",
}
_MONTH_OF = {name: month for month, names in _MONTHS.items() for name in names.split()}
_NAMED = re.compile(
    rf"{_START}(\d{{1,2}})(\.?[\s\-/]{{0,3}})"
    rf"({'|'.join(sorted(_MONTH_OF, key=len, reverse=True))})(?![^\W\d_])"
    rf"(\.?[\s\-/,]{{0,3}})(\d{{4}}|\d{{2}})({_SERIAL_SEP})" + _SERIAL,
    re.IGNORECASE)
"""A date with its month's name: "1. januar 1990 1234", "01 jan 90 1234"."""
_SPACED = re.compile(r"(?<!\d)\d(?: \d){9}(?:(?: \d){2})?(?! ?\d)")
"""Every digit apart: "0 1 0 1 9 0 1 2 3 4" (ten digits, or twelve with a four-digit year)."""
_GROUPED = re.compile(rf"{_START}(?<!\d[/\-])\d+(?: \d+)+(?![.,:/\-]\d)")
"""Digits grouped by single spaces: a CPR number when the whole run is ten digits (twelve
with a four-digit year) however they are grouped ("01019 01234"), unless it is a Ukrainian
phone number written the Ukrainian way ("050 123 45 67", see _ukrainian_number)."""
_TIME = re.compile(r"([01]\d|2[0-3])[.:][0-5]\d")
INVISIBLE = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164"
                        "\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]")
"""Characters that show as nothing or as blank space but are not format characters (Cf):
the combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian and other
variation selectors, the braille blank."""
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


def _ukrainian_number(grouped: str) -> bool:
    """Whether digits grouped by spaces are a Ukrainian phone number as written at home,
    its operator's or area's code apart ("050 123 45 67", "050 123 4567"): the digits of
    many are a date and four digits (05.01.23-4567)."""
    import phonenumbers

    try:
        number = phonenumbers.parse(grouped.replace(" ", ""), "UA")
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_valid_number(number) or number.country_code != 380:
        return False
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return re.findall(r"\d+", national)[:1] == grouped.split(" ")[:1]


def _a_time(date_has_separators: bool, before: str, serial: str) -> bool:
    """Whether the four digits after a date are its time ("24.11.2026 10.30"): a date
    written with separators, then a space (and a comma), then hours and minutes with "." or ":"."""
    return (date_has_separators and before.strip(" ,") == "" and " " in before
            and _TIME.fullmatch(serial) is not None)


def _candidates(text: str) -> list[tuple[int, int, str, str, str]]:
    """Every place that could be a CPR number: (start, end, day, month, year)."""
    found = []
    pos = 0
    while (m := _CPR.search(text, pos)) is not None:
        # an unpadded day or month needs a separator after it ("1.1.90", never "1190")
        if ((len(m[1]) == 2 or m[2]) and (len(m[3]) == 2 or m[4])
                and not _a_time(bool(m[2] and m[4]), m[6], m[7])):
            found.append((m.start(), m.end(), m[1], m[3], m[5]))
        pos = m.start() + 1
    for m in _NAMED.finditer(text):
        if not _a_time(True, m[6], m[7]):
            found.append((m.start(), m.end(), m[1], f"{_MONTH_OF[m[3].casefold()]:02d}", m[5]))
    for m in _SPACED.finditer(text):
        digits = m[0].replace(" ", "")
        found.append((m.start(), m.end(), digits[:2], digits[2:4], digits[4:-4]))
    for m in _GROUPED.finditer(text):
        digits = m[0].replace(" ", "")
        if (len(digits) in (10, 12) and _real_date(digits[:2], digits[2:4], digits[4:-4])
                and not _ukrainian_number(m[0])):
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
            # the "+" or "(" written before it goes with it ("+010190-1234", "(010190) 1234")
            if start and (text[start - 1] == "+"
                          or (text[start - 1] == "(" and ")" in text[start:end])):
                start -= 1
            spans.append((start, end))
    return spans


def plain_text(text: str) -> str:
    """NFKC, without format characters (soft hyphens, zero-width spaces and joiners, word
    joiners, bidi marks: category Cf) nor other invisible ones (INVISIBLE: a braille blank,
    Hangul fillers, variation selectors), which would otherwise hide a number's digits."""
    return INVISIBLE.sub("", "".join(c for c in unicodedata.normalize("NFKC", text)
                                      if unicodedata.category(c) != "Cf"))


def has_cpr(text: str) -> bool:
    return bool(_cpr_spans(plain_text(text)))


def redact_cpr(text: str, lang: str | None = None) -> str:
    """Replace every CPR-like number (a real date followed by four digits) with the mask in
    ``lang`` (:func:`cpr_mask`; Danish when it is not known). Text without one comes back as
    it was; text with one comes back NFKC-normalised, without format characters (category
    Cf)."""
    normal = plain_text(text)
    spans = _cpr_spans(normal)
    if not spans:
        return text
    mask = cpr_mask(lang)
    out, last = [], 0
    for start, end in spans:
        out += [normal[last:start], mask]
        last = end
    return "".join([*out, normal[last:]])


def one_line(text: str) -> str:
    """NFC, no control or bidi-override characters (nor lone surrogates, which a line of
    bytes that were not UTF-8 decodes to), one line, of the first MAX_LINE_CHARS typed."""
    text = unicodedata.normalize("NFC", text[:MAX_LINE_CHARS])
    text = _CONTROL.sub(" ", text.replace("\r", " ").replace("\n", " ").replace("\t", " "))
    return " ".join(text.split())


def clean_input(text: str) -> str:
    """:func:`one_line`, at most MAX_INPUT_CHARS."""
    return one_line(text)[:MAX_INPUT_CHARS]


class Read(NamedTuple):
    """A message as the conversation reads it (:func:`read_input`)."""

    text: str
    """One line, CPR numbers masked, at most MAX_INPUT_CHARS."""
    cpr: bool
    """A CPR number was masked."""
    cut: bool
    """The message was longer: only its first part is read."""


CPR_MARGIN = 60
"""Characters looked at past MAX_INPUT_CHARS for a CPR number the cut would split ("... 010190
-1234"): it is masked whole, no half number is kept. (Masking the whole of a long line would
cost far more: the patterns are slow on long runs of digits.)"""


def read_input(typed: str, lang: str | None = None) -> Read:
    """``typed`` as the assistant reads it: :func:`one_line`, CPR numbers masked (in
    ``lang``), at most MAX_INPUT_CHARS, cut at the end of a word when one ends near there."""
    line = one_line(typed)
    cut = len(line) > MAX_INPUT_CHARS or len(typed) > MAX_LINE_CHARS
    window = line[:MAX_INPUT_CHARS + CPR_MARGIN]
    cpr = has_cpr(window)
    text = redact_cpr(window, lang) if cpr else window
    if len(text) > MAX_INPUT_CHARS:
        part = text[:MAX_INPUT_CHARS]
        if text[MAX_INPUT_CHARS] != " ":  # inside a word: the word is left out
            head = part.rpartition(" ")[0]
            part = head if len(head) >= MAX_INPUT_CHARS - 50 else part
        text = part.rstrip()
    return Read(text, cpr, cut)
