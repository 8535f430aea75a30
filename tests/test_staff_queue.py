"""The staff TUI's queue, left open: requests made elsewhere (another process, on
PostgreSQL) appear within two seconds with a mark and the bell, in words (where, what
language, how long); a member of staff takes a web or an SMS conversation, writes, and hands
it back, and the citizen gets it on their own channel."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import uuid

from sqlmodel import Session as DB
from sqlmodel import select
from starlette.testclient import TestClient
from textual.widgets import DataTable, Input

from assistant.channels.sms import sms_turn
from assistant.channels.tui.staff import StaffApp
from assistant.channels.tui.staff_takeover import TakeoverScreen
from assistant.channels.web import make_app
from assistant.conversation import Conversation
from assistant.staff import add_staff
from assistant.staffdesk import StaffDesk
from assistant.store.db import make_engine
from assistant.store.demo import seed_demo
from assistant.store.models import Outbox
from assistant.store.sessions import SessionStore

from .conftest import NOW
from .pilot import settle, tap

BASE = "https://kiosk.example.dk"

ELSEWHERE = """
import datetime as dt
import sys
from starlette.testclient import TestClient
from assistant.app import load_content, open_store
from assistant.channels.web import make_app
from assistant.conversation import Conversation
from assistant.conversation import Conversation

content, store = load_content(), open_store(sys.argv[1])
open_hours = lambda: dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)  # a Tuesday, open
kiosk, _ = Conversation.open(content, store, "kiosk:elsewhere", "kiosk", "uk",
                             place="kiosk:Lobby 1", now=open_hours)
kiosk.handle("працівник")
kiosk.handle("1")
caller, _ = Conversation.open(content, store, "kiosk:caller", "kiosk", "da",
                              place="kiosk:Lobby 2")
for text in ("medarbejder", "2", "Jens Hansen", "22334455", "2", "1"):
    caller.handle(text)
client = TestClient(make_app(content, store), base_url="https://kiosk.example.dk")
token = client.post("/api/sessions", json={"lang": "en"}).json()["session"]
for text in ("staff", "1"):
    assert client.post(f"/api/sessions/{token}/messages", json={"text": text}).status_code == 200
"""


def rows(app) -> list[list[str]]:
    table = app.query_one("#queue", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def log_in(pilot, initials: str = "AB", pin: str = "4821") -> None:
    await settle(pilot)
    pilot.app.screen.query_one("#initials", Input).value = initials
    pilot.app.screen.query_one("#pin", Input).value = pin
    await tap(pilot, "#pin-ok")


async def until(pilot, check, seconds: float) -> float:
    """Wait, as a person watching the screen would, until ``check()`` holds; how long it
    took. Fails after ``seconds``."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"not within {seconds} s")
        await pilot.pause(0.05)
    return time.monotonic() - started


async def test_an_open_staff_screen_shows_new_kiosk_callback_and_web_requests_within_2_s(
        content, pg_url: str) -> None:
    engine = make_engine(pg_url)
    seed_demo(engine)
    add_staff(engine, "AB", "Anne B", "4821", languages="en,da")
    app = StaffApp(content, SessionStore(engine))  # the real clock: waiting times are real
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(160, 40)) as pilot:
        await log_in(pilot)
        await until(pilot, lambda: app.known is not None, 2)
        assert rows(app) == []
        made = await asyncio.to_thread(subprocess.run, [sys.executable, "-c", ELSEWHERE,
                                                        pg_url], capture_output=True, text=True)
        assert made.returncode == 0, made.stderr
        await until(pilot, lambda: len(rows(app)) == 3, 2.0)
        kiosk, callback, web = rows(app)
        assert kiosk[:6] == ["● New", "Waiting", "under a minute",
                             "Wants a person at the kiosk", "Kiosk Lobby 1", "Ukrainian"]
        assert callback == ["● New", "Waiting", "under a minute", "Call back", "Kiosk Lobby 2",
                            "Danish", "Benefits and money", "Jens Hansen", "+4522334455"]
        assert web[:6] == ["● New", "Waiting", "under a minute", "Wants to write with a person",
                           "Web page", "English"]
        assert bells, "the terminal bell rang"
        assert "3 requests are waiting. New ones are marked." in str(
            app.query_one("#queue-note").render())
    engine.dispose()


def asks_for_staff_on_the_web(content, store, lang: str, word: str
                              ) -> tuple[TestClient, str, dict]:
    """A web page's citizen who asks for a person ("staff", "medarbejder") and to write with
    one now ("1"): the client, the page's token and the reply to "1"."""
    client = TestClient(make_app(content, store), base_url=BASE)
    token = client.post("/api/sessions", json={"lang": lang}).json()["session"]
    client.post(f"/api/sessions/{token}/messages", json={"text": word})
    asked = client.post(f"/api/sessions/{token}/messages", json={"text": "1"}).json()
    return client, token, asked


async def take_the_one_request(pilot, app: StaffApp) -> None:
    """Log in, wait for the one request in the queue, take it: its conversation opens."""
    await log_in(pilot)
    await until(pilot, lambda: len(rows(app)) == 1, 2)
    await tap(pilot, "#req-take")
    await until(pilot, lambda: isinstance(app.screen, TakeoverScreen), 2)


async def test_staff_take_a_web_conversation_write_and_hand_it_back(content, store) -> None:
    add_staff(store.engine, "AB", "Anne B", "4821", languages="da")
    client, token, asked = asks_for_staff_on_the_web(content, store, "en", "staff")
    app = StaffApp(content, store)
    async with app.run_test(size=(160, 40)) as pilot:
        await log_in(pilot)
        await until(pilot, lambda: len(rows(app)) == 1, 2)
        assert rows(app)[0][4:6] == ["Hjemmeside", "engelsk"]  # in the staff member's words
        await tap(pilot, "#req-take")
        await until(pilot, lambda: isinstance(app.screen, TakeoverScreen), 2)
        joined = client.get(f"/api/sessions/{token}/news",
                            params={"after": asked["turn"]}).json()
        assert "Anne B from the jobcenter has joined" in joined["reply"][0]["text"]
        client.post(f"/api/sessions/{token}/messages", json={"text": "Can you help me?"})
        await until(pilot, lambda: "Can you help me?" in texts(app.screen), 2)
        app.screen.query_one("#to-text", Input).value = "Yes, tell me more."
        await pilot.press("enter")
        await settle(pilot)
        news = client.get(f"/api/sessions/{token}/news", params={"after": joined["turn"]}).json()
        assert [i["text"] for i in news["reply"]] == ["Yes, tell me more."]
        await tap(pilot, "#to-handback")
        assert not isinstance(app.screen, TakeoverScreen)
    left = client.get(f"/api/sessions/{token}/news", params={"after": news["turn"]}).json()
    assert "left the conversation" in left["reply"][0]["text"] and left["staff"] is False
    again = client.post(f"/api/sessions/{token}/messages", json={"text": "menu"}).json()
    assert any(item["type"] == "choices" for item in again["reply"])


def texts(screen) -> str:
    from textual.widgets import Static

    return "\n".join(str(s.render()) for s in screen.query(Static))


async def test_staff_take_an_sms_conversation_and_the_replies_go_by_sms(content, store) -> None:
    add_staff(store.engine, "AB", "Anne B", "4821", languages="en")

    def sms(body: str) -> str:
        return sms_turn(content, store, phone="+4522334455", body=body, sid=uuid.uuid4().hex)

    sms("hej")
    sms("medarbejder")
    sms("1")
    app = StaffApp(content, store)
    async with app.run_test(size=(160, 40)) as pilot:
        await log_in(pilot)
        await until(pilot, lambda: len(rows(app)) == 1, 2)
        assert rows(app)[0][4:6] == ["SMS", "Danish"]
        await tap(pilot, "#req-take")
        await until(pilot, lambda: isinstance(app.screen, TakeoverScreen), 2)
        assert sms("Hvornår er mit møde?") == ""  # the person answers, not the assistant
        await until(pilot, lambda: "Hvornår er mit møde?" in texts(app.screen), 2)
        app.screen.query_one("#to-text", Input).value = "Det er på tirsdag kl. 10."
        await tap(pilot, "#to-send")
        await tap(pilot, "#to-handback")
    with DB(store.engine) as db:
        sent = [m.body for m in db.exec(select(Outbox).where(Outbox.kind == "staff")
                                        .order_by(Outbox.id))]
    assert "Anne B fra jobcentret er kommet med i samtalen" in sent[0]
    assert sent[1] == "Det er på tirsdag kl. 10."
    assert "forladt samtalen" in sent[2]
    assert "1 " in sms("menu")  # the assistant answers again


async def test_a_request_someone_else_took_is_not_taken_twice(content, store) -> None:
    add_staff(store.engine, "AB", "Anne B", "4821", languages="en")
    add_staff(store.engine, "CD", "Carl D", "4822")
    _client, _token, _asked = asks_for_staff_on_the_web(content, store, "da", "medarbejder")
    app = StaffApp(content, store)
    async with app.run_test(size=(160, 40)) as pilot:
        await log_in(pilot)
        await until(pilot, lambda: len(rows(app)) == 1, 2)
        [item] = StaffDesk(content, store).queue()
        assert StaffDesk(content, store).take(item.id, "CD")  # another desk, a moment before
        await tap(pilot, "#req-take")
        assert not isinstance(app.screen, TakeoverScreen)
        await until(pilot, lambda: rows(app)[0][1] == "Taken by CD", 2)


async def test_a_citizen_writing_after_staff_left_the_conversation_shows_in_the_queue(
        content, store) -> None:
    add_staff(store.engine, "AB", "Anne B", "4821", languages="en")
    client, token, _asked = asks_for_staff_on_the_web(content, store, "en", "staff")
    app = StaffApp(content, store)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(160, 40)) as pilot:
        await take_the_one_request(pilot, app)
        await tap(pilot, "#to-back")  # to the queue: the conversation is still theirs
        await until(pilot, lambda: rows(app)[0][0] == "", 2)
        bells.clear()
        client.post(f"/api/sessions/{token}/messages", json={"text": "Are you there?"})
        await until(pilot, lambda: rows(app)[0][0] == "✉ New message", 2)
        assert bells, "the terminal bell rang"
        assert "A citizen has written to you." in str(app.query_one("#queue-note").render())
        await tap(pilot, "#req-open")
        await until(pilot, lambda: "Are you there?" in texts(app.screen), 2)
        await tap(pilot, "#to-back")
        await until(pilot, lambda: rows(app)[0][0] == "", 2)  # seen: no longer marked


async def test_marking_a_waiting_web_request_done_says_the_citizen_will_be_told(
        content, store) -> None:
    from assistant.channels.tui.staff_dialogs import Confirm

    add_staff(store.engine, "AB", "Anne B", "4821", languages="en")
    client, token, asked = asks_for_staff_on_the_web(content, store, "da", "medarbejder")
    app = StaffApp(content, store)
    async with app.run_test(size=(160, 40)) as pilot:
        await log_in(pilot)
        await until(pilot, lambda: len(rows(app)) == 1, 2)
        await tap(pilot, "#req-done")
        assert isinstance(app.screen, Confirm)
        assert "The citizen will be told" in texts(app.screen)
        await tap(pilot, "#confirm-yes")
        await until(pilot, lambda: rows(app) == [], 2)
    news = client.get(f"/api/sessions/{token}/news", params={"after": asked["turn"]}).json()
    assert "booke et møde" in news["reply"][0]["text"]


async def test_closing_a_taken_request_asks_first_with_no_focused(content, store) -> None:
    # "Close the request" in a taken conversation closed it at the first Enter, where "Mark
    # done" in the queue asks (SECURITY.md: a dialog whose "No" has the focus)
    from assistant.channels.tui.staff_dialogs import Confirm

    add_staff(store.engine, "AB", "Anne B", "4821", languages="en")
    _client, _token, _asked = asks_for_staff_on_the_web(content, store, "en", "staff")
    app = StaffApp(content, store)
    async with app.run_test(size=(160, 40)) as pilot:
        await take_the_one_request(pilot, app)
        await tap(pilot, "#to-close")
        assert isinstance(app.screen, Confirm)
        assert app.focused is not None and app.focused.id == "confirm-no"
        await pilot.press("enter")  # No
        await settle(pilot)
        assert isinstance(app.screen, TakeoverScreen), "nothing was closed"
        await tap(pilot, "#to-close")
        await tap(pilot, "#confirm-yes")
        await until(pilot, lambda: not isinstance(app.screen, TakeoverScreen), 2)
        await until(pilot, lambda: rows(app) == [], 2)


async def test_a_web_citizen_who_ends_the_chat_is_shown_ended_to_the_member_of_staff(
        content, store) -> None:
    add_staff(store.engine, "AB", "Anne B", "4821", languages="en")
    client = TestClient(make_app(content, store), base_url=BASE)
    token = client.post("/api/sessions", json={"lang": "da"}).json()["session"]
    for text in ("9", "1"):  # talk to staff, now
        client.post(f"/api/sessions/{token}/messages", json={"text": text})
    app = StaffApp(content, store)
    async with app.run_test(size=(160, 40)) as pilot:
        await take_the_one_request(pilot, app)
        assert client.post(f"/api/sessions/{token}/messages",
                           json={"text": "afslut"}).json()["ended"] is True
        await until(pilot, lambda: "ended the conversation" in texts(app.screen), 2)
        assert "Citizen: afslut" in texts(app.screen)
        app.screen.query_one("#to-text", Input).value = "Hello?"
        await pilot.press("enter")
        await settle(pilot)
        notes = [n.message for n in app._notifications]
        assert any("nothing more reaches the citizen" in n for n in notes), notes
        await tap(pilot, "#to-back")
        await until(pilot, lambda: rows(app) == [], 2)


async def test_a_callback_in_the_citizens_own_words_shows_them_in_the_queue(
        content, store) -> None:
    # "мій дозвіл закінчується" at "what is it about?" was refused, and a member of staff
    # calling back learnt only "Something else"
    add_staff(store.engine, "AB", "Anne B", "4821", languages="da")
    convo, _ = Conversation.open(content, store, "own-words", "kiosk", "uk", now=lambda: NOW)
    for text in ("працівник", "2", "Олена Коваленко", "22334455", "мій дозвіл закінчується",
                 "1"):
        convo.handle(text)
    app = StaffApp(content, store)
    async with app.run_test(size=(200, 40)) as pilot:
        await log_in(pilot)
        await until(pilot, lambda: len(rows(app)) == 1, 2)
        assert "Noget andet: мій дозвіл закінчується" in rows(app)[0]


async def test_enter_on_a_row_takes_its_request_and_a_click_only_highlights_it(content,
                                                                              store) -> None:
    # Enter on the queue's highlighted row did nothing: staff working by keyboard had to
    # tab to "Take". A click must not take a request (a slip of the mouse is not a decision),
    # not even a click on the row already highlighted, which DataTable counts as a "select".
    add_staff(store.engine, "AB", "Anne B", "4821", languages="en")
    site = store.sites().sites[0].id
    for lobby in ("kiosk:Lobby 1", "kiosk:Lobby 2"):
        store.add_callback(kind="desk", topic="staff", lang="uk", place=lobby, site_id=site)
    app = StaffApp(content, store)

    def statuses() -> list[tuple[str, str | None]]:
        return [(item.place, item.taken_by) for item in StaffDesk(content, store).queue()]

    async with app.run_test(size=(160, 40)) as pilot:
        await log_in(pilot)
        await until(pilot, lambda: len(rows(app)) == 2, 2)
        table = app.query_one("#queue", DataTable)
        await pilot.click("#queue", offset=(10, 2))  # the second row
        await settle(pilot)
        assert table.cursor_row == 1
        await pilot.click("#queue", offset=(10, 2))  # again, now that it is highlighted
        await settle(pilot)
        assert statuses() == [("kiosk:Lobby 1", None), ("kiosk:Lobby 2", None)]
        table.focus()
        await pilot.press("up", "enter")
        await settle(pilot)
        assert statuses() == [("kiosk:Lobby 1", "AB"), ("kiosk:Lobby 2", None)]
        await until(pilot, lambda: rows(app)[0][1] == "Taken by AB", 2)
