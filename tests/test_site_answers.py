"""Local answers from the site file (hours today, this week and on a closing day; address;
phone) in da/en/uk, on every channel, cited to the site file; the knowledge base alone does
not know them."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from assistant.channels.render import render_text
from assistant.channels.sms import sms_turn
from assistant.conversation import Conversation
from assistant.outputs import Card
from assistant.site.apply import apply_site
from assistant.site.spec import load_site
from assistant.store.db import make_engine
from assistant.store.sessions import SessionStore
from assistant.text import LANGS, pick

from .conftest import NOW

SITES = Path(__file__).parent.parent / "sites"


def ask(content, store, question: str, lang: str, now=NOW) -> list:
    convo, _ = Conversation.open(content, store, f"q:{question}:{lang}", "text", lang,
                                 now=lambda: now)
    return convo.handle(question)


def card_of(outputs: list) -> Card:
    cards = [o for o in outputs if isinstance(o, Card)]
    assert cards, outputs
    return cards[0]


def test_when_are_you_open_is_answered_from_the_site_file_in_each_language(content,
                                                                          store) -> None:
    # NOW: Tuesday 24 November 2026, 09.00 in Copenhagen; the demo is open 09-15 on Tuesdays
    da = card_of(ask(content, store, "hvornår har I åbent?", "da"))
    assert da.entry_id == "site:demo:hours"
    assert "I dag, tirsdag den 24. november 2026: 09.00–15.00" in da.body["da"]
    assert "Torsdag: 09.00–17.00" in da.body["da"] and "Lørdag: lukket" in da.body["da"]
    assert "Kilde: Demo-jobcenter (fiktivt)" in da.body["da"]  # the name in Danish too
    for lang in LANGS:  # a file name means nothing to a citizen
        assert ".yaml" not in da.body[lang]
    assert "Det er eksempeldata, ikke et rigtigt jobcenter." in da.body["da"]

    en = card_of(ask(content, store, "when are you open today?", "en"))
    assert en.body["en"].startswith("Today, Tuesday, 24 November 2026: 09:00–15:00")
    assert "Thursday" not in en.body["en"], "today only"

    uk = card_of(ask(content, store, "коли ви працюєте?", "uk"))
    assert "Четвер: 09:00–17:00" in uk.body["uk"]
    assert "Джерело: Демо-центр зайнятості (вигаданий)" in uk.body["uk"]
    assert "Demo Jobcenter" not in uk.body["uk"] and "Demo Jobcenter" not in da.body["da"]


def test_the_knowledge_base_alone_does_not_know_them(content) -> None:
    said = render_text(content.knowledge.answer("hvornår har I åbent?", "da"), "da")
    assert "09.00" not in said


def test_a_closing_day_and_a_public_holiday_say_closed_and_why(content, tmp_path) -> None:
    for name in ("demo.yaml", "demo-staff.csv"):
        shutil.copy(SITES / name, tmp_path / name)
    path = tmp_path / "demo.yaml"
    path.write_text(path.read_text() + "closing_days:\n"
                    "  - {date: \"2026-11-24\", reason: Staff training}\n")
    engine = make_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    apply_site(engine, load_site(path))
    store = SessionStore(engine)
    today = card_of(ask(content, store, "when are you open today?", "en"))
    assert today.body["en"].startswith("Today, Tuesday, 24 November 2026: closed "
                                       "(Staff training)")
    christmas = dt.datetime(2026, 12, 25, 9, 0, tzinfo=dt.UTC)
    uk = card_of(ask(content, store, "коли ви працюєте сьогодні?", "uk", now=christmas))
    assert "зачинено (державне свято: Різдво Христове)" in uk.body["uk"]
    week = card_of(ask(content, store, "what are your opening hours?", "en",
                       now=christmas - dt.timedelta(days=3)))
    assert "Friday, 25 December 2026: closed (public holiday: Christmas Day)" in week.body["en"]
    engine.dispose()


def test_address_and_phone_come_from_the_site_file(content, store) -> None:
    address = card_of(ask(content, store, "Hvad er jeres adresse?", "da"))
    assert "Eksempelvej 1, 0000 Demoby" in address.body["da"]
    phone = card_of(ask(content, store, "what is your phone number?", "en"))
    assert "You can call us on +45 00 00 00 00." in phone.body["en"]
    assert "Source: Demo Jobcenter (fictitious)" in phone.body["en"]


def test_a_question_about_meetings_by_phone_is_not_a_phone_number_question(content,
                                                                          store) -> None:
    said = ask(content, store, "can I have my meeting by phone?", "en")
    assert not any(isinstance(o, Card) and o.entry_id.startswith("site:") for o in said)


@pytest.mark.parametrize(("question", "lang"), [
    ("hvad er telefonnummeret til 3F a-kasse?", "da"),
    ("telefonnummer til akassen", "da"),
    ("hvad er telefonnummeret til min a-kasse?", "da"),
    ("what is the phone number of my a-kasse", "en"),
    ("hvornar har laegen abent", "da"),
    ("what is the address of the language centre?", "en"),
    ("номер телефону каси по безробіттю", "uk"),
])
def test_another_offices_phone_address_or_hours_is_not_ours(content, store, question: str,
                                                            lang: str) -> None:
    """By SMS "hvad er telefonnummeret til 3F a-kasse?" was answered with the jobcenter's own
    number, as if it were the a-kasse's. A question that names another office is not about
    us: the knowledge search says it does not have its contact details."""
    said = ask(content, store, question, lang)
    assert not any(isinstance(o, Card) and o.entry_id.startswith("site:") for o in said)
    assert "+45 00 00 00 00" not in render_text(said, lang)


@pytest.mark.parametrize(("question", "lang"), [
    ("hvad er telefonnummeret til jobcentret?", "da"),
    ("номер телефону центру зайнятості", "uk"),
])
def test_the_jobcenters_own_phone_named_so_is_ours(content, store, question: str,
                                                   lang: str) -> None:
    assert "+45 00 00 00 00" in card_of(ask(content, store, question, lang)).body[lang]


def test_by_sms_the_same_answer(content, store) -> None:
    reply = sms_turn(content, store, phone="+4522334455", body="hvornår har I åbent?",
                     sid="SMhours", now=lambda: NOW)
    assert "I dag, tirsdag den 24. november 2026: 09.00-15.00" in reply  # GSM-7: a hyphen


def test_closed_until_is_the_next_opening_and_none_when_open_or_unknown() -> None:
    from assistant.site.answers import closed_until
    from assistant.site.registry import SiteInfo

    hours = {"monday": "09:00-15:00", "tuesday": "09:00-15:00", "friday": "09:00-13:00"}
    site = SiteInfo(1, "demo", "Demo", data={"hours": hours})
    utc = dt.UTC
    assert closed_until(site, dt.datetime(2026, 11, 24, 9, 0, tzinfo=utc)) is None  # 10:00
    evening = closed_until(site, dt.datetime(2026, 11, 24, 16, 0, tzinfo=utc))
    assert evening is not None and evening.isoformat() == "2026-11-27T09:00:00+01:00"
    early = closed_until(site, dt.datetime(2026, 11, 24, 6, 0, tzinfo=utc))
    assert early is not None and early.isoformat() == "2026-11-24T09:00:00+01:00"
    christmas = closed_until(site, dt.datetime(2026, 12, 24, 16, 0, tzinfo=utc))  # Thursday
    assert christmas is not None and christmas.date() == dt.date(2026, 12, 28), "not on 25th"
    assert closed_until(SiteInfo(2, "x", "X"), dt.datetime(2026, 11, 28, tzinfo=utc)) is None


def test_opening_hours_typed_without_danish_letters() -> None:
    from assistant.site.answers import HOURS, topic_of

    for question in ("hvornaar har i aabent", "hvornar har i abent", "abningstider",
                     "aabningstider", "åbningstider", "Hvornår har I åbent?"):
        assert topic_of(question) == HOURS, question


def test_a_site_file_without_names_in_other_languages_reads_its_name(content, tmp_path) -> None:
    """``names`` is the site's name as each language's readers read it; a language it does
    not give (or a file without it) reads ``name``, as written: nothing is made up."""
    for name in ("demo.yaml", "demo-staff.csv"):
        shutil.copy(SITES / name, tmp_path / name)
    path = tmp_path / "demo.yaml"
    text = path.read_text()
    start = text.index("names:")
    end = text.index("\n", text.index("uk:", start))
    path.write_text(text[:start] + "names: {da: Demo-jobcenter (fiktivt)}" + text[end:])
    engine = make_engine(f"sqlite:///{tmp_path / 'n.sqlite3'}")
    apply_site(engine, load_site(path))
    store = SessionStore(engine)
    da = card_of(ask(content, store, "hvad er jeres telefonnummer?", "da"))
    assert "Kilde: Demo-jobcenter (fiktivt)" in da.body["da"]
    uk = card_of(ask(content, store, "який у вас номер телефону?", "uk"))
    assert "Джерело: Demo Jobcenter (fictitious)" in uk.body["uk"]
    assert pick(uk.title, "uk").endswith("Demo Jobcenter (fictitious)")
    engine.dispose()
