"""Staff screens in words and in the staff member's language; the booking search by name,
phone, code and day; snapshots of the staff screens in Danish and English, and of the
confirmation asked before closing a day.

After a deliberate layout change: `pytest tests/test_staff_screens.py --snapshot-update`, then
read snapshot_report.html before committing the new SVGs.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input

from assistant.booking.service import BookingService
from assistant.channels.tui.staff import StaffApp
from assistant.conversation import Conversation
from assistant.reports import find_bookings, parse_day
from assistant.staff import add_staff

from .conftest import NOW
from .pilot import settle, tap

CODES = ("in_person", "special_law_intake", "saerlov", "job_meeting", "callback", "desk",
         "topic", "staff:", "kiosk:", "| uk", "needs review")


def fill(content, store) -> dict[str, str]:
    """Two bookings on two days, a desk request, a callback, statistics: what a morning has."""
    add_staff(store.engine, "AB", "Anne B", "4821", languages="da,en")
    site = store.sites().sites[0].id  # the demo's one jobcenter: staff see its bookings
    service = BookingService(store.engine, now=lambda: NOW, site_id=site)
    first = service.free_times("special_law_intake", "uk", limit=1)[0]
    olena = service.book(meeting_type="special_law_intake", channel="in_person",
                         meeting_lang="uk", lang="uk", free=first, name="Olena Kovalenko",
                         phone="+4522334455")
    later = service.free_times("job_meeting", "da", limit=1,
                               after=first.start + dt.timedelta(days=2))[0]
    jens = service.book(meeting_type="job_meeting", channel="phone", meeting_lang="da",
                        lang="da", free=later, name="Jens Hansen", phone="+4587654321")
    store.add_callback(kind="desk", topic="staff", lang="uk", place="kiosk:Lobby 1", site_id=site,
                       created_at=NOW - dt.timedelta(minutes=7))
    store.add_callback(kind="callback", topic="benefits", lang="en", name="Sam Carter",
                       phone="+4512345678", place="web", site_id=site,
                       created_at=NOW - dt.timedelta(minutes=65))
    convo, _ = Conversation.open(content, store, "stats", "kiosk", "da", now=lambda: NOW)
    for text in ("medarbejder", "2", "menu"):  # left the staff guide at its name question
        convo.handle(text)
    return {"olena": olena.code, "jens": jens.code, "jens_day": later.start.date().isoformat()}


async def log_in(pilot) -> None:
    await settle(pilot)
    pilot.app.screen.query_one("#initials", Input).value = "AB"
    pilot.app.screen.query_one("#pin", Input).value = "4821"
    await tap(pilot, "#pin-ok")


def cells(app, table_id: str) -> list[list[str]]:
    table = app.query_one(f"#{table_id}", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def test_bookings_are_found_by_name_phone_code_and_day(content, store) -> None:
    made = fill(content, store)
    engine = store.engine
    assert [b.name for b in find_bookings(engine, None, "olena")] == ["Olena Kovalenko"]
    assert [b.name for b in find_bookings(engine, None, "87 65 43 21")] == ["Jens Hansen"]
    assert [b.name for b in find_bookings(engine, None, made["jens"].lower())] == ["Jens Hansen"]
    day = parse_day(made["jens_day"])
    assert [b.name for b in find_bookings(engine, day, "")] == ["Jens Hansen"]
    assert parse_day("24.11.2026") == dt.date(2026, 11, 24) and parse_day("31.02.2026") is None


async def test_staff_screens_show_words_in_the_staff_members_language(content, store) -> None:
    made = fill(content, store)
    for lang, words in (("da", ["Møde efter særloven for ukrainere", "I jobcentret",
                                "ukrainsk", "Kiosk Lobby 1", "7 min", "1 t 5 min"]),
                        ("en", ["Meeting under the special law for Ukrainians",
                                "At the jobcenter", "Ukrainian", "Kiosk Lobby 1", "7 min",
                                "1 h 5 min"])):
        app = StaffApp(content, store, now=lambda: NOW, lang=lang, poll_seconds=3600)
        async with app.run_test(size=(160, 40)) as pilot:
            await log_in(pilot)
            app.query_one("#tabs").active = "tab-today"
            await settle(pilot)
            app.query_one("#booking-query", Input).value = "olena"
            await tap(pilot, "#booking-search")
            seen = str(cells(app, "today")) + str(cells(app, "queue")) + str(cells(app, "stats"))
            for word in words:
                assert word in seen, (lang, word)
            for code in CODES:
                assert code not in seen, (lang, code)
            # bookings on another day, by its date as staff write it
            app.query_one("#booking-query", Input).value = ""
            day = dt.date.fromisoformat(made["jens_day"])
            app.query_one("#booking-day", Input).value = day.strftime("%d.%m.%Y")
            await tap(pilot, "#booking-search")
            assert [row[3] for row in cells(app, "today")] == ["Jens Hansen"]


SIZE = (140, 36)


@pytest.fixture(autouse=True)
def fixed_codes(request, monkeypatch: pytest.MonkeyPatch) -> None:
    """Booking codes in a fixed order for the snapshots (they are random otherwise)."""
    if "snapshot" in request.node.name:
        codes = iter(["K7M2QX", "R4T9HW", "P3N8JD"])
        monkeypatch.setattr("assistant.booking.service.new_code", lambda: next(codes))


def staff_app(content, store, lang: str) -> StaffApp:
    return StaffApp(content, store, now=lambda: NOW, lang=lang, poll_seconds=3600)


def showing(tab: str, *then: str):
    async def run_before(pilot) -> None:
        await log_in(pilot)
        pilot.app.query_one("#tabs").active = tab
        await settle(pilot)
        for step in then:
            if step.startswith("="):
                field, value = step[1:].split("=", 1)
                pilot.app.query_one(field, Input).value = value
            else:
                await tap(pilot, step)
        for widget in pilot.app.query(Input):
            widget.cursor_blink = False
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("lang", ["da", "en"])
def test_snapshot_queue(snap_compare, content, store, lang: str) -> None:
    fill(content, store)
    assert snap_compare(staff_app(content, store, lang), terminal_size=SIZE,
                        run_before=showing("tab-queue"))


@pytest.mark.parametrize("lang", ["da", "en"])
def test_snapshot_bookings(snap_compare, content, store, lang: str) -> None:
    fill(content, store)
    assert snap_compare(staff_app(content, store, lang), terminal_size=SIZE,
                        run_before=showing("tab-today", "=#booking-query=olena",
                                           "#booking-search"))


@pytest.mark.parametrize("lang", ["da", "en"])
def test_snapshot_statistics(snap_compare, content, store, lang: str) -> None:
    fill(content, store)
    assert snap_compare(staff_app(content, store, lang), terminal_size=SIZE,
                        run_before=showing("tab-stats"))


@pytest.mark.parametrize("lang", ["da", "en"])
def test_snapshot_closing_a_day_asks_first(snap_compare, content, store, lang: str) -> None:
    fill(content, store)
    assert snap_compare(staff_app(content, store, lang), terminal_size=SIZE,
                        run_before=showing("tab-close", "=#close-date=25.11.2026",
                                           "=#close-reason=Strømsvigt", "#close-day"))


@pytest.mark.parametrize("lang", ["da", "en"])
def test_snapshot_knowledge_with_review_badges(snap_compare, content, store, lang: str) -> None:
    fill(content, store)

    async def search(pilot) -> None:
        await showing("tab-kb", "=#kb-query=voksenlærling")(pilot)
        await pilot.app.query_one("#kb-query", Input).action_submit()
        await settle(pilot)

    assert snap_compare(staff_app(content, store, lang), terminal_size=SIZE, run_before=search)


def test_the_booking_search_finds_cancelled_bookings_and_cyrillic_codes(content, store) -> None:
    from assistant.booking.codes import CYRILLIC_LOOKALIKES

    made = fill(content, store)
    engine = store.engine
    site = store.sites().sites[0].id
    BookingService(engine, now=lambda: NOW, site_id=site).cancel(made["jens"], "+4587654321")
    [found] = find_bookings(engine, None, "jens")
    assert found.cancelled and found.name == "Jens Hansen"  # found, and marked cancelled
    latin_to_cyrillic = {v: chr(k) for k, v in CYRILLIC_LOOKALIKES.items() if chr(k).isupper()}
    typed = "".join(latin_to_cyrillic.get(c, c) for c in made["olena"]).lower()
    assert [b.name for b in find_bookings(engine, None, typed)] == ["Olena Kovalenko"]
    day = parse_day(dt.date.fromisoformat(made["jens_day"]).strftime("%d.%m.%Y"))
    assert find_bookings(engine, day, "") == []  # a day's list: the meetings that are on


async def test_the_queue_shows_the_status_first_and_says_when_nobody_waits(content,
                                                                           store) -> None:
    add_staff(store.engine, "AB", "Anne B", "4821", languages="da")
    app = StaffApp(content, store, now=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        for _ in range(40):  # the queue is read in a worker: at most 2 s
            if app.known is not None:
                break
            await pilot.pause(0.05)
        await settle(pilot)
        assert "Ingen venter." in str(app.query_one("#queue-note").render())
        labels = [str(c.label) for c in app.query_one("#queue", DataTable).columns.values()]
        assert labels[:2] == ["Ny", "Status"] and labels.index("Status") < labels.index("Navn")


async def test_a_tab_opened_shows_what_is_true_now_and_its_search_box_has_the_focus(
        content, store) -> None:
    # the Bookings tab showed the list read at login: a booking made at a kiosk since was
    # missing until the day was searched again; and the Knowledge tab's first query went
    # nowhere, its box not focused
    fill(content, store)
    app = StaffApp(content, store, now=lambda: NOW, lang="en", poll_seconds=3600)
    async with app.run_test(size=(160, 40)) as pilot:
        await log_in(pilot)
        site = store.sites().sites[0].id
        service = BookingService(store.engine, now=lambda: NOW, site_id=site)
        free = service.free_times("job_meeting", "da", limit=1)[0]
        assert free.start.date() == NOW.date()
        service.book(meeting_type="job_meeting", channel="in_person", meeting_lang="da",
                     lang="da", free=free, name="Karen Nielsen", phone="+4526113399")
        app.query_one("#tabs").active = "tab-today"
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert "Karen Nielsen" in [row[3] for row in cells(app, "today")]
        assert app.focused is app.query_one("#booking-query")
        app.query_one("#tabs").active = "tab-kb"
        await settle(pilot)
        assert app.focused is app.query_one("#kb-query")


async def test_the_log_tells_its_details_in_the_readers_language(content, store) -> None:
    """The staff log (audit) keeps what each action was done to as parameters in no
    language, and words them in the reading staff member's language: a Danish member of
    staff read "request 3" and "2026-11-25: 1 cancelled" in English. Rows written before keep
    their stored English words, shown as they are (the log is append-only: never rewritten)."""
    from sqlmodel import Session as DB
    from sqlmodel import select

    from assistant.i18n import format_day
    from assistant.reports import close_day
    from assistant.staff import login
    from assistant.staffdesk import StaffDesk
    from assistant.store.models import AuditEntry, CallbackRequest

    made = fill(content, store)
    with DB(store.engine) as db:  # a row as an older version wrote it
        db.add(AuditEntry(staff="XY", action="close_day", detail="2026-11-20: 4 cancelled",
                          at=NOW - dt.timedelta(days=4)))
        db.commit()
        request = db.exec(select(CallbackRequest).where(CallbackRequest.kind == "desk")).one()
    assert StaffDesk(content, store, now=lambda: NOW).take(request.id, "AB")
    day = find_bookings(store.engine, None, made["olena"])[0].start.date()
    site = store.sites().sites[0].id
    assert close_day(store.engine, day, "AB", "Strømsvigt", now=lambda: NOW, site_id=site) == 1
    login(store.engine, "4821", "", now=lambda: NOW)  # a PIN typed in the initials box
    expected = {  # newest first
        "da": ["Ved en medarbejderskærm, ukendte initialer",
               f"{format_day(day, 'da')}: 1 møde aflyst", f"Henvendelse {request.id}",
               "2026-11-20: 4 cancelled"],
        "uk": ["На екрані працівника, невідомі ініціали",
               f"{format_day(day, 'uk')}: скасовано 1 зустріч", f"Запит {request.id}",
               "2026-11-20: 4 cancelled"],
    }
    for lang in ("da", "uk"):
        app = StaffApp(content, store, now=lambda: NOW, lang=lang, poll_seconds=3600)
        async with app.run_test(size=(160, 40)) as pilot:
            await log_in(pilot)
            app.query_one("#tabs").active = "tab-audit"
            await settle(pilot)
            await app.workers.wait_for_complete()
            await settle(pilot)
            details = [row[3] for row in cells(app, "audit") if row[3]]  # not log-ins
        assert details == expected[lang], lang
    # stored in no language: the action's key and its parameters
    with DB(store.engine) as db:
        stored = {row.action: (row.detail, row.params) for row in db.exec(
            select(AuditEntry).order_by(AuditEntry.id))}  # type: ignore[arg-type]
    assert stored["request_taken"] == ("", f'{{"request":{request.id}}}')
    assert stored["close_day"] == ("", f'{{"day":"{day.isoformat()}","cancelled":1}}')
    assert stored["login_failed"] == ("", '{"place":"staff","known":false}')


SHORT_HEADERS = {"da": "Ny Status Venter Hvad Hvor Sprog Emne Navn Telefon".split(),
                 "en": "New Status Waiting What Where Lang. About Name Phone".split(),
                 "uk": "Новий Стан Очікує Що Де Мова Тема Ім'я Телефон".split()}


@pytest.mark.parametrize("lang", ["da", "en", "uk"])
async def test_every_queue_column_shows_at_80_by_24(content, store, lang: str) -> None:
    # at 80 columns the queue showed New to Where (or Language) only: no topic, name or
    # phone number to call back; now short headers and words fit, and long values are cut
    from assistant.channels.tui.staff import COLUMNS
    from assistant.text import pick

    from .pilot import screen_lines

    fill(content, store)
    site = store.sites().sites[0].id
    store.add_callback(kind="callback", topic="benefits", lang="uk", place="kiosk:Lobby 2",
                       name="Oleksandra Volodymyrivna Shevchenko-Kovalenko",
                       phone="+380501234567", note="мій дозвіл закінчується наступного місяця",
                       site_id=site, created_at=NOW - dt.timedelta(minutes=3))
    app = StaffApp(content, store, now=lambda: NOW, lang=lang, poll_seconds=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        lines = screen_lines(pilot)
        header = next(line for line in lines if pick(COLUMNS["queue"][1], lang) in line)
        assert header.split() == SHORT_HEADERS[lang]
        row = next(line for line in lines if "+380501234567" in line)  # the number whole
        assert "Oleksa" in row and "…" in row and "Lobby 2" in row  # a long name cut
    app = StaffApp(content, store, now=lambda: NOW, lang=lang, poll_seconds=3600)
    async with app.run_test(size=(160, 40)) as pilot:  # wide: the full words, as before
        await log_in(pilot)
        await settle(pilot)
        labels = [str(c.label).strip() for c in app.query_one("#queue", DataTable).columns.values()]
        assert labels == [pick(h, lang) for h in COLUMNS["queue"]]
        assert "+380501234567" in " ".join(screen_lines(pilot))
