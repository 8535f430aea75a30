"""Booking: free times, the database's guarantee against double booking (threads and
processes, SQLite and PostgreSQL), codes, change, cancel, check-in and calendar files."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import re
import subprocess
import sys
import threading

import pytest
from icalendar import Calendar
from sqlmodel import Session as DB
from sqlmodel import select

from assistant.booking.codes import ALPHABET, new_code
from assistant.booking.ics import booking_uid, to_ics
from assistant.booking.service import (
    AlreadyBooked,
    BookingService,
    FreeTime,
    NotFound,
    NotInPerson,
    NotToday,
    SlotTaken,
)
from assistant.conversation import Conversation
from assistant.i18n import TZ, format_when, tr
from assistant.outputs import Choices, Say
from assistant.store.db import make_engine
from assistant.store.demo import seed_demo
from assistant.store.models import Booking, CallbackRequest, ClosedDay, Interpreter, Outbox
from assistant.text import pick

from .conftest import FIXED_OTP
from .replies import reply_text

NOW = dt.datetime(2026, 12, 23, 7, 0, tzinfo=dt.UTC)  # Wednesday 08.00 in Copenhagen


def service_for(url: str) -> BookingService:
    engine = make_engine(url)
    seed_demo(engine)
    return BookingService(engine, now=lambda: NOW)


def book(service: BookingService, free: FreeTime, phone: str = "+4522334455", **kw):
    fields = {"meeting_type": "job_meeting", "channel": "in_person", "meeting_lang": "da",
              "lang": "da", "name": "Test Person"}
    fields.update(kw)
    return service.book(free=free, phone=phone, **fields)


def test_free_times_respect_hours_notice_holidays_and_closed_days(tmp_path) -> None:
    service = service_for(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    with DB(service.engine) as db:
        db.add(ClosedDay(day=dt.date(2026, 12, 28), reason="Staff training"))
        db.commit()
    times = service.free_times("job_meeting", "da", limit=200)
    local = [t.start.astimezone(dt.timezone(dt.timedelta(hours=1))) for t in times]
    assert local[0] == dt.datetime(2026, 12, 23, 10, 0, tzinfo=local[0].tzinfo), "2 h notice"
    days = {t.date() for t in local}
    assert dt.date(2026, 12, 24) in days  # an ordinary Thursday
    assert dt.date(2026, 12, 25) not in days and dt.date(2026, 12, 26) not in days  # holidays
    assert dt.date(2026, 12, 27) not in days  # Sunday
    assert dt.date(2026, 12, 28) not in days  # local closing day
    assert local == sorted(local)
    assert all(9 <= t.hour and (t + dt.timedelta(minutes=30)).hour <= 17 for t in local)


def test_later_times_end_at_the_booking_horizon(tmp_path) -> None:
    """The times are those of the next 30 days, however often "Later times" is chosen (each
    page's 30 days began at its first time, so they never ended), and a day is looked at only
    within them."""
    service = service_for(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    until = service.bookable_until()
    assert until == dt.date(2027, 1, 21)  # 30 days from Wednesday 23 December
    times = service.free_times("job_meeting", "da", limit=10_000)
    assert times[-1].start.astimezone(TZ).date() == until
    assert service.free_times("job_meeting", "da", after=times[-1].start) == []
    on_the_last_day = service.free_times(
        "job_meeting", "da", limit=10_000, since=dt.datetime(2027, 1, 21, tzinfo=TZ))
    assert on_the_last_day and on_the_last_day == [
        t for t in times if t.start.astimezone(TZ).date() == until]
    assert service.free_times("job_meeting", "da", until=dt.date(2026, 12, 23)) == [
        t for t in times if t.start.astimezone(TZ).date() == dt.date(2026, 12, 23)][:5]


def test_later_times_is_offered_only_while_there_are_more(content, store) -> None:
    """"Later times" was offered on the last page too, and led to "There is no free time in
    the next 30 days" (with the times just seen free). A list of times that were taken
    meanwhile shows the first free times again."""
    from assistant.booking.conversation import offer_slots
    from assistant.outputs import SlotRequest

    convo, _ = Conversation.open(content, store, "last-page", "text", "en", now=lambda: NOW)
    for raw in ["1", "1", "1"]:
        convo.handle(raw)
    said = reply_text(convo.handle("21 January"), "en")  # the last day that can be booked
    assert "Free times on Thursday, 21 January 2027:" in said and "Later times" in said
    for _ in range(5):  # that day's other times; then no more
        if "Later times" not in said:
            break
        said = reply_text(convo.handle("Later times"), "en")
    assert "Later times" not in said and "21 January 2027" in said, said
    assert "There is no free time" not in said, said
    request = SlotRequest("book", "slot", {"meeting_type": "first_meeting", "language": "da"},
                          after="2027-01-21T15:00:00+00:00")  # after the last free time
    said = reply_text(offer_slots(request, convo), "en")
    assert said.startswith("There are no later free times. These are the first free times.\n"
                           "Choose a time."), said
    assert "1. Wednesday, 23 December 2026 at " in said and "6. Later times" in said


MONDAY = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)  # Monday 14.00 in Copenhagen
WHICH_DAY = {
    "en": ("next Tuesday", "Do you mean Tuesday, 24 November 2026 or Tuesday, 1 December 2026?\n"
           "1. Tuesday, 24 November 2026\n2. Tuesday, 1 December 2026"),
    "da": ("næste tirsdag", "Mener du tirsdag den 24. november 2026 eller tirsdag den 1. "
           "december 2026?\n1. tirsdag den 24. november 2026\n2. tirsdag den 1. december 2026"),
    "uk": ("наступного вівторка", "Ви маєте на увазі вівторок, 24 листопада 2026\u202fр. чи "
           "вівторок, 1 грудня 2026\u202fр.?\n1. вівторок, 24 листопада 2026\u202fр.\n"
           "2. вівторок, 1 грудня 2026\u202fр."),
}
NO_SUNDAY = {
    "en": ("next Sunday", "There is no free time on Sunday, 29 November 2026 or Sunday, 6 "
           "December 2026.\nChoose a day with free times, or write another date.\n1. Friday, "
           "27 November 2026\n2. Monday, 30 November 2026\n3. Friday, 4 December 2026\n"
           "4. Monday, 7 December 2026", "Do you mean"),
    "da": ("næste søndag", "Der er ingen ledig tid hverken søndag den 29. november 2026 eller "
           "søndag den 6. december 2026.\nVælg en dag med ledige tider, eller skriv en anden "
           "dato.\n1. fredag den 27. november 2026\n2. mandag den 30. november 2026\n"
           "3. fredag den 4. december 2026\n4. mandag den 7. december 2026", "Mener du"),
    "uk": ("наступної неділі", "Ні на неділю, 29 листопада 2026\u202fр., ні на неділю, 6 "
           "грудня 2026\u202fр. немає вільного часу.\nОберіть день із вільним часом або "
           "напишіть іншу дату.\n1. пʼятниця, 27 листопада 2026\u202fр.\n2. понеділок, 30 "
           "листопада 2026\u202fр.\n3. пʼятниця, 4 грудня 2026\u202fр.\n4. понеділок, 7 "
           "грудня 2026\u202fр.", "Ви маєте на увазі"),
}
ONE_CLOSED = {
    "en": ("There is no free time on Tuesday, 24 November 2026.", "Choose a time.",
           "Free times on Tuesday, 1 December 2026:\n1. Tuesday, 1 December 2026 at 09:00"),
    "da": ("Der er ingen ledig tid tirsdag den 24. november 2026.", "Vælg en tid.",
           "Ledige tider tirsdag den 1. december 2026:\n1. tirsdag den 1. december 2026 kl. "
           "09.00"),
    "uk": ("На вівторок, 24 листопада 2026\u202fр. немає вільного часу.", "Оберіть час.",
           "Вільний час на вівторок, 1 грудня 2026\u202fр.:\n1. вівторок, 1 грудня "
           "2026\u202fр. о 09:00"),
}


@pytest.mark.parametrize("lang", ["da", "en", "uk"])
def test_next_weekday_asks_which_only_of_days_with_free_times(content, store, lang) -> None:
    """Found by a tester: "next Sunday" asked "Do you mean Sunday, 13 December 2026 or Sunday,
    20 December 2026?" although the jobcenter is closed on Sundays. Days with free times are
    asked about as before; when neither has any (no opening hours, a holiday, a closed day),
    that is said and the nearest days that have times are offered, as for a date typed."""
    convo, _ = Conversation.open(content, store, f"which-{lang}", "text", lang,
                                 now=lambda: MONDAY)
    for raw in ["1", "1", "1"]:
        convo.handle(raw)
    said, question = WHICH_DAY[lang]
    assert question in reply_text(convo.handle(said), lang)
    said, none, asked = NO_SUNDAY[lang]
    reply = reply_text(convo.handle(said), lang)
    assert none in reply and asked not in reply, reply
    assert "Free times on Monday, 30 November 2026:" in reply_text(convo.handle("2"))


@pytest.mark.parametrize("lang", ["da", "en", "uk"])
def test_next_weekday_with_one_day_closed_shows_the_other_days_times(content, store,
                                                                     lang) -> None:
    """"next Tuesday" on a Monday, with tomorrow a closed day: no choice of a day with no
    time; tomorrow is said to have none, and the Tuesday after's free times are shown."""
    with DB(store.engine) as db:
        db.add(ClosedDay(day=dt.date(2026, 11, 24), reason="Staff training"))
        db.commit()
    convo, _ = Conversation.open(content, store, f"closed-{lang}", "text", lang,
                                 now=lambda: MONDAY)
    for raw in ["1", "1", "1"]:
        convo.handle(raw)
    reply = reply_text(convo.handle(WHICH_DAY[lang][0]), lang)
    none, choose, times = ONE_CLOSED[lang]
    assert reply.startswith(f"{none}\n{choose}") and times in reply, reply
    assert WHICH_DAY[lang][1].split("?")[0] not in reply
    said = reply_text(convo.handle("1"), lang)  # the first of those times
    assert said.startswith(tr("I understood: {answer}", answer=format_when(dt.datetime(
        2026, 12, 1, 8, 0, tzinfo=dt.UTC)))[lang]), said


def test_interpreter_is_held_when_no_staff_speaks_the_language(tmp_path) -> None:
    service = service_for(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    free = service.free_times("adult_apprenticeship", "uk", limit=1)[0]
    assert free.interpreter_id is not None
    first = book(service, free, meeting_type="adult_apprenticeship", meeting_lang="uk")
    # the interpreter is now busy at that time, and nobody else can take the same slot
    with pytest.raises(SlotTaken):
        book(service, free, phone="+4522334466", meeting_type="adult_apprenticeship",
             meeting_lang="uk")
    assert first.interpreter_id == free.interpreter_id
    speaker = service.free_times("special_law_intake", "uk", limit=1)[0]
    assert speaker.interpreter_id is None, "a Ukrainian-speaking colleague needs no interpreter"


def test_one_active_booking_per_citizen_and_type_and_cancel_frees_it(tmp_path) -> None:
    service = service_for(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    first, second = service.free_times("job_meeting", "da", limit=2)
    booking = book(service, first)
    assert len(booking.code) == 6 and set(booking.code) <= set(ALPHABET)
    with pytest.raises(AlreadyBooked) as info:
        book(service, second)
    assert info.value.booking.code == booking.code
    with pytest.raises(NotFound):
        service.cancel(booking.code, "+4599999999")
    service.cancel(booking.code.lower(), "+4522334455")
    again = book(service, first)
    assert again.code != booking.code


def test_reschedule_and_check_in(tmp_path) -> None:
    service = service_for(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    first, second = service.free_times("job_meeting", "da", limit=2)
    booking = book(service, first)
    moved = service.reschedule(booking.code, "+4522334455", second)
    assert moved.start == second.start and moved.sequence == 1
    assert service.free_times("job_meeting", "da", limit=1)[0].start == first.start
    assert service.check_in(f" {booking.code.lower()} ").checked_in_at is not None
    with pytest.raises(NotFound):
        service.check_in("ZZZZZZ")


def test_check_in_is_only_on_the_day_of_the_meeting(tmp_path) -> None:
    service = service_for(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    later = [f for f in service.free_times("job_meeting", "da", limit=40)
             if f.start.astimezone(TZ).date() > NOW.astimezone(TZ).date()]
    booking = book(service, later[0])
    with pytest.raises(NotToday) as other_day:
        service.check_in(booking.code)
    assert other_day.value.booking.code == booking.code
    on_the_day = BookingService(service.engine, now=lambda: later[0].start - dt.timedelta(hours=1))
    assert on_the_day.check_in(booking.code).checked_in_at is not None


def test_check_in_is_only_for_a_meeting_at_the_jobcenter(tmp_path) -> None:
    service = service_for(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    times = service.free_times("job_meeting", "da", limit=40)
    day = times[0].start.astimezone(TZ).date()
    first, second, third = [f for f in times if f.start.astimezone(TZ).date() == day][:3]
    on_the_day = BookingService(service.engine, now=lambda: first.start - dt.timedelta(hours=1))
    for free, channel, phone in [(first, "phone", "+4522334455"),
                                 (second, "video", "+4522334466")]:
        booking = book(service, free, channel=channel, phone=phone)
        with pytest.raises(NotInPerson) as remote:
            on_the_day.check_in(booking.code)
        assert remote.value.booking.channel == channel
        assert on_the_day.find(booking.code, phone).checked_in_at is None
    booking = book(service, third, channel="in_person", phone="+4522334477")
    assert on_the_day.check_in(booking.code).checked_in_at is not None


def test_a_meeting_type_only_allows_its_own_channels(tmp_path) -> None:
    from assistant.booking.service import BookingError

    service = service_for(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    free = service.free_times("first_meeting", "da", limit=1)[0]
    with pytest.raises(BookingError, match="cannot be held by video"):
        book(service, free, meeting_type="first_meeting", channel="video")
    assert book(service, free, meeting_type="first_meeting", channel="in_person").code


def test_codes_avoid_ambiguous_characters() -> None:
    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500
    assert not set("".join(codes)) & set("0O1IL")


def test_ics_round_trips_start_end_and_uid(tmp_path) -> None:
    service = service_for(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    booking = book(service, service.free_times("job_meeting", "da", limit=1)[0])
    event = Calendar.from_ical(to_ics(booking)).walk("VEVENT")[0]
    assert event.decoded("dtstart") == booking.start
    assert event.decoded("dtend") == booking.end
    assert str(event["uid"]) == booking_uid(booking)
    cancelled = service.cancel(booking.code, booking.phone)
    cal = Calendar.from_ical(to_ics(cancelled, cancelled=True))
    assert str(cal["method"]) == "PUBLISH", "RFC 5546: CANCEL needs an ORGANIZER"
    event = cal.walk("VEVENT")[0]
    assert str(event["uid"]) == booking_uid(booking) and int(event["sequence"]) == 1
    assert str(event["status"]) == "CANCELLED"


BOOKERS = 20


def test_twenty_threads_one_slot_exactly_one_wins(db_url: str) -> None:
    service = service_for(db_url)
    free = service.free_times("job_meeting", "da", limit=1)[0]
    barrier = threading.Barrier(BOOKERS)
    results: list[str] = []

    def attempt(i: int) -> None:
        barrier.wait()
        try:
            book(service, free, phone=f"+452233{i:04d}")
            results.append("ok")
        except SlotTaken:
            results.append("taken")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(BOOKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(results) == ["ok"] + ["taken"] * (BOOKERS - 1)


def _process_booker(url: str, key: str, i: int, barrier, results) -> None:
    engine = make_engine(url)
    service = BookingService(engine, now=lambda: NOW)
    barrier.wait()
    try:
        book(service, FreeTime.from_key(key), phone=f"+452244{i:04d}")
        results.put("ok")
    except SlotTaken:
        results.put("taken")


def test_twenty_processes_one_slot_exactly_one_wins(db_url: str) -> None:
    service = service_for(db_url)
    free = service.free_times("job_meeting", "da", limit=1)[0]
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(BOOKERS)
    results = ctx.Queue()
    procs = [ctx.Process(target=_process_booker, args=(db_url, free.key(), i, barrier, results))
             for i in range(BOOKERS)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=180) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert sorted(outcomes) == ["ok"] + ["taken"] * (BOOKERS - 1)


def _at_summary(content, store, key: str, phone: str) -> Conversation:
    convo, _ = Conversation.open(content, store, key, "text", "en", now=lambda: NOW)
    for raw in ["1", "2", "1", "1", "1", "Test Person", phone]:
        convo.handle(raw)
    return convo


def test_the_loser_is_told_the_time_was_taken_and_offered_the_next(content, store) -> None:
    first = _at_summary(content, store, "a", "22334455")
    second = _at_summary(content, store, "b", "22334466")
    assert "Your meeting is booked." in pick(first.handle("1")[0].text, "en")
    out = second.handle("1")
    assert "that time was just taken" in pick(out[0].text, "en")
    choices = next(o for o in out if isinstance(o, Choices))
    assert len(choices.options) == 6
    assert second.state.flow is not None and second.state.flow["step"] == "slot"
    # only the time is asked again: the name and phone already given are kept
    out = second.handle("1")
    shown = "\n".join(pick(o.text, "en") for o in out if isinstance(o, Say))
    assert "Is this right?" in shown and "What is your name?" not in shown
    assert "- Name: Test Person" in shown and "- Phone: +45 22 33 44 66" in shown
    assert "- Time: Wednesday, 23 December 2026 at" in shown
    out = second.handle("1")
    assert "Your meeting is booked." in pick(out[0].text, "en")
    with DB(store.engine) as db:
        mine = db.exec(select(Booking).where(Booking.phone == "+4522334466")).one()
    assert mine.name == "Test Person"


def test_statistics_count_a_guide_completed_once_and_only_when_booked(content, store,
                                                                     monkeypatch) -> None:
    """The staff's statistics: "Completed" is how many got what the booking guide is for, a
    meeting, never more than "Started". A time taken by someone else meanwhile, then booked,
    is one completed guide (it was two); a turn that failed ("something went wrong") and was
    tried again counts once (the failed turn's count was kept); a booking refused (the
    citizen already has one) is not completed."""
    from assistant.booking.service import BookingService
    from assistant.reports import flow_statistics

    first = _at_summary(content, store, "a", "22334455")
    second = _at_summary(content, store, "b", "22334466")
    refused = _at_summary(content, store, "c", "22334455")  # the same number as the first
    assert "Your meeting is booked." in pick(first.handle("1")[0].text, "en")
    assert "that time was just taken" in pick(second.handle("1")[0].text, "en")
    second.handle("1")  # the next free time
    assert "Your meeting is booked." in pick(second.handle("1")[0].text, "en")
    assert "already has a meeting" in pick(refused.handle("1")[0].text, "en")

    real_book, failures = BookingService.book, [RuntimeError("the database went away")]

    def book_failing_once(self, *args, **kwargs):
        if failures:
            raise failures.pop()
        return real_book(self, *args, **kwargs)

    monkeypatch.setattr(BookingService, "book", book_failing_once)
    retried = _at_summary(content, store, "d", "22334477")
    assert "something went wrong" in pick(retried.handle("1")[0].text, "en")
    assert "Your meeting is booked." in pick(retried.handle("1")[0].text, "en")

    [figures] = flow_statistics(store.engine, NOW.date())
    assert (figures.flow_id, figures.started, figures.completed) == ("book", 4, 3)


def test_no_free_time_in_the_language_becomes_a_callback(content, store) -> None:
    with DB(store.engine) as db:
        for interpreter in db.exec(select(Interpreter)):
            interpreter.active = False
            db.add(interpreter)
        db.commit()
    convo, _ = Conversation.open(content, store, "cb", "text", "uk", now=lambda: NOW)
    convo.handle("1")
    convo.handle("5")  # adult apprenticeship guidance: no Ukrainian-speaking staff
    convo.handle("1")  # in person
    out = convo.handle("3")  # Ukrainian
    assert "немає вільного часу" in " ".join(pick(o.text, "uk") for o in out
                                             if isinstance(o, Say))
    for raw in ["1", "Olga Petrenko", "22334455"]:
        out = convo.handle(raw)
    assert "Працівник зателефонує мені" in " ".join(
        pick(o.text, "uk") for o in out if isinstance(o, Say))
    out = convo.handle("1")
    assert "зустріч не заброньовано" in pick(out[0].text, "uk")
    with DB(store.engine) as db:
        request = db.exec(select(CallbackRequest)).one()
    assert (request.topic, request.phone) == ("adult_apprenticeship", "+4522334455")




def _no_interpreters(store) -> None:
    with DB(store.engine) as db:
        for interpreter in db.exec(select(Interpreter)):
            interpreter.active = False
            db.add(interpreter)
        db.commit()


NO_TIME = {
    "da": ("Der er ingen ledig tid de næste 30 dage", "1. Bed en medarbejder ringe til mig",
           "Skriv \"tilbage\" for at vælge et andet sprog til mødet.", "Vælg en tid."),
    "en": ("There is no free time in the next 30 days", "1. Ask staff to call me to find a time",
           "To choose another language for the meeting, write \"back\".", "Choose a time."),
    "uk": ("Протягом наступних 30 днів немає вільного часу", "1. Попросити працівника",
           "Щоб обрати іншу мову зустрічі, напишіть «назад».", "Оберіть час."),
}


@pytest.mark.parametrize("lang", ["da", "en", "uk"])
def test_no_free_time_is_not_asked_to_be_chosen(content, store, lang: str) -> None:
    """Found by testers: with no free time the reply said both "There is no free time" and
    "Choose a time. The first free times are at the top.". Now it says what can be done: a
    call from staff (its option), or another language for the meeting ("back")."""
    _no_interpreters(store)
    convo, _ = Conversation.open(content, store, f"none-{lang}", "text", lang,
                                 now=lambda: NOW)
    for raw in ["1", "5", "1"]:  # adult apprenticeship guidance, in person
        convo.handle(raw)
    said = reply_text(convo.handle("3"), lang)  # in Ukrainian: no staff speak it, no interpreter
    none, call, back, choose = NO_TIME[lang]
    assert none in said and call in said and back in said, said
    assert choose not in said, said
    said = reply_text(convo.handle("2"), lang)  # "back" is not needed to see: 2 is no option
    assert choose not in said and none in said, said


NOT_MOVED = {
    "da": ("Der er ingen ledig tid de næste 30 dage at flytte dit møde til, så det er ikke "
           "flyttet.", "vælg »Tal med en medarbejder« nedenfor.", "Vælg en ny tid."),
    "en": ("There is no free time in the next 30 days to move your meeting to, so it has not "
           "been moved.", "choose \"Talk to staff\" below.", "Choose a new time."),
    "uk": ("Протягом наступних 30 днів немає вільного часу, на який можна перенести вашу "
           "зустріч, тому її не перенесено.", "оберіть «Поговорити з працівником» нижче.",
           "Оберіть новий час."),
}


@pytest.mark.parametrize("lang", ["da", "en", "uk"])
def test_a_meeting_with_no_time_to_move_to_is_kept_and_nothing_is_offered(content, store,
                                                                          lang: str) -> None:
    """Moving a meeting with no free time offered "Ask staff to call me to find a time", which
    moving cannot do: choosing it, then "Yes, this is right", failed ("Sorry, something went
    wrong"). Now nothing is offered to choose: the meeting stays, and the reply says so and
    points to staff in the menu."""
    first, _ = Conversation.open(content, store, f"booker-{lang}", "text", "en",
                                 now=lambda: NOW)
    for raw in ["1", "5", "1", "3", "1", "Olga Petrenko", "22334455", "1"]:
        first.handle(raw)  # adult apprenticeship guidance in Ukrainian, with an interpreter
    with DB(store.engine) as db:
        booking = db.exec(select(Booking)).one()
    _no_interpreters(store)
    convo, _ = Conversation.open(content, store, f"mover-{lang}", "text", lang,
                                 now=lambda: NOW)
    for raw in ["3", "1", booking.code, "22334455"]:
        convo.handle(raw)
    said = reply_text(convo.handle(FIXED_OTP), lang)
    none, staff, choose = NOT_MOVED[lang]
    assert none in said and staff in said, said
    assert choose not in said and NO_TIME[lang][1] not in said, said
    assert convo.state.flow is None and convo.state.awaiting == "menu"
    said = reply_text(convo.handle("9"), lang)  # "Talk to staff", from the menu shown
    assert "!" not in said and "something went wrong" not in said
    with DB(store.engine) as db:
        assert db.get(Booking, booking.id).start == booking.start


def test_receipt_in_two_languages_and_sms_queued(content, store) -> None:
    convo, _ = Conversation.open(content, store, "r", "text", "uk", now=lambda: NOW)
    # three pages of later times reach the next day, so a reminder 24 hours ahead is due
    for raw in ["1", "2", "1", "3", "6", "6", "6", "1", "Olga Petrenko", "22334455"]:
        convo.handle(raw)
    out = convo.handle("1")
    texts = [pick(o.text, "uk") for o in out if isinstance(o, Say)]
    assert texts[0].startswith("Вашу зустріч заброньовано.")
    assert texts[1] == "Для працівників (данською):"  # then the Danish copy for staff
    assert texts[2].startswith("Dit møde er booket.")
    with DB(store.engine) as db:
        kinds = sorted(o.kind for o in db.exec(select(Outbox)))
    assert kinds == ["receipt", "reminder"]


def test_a_booking_by_sms_is_confirmed_once_by_the_reply(content, store) -> None:
    """Booked by SMS from its own number, the reply is the confirmation: no receipt with the
    same text is queued after it (one booking, one text), and the reminder still is. Moved
    or cancelled by SMS, likewise: the reply says it, once. Booked by SMS for another number,
    that number gets its receipt."""
    import uuid

    from assistant.channels.sms import sms_turn

    def texted(bodies: list[str], phone: str = "+4522334455") -> str:
        return [sms_turn(content, store, phone=phone, body=body, sid=f"SM{uuid.uuid4().hex}",
                         lang="en", now=lambda: NOW) for body in bodies][-1]

    def queued() -> list[tuple[str, str]]:
        with DB(store.engine) as db:
            return sorted((o.kind, o.phone) for o in db.exec(select(Outbox))
                          if o.kind != "otp")

    # three pages of later times: the meeting is more than a day ahead, so it is reminded
    booked = texted(["english", "book", "1", "1", "6", "6", "6", "1", "Anna Hansen", "yes",
                     "1"])
    assert booked.startswith("Your meeting is booked.\nCode: ")
    assert "You will also get an SMS" not in booked
    assert queued() == [("reminder", "+4522334455")]
    code = re.search(r"Code: ([A-Z2-9]{6})", booked)[1]
    moved = texted(["menu", "3", "1", code, "22334455", "6", "6", "6", "1", "1"])
    assert moved.startswith("Your meeting is moved.\nCode: ")
    assert queued() == [("reminder", "+4522334455")]  # the new time's reminder only
    cancelled = texted(["menu", "3", "2", code, "22334455", "yes"])
    assert cancelled.startswith("Your meeting at the jobcenter ") and "is cancelled" in cancelled
    assert queued() == []

    # by SMS for another number (proven with its code): the receipt goes to that number
    texted(["english", "book", "1", "1", "6", "6", "6", "1", "Anna Hansen", "no", "22334466",
            FIXED_OTP, "1"], phone="+4522334477")
    assert queued() == [("receipt", "+4522334466"), ("reminder", "+4522334466")]


def test_booking_through_chat_then_check_in(tmp_path) -> None:
    db = f"sqlite:///{tmp_path / 'chat.sqlite3'}"
    booking = subprocess.run(
        [sys.executable, "-m", "assistant", "chat", "--db", db, "--demo", "--lang", "en"],
        input="1\n2\n1\n1\n1\nTest Person\n22334455\n1\n", capture_output=True, text=True,
        timeout=120)
    assert booking.returncode == 0, booking.stderr
    code = re.search(r"Code: ([A-Z2-9]{6})", booking.stdout)
    assert code, booking.stdout
    engine = make_engine(db)

    def check_in() -> str:
        return subprocess.run(
            [sys.executable, "-m", "assistant", "chat", "--db", db, "--lang", "en"],
            input=f"2\n{code[1]}\n", capture_output=True, text=True, timeout=120).stdout

    # The meeting is moved to another day, then to today (Danish days, whatever the hour now).
    today = dt.datetime.now(TZ).date()
    noon = dt.datetime.combine(today, dt.time(12), TZ)
    with DB(engine) as session:
        row = session.exec(select(Booking).where(Booking.code == code[1])).one()
        row.start = dt.datetime.combine(today + dt.timedelta(days=2), dt.time(12), TZ)
        session.add(row)
        session.commit()
        assert "Please check in on that day, when you arrive at the jobcenter." in check_in()
        row.start = noon
        session.add(row)
        session.commit()
    out = check_in()
    assert "You are checked in" in out and "12:00" in out, out  # before noon: its time first


def test_a_foreign_number_books_and_gets_the_receipt_and_reminder(content, store) -> None:
    """A Ukrainian number with its country code is taken wherever a phone is asked, and the
    receipt and the reminder go to it through the outbox."""
    convo, _ = Conversation.open(content, store, "ua", "text", "uk", now=lambda: NOW)
    for raw in ["1", "7", "3", "6", "6", "6", "1", "Ольга Петренко", "050 123 4567"]:
        out = convo.handle(raw)
    assert "+380" in pick(out[0].text, "uk") and out[0].tone == "error"
    out = convo.handle("00380 50 123 4567")
    assert "- Телефон: +380 50 123 4567" in pick(out[1].text, "uk")
    out = convo.handle("1")
    assert pick(out[0].text, "uk").startswith("Вашу зустріч заброньовано.")
    with DB(store.engine) as db:
        booking = db.exec(select(Booking)).one()
        sent = sorted((o.kind, o.phone) for o in db.exec(select(Outbox)))
    assert booking.phone == "+380501234567"
    assert sent == [("receipt", "+380501234567"), ("reminder", "+380501234567")]


@pytest.mark.parametrize(("typed", "stored"), [
    ("22 33 44 55", "+4522334455"), ("+45 2233 4455", "+4522334455"),
    ("0045 22334455", "+4522334455"), ("２２３３４４５５", "+4522334455"),
    ("+380 50 123 4567", "+380501234567"), ("00380501234567", "+380501234567"),
    ("+46 70 123 45 67", "+46701234567"), ("+49 1512 3456789", "+4915123456789"),
])
def test_phone_numbers_danish_and_foreign(typed: str, stored: str) -> None:
    from assistant.validators import Valid, validate

    assert validate("phone", typed, {}, NOW.date()) == Valid(stored)


@pytest.mark.parametrize("typed", ["0501234567", "+380 50 123", "2233445", "+999 1234", "abc",
                                   "22 33 44 55 66 77"])
def test_a_phone_number_that_is_not_one_says_how_to_write_it(typed: str) -> None:
    from assistant.validators import Invalid, validate

    result = validate("phone", typed, {}, NOW.date())
    assert isinstance(result, Invalid)
    assert "+380" in result.error["uk"] and "8 цифр" in result.error["uk"]
    assert "landekoden" in result.error["da"] and "country code" in result.error["en"]


CYRILLIC = str.maketrans("ABEKMHOPCTYX", "АВЕКМНОРСТУХ")
"""Latin capitals and the Cyrillic letters that look like them."""


def test_a_code_typed_with_cyrillic_look_alike_letters_is_the_same_code(content, store) -> None:
    """Read from a paper or an SMS and typed on a Ukrainian keyboard (Н, К, М, Х, Р, С, Т, А,
    Е, О, В, upper or lower case): check-in and change/cancel find the booking."""
    from assistant.booking import codes

    service = BookingService(store.engine, now=lambda: NOW)
    free = service.free_times("job_meeting", "da")[0]
    letters = "HKMXPCTAEBY"  # every look-alike that a code can hold
    booking = None
    while booking is None or not set(booking.code) & set(letters):
        if booking is not None:
            service.cancel(booking.code, booking.phone)
        booking = book(service, free)
    typed = booking.code.translate(CYRILLIC)
    assert typed != booking.code and codes.normalise_code(typed.lower()) == booking.code
    assert codes.normalise_code("Ｋ７Ｍ－２ＱＸ") == "K7M2QX"

    convo, _ = Conversation.open(content, store, "cyr", "text", "uk", now=lambda: NOW)
    for raw in ["3", "2", typed.lower(), "22334455", FIXED_OTP]:
        out = convo.handle(raw)
    assert "Ви хочете скасувати зустріч?" in " ".join(
        pick(o.text, "uk") for o in out if isinstance(o, Say))
    out = convo.handle("так")
    assert "скасовано" in pick(out[0].text, "uk") and booking.code in pick(out[0].text, "uk")


def test_the_sms_receipt_says_an_interpreter_is_booked_and_for_which_language(
        content, store) -> None:
    convo, _ = Conversation.open(content, store, "tolk", "text", "uk", now=lambda: NOW)
    for raw in ["1", "5", "1", "3", "1", "Ольга Петренко", "+380 50 123 4567", "1"]:
        convo.handle(raw)
    with DB(store.engine) as db:
        booking = db.exec(select(Booking)).one()
        [receipt] = db.exec(select(Outbox).where(Outbox.kind == "receipt")).all()
    assert booking.interpreter_id is not None and receipt.phone == "+380501234567"
    assert "Мова: українська, з перекладачем" in receipt.body
    assert FreeTime.from_key(FreeTime(NOW, 1, 2, "uk").key()) == FreeTime(NOW, 1, 2, "uk")
    assert FreeTime.from_key(f"{NOW.isoformat()}|1|2") == FreeTime(NOW, 1, 2), "older keys"


UK_DAY = re.compile(r" у (понеділок|вівторок|середу|четвер|пʼятницю|суботу|неділю), \d{1,2} ")


def test_ukrainian_sentences_put_the_preposition_before_the_day(content, store) -> None:
    """Reminder, check-in on the wrong day, cancel and a closed day say "у середу, ..."."""
    from assistant.reports import close_day

    def said(out) -> str:
        return " ".join(pick(o.text, "uk") for o in out if isinstance(o, Say))

    convo, _ = Conversation.open(content, store, "uk-dates", "text", "uk", now=lambda: NOW)
    for raw in ["1", "2", "1", "3", "6", "6", "6", "1", "Olga Petrenko", "22334455", "1"]:
        out = convo.handle(raw)
    code = re.search(r"Код: ([A-Z2-9]{6})", said(out))
    assert code, said(out)
    with DB(store.engine) as db:
        reminder = db.exec(select(Outbox).where(Outbox.kind == "reminder")).one().body
        booking = db.exec(select(Booking).where(Booking.code == code[1])).one()
    assert reminder.startswith("Нагадування: у вас зустріч у центрі зайнятості у "), reminder
    assert UK_DAY.search(reminder), reminder

    convo.handle("меню")
    convo.handle("2")  # check in, a day early
    text = said(convo.handle(code[1]))
    assert "Ваша зустріч відбудеться у " in text and UK_DAY.search(text), text

    convo.handle("меню")
    for raw in ["3", "2", code[1], "22334455", FIXED_OTP]:  # change or cancel: cancel
        convo.handle(raw)
    text = said(convo.handle("так"))
    assert text.startswith("Вашу зустріч у ") and UK_DAY.search(text), text

    again, _ = Conversation.open(content, store, "uk-dates-2", "text", "uk", now=lambda: NOW)
    for raw in ["1", "2", "1", "3", "6", "6", "6", "1", "Olga Petrenko", "22334466", "1"]:
        again.handle(raw)
    with DB(store.engine) as db:
        day = db.exec(select(Booking).where(Booking.status == "active")).one().start
    close_day(store.engine, day.astimezone(TZ).date(), "AB", "test", now=lambda: NOW)
    with DB(store.engine) as db:
        notice = db.exec(select(Outbox).where(Outbox.kind == "notice",
                                              Outbox.phone == "+4522334466")).one().body
    assert ", бо у " in notice and UK_DAY.search(notice), notice
    assert ".." not in notice
    assert booking.lang == "uk"


MEETING_LABEL = {"da": "Møde", "en": "Meeting", "uk": "Зустріч"}


@pytest.mark.parametrize("lang", ["da", "en", "uk"])
@pytest.mark.parametrize(("meeting_type", "answers"), [
    ("upskilling", ["4", "1", "1"]),  # at the jobcenter, in Danish
    ("adult_apprenticeship", ["5", "1", "1"]),
    ("special_law_intake", ["7", "1"]),  # in Danish (always at the jobcenter)
])
def test_the_summary_and_the_confirmation_name_the_meeting_type_alike(
        content, store, lang: str, meeting_type: str, answers: list[str]) -> None:
    """The meeting chosen ("Vejledning om opkvalificering") is named so in the summary, the
    confirmation and the receipt SMS, in every language: one name for each meeting type."""
    from assistant.booking.conversation import meeting_name

    convo, _ = Conversation.open(content, store, f"name-{lang}-{meeting_type}", "text", lang,
                                 now=lambda: NOW)
    for raw in ["1", *answers, "1", "Eve Example"]:
        convo.handle(raw)

    def meeting_line(outputs: list) -> str:
        text = "\n".join(pick(o.text, lang) for o in outputs if hasattr(o, "text"))
        found = re.search(rf"^(?:- )?{MEETING_LABEL[lang]}: (.+)$", text, re.MULTILINE)
        assert found, text
        return found[1]

    summary = meeting_line(convo.handle("22334455"))
    confirmation = meeting_line(convo.handle("1"))
    assert summary == confirmation == meeting_name(meeting_type)[lang]
    with DB(store.engine) as db:
        [receipt] = db.exec(select(Outbox).where(Outbox.kind == "receipt")).all()
    assert f"{MEETING_LABEL[lang]}: {summary}\n" in receipt.body


def test_the_booking_flow_names_meeting_types_as_bookings_do(content) -> None:
    """flows/book.yaml's meeting-type labels (shown where no site lists its types) are the
    names meeting_name gives them, in every language."""
    from assistant.booking.conversation import meeting_name

    for option in content.flows["book"].step("meeting_type").options:
        assert dict(option.label) == dict(meeting_name(option.value)), option.value


def test_one_number_cannot_hold_two_meetings_at_the_same_time(db_url: str) -> None:
    """Testers booked two meetings at the same hour with one phone number: one of each kind
    (the one-booking rule is per meeting type), each with another member of staff. The
    booking's transaction refuses the second, as it refuses a second of one kind; a move
    onto the other meeting's time is refused too; another number, or another hour, books."""
    service = service_for(db_url)
    held = book(service, service.free_times("job_meeting", "da", limit=1)[0])
    second = next(f for f in service.free_times("sickness_followup", "da", limit=60)
                  if f.start == held.start)  # another member of staff is free then
    with pytest.raises(AlreadyBooked) as info:
        book(service, second, meeting_type="sickness_followup", name="Another Name")
    assert info.value.booking.code == held.code
    assert info.value.same_time
    later = next(f for f in service.free_times("sickness_followup", "da", limit=60)
                 if f.start >= held.end)
    other = book(service, later, meeting_type="sickness_followup")
    with pytest.raises(AlreadyBooked):
        service.reschedule(other.code, "+4522334455", FreeTime(
            held.start, later.staff_id))
    assert book(service, second, phone="+4522334466", meeting_type="sickness_followup").code
    with DB(service.engine) as db:
        rows = db.exec(select(Booking).where(Booking.phone == "+4522334455",
                                             Booking.status == "active")).all()
    assert sorted(r.start for r in rows) == [held.start, later.start]


KIND_WORDS = {  # how each language names the way a meeting is held, as the card does
    "in_person": {"da": "i jobcentret", "en": "at the jobcenter", "uk": "у центрі зайнятості"},
    "phone": {"da": "i telefonen", "en": "by phone", "uk": "телефоном"},
    "video": {"da": "på video", "en": "by video", "uk": "відеозв'язком"},
}


@pytest.mark.parametrize("lang", ["da", "en", "uk"])
@pytest.mark.parametrize("channel, choice", [("in_person", "1"), ("phone", "2"),
                                             ("video", "3")])
def test_reminder_and_cancel_sms_say_how_the_meeting_is_held(content, store, lang, channel,
                                                              choice) -> None:
    """A phone or video meeting's reminder and cancel notice never say it is at the
    jobcenter (someone could travel in while staff try to call): each names the kind."""
    convo, _shown, booking = _book_sickness_followup(content, store, lang, choice)
    with DB(store.engine) as db:
        reminder = db.exec(select(Outbox).where(Outbox.kind == "reminder")).one().body
    assert booking.channel == channel
    words = KIND_WORDS[channel][lang]
    assert words in reminder, reminder
    for other, names in KIND_WORDS.items():
        if other != channel:
            assert names[lang] not in reminder, reminder
    if channel == "phone":
        assert {"da": "ringer til dig", "en": "calls you", "uk": "зателефонує"}[lang] in reminder

    convo.handle({"da": "menu", "en": "menu", "uk": "меню"}[lang])
    for raw in ["3", "2", booking.code, "22334455", FIXED_OTP]:
        out = convo.handle(raw)
    out = convo.handle("1")
    said = " ".join(pick(o.text, lang) for o in out if isinstance(o, Say))
    assert words in said, said
    with DB(store.engine) as db:
        notice = db.exec(select(Outbox).where(Outbox.kind == "notice")).one().body
    assert words in notice, notice


def test_a_meeting_cancelled_before_its_receipt_went_is_not_texted_as_booked(content,
                                                                            store) -> None:
    """A tester booked and cancelled before the outbox's next send, and got both "Dit møde
    er booket. Kode: …" and "… er aflyst". The receipt not yet sent goes with the booking, as
    its reminder does; the cancel notice is sent."""
    convo, _shown, booking = _book_sickness_followup(content, store, "da", "1")
    with DB(store.engine) as db:
        assert {o.kind for o in db.exec(select(Outbox))} == {"receipt", "reminder"}
    convo.handle("menu")
    for raw in ["3", "2", booking.code, "22334455", FIXED_OTP, "1"]:
        convo.handle(raw)
    with DB(store.engine) as db:
        assert [o.kind for o in db.exec(select(Outbox))] == ["notice"]


DEMO_ADDRESS = "Eksempelvej 1, 0000 Demoby"  # sites/demo.yaml


def _book_sickness_followup(content, store, lang: str, choice: str
                            ) -> tuple[Conversation, str, Booking]:
    """Book a sickness follow-up (``choice``: 1 in person, 2 phone, 3 video) in Ukrainian for
    the next day (three pages of later times) by text; the conversation, the confirmation's
    text in ``lang`` and the booking."""
    convo, _ = Conversation.open(content, store, f"place-{lang}-{choice}", "text", lang,
                                 now=lambda: NOW)
    for raw in ["1", "3", choice, "3", "6", "6", "6", "1", "Olga Petrenko", "22334455", "1"]:
        out = convo.handle(raw)
    with DB(store.engine) as db:
        booking = db.exec(select(Booking)).one()
    return convo, pick(out[0].text, lang), booking


@pytest.mark.parametrize("lang, label", [("da", "Adresse"), ("en", "Address"),
                                         ("uk", "Адреса")])
def test_an_in_person_meeting_says_the_sites_address(content, store, lang, label) -> None:
    """The confirmation card, the SMS receipt and the reminder of a meeting at the jobcenter
    give the site file's address."""
    _convo, shown, _booking = _book_sickness_followup(content, store, lang, "1")
    assert f"{label}: {DEMO_ADDRESS}" in shown, shown
    with DB(store.engine) as db:
        for sms in db.exec(select(Outbox)).all():
            assert f"{label}: {DEMO_ADDRESS}" in sms.body, (sms.kind, sms.body)
            assert len(sms.body) < 400, sms.body


def test_a_phone_meeting_gives_no_address(content, store) -> None:
    _convo, shown, _booking = _book_sickness_followup(content, store, "en", "2")
    with DB(store.engine) as db:
        bodies = [o.body for o in db.exec(select(Outbox)).all()]
    assert len(bodies) == 2
    for text in (shown, *bodies):
        assert "Eksempelvej" not in text and "Address" not in text, text


def test_no_address_is_made_up_when_the_site_file_has_none(content, store) -> None:
    import json

    from assistant.store.models import Site

    with DB(store.engine) as db:
        site = db.exec(select(Site)).one()
        data = json.loads(site.data)
        data.pop("addresses")
        site.data = json.dumps(data)
        db.add(site)
        db.commit()
    _convo, shown, _booking = _book_sickness_followup(content, store, "en", "1")
    with DB(store.engine) as db:
        bodies = [o.body for o in db.exec(select(Outbox)).all()]
    assert len(bodies) == 2 and "How: At the jobcenter" in shown
    for text in (shown, *bodies):
        assert "Address" not in text, text


@pytest.mark.parametrize("lang, moved, booked", [
    ("da", "Dit møde er flyttet.", "Dit møde er booket."),
    ("en", "Your meeting is moved.", "Your meeting is booked."),
    ("uk", "Вашу зустріч перенесено.", "Вашу зустріч заброньовано.")])
def test_the_receipt_after_a_move_says_the_meeting_was_moved(content, store, lang, moved,
                                                             booked) -> None:
    """Two "booked" SMS with different times would leave the citizen guessing which holds:
    the receipt of a move says the meeting was moved, with the new time."""
    _convo, _shown, booking = _book_sickness_followup(content, store, lang, "2")
    with DB(store.engine) as db:  # the outbox sent the receipt (one not yet sent is dropped)
        for sms in db.exec(select(Outbox).where(Outbox.kind == "receipt")):
            sms.sent_at = sms.due_at
            db.add(sms)
        db.commit()
    convo, _ = Conversation.open(content, store, f"move-{lang}", "text", lang, now=lambda: NOW)
    for raw in ["3", "1", booking.code, "22334455", FIXED_OTP, "1", "1"]:
        convo.handle(raw)
    with DB(store.engine) as db:
        moved_to = db.exec(select(Booking)).one().start
        first, second = db.exec(select(Outbox).where(Outbox.kind == "receipt")
                                .order_by(Outbox.id)).all()
    assert moved_to != booking.start
    assert first.body.startswith(booked), first.body
    assert second.body.startswith(moved), second.body
    assert booked not in second.body


def test_a_meeting_being_moved_is_never_offered_its_own_time(content, store) -> None:
    # the first free time was the meeting's own, with another member of staff: "moved"
    # there, it got a new receipt for the same time
    from assistant.outputs import Choices

    first, _ = Conversation.open(content, store, "move-own-book", "text", "da", now=lambda: NOW)
    for raw in ["1", "2", "2", "2", "1", "1", "Ole Hansen", "22334455", FIXED_OTP, "1"]:
        first.handle(raw)  # a job meeting, not the first, by phone, in Danish, the first time
    with DB(store.engine) as db:
        booking = db.exec(select(Booking)).one()
    convo, _ = Conversation.open(content, store, "move-own", "text", "da", now=lambda: NOW)
    for raw in ["3", "1", booking.code, "22334455"]:
        convo.handle(raw)
    offered = next(o for o in convo.handle(FIXED_OTP) if isinstance(o, Choices))
    starts = [dt.datetime.fromisoformat(c.value.split("|")[0]) for c in offered.options
              if "|" in c.value]
    own = booking.start if booking.start.tzinfo else booking.start.replace(tzinfo=dt.UTC)
    assert len(starts) == 5 and own not in starts, (own, starts)


def test_a_booking_after_the_sites_are_due_to_be_read_again_succeeds(content, store,
                                                                     monkeypatch) -> None:
    # A kiosk idle for a minute: the site list is read again when the receipt gives the
    # site's address, inside the booking's own write transaction. On SQLite that read waited
    # 30 seconds on the kiosk's own write lock and the booking failed ("something went
    # wrong"), every time after
    import assistant.store.sessions as sessions

    monkeypatch.setattr(sessions, "SITES_SECONDS", -1.0)  # always due
    _convo, shown, booking = _book_sickness_followup(content, store, "en", "1")
    assert booking.code in shown and f"Address: {DEMO_ADDRESS}" in shown, shown
    with DB(store.engine) as db:
        assert {o.kind for o in db.exec(select(Outbox)).all()} == {"receipt", "reminder"}


def test_the_name_question_refuses_a_time_or_a_cpr_number_and_keeps_real_names(
        content, store) -> None:
    """Found by a tester: "i går kl 9", "kl 25" and "Ole Hansen cpr 1203851234" were taken as
    names (the summary and the booking then named the citizen so); every flow that asks a
    name refuses digits, in the citizen's language, and asks again."""
    convo, _ = Conversation.open(content, store, "name-digits", "text", "da", now=lambda: NOW)
    for raw in ["1", "1", "1", "1"]:
        convo.handle(raw)
    for typed in ["i går kl 9", "kl 25", "Ole Hansen cpr 1203851234"]:
        shown = "\n".join(pick(o.text, "da") for o in convo.handle(typed) if isinstance(o, Say))
        assert "Et navn har ingen cifre." in shown and "Hvad hedder du?" in shown, shown
    shown = "\n".join(pick(o.text, "da") for o in convo.handle("Anne-Marie O'Brien")
                      if isinstance(o, Say))
    assert "Hvad er dit telefonnummer?" in shown
    for flow in content.flows.values():
        for step in flow.steps.values():
            if step.id == "name":
                assert step.validate == "name", flow.id


@pytest.mark.parametrize(("about", "topic", "note"), [
    ("Інше: я хочу поговорити про дозвіл", "other", "я хочу поговорити про дозвіл"),
    ("Noget andet - min tilladelse udløber i marts", "other", "min tilladelse udløber i marts"),
    ("4: мій дозвіл закінчується", "other", "мій дозвіл закінчується"),
    ("Виплати та гроші: я не отримала виплату", "benefits", "я не отримала виплату"),
    ("про мій дозвіл opholdstilladelse і роботу", "education",
     "про мій дозвіл opholdstilladelse і роботу"),
    ("Інше", "other", None), ("noget andet tak", "other", None), ("2", "benefits", None),
])
def test_a_callbacks_topic_keeps_the_citizens_words_after_an_options_name(
        content, store, about: str, topic: str, note: str | None) -> None:
    """Found by a tester: "Інше: я хочу поговорити про дозвіл" was "Інше" with no note (the
    words after the option's name were dropped), and "про мій дозвіл opholdstilladelse і
    роботу", read as an option, lost its words too. At "what is it about?" (a step that takes
    one's own words) what is said beyond an option's name is kept: said back, in the summary
    and as the request's note for the member of staff who calls."""
    convo, _ = Conversation.open(content, store, f"cb-{about}", "text", "uk", now=lambda: NOW)
    for raw in ["працівник", "2", "Олена Коваленко", "22334455"]:
        convo.handle(raw)
    shown = "\n".join(pick(o.text, "uk") for o in convo.handle(about) if isinstance(o, Say))
    if note is not None:  # said back ("Зрозуміло: Інше: ..."), and in the summary
        assert shown.count(f": {note}") == 2 and "\n- Тема: " in shown, shown
    convo.handle("1")
    with DB(store.engine) as db:
        request = db.exec(select(CallbackRequest)).one()
    assert (request.topic, request.note) == (topic, note)
