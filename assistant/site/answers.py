"""Local answers from the site file: when the jobcenter is open (today, this week, on a
closing day), where it is, its phone number, in da/en/uk. Core code: every channel gets them
through the conversation, before the knowledge search (which rightly does not know them)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache

import holidays
from babel.dates import get_day_names

from assistant.booking.service import public_holidays
from assistant.flow.replies import plain
from assistant.i18n import BABEL_LOCALES, TZ, format_clock, format_day, local, tr
from assistant.outputs import Card
from assistant.site.registry import SiteInfo
from assistant.site.spec import WEEKDAYS
from assistant.text import LANGS, Text

HOURS, ADDRESS, PHONE = "hours", "address", "phone"
MAX_CHARS = 200
"""A longer text is not a short question about hours or the address."""

_PATTERNS = {
    HOURS: [
        r"åbningstid", r"\bhar i åbent\b", r"\båbent\b", r"\båbner\b", r"\blukker\b",
        r"opening hours", r"office hours", r"\bwhen .*\bopen\b", r"\bare you open\b",
        r"\bopen today\b", r"\bwhat time .*\b(open|close)", r"\bwhen do you close\b",
        r"\bпрацюєте\b", r"\bколи .*\bпрацю", r"години роботи", r"графік роботи",
        r"розклад роботи", r"\bвідчинен", r"\bдо котрої\b",
    ],
    ADDRESS: [
        r"\badresse", r"\bhvor ligger\b", r"\bhvor er i\b", r"\bhvor finder jeg jer\b",
        r"\baddress\b", r"\bwhere are you\b", r"\bwhere is the jobcent", r"\bfind you\b",
        r"\bадрес", r"\bде ви\b", r"\bде знаходит", r"\bяк вас знайти\b",
    ],
    PHONE: [
        r"telefonnummer", r"\btelefon ?nr", r"\bringe til jer\b", r"\bjeres telefon",
        r"\bphone number\b", r"\btelephone number\b", r"\bcall you\b", r"\byour phone\b",
        r"номер телефону", r"\bваш телефон", r"\bзателефонувати вам\b",
    ],
}
_OTHERS = [
    r"\ba[ -]?kasse", r"arbejdsl[oø]shedskasse", r"\bunemployment (insurance )?fund",
    r"\b3f\b", r"fagforening", r"\bunion\b", r"sprogcent", r"sprogskole",
    r"\blanguage (centre|center|school)", r"borgerservice", r"\bcitizen service",
    r"udl[æe]ndingestyrelsen", r"\bimmigration service", r"\bskat(te)?(styrelsen)?\b",
    r"\btax (office|agency)", r"udbetaling danmark", r"\bpoliti", r"\bpolice\b",
    r"\bhospital", r"sygehus", r"\bl[æe]ge", r"\bdoctor", r"flygtningehj[æe]lp",
    r"\brefugee council", r"\bкас[аиі]", r"мовн(ий|ого) центр", r"мовн(а|ої) школ",
    r"поліці", r"лікар", r"податков", r"профспілк",
]
"""Other offices than the jobcenter: "the phone number of 3F a-kasse", "the address of the
language centre" ask about them, not about us (the knowledge search says what it knows)."""
HOLIDAY_LANGS = {"da": "da", "en": "en_US", "uk": "uk"}
_TODAY = re.compile(r"\bi dag\b|\bidag\b|\btoday\b|\bсьогодні\b")
_COMPILED = {topic: [re.compile(plain(p)) for p in patterns]
             for topic, patterns in _PATTERNS.items()}
"""The patterns as typed without æ, ø and å (see :func:`_fold`)."""
_OTHERS_COMPILED = [re.compile(plain(p)) for p in _OTHERS]


def _fold(text: str) -> str:
    """Casefolded, punctuation gone, and æ, ø, å as typed on a keyboard without them (the
    search's folding: "aabningstider", "abningstider" and "åbningstider" are one word)."""
    text = unicodedata.normalize("NFC", text).casefold().replace("’", "'").replace("ʼ", "'")
    return plain(" ".join(re.sub(r"[^\w' ]+", " ", text).split()))


def topic_of(question: str) -> str | None:
    """Which local question ``question`` is (hours, address, phone), or None."""
    if len(question) > MAX_CHARS:
        return None
    folded = _fold(question)
    if any(p.search(folded) for p in _OTHERS_COMPILED):
        return None  # another office's phone, address or hours
    for topic in (PHONE, ADDRESS, HOURS):
        if any(p.search(folded) for p in _COMPILED[topic]):
            return topic
    return None


def address_of(site: SiteInfo | None) -> str | None:
    """The site's (first) address on one line ("Eksempelvej 1, 0000 Demoby"), or None."""
    addresses = site.data.get("addresses") if site is not None else None
    if not addresses:
        return None
    first = addresses[0]
    return ", ".join(filter(None, (first.get("label"), first["street"],
                                   f"{first['postcode']} {first['city']}")))


def local_answer(question: str, site: SiteInfo | None, today: dt.date) -> Card | None:
    """The site's answer to ``question``, or None (not such a question, or the site file
    does not say)."""
    topic = topic_of(question)
    if topic is None or site is None:
        return None
    data = site.data
    if topic == HOURS and data.get("hours"):
        title = tr("Opening hours: {name}", name=site.names)
        body = _hours(site, today, only_today=bool(_TODAY.search(_fold(question))))
    elif topic == ADDRESS and data.get("addresses"):
        title = tr("Address: {name}", name=site.names)
        lines = [", ".join(filter(None, (a.get("label"), a["street"],
                                         f"{a['postcode']} {a['city']}")))
                 for a in data["addresses"]]
        body = {lang: "\n".join(lines) for lang in LANGS}
    elif topic == PHONE and data.get("phone"):
        title = tr("Phone: {name}", name=site.names)
        body = tr("You can call us on {phone}.", phone=data["phone"])
    else:
        return None
    notes = [tr("Source: {name}", name=site.names)]  # the jobcenter, not its file
    if data.get("fictitious"):
        notes.insert(0, tr("This is example data, not a real jobcenter."))
    full = {lang: "\n\n".join([body[lang], *(n[lang] for n in notes)]) for lang in LANGS}
    return Card(f"site:{site.code}:{topic}", title, full)


OPENING_SEARCH_DAYS = 21
"""How far ahead :func:`closed_until` looks for the next opening (past Christmas and Easter)."""


def closed_until(site: SiteInfo, now: dt.datetime) -> dt.datetime | None:
    """When the jobcenter opens next, if it is closed at ``now`` (a weekday without hours, a
    closing day, a public holiday, or outside the day's hours); None when it is open now, or
    when the site file gives no hours (then nobody can say)."""
    hours = site.data.get("hours") or {}
    if not hours:
        return None
    moment = local(now)
    for n in range(OPENING_SEARCH_DAYS + 1):
        day = moment.date() + dt.timedelta(days=n)
        span = hours.get(WEEKDAYS[day.weekday()])
        if not span or _closed_on(site, day):
            continue
        opens, closes = (dt.datetime.combine(day, dt.time.fromisoformat(t), tzinfo=TZ)
                         for t in span.split("-"))
        if n == 0 and opens <= moment < closes:
            return None
        if moment < opens:
            return opens
    return None


def _closed_on(site: SiteInfo, day: dt.date) -> Text | None:
    """Why the jobcenter is closed on ``day`` (a closing day or a public holiday), or None."""
    for item in site.data.get("closing_days", []):
        if item["date"] == day.isoformat():
            reason = str(item.get("reason") or "")
            return tr("closed ({reason})", reason=reason) if reason else tr("closed")
    if day in public_holidays(day.year, day.year):
        return tr("closed (public holiday: {name})", name=_holiday_name(day))
    return None


@cache
def _holidays(year: int, lang: str) -> holidays.HolidayBase:
    return holidays.Denmark(years=year, language=HOLIDAY_LANGS[lang])


def _holiday_name(day: dt.date) -> Text:
    """A Danish public holiday's name in every language ("Juledag", "Christmas Day")."""
    return {lang: str(_holidays(day.year, lang).get(day, "")) for lang in LANGS}


def _span(site: SiteInfo, day: dt.date) -> Text:
    """``day``'s hours ("09:00-15:00") or why it is closed."""
    closed = _closed_on(site, day)
    if closed:
        return closed
    span = site.data.get("hours", {}).get(WEEKDAYS[day.weekday()])
    if not span:
        return tr("closed")
    opens, closes = (dt.time.fromisoformat(t) for t in span.split("-"))
    return {lang: f"{format_clock(opens, lang)}–{format_clock(closes, lang)}" for lang in LANGS}


def _hours(site: SiteInfo, today: dt.date, only_today: bool) -> Text:
    now = _span(site, today)
    lines = [tr("Today, {day}: {hours}",
                day={lang: format_day(today, lang) for lang in LANGS}, hours=now)]
    if only_today:
        return lines[0]
    week = tr("Opening hours by weekday:")
    days = {lang: get_day_names("wide", locale=BABEL_LOCALES[lang]) for lang in LANGS}
    body: dict[str, list[str]] = {lang: [lines[0][lang], "", week[lang]] for lang in LANGS}
    closed = tr("closed")
    for weekday, name in enumerate(WEEKDAYS):
        span = site.data.get("hours", {}).get(name)
        for lang in LANGS:
            if span:
                opens, closes = (dt.time.fromisoformat(t) for t in span.split("-"))
                text = f"{format_clock(opens, lang)}–{format_clock(closes, lang)}"
            else:
                text = closed[lang]
            body[lang].append(f"{days[lang][weekday].capitalize()}: {text}")
    coming = [today + dt.timedelta(days=n) for n in range(1, 8)]
    shut = [(day, _closed_on(site, day)) for day in coming
            if site.data.get("hours", {}).get(WEEKDAYS[day.weekday()])]
    for day, why in shut:
        if why:
            said = tr("{day}: {hours}", day={lang: format_day(day, lang) for lang in LANGS},
                      hours=why)
            for lang in LANGS:
                body[lang].append(said[lang])
    return {lang: "\n".join(body[lang]) for lang in LANGS}
