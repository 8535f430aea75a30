"""Several municipalities on one service: two sites on one database. A Lejre kiosk and a
Slagelse SMS number book in their own calendars; a Lejre citizen never sees a Slagelse-only
entry; staff of one site cannot see the other's bookings; the web page belongs to a site by
its path or host."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from pathlib import Path

import pytest
from sqlmodel import Session as DB
from sqlmodel import select
from starlette.testclient import TestClient

from assistant.channels.sms import sms_turn
from assistant.channels.tui.staff import StaffApp
from assistant.channels.web import make_app
from assistant.conversation import Conversation
from assistant.outputs import Card, Choices, Say
from assistant.reports import bookings_on, flow_statistics
from assistant.site.apply import apply_site
from assistant.site.spec import load_site
from assistant.store.db import make_engine
from assistant.store.models import Booking, Staff
from assistant.store.sessions import SessionStore
from assistant.text import pick

HERE = Path(__file__).parent / "data" / "sites"
NOW = dt.datetime(2026, 12, 23, 7, 0, tzinfo=dt.UTC)  # Wednesday 08.00 in Copenhagen
SLAGELSE_NUMBER = "+4500000002"
BOOK = ["1", "1", "1", "1", "1", "Test Person"]
"""Book, job meeting (the only meeting type both sites have), in Danish, at the jobcenter, the
first time, the name (then a phone)."""


@pytest.fixture
def two_sites(pg_url: str) -> SessionStore:
    engine = make_engine(pg_url)
    for name in ("lejre", "slagelse"):
        apply_site(engine, load_site(HERE / f"{name}.yaml"))
    yield SessionStore(engine)
    engine.dispose()


def said(outputs: list, lang: str = "da") -> str:
    return "\n".join(pick(o.text, lang) for o in outputs if isinstance(o, Say))


def test_a_lejre_kiosk_and_a_slagelse_sms_number_book_in_their_own_calendars(
        two_sites: SessionStore, content) -> None:
    store = two_sites
    lejre = store.sites().by_code("lejre")
    kiosk, _ = Conversation.open(content, store, "kiosk:lejre-1", "kiosk", "da",
                                 now=lambda: NOW, site=lejre)  # what `kiosk --site lejre` does
    for raw in [*BOOK, "22334455"]:
        kiosk.handle(raw)
    assert "Dit møde er booket." in said(kiosk.handle("1"))

    reply = ""
    for n, raw in enumerate([*BOOK, "22334466", "1"]):
        reply = sms_turn(content, store, phone="+4522334466", body=raw, sid=f"SMs{n}",
                         now=lambda: NOW, to=SLAGELSE_NUMBER)
    assert "Dit møde er booket." in reply

    with DB(store.engine) as db:
        staff = {s.id: s.initials for s in db.exec(select(Staff))}
        booked = {b.phone: (b.site_id, staff[b.staff_id], b.start)
                  for b in db.exec(select(Booking))}
    sites = {s.code: s.id for s in store.sites().sites}
    lejre_at, slagelse_at = booked["+4522334455"], booked["+4522334466"]
    assert lejre_at[:2] == (sites["lejre"], "LE1")
    assert slagelse_at[:2] == (sites["slagelse"], "SL1")
    # each by its own opening hours: Lejre from 09.00 (10.00 with 2 h notice), Slagelse 10-14
    assert slagelse_at[2] == dt.datetime(2026, 12, 23, 9, 0, tzinfo=dt.UTC)

    # staff of one site cannot see the other's bookings
    day = dt.date(2026, 12, 23)
    assert [r.staff for r in bookings_on(store.engine, day, sites["lejre"])] == ["LE1"]
    assert [r.staff for r in bookings_on(store.engine, day, sites["slagelse"])] == ["SL1"]
    app = StaffApp(content, store, now=lambda: NOW)
    app.staff = "LE1"
    today = app._read_tables()["today"]
    assert [row[8] for row in today] == ["LE1"]  # the Staff column
    # and statistics are per site: each site counted its one booking flow
    for code in ("lejre", "slagelse"):
        book = [f for f in flow_statistics(store.engine, day, sites[code]) if f.flow_id == "book"]
        assert [(f.started, f.completed) for f in book] == [(1, 1)]


def test_a_lejre_citizen_never_sees_a_slagelse_only_entry(two_sites: SessionStore,
                                                          content) -> None:
    store = two_sites
    question = "what is a flexjob"  # answered by fleksjob, a Slagelse entry
    assert content.knowledge.entries["fleksjob"].municipality == "slagelse"
    at = {code: Conversation.open(content, store, f"web:{code}", "web", "en", now=lambda: NOW,
                                  site=store.sites().by_code(code))[0]
          for code in ("lejre", "slagelse")}
    slagelse = at["slagelse"].handle(question)
    assert any(isinstance(o, Card) and o.entry_id == "fleksjob" for o in slagelse)
    lejre = at["lejre"].handle(question)
    shown = [o for o in lejre if isinstance(o, Card)]
    suggested = [c.value for o in lejre if isinstance(o, Choices) for c in o.options]
    assert all(c.entry_id != "fleksjob" for c in shown)
    assert "entry:fleksjob" not in suggested
    assert content.knowledge.card("fleksjob", municipality="lejre") is None
    # national entries show everywhere
    assert content.knowledge.card("voksenlaerling", municipality="lejre") is not None
    for entry in content.knowledge.entries.values():
        if entry.municipality == "slagelse":
            assert content.knowledge.card(entry.id, municipality="lejre") is None


def test_the_web_page_belongs_to_a_site_by_path_or_host(two_sites: SessionStore,
                                                        content) -> None:
    client = TestClient(make_app(content, two_sites, now=lambda: NOW))
    assert client.get("/s/lejre/").status_code == 200
    by_path = client.post("/api/sessions", json={"lang": "en", "site": "lejre"}).json()
    by_host = client.post("/api/sessions", json={"lang": "en"},
                          headers={"host": "slagelse.example.invalid"}).json()
    assert client.post("/api/sessions", json={"site": "nowhere"}).status_code == 404
    for token, name, hours in ((by_path["session"], "Lejre", "09:00–15:00"),
                               (by_host["session"], "Slagelse", "10:00–14:00")):
        reply = str(client.post(f"/api/sessions/{token}/messages",
                                json={"text": "when are you open today?"}).json()["reply"])
        assert name in reply and hours in reply, reply


async def test_a_kiosk_belongs_to_the_site_it_is_started_for(two_sites: SessionStore,
                                                             content) -> None:
    from assistant.channels.tui.kiosk import ConversationScreen, KioskApp

    app = KioskApp(lambda: content, lambda: two_sites, lang="en", site="slagelse")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        assert app.screen.convo.site.code == "slagelse" and not app.no_site


async def test_a_kiosk_for_a_site_the_database_does_not_have_ends_and_says_so(
        two_sites: SessionStore, content) -> None:
    from textual.worker import WorkerCancelled

    from assistant.channels.tui.kiosk import KioskApp

    app = KioskApp(lambda: content, lambda: two_sites, lang="en", site="roskilde")
    async with app.run_test(size=(80, 24)) as pilot:
        with suppress(WorkerCancelled):  # the kiosk ends: its other workers with it
            await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 2
    assert app.bad_site == "no site 'roskilde' in this database (it has: lejre, slagelse)"


async def test_staff_logged_in_at_one_site_see_only_its_bookings(two_sites: SessionStore,
                                                                  content) -> None:
    from textual.widgets import DataTable, Input

    from assistant.booking.service import BookingService
    from assistant.staff import add_staff

    from .pilot import settle, tap

    store = two_sites
    codes = {}
    for code, phone in (("lejre", "+4522334455"), ("slagelse", "+4522334466")):
        service = BookingService(store.engine, now=lambda: NOW,
                                 site_id=store.sites().by_code(code).id)
        free = service.free_times("job_meeting", "da", limit=1)[0]
        codes[code] = service.book(meeting_type="job_meeting", channel="in_person",
                                   meeting_lang="da", lang="da", free=free, name="Test Person",
                                   phone=phone).code
    add_staff(store.engine, "SL1", "", "4821")  # the PIN of Slagelse's member of staff
    app = StaffApp(content, store, now=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.query_one("#initials", Input).value = "SL1"
        app.screen.query_one("#pin", Input).value = "4821"
        await tap(pilot, "#pin-ok")
        await settle(pilot)
        table = app.query_one("#today", DataTable)
        shown = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]  # Code
    assert shown == [codes["slagelse"]]


def test_a_desk_request_reaches_only_its_own_sites_staff_queue(two_sites: SessionStore,
                                                               content) -> None:
    from assistant.staffdesk import StaffDesk

    store = two_sites
    lejre = store.sites().by_code("lejre")
    open_hours = NOW + dt.timedelta(hours=2)  # 10.00: the test Lejre opens at 09.00
    kiosk, _ = Conversation.open(content, store, "kiosk:lejre-2", "kiosk", "da",
                                 now=lambda: open_hours, site=lejre, place="kiosk:Lejre hall")
    kiosk.handle("talk to a person")
    kiosk.handle("1")
    desk = StaffDesk(content, store, now=lambda: NOW)
    sites = {s.code: s.id for s in store.sites().sites}
    assert [item.place for item in desk.queue(sites["lejre"])] == ["kiosk:Lejre hall"]
    assert desk.queue(sites["slagelse"]) == []


def test_booking_offers_only_the_meeting_types_the_site_has(two_sites: SessionStore,
                                                            content) -> None:
    from assistant.booking.conversation import offer_slots
    from assistant.outputs import SlotRequest

    lejre = two_sites.sites().by_code("lejre")
    kiosk, _ = Conversation.open(content, two_sites, "kiosk:lejre-types", "kiosk", "en",
                                 now=lambda: NOW, site=lejre)
    [menu] = [o for o in kiosk.handle("1") if isinstance(o, Choices)]
    assert [pick(c.label, "en") for c in menu.options] == ["Job meeting"]

    # a flow that books a kind of meeting Lejre does not have (repatriation) says so
    repatriation, _ = Conversation.open(content, two_sites, "kiosk:lejre-rep", "kiosk", "en",
                                        now=lambda: NOW, site=lejre)
    outputs = offer_slots(SlotRequest("repatriation", "slot"), repatriation)
    assert "Booking this kind of meeting is not available at this jobcenter" in said(outputs,
                                                                                      "en")
    assert "no free time" not in said(outputs, "en")
    [offer] = [o for o in outputs if isinstance(o, Choices)]
    assert [pick(c.label, "en") for c in offer.options] == ["Ask staff to call me"]
