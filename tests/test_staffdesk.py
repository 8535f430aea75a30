"""Staff requests and takeover (core, web and SMS): a citizen who asks for staff on the web
page or by SMS is in the staff queue with place and language; a member of staff takes the
conversation, writes, and hands it back; the citizen is told who joined and when they left;
two members of staff (two processes) never take one request. SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing
import uuid

import pytest
from sqlmodel import Session as DB
from sqlmodel import select
from starlette.testclient import TestClient

from assistant.channels.sms import sms_turn
from assistant.channels.web import make_app
from assistant.conversation import Conversation
from assistant.staff import add_staff
from assistant.staffdesk import NotYours, StaffDesk
from assistant.store.db import make_engine
from assistant.store.demo import seed_demo
from assistant.store.models import Outbox
from assistant.store.sessions import SessionStore

from .conftest import NOW

BASE = "https://kiosk.example.dk"


@pytest.fixture
def any_store(db_url: str) -> SessionStore:
    engine = make_engine(db_url)
    seed_demo(engine)
    add_staff(engine, "AB", "Anne B", "4821")
    add_staff(engine, "CD", "Carl D", "4822")
    return SessionStore(engine)


def said(reply: dict) -> str:
    out = []
    for item in reply["reply"]:
        if item["type"] == "say":
            out.append(item["text"])
        elif item["type"] == "choices":
            out.extend(f"{o['key']}. {o['label']}" for o in item["options"])
    return "\n".join(out)


def test_a_web_citizen_is_taken_over_written_to_and_handed_back(content, any_store) -> None:
    client = TestClient(make_app(content, any_store, now=lambda: NOW), base_url=BASE)
    desk = StaffDesk(content, any_store, now=lambda: NOW)
    start = client.post("/api/sessions", json={"lang": "uk"}).json()
    token = start["session"]
    step = client.post(f"/api/sessions/{token}/messages", json={"text": "працівник"}).json()
    asked = client.post(f"/api/sessions/{token}/messages", json={"text": "1"}).json()
    assert "напише вам тут" in said(asked) and asked["staff"] is True
    [item] = desk.queue()
    assert (item.kind, item.place, item.lang, item.status) == ("chat", "web", "uk", "open")
    assert step["turn"] < asked["turn"]

    assert desk.take(item.id, "AB")
    assert not desk.take(item.id, "CD")  # one member of staff has it
    news = client.get(f"/api/sessions/{token}/news", params={"after": asked["turn"]}).json()
    assert "Anne B" in said(news) and "приєднується" in said(news)
    seen = news["turn"]

    reopened = client.get(f"/api/sessions/{token}").json()  # the page opened again
    assert "працівником" in said(reopened) and reopened["staff"] is True
    quiet = client.post(f"/api/sessions/{token}/messages",
                        json={"text": "Мені потрібна допомога з рахунком 010190-1234"}).json()
    assert all(i.get("tone") != "prompt" and i["type"] != "choices" for i in quiet["reply"])
    lines = desk.transcript(item.session_id)
    assert any(line.who == "citizen" and "рахунком" in line.text for line in lines)
    assert not any("010190" in line.text for line in lines)

    with pytest.raises(NotYours):
        desk.write(item.id, "CD", "I took it")
    desk.write(item.id, "AB", "Добрий день, я допоможу. Ваш CPR 010190-1234?")
    news = client.get(f"/api/sessions/{token}/news", params={"after": quiet["turn"]}).json()
    assert "Добрий день, я допоможу" in said(news) and "010190" not in said(news)
    assert news["reply"][0]["tone"] == "staff"

    desk.hand_back(item.id, "AB")
    news = client.get(f"/api/sessions/{token}/news", params={"after": news["turn"]}).json()
    assert "працівник вийшов" in said(news).lower()
    assert news["staff"] is False and desk.queue() == []
    answered = client.post(f"/api/sessions/{token}/messages", json={"text": "меню"}).json()
    assert any(i["type"] == "choices" for i in answered["reply"])  # the assistant again
    assert seen < answered["turn"]


def _sms(content, store, body: str, phone: str = "+4522334455") -> str:
    return sms_turn(content, store, phone=phone, body=body, sid=uuid.uuid4().hex,
                    now=lambda: NOW)


def _outbox(store) -> list[Outbox]:
    with DB(store.engine) as db:
        return list(db.exec(select(Outbox).where(Outbox.kind == "staff").order_by(Outbox.id)))


def test_an_sms_citizen_is_taken_over_through_the_outbox(content, any_store) -> None:
    desk = StaffDesk(content, any_store, now=lambda: NOW)
    _sms(content, any_store, "hej")
    _sms(content, any_store, "staff")
    asked = _sms(content, any_store, "1")
    assert "skriver til dig her på SMS" in asked
    [item] = desk.queue()
    assert (item.kind, item.place) == ("chat", "sms")
    assert desk.take(item.id, "CD")
    [joined] = _outbox(any_store)
    assert joined.phone == "+4522334455" and "Carl D" in joined.body

    assert _sms(content, any_store, "I need help with my plan") == ""  # the person answers
    desk.write(item.id, "CD", "Hello, I can help with your plan.")
    assert _outbox(any_store)[-1].body == "Hello, I can help with your plan."
    desk.hand_back(item.id, "CD")
    left = _outbox(any_store)[-1].body
    assert "forladt samtalen" in left  # in the citizen's language
    assert "menu" in left and "Book et møde" not in left  # the word, not a long menu
    assert "1 " in _sms(content, any_store, "menu")  # the assistant answers again
    who = [line.who for line in desk.transcript(item.session_id)]
    assert {"citizen", "assistant", "staff"} <= set(who)


def test_a_kiosk_desk_request_shows_its_place_and_closes(content, any_store) -> None:
    desk = StaffDesk(content, any_store, now=lambda: NOW)
    convo, _ = Conversation.open(content, any_store, "kiosk:x", "kiosk", "da",
                                 place="kiosk:Lobby 1", now=lambda: NOW)
    convo.handle("medarbejder")
    said_ = convo.handle("1")
    assert "komme" in said_[0].text["da"]
    [item] = desk.queue()
    assert (item.kind, item.place, item.lang) == ("desk", "kiosk:Lobby 1", "da")
    assert desk.take(item.id, "AB")
    convo.handle("medarbejder")
    again = convo.handle("1")  # asked again while someone is coming: the same request
    assert "på vej" in again[0].text["da"] and len(desk.queue()) == 1
    with pytest.raises(NotYours):
        desk.close(item.id, "CD")
    assert desk.close(item.id, "AB") and desk.queue() == []


def _taker(url: str, request_id: int, initials: str, barrier, results) -> None:
    from assistant.app import load_content

    engine = make_engine(url)
    desk = StaffDesk(load_content(), SessionStore(engine))
    barrier.wait()
    results.put((initials, desk.take(request_id, initials)))


def test_two_processes_take_one_request_and_one_gets_it(content, any_store, db_url) -> None:
    convo, _ = Conversation.open(content, any_store, "web:two", "web", "en", place="web")
    convo.handle("staff")
    convo.handle("1")
    [item] = StaffDesk(content, any_store).queue()
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_taker, args=(db_url, item.id, who, barrier, results))
             for who in ("AB", "CD")]
    for p in procs:
        p.start()
    outcomes = dict(results.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    assert sorted(outcomes.values()) == [False, True]
    winner = next(who for who, won in outcomes.items() if won)
    taken = StaffDesk(content, any_store).get(item.id)
    assert taken is not None and taken.taken_by == winner
    saved = any_store.load("web:two")
    assert saved is not None and saved.state["staff"] == winner


def test_asking_for_staff_twice_keeps_one_request_in_the_queue(content, any_store) -> None:
    client = TestClient(make_app(content, any_store, now=lambda: NOW), base_url=BASE)
    desk = StaffDesk(content, any_store, now=lambda: NOW)
    token = client.post("/api/sessions", json={"lang": "da"}).json()["session"]
    for text in ("medarbejder", "1", "medarbejder"):
        client.post(f"/api/sessions/{token}/messages", json={"text": text})
    again = client.post(f"/api/sessions/{token}/messages", json={"text": "1"}).json()
    assert "allerede i køen" in said(again) and again["staff"] is True
    assert len(desk.queue()) == 1  # one row, not two

    for text in ("staff", "1", "staff", "1"):
        _sms(content, any_store, text)
    assert len(desk.queue()) == 2  # the web conversation's and the SMS conversation's


def test_a_conversation_another_member_of_staff_has_is_not_taken(content, any_store) -> None:
    desk = StaffDesk(content, any_store, now=lambda: NOW)
    convo, _ = Conversation.open(content, any_store, "web:dup", "web", "en", place="web")
    convo.handle("staff")
    convo.handle("1")
    [first] = desk.queue()
    # a second row for the same conversation, as a store from before the fix could hold
    extra = any_store.add_callback(kind="chat", topic="staff", lang="en",
                                   session_id=first.session_id, place="web")
    assert desk.take(first.id, "AB")
    assert not desk.take(extra.id, "CD")  # the conversation names AB: refused
    assert desk.get(extra.id).status == "open"
    desk.hand_back(first.id, "AB")
    assert desk.queue() == []  # handing back leaves nothing of it "taken" or waiting


def test_a_citizen_message_is_new_until_the_member_of_staff_has_seen_it(content,
                                                                        any_store) -> None:
    desk = StaffDesk(content, any_store, now=lambda: NOW)
    convo, _ = Conversation.open(content, any_store, "web:news", "web", "en", place="web")
    convo.handle("staff")
    convo.handle("1")
    [item] = desk.queue()
    assert desk.take(item.id, "AB")
    assert not desk.queue()[0].unread  # what came before taking is read on taking
    again = Conversation.load(content, any_store, "web:news")
    again.handle("Are you there?")
    [item] = StaffDesk(content, any_store).queue()  # any process sees it
    assert item.unread
    last = desk.transcript(item.session_id)[-1].seq
    desk.seen(item.id, "CD", last)  # someone else looking does not count
    assert desk.queue()[0].unread
    desk.seen(item.id, "AB", last)
    assert not desk.queue()[0].unread


def test_a_waiting_chat_marked_done_untaken_tells_the_citizen_what_to_do(content,
                                                                        any_store) -> None:
    client = TestClient(make_app(content, any_store, now=lambda: NOW), base_url=BASE)
    desk = StaffDesk(content, any_store, now=lambda: NOW)
    token = client.post("/api/sessions", json={"lang": "uk"}).json()["session"]
    client.post(f"/api/sessions/{token}/messages", json={"text": "працівник"})
    asked = client.post(f"/api/sessions/{token}/messages", json={"text": "1"}).json()
    [web] = desk.queue()
    assert desk.close(web.id, "AB")  # not taken: nobody can write now
    news = client.get(f"/api/sessions/{token}/news", params={"after": asked["turn"]}).json()
    assert "записатися на зустріч" in said(news) and news["staff"] is False

    for text in ("hej", "staff", "1"):
        _sms(content, any_store, text)
    [sms] = desk.queue()
    assert desk.close(sms.id, "AB")
    told = _outbox(any_store)[-1]
    assert told.phone == "+4522334455" and "booke et møde" in told.body  # in Danish, by SMS


@pytest.mark.parametrize("word", ["afslut", "finish", "завершити", "tak for hjælpen, farvel"])
def test_the_finish_word_ends_the_web_chat_a_member_of_staff_has(content, any_store,
                                                                 word: str) -> None:
    """A shared device: "afslut" ends the page's conversation while a person writes with it,
    as it does without one. The member of staff sees the word and that the citizen ended it,
    and the request leaves the queue: nobody writes on to a page that is gone. By SMS the
    word is a message to the member of staff."""
    client = TestClient(make_app(content, any_store, now=lambda: NOW), base_url=BASE)
    desk = StaffDesk(content, any_store, now=lambda: NOW)
    token = client.post("/api/sessions", json={"lang": "da"}).json()["session"]
    for text in ("9", "1"):  # talk to staff, now
        client.post(f"/api/sessions/{token}/messages", json={"text": text})
    [item] = desk.queue()
    assert desk.take(item.id, "AB")
    client.post(f"/api/sessions/{token}/messages", json={"text": "Mit navn er Ole Olsen"})
    ended = client.post(f"/api/sessions/{token}/messages", json={"text": word}).json()
    assert ended["ended"] is True and ended["staff"] is False
    assert "Tak fordi du brugte jobcentrets assistent." in said(ended)
    for gone in (client.get(f"/api/sessions/{token}/history"),
                 client.get(f"/api/sessions/{token}/news", params={"after": 0}),
                 client.get(f"/api/sessions/{token}"),
                 client.post(f"/api/sessions/{token}/messages", json={"text": "hej"})):
        assert gone.status_code == 404 and "Ole Olsen" not in gone.text
    lines = desk.transcript(item.session_id)
    assert [(line.who, line.text) for line in lines if line.who == "citizen"][-1] == (
        "citizen", word)
    assert lines[-1].who == "ended"
    assert desk.queue() == [] and desk.get(item.id).status == "done"
    with pytest.raises(NotYours):
        desk.write(item.id, "AB", "Are you still there?")

    # By SMS there is no shared page: the word is said to the person, who closes the
    # conversation when it is done
    for text in ("hej", "staff", "1"):
        _sms(content, any_store, text)
    [by_sms] = desk.queue()
    assert desk.take(by_sms.id, "AB")
    assert _sms(content, any_store, word) == ""  # the assistant does not answer it
    assert desk.transcript(by_sms.session_id)[-1].text == word
    assert desk.get(by_sms.id).status == "taken"


def test_the_finish_word_on_the_web_takes_a_waiting_request_out_of_the_queue(
        content, any_store) -> None:
    client = TestClient(make_app(content, any_store, now=lambda: NOW), base_url=BASE)
    desk = StaffDesk(content, any_store, now=lambda: NOW)
    token = client.post("/api/sessions", json={"lang": "en"}).json()["session"]
    for text in ("staff", "1"):
        client.post(f"/api/sessions/{token}/messages", json={"text": text})
    [item] = desk.queue()
    assert client.post(f"/api/sessions/{token}/messages",
                       json={"text": "bye"}).json()["ended"] is True
    assert desk.queue() == [] and not desk.take(item.id, "AB")
    assert desk.transcript(item.session_id)[-1].who == "ended"



def test_the_transcript_tells_the_assistants_lines_in_the_staff_members_language(
        content, any_store) -> None:
    # a Danish-only member of staff opened a Ukrainian citizen's conversation and read the
    # assistant's lines in Ukrainian only, though every one of them exists in Danish
    client = TestClient(make_app(content, any_store, now=lambda: NOW), base_url=BASE)
    desk = StaffDesk(content, any_store, now=lambda: NOW)
    token = client.post("/api/sessions", json={"lang": "uk"}).json()["session"]
    client.post(f"/api/sessions/{token}/messages", json={"text": "працівник"})
    client.post(f"/api/sessions/{token}/messages", json={"text": "1"})
    [item] = desk.queue()
    danish = desk.transcript(item.session_id, lang="da")
    told = " ".join(line.text for line in danish if line.who == "assistant")
    assert "Hvordan vil du have hjælp?" in told, told
    assert "працівник" in [line.text for line in danish if line.who == "citizen"]
    as_read = desk.transcript(item.session_id)
    assert "Як вам зручніше отримати допомогу?" in " ".join(line.text for line in as_read)


@pytest.mark.parametrize("place", ["kiosk:Lobby 1", "web"])
def test_asking_for_staff_again_and_writing_while_waiting_are_told_the_same(
        content, store, place: str) -> None:
    """A citizen waiting for staff who asks for staff again, or writes something the
    assistant cannot answer ("Olena Kovalenko"), is told the same: in the queue, and at the
    kiosk, once a member of staff has taken the request, that the person is on the way."""
    from assistant.channels.render import render_text

    channel = "web" if place == "web" else "kiosk"
    convo, _ = Conversation.open(content, store, f"{channel}:{uuid.uuid4().hex}", channel, "en",
                                 place=place, now=lambda: NOW)
    for text in ("staff", "1"):
        convo.handle(text)

    def told(*texts: str) -> list[str]:
        """Each reply's first line (asking again finishes the guide: the menu's button
        follows)."""
        return [render_text(convo.handle(text), "en").splitlines()[0] for text in texts]

    again, written = told("staff", "1", "Olena Kovalenko")[1:]
    queued = "You are already in the queue. A member of staff has been told. Please wait."
    assert again == written == queued
    if channel == "kiosk":
        [item] = StaffDesk(content, store, now=lambda: NOW).queue()
        assert StaffDesk(content, store, now=lambda: NOW).take(item.id, "AB")
        again, written = told("staff", "1", "Olena Kovalenko")[1:]
        assert again == written == "A member of staff is on the way to you. Please wait here."
