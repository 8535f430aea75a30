"""Personal-data guards: CPR numbers never reach the database or a log, input is bounded."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from itertools import accumulate
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


# A CPR number is a date and four digits: DDMMYY-XXXX. People write it in many ways; the
# detector takes the shapes, not a list of the ways seen:
# - any run of spaces, punctuation and symbols between the parts: dots, slashes, dashes of
#   every kind (- ‐ – — ― ⸺ ⸻ −; NFKC makes the full-width ones "-"), underscores, commas,
#   "*", "~", "#", "=", "|", brackets (or a mix, as many as written: "01 01 90 1234",
#   "01.01.90-1234", "010190/1234", "010190 | 1234", "01 01 90 - - 1234", "(010190) 1234"),
#   and before the serial also a colon, ";" or "+" ("010190:1234"); a colon never inside
#   the date ("2026-12-07 10:43+0000" holds no "07 10:43+0000");
# - a four-digit year ("01011990-1234"); the day and month unpadded when a separator
#   follows them ("1.1.90-1234", "3/12-1985 1234");
# - the month's name in Danish, English or Ukrainian, full, short (with a dot or not) or
#   as a date says it, in any order: day month year ("1. januar 1990 1234", "1 січ. 1990
#   1234", "1st of January 1990 1234", "1-го січня 1990 1234"), month day year ("January
#   1, 1990 1234", "Jan 1st '90 1234") or year month day ("1990 jan 1 1234");
# - the serial in two pairs ("010190-12 34", "01.01.90.12.34") or spaced ("010190-1 2 3 4");
# - every digit apart, by any separators ("0 1 0 1 9 0 1 2 3 4", "0 1 0 1 9 0 - 1 2 3 4"),
#   or the ten digits grouped any way by single spaces ("01019 01234"; not a Ukrainian
#   number written at home, "050 123 45 67");
# - full-width digits (NFKC makes them ASCII first) or invisible characters inside (a soft
#   hyphen, a zero-width space, a braille blank, a Hangul filler, a variation selector:
#   removed first, see plain_text).
# Not inside a longer run of digits. A date with separators, a space and then a time
# ("24.11.2026 10.30", "1. marts 2026 09:15", "24.11.2026 10.30-11.30") is a meeting's time,
# not a CPR number, and so is a time with its seconds ("7.12 07:33:01").
#
# No pattern backtracks far: a run of separators never holds a digit or a letter, so it is
# read one way only, and a month's name, a day or a year is a few characters
# (test_privacy.py::test_hostile_input_is_read_in_linear_time).
_START = r"(?<!\d)(?<!\d[.:])"
"""Not inside a longer number: "1.12 10.30-11.30" holds no date "12.10.30", "1.234 567 890"
no "23.4.56"."""
_LETTER = r"[^\W\d_]"
_SEPARATOR = r"(?:[^\w:]|_)"
"""Between the parts of the date: anything but a letter, a digit or a colon."""
_GAP = _SEPARATOR + "*"
_SERIAL_GAP = r"[\W_]*"
"""Before the serial: any run of anything but letters and digits ("010190:1234")."""
_ONE = r"[\W_]"
_SERIAL = (rf"(?P<serial>\d{{4}}(?!\d)|(?<!\d)\d\d{_ONE}\d\d(?!{_ONE}?\d)"
           r"|(?<!\d)\d(?: ?\d){3}(?! ?\d))")
"""Four digits, two pairs ("12 34", "12.34", "12-34") or spaced ("1 2 3 4"); a pair or a
spaced serial never glued to the year ("24.11.2026 10.30-11.30" holds no "24.11.20 26 10")."""
_CPR = re.compile(rf"{_START}(?P<day>\d{{1,2}})(?P<s1>{_GAP})(?P<month>\d{{1,2}})(?P<s2>{_GAP})"
                  rf"(?P<year>\d{{4}}|\d{{2}})(?P<before>{_SERIAL_GAP})" + _SERIAL)
_MONTHS = {
    1: "januar january jan січня січень січ",
    2: "februar february febr feb лютого лютий лют",
    3: "marts march mar березня березень берез бер",
    4: "april apr квітня квітень квіт кві",
    5: "maj may травня травень трав тра",
    6: "juni june jun червня червень черв чер",
    7: "juli july jul липня липень лип",
    8: "august aug серпня серпень серп сер",
    9: "september sept sep вересня вересень верес вер",
    10: "oktober october okt oct жовтня жовтень жовт жов",
    11: "november nov листопада листопад листоп лист лис",
    12: "december dec грудня грудень груд гру",
}
"""Each month's names in da, en and uk: full, short (CLDR's and the usual three letters), and
in Ukrainian as a date says it ("1 січня") and as it stands alone ("січень")."""
_MONTH_OF = {name: month for month, names in _MONTHS.items() for name in names.split()}
_MONTH = (rf"(?<!{_LETTER})(?P<name>"
          + "|".join(re.escape(name).replace("і", "[іi]")  # a Latin i typed for the і
                     for name in sorted(_MONTH_OF, key=len, reverse=True))
          + rf")(?!{_LETTER})")
_ORDINAL = (rf"(?:(?:st|nd|rd|th|ste|den|dje|de|te|ende|-?(?:го|ого|ге|ше|тє|те|е))"
            rf"(?!{_LETTER}))?")
"""After the day: "1st", "2nd", "1ste", "2den", "1-го", "1-ше" (a dot, "1.", is a separator)."""
_YEAR = (r"(?P<year>\d{4}|\d{2})"
         rf"(?:{_GAP}(?:р|рік|року|år|year)(?!{_LETTER}))?")
"""The year, and a word for "year" written after it ("1990 р.", "1990 року"): the usual
Ukrainian way to write a date."""
_TAIL = rf"(?P<before>{_SERIAL_GAP}){_SERIAL}"
_NAMED = [re.compile(pattern, re.IGNORECASE) for pattern in (
    rf"{_START}(?P<day>\d{{1,2}}){_ORDINAL}{_GAP}(?:of(?!{_LETTER}){_GAP})?{_MONTH}{_GAP}"
    rf"{_YEAR}{_TAIL}",
    rf"{_MONTH}{_GAP}(?:the(?!{_LETTER}){_GAP})?(?P<day>\d{{1,2}})(?!\d){_ORDINAL}{_GAP}"
    rf"{_YEAR}{_TAIL}",
    rf"{_START}{_YEAR}{_GAP}{_MONTH}{_GAP}(?:the(?!{_LETTER}){_GAP})?(?P<day>\d{{1,2}})(?!\d)"
    rf"{_ORDINAL}{_TAIL}")]
"""A date with its month's name, day first ("1. januar 1990 1234", "1st of January 1990
1234"), month first ("January 1, 1990 1234") or year first ("1990 jan 1 1234")."""
_YEAR_FIRST = re.compile(
    rf"{_START}(?P<year>\d{{4}})(?P<s1>{_SEPARATOR}+)(?P<month>\d{{1,2}})(?P<s2>{_SEPARATOR}+)"
    rf"(?P<day>\d{{1,2}})(?!\d){_TAIL}")
"""A date written year first, with separators ("1990-01-01 1234", "1990/1/1-1234")."""
_APART = _SEPARATOR + r"+\d(?!\d)"
_SPACED = [re.compile(
    rf"{_START}(?P<date>\d(?!\d)(?:{_APART}){{{digits - 1}}})(?P<before>{_SERIAL_GAP})"
    rf"(?P<serial>\d{{4}}(?!\d)|(?<!\d)\d\d{_ONE}\d\d(?!{_ONE}?\d)"
    rf"|(?<!\d)\d(?!\d)(?:{_APART}){{3}}(?!{_ONE}?\d))") for digits in (6, 8)]
"""Every digit of the date apart, by any separators, and the serial so or whole: "0 1 0 1 9 0
1 2 3 4", "0 1 0 1 9 0 - 1 2 3 4", "0-1-0-1-9-0-1234" (with a two- or a four-digit year)."""
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
        digits_to = list(accumulate((c.isdigit() for c in raw), initial=0))  # not quadratic
        for end in reversed(ends):
            digits = digits_to[end]
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
    """Whether what follows a date is its time, not a serial: after a date written with
    separators, a space (and a comma), then hours and minutes with "." or ":" ("24.11.2026
    10.30", "1. marts 2026, 09:15"); or hours, minutes and seconds ("Dec 7 07:33:01",
    "7.12 07:33:01": no 7.12.07 and 33:01). Not after other separators: "01.01.90 - 12.34"
    may be a CPR number, so "24.11.2026 - 10.30" is masked too."""
    return ((date_has_separators and before.strip(" ,") == "" and " " in before
             and _TIME.fullmatch(serial) is not None)
            or (":" in before and ":" in serial))


def _month_number(name: str) -> int:
    """The number of the month called ``name`` (as :data:`_MONTHS` spells it, in any case, or
    with a Latin "i" typed for the Ukrainian "і")."""
    name = name.casefold()
    if name not in _MONTH_OF:
        name = name.replace("i", "і")
    return _MONTH_OF[name]


def _candidates(text: str) -> list[tuple[int, int, str, str, str]]:
    """Every place that could be a CPR number: (start, end, day, month, year), the longest
    first of those that start at one place."""
    found = []
    pos = 0
    while (m := _CPR.search(text, pos)) is not None:
        # an unpadded day or month needs a separator after it ("1.1.90", never "1190")
        if ((len(m["day"]) == 2 or m["s1"]) and (len(m["month"]) == 2 or m["s2"])
                and not _a_time(bool(m["s1"] and m["s2"]), m["before"], m["serial"])):
            found.append((m.start(), m.end(), m["day"], m["month"], m["year"]))
        pos = m.start() + 1
    for pattern in _NAMED:
        for m in pattern.finditer(text):
            if not _a_time(True, m["before"], m["serial"]):
                found.append((m.start(), m.end(), m["day"],
                              f"{_month_number(m['name']):02d}", m["year"]))
    for m in _YEAR_FIRST.finditer(text):
        if not _a_time(True, m["before"], m["serial"]):
            found.append((m.start(), m.end(), m["day"], m["month"], m["year"]))
    for pattern in _SPACED:
        for m in pattern.finditer(text):
            digits = "".join(c for c in m["date"] if c.isdigit())
            found.append((m.start(), m.end(), digits[:2], digits[2:4], digits[4:]))
    for m in _GROUPED.finditer(text):
        digits = m[0].replace(" ", "")
        if (len(digits) in (10, 12) and _real_date(digits[:2], digits[2:4], digits[4:-4])
                and not _ukrainian_number(m[0])):
            found.append((m.start(), m.end(), digits[:2], digits[2:4], digits[4:-4]))
    return sorted(found, key=lambda c: (c[0], -c[1]))


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
