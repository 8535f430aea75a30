"""Kiosk idle wipe (fake clock), the PIN gate, interpreter mode, and the staff TUI."""

from __future__ import annotations

import datetime as dt

from rich.text import Text as RichText
from textual import events
from textual.widgets import Button, DataTable, Input, Static

from assistant.channels.tui.kiosk import ConversationScreen, IdleWarning, KioskApp, LanguageScreen
from assistant.channels.tui.pin import PinScreen
from assistant.channels.tui.staff import StaffApp
from assistant.channels.tui.staff_dialogs import Confirm
from assistant.staff import add_staff
from assistant.store.models import CallbackRequest

from .conftest import NOW
from .pilot import FakeClock, screen_lines, settle, submit, tap, until


def all_text(app) -> str:
    parts = []
    for widget in app.screen.query(Static):
        rendered = widget.render()
        parts.append(rendered.plain if isinstance(rendered, RichText) else str(rendered))
    for table in app.screen.query(DataTable):
        for row in range(table.row_count):
            parts.append(" ".join(str(c) for c in table.get_row_at(row)))
    return "\n".join(parts)


async def test_idle_warning_then_wipe_leaves_nothing_behind(content, store) -> None:
    clock = FakeClock()
    app = KioskApp(content, store, idle_seconds=90, warn_seconds=15, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await tap(pilot, "#lang-en")
        await tap(pilot, "#choice-9")  # talk to staff
        await tap(pilot, "#choice-2")
        await submit(pilot, "Secret Name")
        assert "Secret Name" in all_text(app)
        clock.now += 89
        app.tick()
        await pilot.pause()
        assert not isinstance(app.screen, IdleWarning)
        clock.now += 2
        app.tick()
        await pilot.pause()
        assert isinstance(app.screen, IdleWarning)
        assert "14 seconds" in all_text(app)
        clock.now += 14
        app.tick()
        await pilot.pause()
        assert isinstance(app.screen, LanguageScreen)
        assert app.wipes == 1
        assert "Secret Name" not in all_text(app)
        assert not [s for s in app.screen_stack if isinstance(s, ConversationScreen)]
        await settle(pilot)  # where the user left is counted in a worker
    from assistant.reports import flow_statistics

    staff_flow = next(f for f in flow_statistics(store.engine, NOW.date()) if f.flow_id == "staff")
    assert staff_flow.started == 1 and staff_flow.left_at == {"phone": 1}


async def test_a_key_during_the_warning_keeps_the_session_and_what_is_typed(content, store) -> None:
    clock = FakeClock()
    app = KioskApp(content, store, lang="uk", idle_seconds=90, warn_seconds=15, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        clock.now += 95
        app.tick()
        await until(pilot, lambda: isinstance(app.screen, IdleWarning)
                    and "через 10 секунд" in all_text(app), "the warning is shown")
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConversationScreen),
                    "the warning is gone")
        clock.now += 30
        app.tick()
        assert app.wipes == 0
        # a citizen coming back types a sentence: the first key closes the warning, the next
        # ones arrive before it is gone (a second close ended the kiosk with a traceback), and
        # what they type goes on into the text box
        clock.now += 65  # 95 seconds after the key
        app.tick()
        await pilot.pause()
        warning = app.screen
        assert isinstance(warning, IdleWarning)
        for key in " чи можу":  # all before the screen is gone, as a person types
            warning.on_key(events.Key(key, key))
        await until(pilot, lambda: isinstance(app.screen, ConversationScreen)
                    and app.screen.query_one("#entry", Input).value.endswith(" чи можу"),
                    "the warning is gone and what was typed is in the text box")
        assert app.is_running and app.wipes == 0


async def test_quitting_the_kiosk_takes_a_staff_pin(content, store) -> None:
    add_staff(store.engine, "AB", "Anne B", "4821")
    app = KioskApp(content, store, lang="da")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, PinScreen)
        app.screen.query_one("#initials", Input).value = "ab"
        app.screen.query_one("#pin", Input).value = "0000"
        await tap(pilot, "#pin-ok")
        assert isinstance(app.screen, PinScreen)
        assert "Forkerte initialer eller PIN" in all_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConversationScreen), "a citizen cannot get out"
        await pilot.press("ctrl+c")
        await settle(pilot)
        app.screen.query_one("#initials", Input).value = "AB"
        app.screen.query_one("#pin", Input).value = "4821"
        await tap(pilot, "#pin-ok")
    assert app.return_code == 0


async def test_interpreter_mode_shows_both_languages(content, store) -> None:
    app = KioskApp(content, store, lang="uk", bilingual=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = all_text(app)
        assert "Що ви хочете зробити?" in text and "Hvad vil du gerne?" in text
        assert "1. Записатися на зустріч" in text and "1. Book et møde" in text
        assert [str(b.label) for b in app.screen.query("#choices Button")] == [
            str(n) for n in range(1, 10)]
        assert str(app.screen.query_one("#cmd-back", Button).label) == "Назад\nTilbage"
        await tap(pilot, "#interpreter")
        labels = [str(b.label) for b in app.screen.query(Button)]
        assert "1. Записатися на зустріч" in labels and "Назад" in labels


async def test_staff_login_and_screens(content, store) -> None:
    add_staff(store.engine, "AB", "Anne B", "4821")
    store.add_callback(kind="callback", topic="meeting", lang="uk", name="[red]Olga[/red]",
                       phone="+4522334455")
    app = StaffApp(content, store, now=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, PinScreen)
        app.screen.query_one("#initials", Input).value = "AB"
        app.screen.query_one("#pin", Input).value = "4821"
        await tap(pilot, "#pin-ok")
        assert app.staff == "AB"
        table = app.query_one("#queue", DataTable)
        assert table.row_count == 1
        row = [str(c) for c in table.get_row_at(0)]
        assert row[1] == "Venter" and row[3:] == [
            "Ring op", "Kiosk", "ukrainsk", "Et møde", "[red]Olga[/red]",
            "+4522334455"]  # words in Danish, the name as written
        table.move_cursor(row=0)
        await tap(pilot, "#req-done")
        assert isinstance(app.screen, Confirm)  # marking done asks first
        await tap(pilot, "#confirm-yes")
        assert table.row_count == 0
        app.query_one("#tabs").active = "tab-kb"
        await pilot.pause()
        query = app.query_one("#kb-query", Input)
        query.value = "voksenlærling"
        await query.action_submit()
        await settle(pilot)
        assert "[Oversættelse ikke tjekket: dansk, engelsk, ukrainsk]" in all_text(app)
        audit = app.query_one("#audit", DataTable)
        actions = {str(audit.get_row_at(i)[2]) for i in range(audit.row_count)}
        assert {"Loggede ind", "Markerede en henvendelse som klaret"} <= actions


async def test_closing_a_day_asks_first_then_cancels_and_queues_sms(content, store) -> None:
    from sqlmodel import Session as DB
    from sqlmodel import select

    from assistant.booking.service import BookingService
    from assistant.store.models import Booking, Outbox

    add_staff(store.engine, "AB", "Anne B", "4821")
    service = BookingService(store.engine, now=lambda: NOW)
    free = service.free_times("job_meeting", "da", limit=1)[0]
    service.book(meeting_type="job_meeting", channel="phone", meeting_lang="da", lang="da",
                 free=free, name="X", phone="+4522334455")
    app = StaffApp(content, store, now=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.query_one("#initials", Input).value = "AB"
        app.screen.query_one("#pin", Input).value = "4821"
        await tap(pilot, "#pin-ok")
        assert app.query_one("#today", DataTable).row_count == 1
        app.query_one("#tabs").active = "tab-close"
        await pilot.pause()
        app.query_one("#close-date", Input).value = free.start.strftime("%d.%m.%Y")
        app.query_one("#close-reason", Input).value = "Strømsvigt"
        await tap(pilot, "#close-day")
        assert isinstance(app.screen, Confirm)
        await tap(pilot, "#confirm-no")  # no: nothing happens
        assert "Intet blev ændret" in str(app.query_one("#close-result", Static).render())
        assert app.query_one("#today", DataTable).row_count == 1
        await tap(pilot, "#close-day")
        await tap(pilot, "#confirm-yes")
        assert app.query_one("#today", DataTable).row_count == 0
        result = str(app.query_one("#close-result", Static).render())
        assert "tirsdag den 24. november 2026 er lukket. 1 møde aflyst" in result
    with DB(store.engine) as db:
        assert db.exec(select(Booking)).one().status == "cancelled"
        notice = db.exec(select(Outbox).where(Outbox.kind == "notice")).one()
        assert "Jobcentret er lukket tirsdag den 24. november 2026" in notice.body
    assert service.free_times("job_meeting", "da", limit=1)[0].start.date() > free.start.date()
    assert CallbackRequest  # imported for the staff screen's data


def test_staff_pin_back_off(db_url) -> None:
    from assistant.staff import login
    from assistant.store.db import make_engine
    from assistant.store.sessions import SessionStore

    store = SessionStore(make_engine(db_url))
    add_staff(store.engine, "AB", "Anne B", "4821")
    t = [NOW]
    for _ in range(3):
        assert login(store.engine, "AB", "0000", now=lambda: t[0]).staff is None
    blocked = login(store.engine, "AB", "4821", now=lambda: t[0])
    assert blocked.staff is None and blocked.wait > dt.timedelta(0)
    t[0] = NOW + dt.timedelta(minutes=1)
    assert login(store.engine, "AB", "4821", now=lambda: t[0]).staff is not None


async def test_wrong_pins_at_the_public_kiosk_never_lock_out_the_staff_terminal(
        content, store) -> None:
    """Someone at the lobby kiosk's quit screen (or at /tui) tries PINs for a staff member's
    initials: the kiosk makes them wait, but at the staff terminal the right PIN still works."""
    add_staff(store.engine, "AB", "Anne B", "4821")
    kiosk = KioskApp(content, store, lang="da")
    async with kiosk.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        for _ in range(5):
            kiosk.screen.query_one("#initials", Input).value = "AB"
            kiosk.screen.query_one("#pin", Input).value = "0000"
            await tap(pilot, "#pin-ok")
        assert "vent" in all_text(kiosk), "the kiosk backs off"
    staff = StaffApp(content, store, now=lambda: NOW)
    async with staff.run_test(size=(120, 40)) as pilot:
        staff.screen.query_one("#initials", Input).value = "AB"
        staff.screen.query_one("#pin", Input).value = "4821"
        await tap(pilot, "#pin-ok")
        assert staff.staff == "AB"


def test_pin_back_off_is_counted_per_place(db_url) -> None:
    from assistant.staff import KIOSK, STAFF_TERMINAL, login
    from assistant.store.db import make_engine

    engine = make_engine(db_url)
    add_staff(engine, "AB", "Anne B", "4821")
    for _ in range(6):
        assert login(engine, "AB", "0000", now=lambda: NOW, place=KIOSK).staff is None
    assert login(engine, "AB", "4821", now=lambda: NOW, place=KIOSK).wait > dt.timedelta(0)
    assert login(engine, "AB", "4821", now=lambda: NOW, place=STAFF_TERMINAL).staff is not None
    for _ in range(3):
        assert login(engine, "AB", "0000", now=lambda: NOW, place=STAFF_TERMINAL).staff is None
    assert login(engine, "AB", "4821", now=lambda: NOW).wait > dt.timedelta(0), (
        "the staff terminal still backs off its own failures")
    engine.dispose()


def test_a_failed_login_never_stores_what_was_typed_as_initials(db_url, caplog) -> None:
    """A PIN typed in the initials box is kept nowhere: only initials of a member of staff
    are logged and audited; others are "unknown initials"."""
    from sqlmodel import Session as DB
    from sqlmodel import select

    from assistant.staff import login
    from assistant.store.db import make_engine
    from assistant.store.models import AuditEntry, LoginAttempt

    engine = make_engine(db_url)
    add_staff(engine, "AB", "Anne B", "4821")
    assert login(engine, "4821", "", now=lambda: NOW).staff is None  # the PIN, in the wrong box
    assert login(engine, "AB", "0000", now=lambda: NOW).staff is None
    with DB(engine) as db:
        audited = [(a.staff, a.params) for a in db.exec(
            select(AuditEntry).where(AuditEntry.action == "login_failed").order_by(AuditEntry.id))]
        attempts = {a.initials for a in db.exec(select(LoginAttempt))}
    assert audited == [("?", '{"place":"staff","known":false}'),
                       ("AB", '{"place":"staff","known":true}')]
    assert attempts == {"?", "AB"}
    assert "4821" not in caplog.text
    engine.dispose()


def test_a_pin_that_quits_a_kiosk_is_no_login_in_the_log(db_url) -> None:
    # the staff log said "Logged in" for a kiosk closed with a PIN
    from sqlmodel import Session as DB
    from sqlmodel import select

    from assistant.staff import KIOSK, login
    from assistant.store.db import make_engine
    from assistant.store.models import AuditEntry

    engine = make_engine(db_url)
    add_staff(engine, "AB", "Anne B", "4821")
    assert login(engine, "AB", "4821", now=lambda: NOW, place=KIOSK).staff is not None
    assert login(engine, "AB", "4821", now=lambda: NOW).staff is not None
    with DB(engine) as db:
        actions = [a.action for a in db.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-2:] == ["kiosk_quit", "login"]
    engine.dispose()



async def test_in_the_interpreter_view_the_idle_warning_is_in_both_languages(
        content, store) -> None:
    clock = FakeClock()
    app = KioskApp(content, store, lang="uk", bilingual=True, idle_seconds=90,
                   warn_seconds=15, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        clock.now += 91
        app.tick()
        await pilot.pause()
        assert isinstance(app.screen, IdleWarning)
        text = all_text(app)
        assert "14 секунд" in text and "14 sekunder" in text
        lines = "\n".join(screen_lines(pilot))
        assert "Ви ще тут?" in lines and "Er du her stadig?" in lines
