"""Dates in a reply to a list of times: "den 15. december", "December 15th", "15 грудня",
"8/12", "8.12.2026", "i går", "tomorrow", "післязавтра". Pure: ``today`` is given.

A date with its month's name or in digits, in Danish, English and Ukrainian, is read with
its year when one is written, else as the nearest such day to today (this year's, last
year's or next year's): "1. december" a few days ago has passed, "15. januar" in December is
next January's. A date that no calendar has ("31. februar", "30/2") is kept apart, to be
told so, never read as another day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass

from babel.dates import format_skeleton

from assistant.flow import replies
from assistant.i18n import BABEL_LOCALES
from assistant.text import LANGS, Text

_MONTH_NAMES = {
    1: "januar january jan січня січень", 2: "februar february feb лютого лютий",
    3: "marts march mar березня березень", 4: "april apr квітня квітень",
    5: "maj may травня травень", 6: "juni june jun червня червень",
    7: "juli july jul липня липень", 8: "august aug серпня серпень",
    9: "september sept sep вересня вересень", 10: "oktober october okt oct жовтня жовтень",
    11: "november nov листопада листопад", 12: "december dec грудня грудень",
}
MONTHS = {name: month for month, names in _MONTH_NAMES.items() for name in names.split()}
"""A month by its name, full or short, in da/en/uk (Ukrainian also as a date says it:
"15 грудня")."""
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:,?\s*(\d{4}))?"
_DAY_MONTH = re.compile(
    rf"(?<![\d.:/])(\d{{1,2}})(?:\.|-?(?:st|nd|rd|th|го|ого))?\s*(?:of\s+)?({_MONTH})"
    rf"(?![^\W\d_])\.?{_YEAR}", re.IGNORECASE)
"""The day, then the month: "15. december", "15 december 2026", "15th of December",
"15 грудня", "15-го грудня"."""
_MONTH_DAY = re.compile(
    rf"(?<![^\W\d_])({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?![\d.:]?\d|[^\W\d_]){_YEAR}",
    re.IGNORECASE)
"""The month, then the day: "December 15", "Dec 15th, 2026"."""
_DIGITS = re.compile(r"(?<![\d.:/])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d/])"
                     r"|(?<![\d.:/])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?![\d.:])")
"""A day and a month in digits, as written in Denmark and Ukraine: "8/12", "8/12/2026",
"8.12.2026", "8.12.26"."""
_DOTTED = re.compile(r"(?<![\d.:/])(\b(?:kl|klokken|at|о|об)\.?\s*)?(\d{1,2})\.(\d{1,2})(\.)?"
                     r"(?![\d:]|\.\d)", re.IGNORECASE)
"""A day and a month with a dot and no year, "15.12" or "15.12.", which may also be a time
of day ("10.30"): see :func:`dates_in`."""
_RELATIVE = (
    ("i overmorgen", 2), ("overmorgen", 2), ("the day after tomorrow", 2),
    ("day after tomorrow", 2), ("післязавтра", 2),
    ("i forgårs", -2), ("forgårs", -2), ("i forgars", -2), ("the day before yesterday", -2),
    ("day before yesterday", -2), ("позавчора", -2),
    ("i morgen", 1), ("imorgen", 1), ("tomorrow", 1), ("завтра", 1),
    ("i dag", 0), ("idag", 0), ("today", 0), ("сьогодні", 0),
    ("i går", -1), ("igår", -1), ("i gar", -1), ("yesterday", -1), ("вчора", -1),
    ("учора", -1),
)
"""Days named from today, the longer phrases first ("i overmorgen" is not "i morgen")."""
_AHEAD = frozenset({"in", "om", "через"})
"""Words before a span of time from today: "in two weeks", "om 3 dage", "через тиждень"."""
_FROM_NOW = (("from", "now"), ("from", "today"), ("fra", "nu"), ("fra", "i", "dag"),
             ("fra", "idag"))
"""Words after a span of time from today: "two weeks from now", "14 dage fra i dag"."""
_DAY_UNITS = frozenset({"day", "days", "dag", "dage", "dages", "день", "дні", "днів", "дня"})
_WEEK_UNITS = frozenset({"week", "weeks", "uge", "uger", "uges", "ugers", "тиждень", "тижні",
                         "тижнів", "тижня"})
_ONE = {"a": 1, "an": 1}
"""Articles that count one of a span ("in a week"; "en uge", "one week" are numbers)."""
_WEEK_WORDS = frozenset({"week", "uge", "тиждень"})
"""Words before a week's number: "week 52", "uge 52", "тиждень 52"."""
_NUMBER_WORDS = frozenset({"nr", "no", "number", "nummer", "номер"})
"""Words between a week and its number: "uge nr. 52", "week number 1"."""
MAX_AHEAD_DAYS = 3660
"""A span of time further ahead than this (about ten years) is not read as a day."""


@dataclass(frozen=True)
class Dates:
    days: frozenset[dt.date] = frozenset()
    """The calendar days a reply names."""
    impossible: Text | None = None
    """A date the reply names that no calendar has, as said back ("31. februar")."""
    dotted: frozenset[tuple[int, int]] = frozenset()
    """Days and months written with a dot ("15.12") read as dates: not times of day."""
    weeks: frozenset[dt.date] = frozenset()
    """The weeks a reply names, by their Mondays: weeks ahead ("in two weeks", "om 3 uger",
    "через тиждень") or a week's number ("week 52", "uge 52", "тиждень 52")."""
    no_week: int | None = None
    """A week's number that no year has ("week 60"), as written."""


def _year(written: str | None, today: dt.date) -> int | None:
    if not written:
        return None
    year = int(written)
    return year + 2000 if year < 100 else year


def _day(day: int, month: int, year: int | None, today: dt.date) -> dt.date | None:
    """The date, or None if there is none: with no year, the nearest such day to today."""
    years = (year,) if year is not None else (today.year - 1, today.year, today.year + 1)
    found = []
    for y in years:
        try:
            found.append(dt.date(y, month, day))
        except ValueError:
            continue
    return min(found, key=lambda d: abs((d - today).days)) if found else None


def _said(day: int, month: int) -> Text:
    """A day of a month as written ("31. februar", "31 February", "31 лютого"), for a date
    no calendar has: the first of the month named, its day replaced."""
    if not 1 <= month <= 12:
        return dict.fromkeys(LANGS, f"{day}/{month}")
    first = dt.date(2026, month, 1)
    return {lang: re.sub(r"^1(?!\d)", str(day),
                         format_skeleton("MMMMd", first, locale=BABEL_LOCALES[lang]))
            for lang in LANGS}


def _dotted_is_date(m: re.Match[str], clocks: Collection[tuple[int, int]]) -> bool:
    """Whether "15.12" is a date, not a time of day: its second number is a month (a time
    shown starts on the quarter hour, "10.30", "14.00"), and it is neither said as a time
    ("kl 15.12") nor one of the times of day ``clocks`` shown. With a dot after it ("den
    15.12.") it is a date."""
    if m[1]:
        return False
    day, month = int(m[2]), int(m[3])
    return 1 <= month <= 12 and 1 <= day <= 31 and (bool(m[4]) or (day, month) not in clocks)


def dates_in(raw: str, today: dt.date, clocks: Collection[tuple[int, int]] = ()) -> Dates:
    """The days ``raw`` names by date or from today, and any date it names that no calendar
    has. A day and a month with a dot and no year ("15.12") is a date unless it is said as a
    time or is one of the times of day ``clocks`` (hour, minute) shown."""
    found: set[dt.date] = set()
    impossible: Text | None = None
    dotted: set[tuple[int, int]] = set()
    text = raw

    def take(day: int, month: int, year: str | None) -> None:
        nonlocal impossible
        date = _day(day, month, _year(year, today), today) if 1 <= month <= 12 else None
        if date is None:
            impossible = impossible or _said(day, month)
        else:
            found.add(date)

    for pattern, order in ((_DAY_MONTH, "dm"), (_MONTH_DAY, "md")):
        for m in pattern.finditer(text):
            day, month = (m[1], m[2]) if order == "dm" else (m[2], m[1])
            take(int(day), MONTHS[month.casefold()], m[3])
        text = pattern.sub(" ", text)
    for m in _DIGITS.finditer(text):
        day, month, year = (m[1], m[2], m[3]) if m[1] else (m[4], m[5], m[6])
        take(int(day), int(month), year)
    text = _DIGITS.sub(" ", text)
    for m in _DOTTED.finditer(text):
        if _dotted_is_date(m, clocks):
            take(int(m[2]), int(m[3]), None)
            dotted.add((int(m[2]), int(m[3])))
    text = _DOTTED.sub(lambda m: " " if _dotted_is_date(m, clocks) else m[0], text)
    words = replies.words(text)
    spans = _spans(words)  # first: "14 dage fra i dag" is not today
    said = " " + " ".join(w for k, w in enumerate(words) if k not in spans.used) + " "
    for phrase, ahead in _RELATIVE:
        if f" {phrase} " in said:
            found.add(today + dt.timedelta(days=ahead))
            said = said.replace(f" {phrase} ", " ")
    weeks: set[dt.date] = set()
    no_week: int | None = None
    for unit, count in spans.ahead:
        if unit == "day":
            found.add(today + dt.timedelta(days=count))
        else:
            weeks.add(_monday(today + dt.timedelta(weeks=count)))
    for number in spans.numbered:
        monday = _numbered_week(number, today)
        if monday is None:
            no_week = no_week or number
        else:
            weeks.add(monday)
    return Dates(frozenset(found), impossible, frozenset(dotted), frozenset(weeks), no_week)


@dataclass(frozen=True)
class _Spans:
    ahead: tuple[tuple[str, int], ...] = ()
    """Spans of time from today: ("day", 3) for "in 3 days", ("week", 2) for "om to uger"."""
    numbered: tuple[int, ...] = ()
    """Weeks by their number: 52 for "week 52"."""
    used: frozenset[int] = frozenset()
    """The places of the words that name them."""


def _spans(said: list[str]) -> _Spans:
    """The spans of time from today and the weeks' numbers that ``said`` (a reply's words)
    names: "in two weeks", "om 3 dage", "через два тижні", "через тиждень", "a week from now",
    "week 52", "uge nr 52"."""
    ahead: list[tuple[str, int]] = []
    numbered: list[int] = []
    used: set[int] = set()
    for at, word in enumerate(said):
        if word in _WEEK_WORDS:  # "week 52", "uge nr. 52"
            then = at + 2 if at + 1 < len(said) and said[at + 1] in _NUMBER_WORDS else at + 1
            if then < len(said) and said[then].isdigit() and len(said[then]) <= 2 and \
                    not (at and said[at - 1].isdigit()):
                numbered.append(int(said[then]))
                used.update(range(at, then + 1))
                continue
        if word == "через" and at + 1 < len(said) and said[at + 1] in _WEEK_UNITS:
            ahead.append(("week", 1))  # "через тиждень": in a week
            used.update((at, at + 1))
            continue
        counted = _ONE.get(word)
        number = (counted, at + 1) if counted else replies.number_at(said, at)
        if number is None:
            continue
        count, end = number
        unit = said[end] if end < len(said) else ""
        kind = "day" if unit in _DAY_UNITS else "week" if unit in _WEEK_UNITS else None
        before = 1 if at and said[at - 1] in _AHEAD else 0
        tail = next((len(words) for words in _FROM_NOW
                     if tuple(said[end + 1:end + 1 + len(words)]) == words), 0)
        if kind is None or not (before or tail):
            continue
        used.update(range(at - before, end + 1 + tail))
        if count * (7 if kind == "week" else 1) <= MAX_AHEAD_DAYS:
            ahead.append((kind, count))
    return _Spans(tuple(ahead), tuple(numbered), frozenset(used))


def _monday(day: dt.date) -> dt.date:
    """The Monday of the week ``day`` is in."""
    return day - dt.timedelta(days=day.weekday())


def _numbered_week(number: int, today: dt.date) -> dt.date | None:
    """The Monday of the (ISO) week ``number``: this year's, or the next year's that has one
    when it has passed; None when no year has it ("week 60")."""
    year = today.isocalendar().year
    for ahead in range(7):  # week 53 is in some years only
        try:
            monday = dt.date.fromisocalendar(year + ahead, number, 1)
        except ValueError:
            if not 1 <= number <= 53:
                return None
            continue
        if monday + dt.timedelta(days=6) >= today:
            return monday
    return None


def names_a_span(raw: str) -> bool:
    """Whether ``raw`` names a span of time from today ("in two weeks", "om 3 dage") or a
    week by its number ("week 1"): its number is not an option's."""
    spans = _spans(replies.words(raw))
    return bool(spans.ahead or spans.numbered)


def names_a_date(raw: str) -> bool:
    """Whether ``raw`` names a date by its month or in digits (not a number to choose)."""
    return bool(_DAY_MONTH.search(raw) or _MONTH_DAY.search(raw) or _DIGITS.search(raw)
                or any(_dotted_is_date(m, ()) for m in _DOTTED.finditer(raw)))
