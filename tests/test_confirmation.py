"""A booking's confirmation is a card on every channel: the code large, the time, the meeting
and how, what to do next (a code to show only for a meeting at the jobcenter), and "you will
also get an SMS"; on the web, a link to the booking's calendar file for that conversation
only."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar
from sqlmodel import Session as DB
from sqlmodel import select
from starlette.testclient import TestClient
from textual.widgets import Static

from assistant.channels.tui.kiosk import KioskApp
from assistant.channels.web import make_app
from assistant.store.models import Outbox

from .conftest import FIXED_OTP
from .pilot import booking_code, screen_lines, submit

ARRIVE = "Show or write your code when you arrive."
SMS = "You will also get an SMS with this confirmation."


def card(app: KioskApp) -> str:
    """The confirmation card on the kiosk's screen."""
    return str(app.screen.query_one("#transcript .confirmation", Static).render())


async def _book(app: KioskApp, pilot, how: str) -> None:
    # adult apprenticeship guidance, ``how`` (1 in person, 2 phone, 3 video), in Danish
    for raw in ["1", "5", how, "1", "1", "Eve Example", "22334455", "1"]:
        await submit(pilot, raw)


async def test_an_in_person_booking_is_confirmed_on_a_card_with_the_code_large(
        content, store) -> None:
    app = KioskApp(content, store, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await _book(app, pilot, "1")
        shown = card(app)
        code = booking_code(shown)
        assert code, shown
        assert shown.startswith("Your meeting is booked.")
        assert f"┏━━━━━━━━━━━━━┓\n┃ {' '.join(code)} ┃\n┗━━━━━━━━━━━━━┛" in shown
        assert re.search(r"\nTime: \w+day, \d+ \w+ \d{4} at \d\d:\d\d\n", shown), shown
        assert "How: At the jobcenter" in shown
        assert ARRIVE in shown and SMS in shown
        assert f"┃ {' '.join(code)} ┃" in "\n".join(screen_lines(pilot)), "in view at 80x24"


async def test_a_video_meeting_does_not_ask_to_show_the_code_on_arrival(content,
                                                                        store) -> None:
    app = KioskApp(content, store, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await _book(app, pilot, "3")
        shown = card(app)
        assert "How: By video" in shown and booking_code(shown)
        assert "The jobcenter tells you how to join the video meeting." in shown
        assert ARRIVE not in shown and SMS in shown
    with DB(store.engine) as db:
        [receipt] = db.exec(select(Outbox).where(Outbox.kind == "receipt")).all()
    assert "How: By video" in receipt.body and ARRIVE not in receipt.body


async def test_a_phone_meeting_says_staff_call_the_number_given(content, store) -> None:
    app = KioskApp(content, store, lang="uk")
    async with app.run_test(size=(120, 40)) as pilot:
        await _book(app, pilot, "2")
        shown = card(app)
        assert "Як: Телефоном" in shown
        assert "Працівник зателефонує вам на номер +4522334455 у цей час." in shown
        assert "коли прийдете" not in shown
        assert "Ви також отримаєте це підтвердження в SMS." in shown


def test_the_web_confirmation_links_the_calendar_file_for_that_conversation_only(
        content, store) -> None:
    client = TestClient(make_app(content, store))
    token = client.post("/api/sessions", json={"lang": "en"}).json()["session"]
    for text in ["1", "5", "3", "1", "1", "Anna Jensen", "22334455", FIXED_OTP, "1"]:
        data = client.post(f"/api/sessions/{token}/messages", json={"text": text}).json()
    [item] = [item for item in data["reply"] if item["type"] == "confirmation"]
    assert item["heading"] == "Your meeting is booked." and len(item["code"]) == 6
    assert {"label": "How", "value": "By video"} in item["rows"]
    assert SMS in item["notes"] and ARRIVE not in item["notes"]
    assert item["calendar_label"] == "Add the meeting to your calendar (.ics file)"
    response = client.get(item["calendar"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert item["code"] in str(event["summary"])

    other = client.post("/api/sessions", json={"lang": "en"}).json()["session"]
    stolen = client.get(item["calendar"].replace(token, other))
    assert stolen.status_code == 404 and item["code"] not in stolen.text
    assert client.get(item["calendar"].replace(token, "x" * 32)).status_code == 404
    assert client.get(f"/api/sessions/{token}/bookings/abc/calendar.ics").status_code == 404


def test_the_history_api_gives_the_conversation_back_each_turn_in_its_language(
        content, store) -> None:
    """What the web page shows again after a reload: what was said (an option with its
    label), each reply in the language it was given in, the confirmation with its link."""
    client = TestClient(make_app(content, store))
    token = client.post("/api/sessions", json={"lang": "da"}).json()["session"]
    for text in ["1", "english", "5", "3", "1", "1", "Anna Jensen", "22334455", FIXED_OTP, "1"]:
        client.post(f"/api/sessions/{token}/messages", json={"text": text})
    data = client.get(f"/api/sessions/{token}/history").json()
    turns = data["turns"]
    assert data["lang"] == "en" and len(turns) == 11  # the opening, 9 answers, the code
    assert turns[0]["said"] == "" and turns[0]["reply"][0]["text"].startswith("Velkommen")
    assert turns[1]["said"] == "1. Book et møde" and turns[1]["lang"] == "da"
    assert turns[1]["reply"][0] == {"type": "say", "tone": "title", "text": "Book et møde"}
    assert turns[2]["lang"] == "en" and turns[3]["said"] == "5. Guidance on adult apprenticeship"
    assert all(item["type"] != "choices" for turn in turns for item in turn["reply"])
    [card] = [item for item in turns[-1]["reply"] if item["type"] == "confirmation"]
    assert all(item.get("lang") != "da" for item in turns[-1]["reply"])  # no copy for staff
    assert card["calendar"].startswith(f"/api/sessions/{token}/bookings/")
    assert client.get(card["calendar"]).status_code == 200
    assert client.get("/api/sessions/" + "y" * 32 + "/history").status_code == 404


def test_a_number_that_texted_stop_is_not_promised_an_sms(content, store) -> None:
    from assistant.channels_keys import phone_hash
    from assistant.conversation import Conversation
    from assistant.outputs import Confirmation
    from assistant.store.models import SmsContact

    with DB(store.engine) as db:
        db.add(SmsContact(phone_hash=phone_hash("+4522334455"), stopped=True))
        db.commit()
    # at the kiosk (no texted code: the number cannot get one)
    convo, _ = Conversation.open(content, store, "kiosk:stopped", "kiosk", "en")
    for text in ["1", "5", "1", "1", "1", "Anna Jensen", "22334455"]:
        convo.handle(text)
    [card] = [out for out in convo.handle("1") if isinstance(out, Confirmation)]
    notes = [note["en"] for note in card.notes]
    assert SMS not in notes and "Write down your code." in notes[-1]


@pytest.mark.parametrize(("way", "location"), [("1", "Eksempelvej 1, 0000 Demoby"), ("3", None)],
                         ids=["in-person", "video"])
def test_the_calendar_file_is_published_with_the_sites_address_for_a_meeting_there(
        content, store, way: str, location: str | None) -> None:
    client = TestClient(make_app(content, store))
    token = client.post("/api/sessions", json={"lang": "en"}).json()["session"]
    for text in ["1", "5", way, "1", "1", "Anna Jensen", "22334455", FIXED_OTP, "1"]:
        data = client.post(f"/api/sessions/{token}/messages", json={"text": text}).json()
    [item] = [item for item in data["reply"] if item["type"] == "confirmation"]
    raw = client.get(item["calendar"]).content
    cal = Calendar.from_ical(raw)
    assert str(cal["method"]) == "PUBLISH" and b"METHOD:REQUEST" not in raw
    event = cal.walk("VEVENT")[0]
    assert "ORGANIZER" not in event
    assert (str(event["location"]) if "location" in event else None) == location


async def test_the_danish_copy_for_staff_is_headed_in_the_citizens_language(content,
                                                                           store) -> None:
    app = KioskApp(content, store, lang="uk")
    async with app.run_test(size=(120, 40)) as pilot:
        await _book(app, pilot, "1")
        lines = [str(line.render()) for line in app.screen.query("#transcript .say")]
        heading = lines.index("Для працівників (данською):")
        assert lines[heading + 1].startswith("Dit møde er booket."), lines[heading:]


def test_the_danish_copy_for_staff_is_only_where_staff_stand_beside_the_citizen(
        content, store) -> None:
    """The Danish copy under a booking made in another language is for staff beside the
    citizen: at the kiosk (and `chat --channel text`, which behaves as it) it is there; on the
    web page and by SMS no staff stand by, and by SMS it pushed the end of a Ukrainian
    citizen's confirmation into another paid part, in Danish."""
    import io

    from assistant.channels.text import run_chat
    from assistant.conversation import Conversation

    convo, _ = Conversation.open(content, store, "chat:copy", "text", "uk")
    for text in ["1", "5", "1", "1", "1", "Ольга Петренко", "22334455"]:
        convo.handle(text)
    said = [out.text for out in convo.handle("1") if hasattr(out, "text")]
    assert said[1]["uk"] == "Для працівників (данською):"
    assert said[2]["uk"].startswith("Dit møde er booket.")

    client = TestClient(make_app(content, store))
    token = client.post("/api/sessions", json={"lang": "en"}).json()["session"]
    for text in ["1", "5", "1", "1", "1", "Anna Jensen", "22334466", FIXED_OTP, "1"]:
        data = client.post(f"/api/sessions/{token}/messages", json={"text": text}).json()
    assert any(item["type"] == "confirmation" for item in data["reply"])
    assert all(item.get("text") != "For staff (in Danish):" and item.get("lang") != "da"
               for item in data["reply"])

    out = io.StringIO()
    lines = ["book", "1", "1", "1", "Ольга Петренко", "так", "1"]
    run_chat(content, store, lang="uk", channel="sms", session_key="+4520304050",
             stdin=io.StringIO("".join(f"{line}\n" for line in lines)), stdout=out)
    booked = out.getvalue().split("\n\n")[-2]
    assert booked.startswith("Вашу зустріч заброньовано.")
    assert "Dit møde" not in booked and "ЩЕ" not in booked and "данською" not in booked
