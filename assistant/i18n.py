"""Gettext catalogs (Babel), CLDR plurals and locale-aware dates for da, en and uk.

Catalogs live in ``i18n/<lang>/LC_MESSAGES/assistant.po``; ``pybabel compile`` writes the
``.mo`` beside each one. Message ids are English. ``tr``/``trn`` return a :data:`Text`
holding every language, so channels can show one language or two side by side.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from io import BytesIO
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from assistant.paths import data_dir
from assistant.text import LANGS, Text, pick

DOMAIN = "assistant"
TZ = ZoneInfo("Europe/Copenhagen")
BABEL_LOCALES: dict[str, str] = {"da": "da_DK", "en": "en_GB", "uk": "uk_UA"}


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalog for ``lang``; compiled in memory from the .po if no .mo exists."""
    folder = data_dir("i18n") / lang / "LC_MESSAGES"
    mo = folder / f"{DOMAIN}.mo"
    if mo.is_file():
        with mo.open("rb") as fp:
            return Translations(fp=fp, domain=DOMAIN)
    po = folder / f"{DOMAIN}.po"
    if po.is_file():
        with po.open("rb") as fp:
            catalog = read_po(fp, locale=lang)
        buf = BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        return Translations(fp=buf, domain=DOMAIN)
    return NullTranslations()


def _fmt(template: str, lang: str, kwargs: Mapping[str, object]) -> str:
    if not kwargs:
        return template
    values = {k: pick(v, lang) if isinstance(v, Mapping) else v for k, v in kwargs.items()}
    return template.format(**values)


def tr(msgid: str, **kwargs: object) -> dict[str, str]:
    """Translate ``msgid`` into every language; ``{name}`` fields are filled per language.

    A keyword value may itself be a :data:`Text`, in which case each language gets its own.
    """
    templates = _templates(msgid)
    if not kwargs:
        return dict(zip(LANGS, templates, strict=True))
    return {lang: _fmt(template, lang, kwargs)
            for lang, template in zip(LANGS, templates, strict=True)}


@cache
def _templates(msgid: str) -> tuple[str, ...]:
    """``msgid`` in every language, looked up once (catalogs do not change while running)."""
    return tuple(translations(lang).gettext(msgid) for lang in LANGS)


def trn(singular: str, plural: str, n: int, **kwargs: object) -> dict[str, str]:
    """Plural-aware :func:`tr`; ``{n}`` is available in the template. ``n`` must be whole."""
    if not isinstance(n, int):
        raise TypeError("plural counts must be whole numbers")
    fields = {"n": n, **kwargs}
    return {
        lang: _fmt(translations(lang).ngettext(singular, plural, n), lang, fields)
        for lang in LANGS
    }


def plural_category(n: int, lang: str) -> str:
    """The CLDR plural category of ``n`` in ``lang`` (uk: one, few, many, other)."""
    return Locale.parse(BABEL_LOCALES[lang]).plural_form(n)


def local(when: dt.datetime) -> dt.datetime:
    """``when`` in Copenhagen time (naive values are taken to be UTC)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(TZ)


def format_day(day: dt.date, lang: str, in_sentence: bool = False) -> str:
    """A full date: "tirsdag den 24. november 2026", "Tuesday, 24 November 2026".

    ``in_sentence`` is the form that follows a verb or a noun ("Your meeting is {when}"):
    Ukrainian then needs the preposition and the weekday in the accusative ("відбудеться у
    середу, 25 листопада 2026 р."); Danish and English read the same either way.
    """
    text = format_date(day, "full", locale=BABEL_LOCALES[lang])
    if in_sentence and lang == "uk":
        weekday = format_date(day, "EEEE", locale=BABEL_LOCALES[lang])
        if text.startswith(weekday):
            text = f"у {_uk_accusative(weekday)}{text[len(weekday):]}"
    return text


def weekday_name(weekday: int) -> Text:
    """A weekday (0 is Monday) as a sentence names it after "on": "tirsdag", "Tuesday",
    and in Ukrainian the accusative that follows "на"/"у" ("середу")."""
    day = dt.date(2026, 11, 23) + dt.timedelta(days=weekday)  # a Monday
    names = {lang: format_date(day, "EEEE", locale=BABEL_LOCALES[lang]) for lang in LANGS}
    return {**names, "uk": _uk_accusative(names["uk"])}


def date_name(day: dt.date) -> Text:
    """A date as a sentence names it after "on": "tirsdag den 15. december 2026", "Tuesday,
    15 December 2026", and in Ukrainian with the weekday in the accusative that follows "на"
    ("середу, 16 грудня 2026 р.")."""
    names = {lang: format_day(day, lang) for lang in LANGS}
    weekday = format_date(day, "EEEE", locale=BABEL_LOCALES["uk"])
    if names["uk"].startswith(weekday):
        names["uk"] = _uk_accusative(weekday) + names["uk"][len(weekday):]
    return names


def day_and_month(day: dt.date) -> Text:
    """A day of a month as a date is written: "15. december", "15 December", "15 грудня"."""
    return {lang: format_skeleton("MMMMd", day, locale=BABEL_LOCALES[lang]) for lang in LANGS}


def _uk_accusative(weekday: str) -> str:
    """середа -> середу, пʼятниця -> пʼятницю, неділя -> неділю; понеділок, вівторок and
    четвер do not change."""
    if weekday.endswith("а"):
        return weekday[:-1] + "у"
    if weekday.endswith("я"):
        return weekday[:-1] + "ю"
    return weekday


def format_clock(when: dt.datetime | dt.time, lang: str) -> str:
    """A short time in the locale's style: Danish "10.30", English and Ukrainian "10:30"."""
    if isinstance(when, dt.datetime):
        when = local(when).timetz().replace(tzinfo=None)
    return format_time(when, "short", locale=BABEL_LOCALES[lang])


def at_clock(when: dt.datetime | dt.time) -> dict[str, str]:
    """A time of day with its preposition in every language: "kl. 10.30", "at 10:30",
    "о 10:30". Ukrainian says "об" before a vowel, and only 11 o'clock is read with one
    ("об одинадцятій"): "об 11:30", "о 10:30", "о 12:00"."""
    hour = local(when).hour if isinstance(when, dt.datetime) else when.hour
    said = tr("at {time}", time={lang: format_clock(when, lang) for lang in LANGS})
    if hour == 11:
        said["uk"] = "об " + format_clock(when, "uk")
    return said


def format_when(when: dt.datetime, in_sentence: bool = False) -> dict[str, str]:
    """A meeting time in every language: "tirsdag den 24. november 2026 kl. 10.30".

    ``in_sentence``: the form inside a sentence, see :func:`format_day` ("у середу, ...").
    """
    moment = local(when)
    at = at_clock(moment)
    return {
        lang: _fmt(
            translations(lang).gettext("{date} {at_time}"),
            lang,
            {"date": format_day(moment.date(), lang, in_sentence), "at_time": at[lang]},
        )
        for lang in LANGS
    }


def language_name(code: str) -> dict[str, str]:
    """A language's name in every language, from CLDR: "ukrainsk", "Ukrainian", "українська"."""
    return {lang: Locale.parse(BABEL_LOCALES[lang]).languages.get(code, code) for lang in LANGS}


def language_of(text: Text) -> list[str]:
    """The languages a :data:`Text` has non-empty text for."""
    return [lang for lang in LANGS if text.get(lang)]
