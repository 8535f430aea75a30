"""A conversation's turns are answered one after another, as if they had come one at a time,
whichever process or thread gets them: two messages sent at once (a double tap, two SMS in a
row) never both answer the question the conversation was at, on either database."""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import urlencode

import httpx
import pytest
from sqlmodel import Session as DB
from sqlmodel import select
from twilio.request_validator import RequestValidator

from assistant.channels.render import render_text
from assistant.channels.sms import sms_turn
from assistant.channels.web import make_app
from assistant.conversation import Conversation
from assistant.outputs import to_json
from assistant.store.db import make_engine
from assistant.store.demo import seed_demo
from assistant.store.models import Booking, Turn
from assistant.store.sessions import SessionChanged, SessionStore

from .conftest import FIXED_OTP, NOW

TOKEN = "test-auth-token"
BASE = "https://kiosk.example.dk"
BOOKING = ["1", "2", "1", "1", "1", "Anna Jensen", "22334455", FIXED_OTP]  # up to "book it?"


@pytest.fixture
def stores(db_url: str, request: pytest.FixtureRequest) -> tuple[SessionStore, SessionStore]:
    """Two stores on one database, as two processes have."""
    first, second = make_engine(db_url), make_engine(db_url)
    seed_demo(first)
    for engine in (first, second):
        request.addfinalizer(engine.dispose)
    return SessionStore(first), SessionStore(second)


def said(outputs: list) -> list[dict]:
    return [to_json(o) for o in outputs]


def test_a_turn_read_before_another_process_saved_is_answered_after_it(content, stores) -> None:
    """Process A reads the conversation, process B answers a message in it, then A answers
    its own: A's answer is the one it would give after B's, and both turns are kept."""
    one, other = stores
    key = f"web:{uuid.uuid4().hex}"
    Conversation.open(content, one, key, "web", "en", now=lambda: NOW)
    a = Conversation.load(content, one, key, now=lambda: NOW)
    b = Conversation.load(content, other, key, now=lambda: NOW)
    assert a and b
    first = b.handle("1")  # Book a meeting
    second = a.handle("2")  # read at the menu, answered in the booking flow B started

    serial, _ = Conversation.open(content, one, f"web:{uuid.uuid4().hex}", "web", "en",
                                  now=lambda: NOW)
    assert said(first) == said(serial.handle("1"))
    assert said(second) == said(serial.handle("2"))
    saved = one.load(key)
    assert saved and saved.state == serial.state.to_dict()
    assert [(t.seq, t.input) for t in one.turns(saved.id)] == [(1, "1"), (2, "2")]


def test_a_booking_is_never_made_twice_when_another_turn_saved_first(content, stores) -> None:
    """A turn that has booked cannot be answered again (it would book again): its answer is
    kept even though another process saved a turn of the conversation meanwhile."""
    one, other = stores
    key = f"sms:{uuid.uuid4().hex}"
    convo, _ = Conversation.open(content, one, key, "sms", "en", now=lambda: NOW)
    for text in BOOKING:
        convo.handle(text)
    late = Conversation.load(content, other, key, now=lambda: NOW)
    assert late
    late.handle("help")  # saved while the booking below is being made
    booked = render_text(convo.handle("1"), "en")  # yes, book it
    with DB(one.engine) as db:
        [booking] = db.exec(select(Booking)).all()
    assert f"Your meeting is booked.\nCode: {booking.code}" in booked
    saved = one.load(key)
    assert saved and saved.state == convo.state.to_dict()
    seqs = [t.seq for t in one.turns(saved.id)]
    assert seqs == list(range(1, len(BOOKING) + 3))


def test_a_conversation_that_keeps_changing_gives_up_and_writes_nothing(
        content, stores, monkeypatch: pytest.MonkeyPatch) -> None:
    """Were another process to save a turn every time before this one, the turn stops
    after a few tries (SessionChanged) rather than loop, and leaves nothing behind."""
    one, other = stores
    key = f"web:{uuid.uuid4().hex}"
    Conversation.open(content, one, key, "web", "en", now=lambda: NOW)
    a = Conversation.load(content, one, key, now=lambda: NOW)
    assert a
    record = one.record_turn

    def another_turn_first(*args, **kwargs):
        b = Conversation.load(content, other, key, now=lambda: NOW)
        assert b
        b.handle("help")
        return record(*args, **kwargs)

    monkeypatch.setattr(one, "record_turn", another_turn_first)
    with pytest.raises(SessionChanged):
        a.handle("1")
    saved = other.load(key)
    assert saved and [t.input for t in other.turns(saved.id)] == ["help"] * saved.turns


async def _at_once(app, requests: list[tuple[str, dict]]) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        return await asyncio.gather(*(client.post(path, **kw) for path, kw in requests))


async def test_messages_sent_at_once_are_answered_one_after_another(content, stores) -> None:
    app = make_app(content, stores[0])
    transport = httpx.ASGITransport(app=app)

    async def replies(order: list[str]) -> dict[str, list]:
        """What the messages get when sent one after another, in ``order``."""
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            token = (await client.post("/api/sessions", json={"lang": "en"})).json()["session"]
            out = {}
            for text in order:
                sent = await client.post(f"/api/sessions/{token}/messages", json={"text": text})
                out[text] = sent.json()["reply"]
            return out

    serial = [await replies(["1", "2"]), await replies(["2", "1"])]
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        for _ in range(8):
            token = (await client.post("/api/sessions", json={"lang": "en"})).json()["session"]
            path = f"/api/sessions/{token}/messages"
            got = await _at_once(app, [(path, {"json": {"text": t}}) for t in ("1", "2")])
            answered = {t: r.json()["reply"] for t, r in zip(("1", "2"), got, strict=True)}
            assert answered in serial


async def test_messages_at_once_to_one_conversation_are_each_answered_once(
        content, stores, monkeypatch: pytest.MonkeyPatch) -> None:
    """In one process they wait for each other, so none is answered twice (a retry costs a
    turn's work again) and a flood to one conversation holds one worker thread, not all."""
    app = make_app(content, stores[0])
    answered = 0
    answer = Conversation._answer

    def counted(self, *args, **kwargs):
        nonlocal answered
        answered += 1
        return answer(self, *args, **kwargs)

    monkeypatch.setattr(Conversation, "_answer", counted)
    for _ in range(3):
        token = (await _at_once(app, [("/api/sessions", {"json": {"lang": "en"}})]))[0].json()
        path = f"/api/sessions/{token['session']}/messages"
        got = await _at_once(app, [(path, {"json": {"text": t}}) for t in ["help"] * 6])
        assert [r.status_code for r in got] == [200] * 6
    assert answered == 3 * 6


async def test_a_conversation_that_keeps_changing_answers_busy(
        content, stores, monkeypatch: pytest.MonkeyPatch) -> None:
    store = stores[0]
    app = make_app(content, store)
    token = (await _at_once(app, [("/api/sessions", {"json": {"lang": "en"}})]))[0].json()
    saved = store.load(f"web:{token['session']}")
    assert saved
    changed = SessionChanged(saved)

    def always_changed(*args, **kwargs):
        raise changed

    monkeypatch.setattr(store, "record_turn", always_changed)
    path = f"/api/sessions/{token['session']}/messages"
    [got] = await _at_once(app, [(path, {"json": {"text": "1"}})])
    assert got.status_code == 503 and got.json()["error"]["code"] == "busy"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        doc = (await client.get("/openapi.json")).json()
    assert "503" in doc["paths"]["/api/sessions/{token}/messages"]["post"]["responses"]


async def test_sms_sent_at_once_from_one_phone_are_answered_one_after_another(
        content, stores, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", "https://kiosk.example.dk")
    store = stores[0]
    app = make_app(content, store)

    def signed(phone: str, body: str) -> tuple[str, dict]:
        form = {"From": phone, "To": "+4570000000", "Body": body,
                "MessageSid": f"SM{uuid.uuid4().hex}"}
        signature = RequestValidator(TOKEN).compute_signature(f"{BASE}/sms/twilio", form)
        return "/sms/twilio", {"content": urlencode(form), "headers": {
            "X-Twilio-Signature": signature,
            "Content-Type": "application/x-www-form-urlencoded"}}

    def serial(order: list[str]) -> dict[str, str]:
        phone = f"+4561{uuid.uuid4().int % 10**6:06d}"
        sms_turn(content, store, phone=phone, body="menu", sid=f"SM{uuid.uuid4().hex}")
        return {text: sms_turn(content, store, phone=phone, body=text,
                               sid=f"SM{uuid.uuid4().hex}") for text in order}

    expected = [serial(["1", "2"]), serial(["2", "1"])]
    for n in range(8):
        phone = f"+45620000{n:02d}"
        sms_turn(content, store, phone=phone, body="menu", sid=f"SM{uuid.uuid4().hex}")
        got = await _at_once(app, [signed(phone, "1"), signed(phone, "2")])
        answered = {t: r.text for t, r in zip(("1", "2"), got, strict=True)}
        plain = {t: sms_reply_text(xml) for t, xml in answered.items()}
        assert plain in expected
    with DB(store.engine) as db:
        assert len(db.exec(select(Turn)).all()) == (2 + 8) * 3  # no turn twice, none lost


def sms_reply_text(twiml: str) -> str:
    from xml.etree import ElementTree

    message = ElementTree.fromstring(twiml).find("Message")
    return message.text or "" if message is not None else ""


def test_two_mores_at_once_in_two_processes_send_each_part_once(
        content, stores, monkeypatch: pytest.MonkeyPatch) -> None:
    """Process A reads the rest of a long reply for a MORE; process B answers another MORE
    from the same phone and sends that part; then A answers: A sends the part after it (or,
    with none left, says there is nothing more), as if the two had come one at a time."""
    one, other = stores

    def sid() -> str:
        return f"SM{uuid.uuid4().hex}"

    serial_phone = f"+4563{uuid.uuid4().int % 10**6:06d}"
    serial = [sms_turn(content, one, phone=serial_phone, body=text, sid=sid())
              for text in ("перекладач", "ЩЕ", "ЩЕ")]
    assert "ЩЕ" in serial[0] and serial[1] != serial[2]

    phone = f"+4564{uuid.uuid4().int % 10**6:06d}"
    assert sms_turn(content, one, phone=phone, body="перекладач", sid=sid()) == serial[0]
    look, from_b = one.sms.look, []

    def look_while_b_answers(*args, **kwargs):
        found = look(*args, **kwargs)
        if not from_b:  # B answers its MORE after A has read, before A writes
            from_b.append(sms_turn(content, other, phone=phone, body="ЩЕ", sid=sid()))
        return found

    monkeypatch.setattr(one.sms, "look", look_while_b_answers)
    from_a = sms_turn(content, one, phone=phone, body="ЩЕ", sid=sid())
    assert from_b == [serial[1]]
    assert from_a == serial[2], "A sent the part B had sent already"


async def test_sms_to_a_conversation_that_keeps_changing_answers_busy_and_keeps_nothing(
        content, stores, monkeypatch: pytest.MonkeyPatch) -> None:
    """A MORE whose part keeps being taken gives up with 503 and no reply, and claims
    nothing: the gateway's retry of it is answered."""
    from assistant.store.sms import PartTaken, SmsStore

    monkeypatch.setenv("ASSISTANT_TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", "https://kiosk.example.dk")
    store = stores[0]
    phone = f"+4565{uuid.uuid4().int % 10**6:06d}"
    first = sms_turn(content, store, phone=phone, body="перекладач", sid="SMbusy0")
    assert "ЩЕ" in first
    form = {"From": phone, "To": "+4570000000", "Body": "ЩЕ", "MessageSid": "SMbusy1"}
    request = ("/sms/twilio", {"content": urlencode(form), "headers": {
        "X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(
            f"{BASE}/sms/twilio", form),
        "Content-Type": "application/x-www-form-urlencoded"}})
    next_part = SmsStore.next_part
    taken = 0

    def always_taken(self, *args, **kwargs):
        nonlocal taken
        taken += 1
        raise PartTaken("x")

    monkeypatch.setattr(SmsStore, "next_part", always_taken)
    [busy] = await _at_once(make_app(content, store), [request])
    assert busy.status_code == 503 and sms_reply_text(busy.text) == "" and taken == 5
    monkeypatch.setattr(SmsStore, "next_part", next_part)
    [retried] = await _at_once(make_app(content, store), [request])
    assert retried.status_code == 200  # the answer's next part
    assert sms_reply_text(retried.text).split("\n")[0] not in first
