"""The web API and the SMS webhook: same conversations, stateless processes, hostile input."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from sqlmodel import Session as DB
from sqlmodel import select
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from assistant.channels.sms import MAX_UCS2_SEGMENTS, fits, segments, split_reply
from assistant.channels.web import make_app
from assistant.channels_keys import phone_hash
from assistant.store.db import make_engine
from assistant.store.demo import seed_demo
from assistant.store.models import Booking, CallbackRequest, Outbox, SmsMessage, Turn
from assistant.store.sessions import SessionStore

from .conftest import FIXED_OTP, NOW

TOKEN = "test-auth-token"
BASE = "https://kiosk.example.dk"


@pytest.fixture
def client(content, store, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("ASSISTANT_TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", "https://kiosk.example.dk")
    return TestClient(make_app(content, store), base_url=BASE)


def texts(data: dict) -> str:
    out = []
    for item in data["reply"]:
        if item["type"] == "say":
            out.append(item["text"])
        elif item["type"] == "choices":
            out.extend(f"{o['key']}. {o['label']}" for o in item["options"])
        elif item["type"] == "card":
            out.append(item["title"])
        elif item["type"] == "confirmation":
            out.extend([item["heading"], f"{item['code_label']}: {item['code']}",
                        *(f"{row['label']}: {row['value']}" for row in item["rows"]),
                        *item["notes"]])
    return "\n".join(out)


def test_a_ukrainian_booking_through_the_json_api(client: TestClient) -> None:
    data = client.post("/api/sessions", json={"lang": "uk"}).json()
    assert data["lang"] == "uk" and "1. Записатися на зустріч" in texts(data)
    assert data["ui"]["Send"] == "Надіслати"
    assert data["ui"]["error.rate_limited"].startswith("Ви надіслали багато повідомлень")
    token = data["session"]
    for text in ["1", "7", "3", "1", "Ольга Петренко", "22334455", FIXED_OTP]:
        data = client.post(f"/api/sessions/{token}/messages", json={"text": text}).json()
    assert "Усе правильно?" in texts(data)
    data = client.post(f"/api/sessions/{token}/messages", json={"text": "1"}).json()
    assert "Вашу зустріч заброньовано." in texts(data)
    resumed = client.get(f"/api/sessions/{token}").json()
    assert resumed["lang"] == "uk" and resumed["session"] == token


def test_the_pages_language_menu_switches_language_and_never_answers_a_step(
        client: TestClient) -> None:
    """At the booking's "which language for the meeting" step the page's language menu only
    changes the page's language; the step is still asked. Typed, "Dansk" answers it."""
    token = client.post("/api/sessions", json={"lang": "uk"}).json()["session"]
    for text in ["1", "7"]:
        data = client.post(f"/api/sessions/{token}/messages", json={"text": text}).json()
    assert "Якою мовою ви хочете провести зустріч?" in texts(data)
    data = client.post(f"/api/sessions/{token}/language", json={"lang": "da"}).json()
    assert data["lang"] == "da" and data["ui"]["Send"] == "Send"
    assert "Sprog: Dansk" in texts(data)
    assert "På hvilket sprog vil du holde mødet?" in texts(data), "the step is still asked"
    assert "1. Dansk" in texts(data) and "2. Engelsk" in texts(data)
    history = client.get(f"/api/sessions/{token}/history").json()["turns"]
    assert history[-1]["said"] == "🌐 Dansk"
    assert client.post(f"/api/sessions/{token}/language",
                       json={"lang": "fr"}).json()["error"]["code"] == "bad_lang"
    # typed, the language's name answers the step that offers it (the meeting in Danish)
    data = client.post(f"/api/sessions/{token}/messages", json={"text": "Dansk"}).json()
    assert "På hvilket sprog vil du holde mødet?" not in texts(data)
    assert "Sprog: Dansk" not in texts(data)


def test_finish_on_the_web_ends_the_conversation_for_its_page(client: TestClient,
                                                                store) -> None:
    """On a shared device the next person must not reload the last one's name, phone and
    booking code: "afslut" ends the conversation, and its token opens nothing of it again.
    The server keeps its turns until the purge, as it keeps every conversation's."""
    token = client.post("/api/sessions", json={"lang": "uk"}).json()["session"]
    for text in ["1", "7", "3", "1", "Ольга Петренко", "22334455", FIXED_OTP, "1"]:
        data = client.post(f"/api/sessions/{token}/messages", json={"text": text}).json()
    [card] = [item for item in data["reply"] if item["type"] == "confirmation"]
    assert data["ended"] is False
    data = client.post(f"/api/sessions/{token}/messages", json={"text": "afslut"}).json()
    assert data["ended"] is True
    assert "Дякуємо, що скористалися помічником центру зайнятості." in texts(data)
    assert data["ui"]["Thank you for using the jobcenter assistant."] == (
        "Дякуємо, що скористалися помічником центру зайнятості.")
    for gone in (client.get(f"/api/sessions/{token}/history"),
                 client.get(f"/api/sessions/{token}"),
                 client.get(f"/api/sessions/{token}/news?after=0"),
                 client.get(card["calendar"]),
                 client.post(f"/api/sessions/{token}/messages", json={"text": "1"}),
                 client.post(f"/api/sessions/{token}/language", json={"lang": "da"})):
        assert gone.status_code == 404, gone.text
        assert "Ольга" not in gone.text and card["code"] not in gone.text
    fresh = client.post("/api/sessions", json={"lang": "uk"}).json()["session"]
    assert [t["said"] for t in client.get(f"/api/sessions/{fresh}/history").json()[
        "turns"]] == []
    with DB(store.engine) as db:  # kept for staff and the purge, not served to the page
        assert db.exec(select(Turn).where(Turn.input == "Ольга Петренко")).first()


@pytest.mark.parametrize(("lang", "typed", "said"), [
    ("en", "my cpr is 12 03 85 1234", "my cpr is [CPR removed]"),
    ("uk", "мій cpr 12 03 85 1234", "мій cpr [CPR видалено]")])
def test_the_reply_says_the_message_as_kept_with_the_mask_in_the_conversations_language(
        client: TestClient, lang: str, typed: str, said: str) -> None:
    """An English or Ukrainian citizen's own line read "[CPR fjernet]", in Danish."""
    token = client.post("/api/sessions", json={"lang": lang}).json()["session"]
    data = client.post(f"/api/sessions/{token}/messages", json={"text": typed}).json()
    assert data["lang"] == lang and data["said"] == said, data
    history = client.get(f"/api/sessions/{token}/history").json()["turns"]
    assert history[-1]["said"] == said


def _offers_check_in(data: dict) -> bool:
    return any("Check in" in o["label"] or "Tjek ind" in o["label"]
               for item in data["reply"] if item["type"] == "choices" for o in item["options"])


def test_the_reply_says_the_message_as_kept_with_its_cpr_number_masked(
        client: TestClient) -> None:
    """The page shows the citizen's line as the reply says it was kept, as a reload shows it:
    a CPR number typed is masked there too, not left on a shared screen."""
    token = client.post("/api/sessions", json={"lang": "da"}).json()["session"]
    data = client.post(f"/api/sessions/{token}/messages",
                       json={"text": "mit cpr nr er 12 03 85 1234"}).json()
    assert data["said"] == "mit cpr nr er [CPR fjernet]"
    assert "1234" not in str(data)
    history = client.get(f"/api/sessions/{token}/history").json()["turns"]
    assert history[-1]["said"] == data["said"]
    data = client.post(f"/api/sessions/{token}/messages", json={"text": "1"}).json()
    assert data["said"] == "1"  # a button's number: the page keeps its label
    assert client.get(f"/api/sessions/{token}").json()["said"] is None  # no message sent


def test_the_web_menu_never_offers_check_in_which_is_only_at_the_kiosk(
        client: TestClient) -> None:
    """On every way to the menu: opening, a new language, a finished guide, a reload (the
    conversation's state and its history); the other options keep the kiosk's numbers."""
    data = client.post("/api/sessions", json={"lang": "da"}).json()
    token, seen = data["session"], [data]

    def say(text: str) -> dict:
        seen.append(client.post(f"/api/sessions/{token}/messages", json={"text": text}).json())
        return seen[-1]

    say("english")
    say("menu")
    for text in ["1", "7", "3", "1", "Olha Petrenko", "22334455", FIXED_OTP, "1"]:
        say(text)
    assert "Your meeting is booked." in texts(seen[-1])
    after = say("1")  # the finished guide's "Menu" button
    assert "3. Change or cancel a booking" in texts(after) and "\n2. " not in texts(after)
    seen.append(client.get(f"/api/sessions/{token}").json())
    history = client.get(f"/api/sessions/{token}/history").json()["turns"]
    assert [data for data in seen if _offers_check_in(data)] == []
    assert [turn for turn in history if _offers_check_in(turn)] == []
    # typed: told what it is and where
    assert "Check in for a meeting: you can do this at the kiosk" in texts(say("2"))


def test_openapi_document_describes_the_api(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert {"/api/sessions", "/api/sessions/{token}/messages", "/sms/twilio"} <= set(doc["paths"])


def test_clear_json_errors(client: TestClient) -> None:
    assert client.post("/api/sessions", json={"lang": "fr"}).json()["error"]["code"] == "bad_lang"
    for hostile in (b"not json", b"[" * 8000, b'{"lang": "\xff"}', b"NaN", b"\xef\xbb\xbf"):
        response = client.post("/api/sessions", content=hostile)
        assert response.status_code == 400 and response.json()["error"]["code"] == "bad_json"
    response = client.post("/api/sessions/nosuchsessiontoken/messages", json={"text": "hi"})
    assert response.status_code == 404
    token = client.post("/api/sessions", json={}).json()["session"]
    response = client.post(f"/api/sessions/{token}/messages", content=b"x" * 40_000)
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    response = client.post(f"/api/sessions/{token}/messages", json={"text": 5})
    assert response.json()["error"]["code"] == "bad_text"


def erase_before_the_next_save(store: SessionStore, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Staff erase the conversation of the next turn while it is being answered: just before
    it is saved, once. Returns the erased session's id, once it is erased."""
    from sqlalchemy import text

    record, erased = store.record_turn, []

    def erased_first(session_id: str, *args, **kwargs) -> None:
        if not erased:
            erased.append(session_id)
            with store.engine.begin() as db:
                db.execute(text("DELETE FROM turns WHERE session_id = :id"), {"id": session_id})
                db.execute(text("DELETE FROM sessions WHERE id = :id"), {"id": session_id})
        record(session_id, *args, **kwargs)

    monkeypatch.setattr(store, "record_turn", erased_first)
    return erased


def test_a_conversation_erased_during_its_turn_answers_no_session(
        client: TestClient, store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Staff erase a number's data while its web turn is being answered: the page is told
    the conversation is gone (it starts a new one), not "500 Internal Server Error"."""
    token = client.post("/api/sessions", json={"lang": "uk"}).json()["session"]
    erase_before_the_next_save(store, monkeypatch)
    response = client.post(f"/api/sessions/{token}/messages", json={"text": "1"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "no_session"


def test_rate_limit_per_ip(content, store) -> None:
    client = TestClient(make_app(content, store, ip_limit=3), base_url=BASE)
    codes = [client.post("/api/sessions", json={}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_the_page_is_served_without_external_resources(client: TestClient) -> None:
    html = client.get("/").text
    assert "<script src=\"/static/app.js\">" in html and "http" not in html.split("<body>")[1]
    js = client.get("/static/app.js").text
    assert "innerHTML" not in js and "textContent" in js
    assert client.get("/static/../web.py").status_code == 404


def sms(client: TestClient, body: str, sid: str, phone: str = "+4522334455",
        signature: str | None = None):
    params = {"From": phone, "To": "+4570000000", "Body": body, "MessageSid": sid}
    if signature is None:
        signature = RequestValidator(TOKEN).compute_signature(f"{BASE}/sms/twilio", params)
    return client.post("/sms/twilio", data=params, headers={"X-Twilio-Signature": signature})


def test_sms_signature_is_required(client: TestClient) -> None:
    assert sms(client, "menu", "SM1", signature="bad").status_code == 403
    response = client.post("/sms/twilio", data={"From": "+4522334455", "Body": "menu",
                                                "MessageSid": "SM2"})
    assert response.status_code == 403
    ok = sms(client, "menu", "SM3")
    assert ok.status_code == 200 and ok.headers["content-type"].startswith("application/xml")
    assert "<Response><Message>" in ok.text and "1 Book et møde" in ok.text


def test_sms_retries_never_run_a_turn_twice_or_book_twice(client: TestClient, store) -> None:
    for i, body in enumerate(["1", "2", "1", "1", "1", "Anna Jensen", "22334455"]):
        assert sms(client, body, f"SMa{i}").status_code == 200
    first = sms(client, "1", "SMbook")
    again = sms(client, "1", "SMbook")
    assert "Kode: " in first.text and again.text == first.text
    with DB(store.engine) as db:
        assert len(db.exec(select(Booking)).all()) == 1
        assert len(db.exec(select(Turn)).all()) == 8


def test_an_sms_turn_runs_at_most_once_even_when_its_server_dies_mid_turn(
        content, db_url, monkeypatch: pytest.MonkeyPatch) -> None:
    """A message is claimed (committed) before its turn runs. Were the server to die after
    the turn and before the reply is kept, the gateway's retry is answered with nothing
    rather than run the turn (which may have booked) a second time."""
    from assistant.channels.sms import sms_turn

    store = SessionStore(make_engine(db_url))
    phone = "+4522334455"
    assert "1 Book et møde" in sms_turn(content, store, phone=phone, body="menu", sid="SMt1")

    def dies(*args, **kwargs) -> None:
        raise KeyboardInterrupt  # as a SIGKILL would stop it: after the turn, before the reply

    monkeypatch.setattr(store.sms, "finish", dies)
    with pytest.raises(KeyboardInterrupt):
        sms_turn(content, store, phone=phone, body="1", sid="SMt2")
    monkeypatch.undo()
    assert sms_turn(content, store, phone=phone, body="1", sid="SMt2") == ""  # the retry
    assert [t.input for t in store.turns(store.load(f"sms:{phone_hash(phone)}").id)] == [
        "menu", "1"]
    assert sms_turn(content, store, phone=phone, body="menu", sid="SMt3").startswith(
        "Hvad vil du")
    store.engine.dispose()


def test_an_sms_whose_conversation_is_erased_meanwhile_is_answered_afresh(
        content, db_url, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest,
) -> None:
    """Staff erase a number's data while its SMS is being answered: the turn leaves nothing,
    and the message is answered in a new conversation, not with an error the citizen never
    sees (a gateway sends nothing for a 500)."""
    from assistant.channels.sms import sms_turn

    store = SessionStore(make_engine(db_url))
    request.addfinalizer(store.engine.dispose)
    phone = "+4522334477"
    sms_turn(content, store, phone=phone, body="menu", sid="SMg1")
    erased = erase_before_the_next_save(store, monkeypatch)
    assert sms_turn(content, store, phone=phone, body="1", sid="SMg2").startswith("Book et møde")
    again = store.load(f"sms:{phone_hash(phone)}")
    assert erased and again.id != erased[0], "a new conversation"
    assert [t.input for t in store.turns(again.id)] == ["1"]


BOOKING_SMS = ["1", "2", "1", "1", "1", "Anna Jensen", "22334455"]  # up to "book it?"


def test_a_retry_that_raced_the_first_delivery_leaves_no_second_turn(content, db_url) -> None:
    """A turn that changes only its conversation claims its message in its own transaction.
    A retry that read the store before the first delivery committed runs the turn too, but
    its commit fails on the message id and leaves nothing; it answers what the first did."""
    from assistant.channels.sms import sms_turn

    engine = make_engine(db_url)
    seed_demo(engine)
    store = SessionStore(engine)
    phone = "+4522334455"
    sms_turn(content, store, phone=phone, body="menu", sid="SMr0")
    key = phone_hash(phone)
    early = store.sms.look("SMr1", key, f"sms:{key}")  # what the retry read, before...
    first = sms_turn(content, store, phone=phone, body="1", sid="SMr1")  # ...this committed
    store.sms.look = lambda *args: early  # type: ignore[method-assign]
    assert sms_turn(content, store, phone=phone, body="1", sid="SMr1") == first
    with DB(engine) as db:
        assert len(db.exec(select(Turn)).all()) == 2
    assert first.startswith("Book et møde")
    engine.dispose()


def test_an_sms_turn_claims_its_message_before_it_books(
        content, db_url, monkeypatch: pytest.MonkeyPatch) -> None:
    """A retry after a crash must never book again: the claim is committed before the
    booking, and a retry that raced to the booking stops there."""
    from assistant.channels.sms import sms_turn

    engine = make_engine(db_url)
    seed_demo(engine)
    store = SessionStore(engine)
    phone = "+4522334455"
    for i, body in enumerate(BOOKING_SMS):
        sms_turn(content, store, phone=phone, body=body, sid=f"SMc{i}")
    book, claimed_when_booking = content.actions["book"], []

    def watched_book(act, convo):
        with DB(engine) as db:  # another connection: sees only what is committed
            claimed_when_booking.append(db.exec(
                select(SmsMessage).where(SmsMessage.sid == "SMbook")).first() is not None)
        return book(act, convo)

    monkeypatch.setitem(content.actions, "book", watched_book)
    key = phone_hash(phone)
    early = store.sms.look("SMbook", key, f"sms:{key}")
    first = sms_turn(content, store, phone=phone, body="1", sid="SMbook")
    assert "Kode: " in first and claimed_when_booking == [True]
    store.sms.look = lambda *args: early  # type: ignore[method-assign]
    assert sms_turn(content, store, phone=phone, body="1", sid="SMbook") == first
    assert claimed_when_booking == [True]  # the racing retry never reached the booking
    with DB(engine) as db:
        assert len(db.exec(select(Booking)).all()) == 1
        assert len(db.exec(select(Turn)).all()) == len(BOOKING_SMS) + 1
    engine.dispose()


def test_serve_on_sqlite_checkpoints_in_a_thread_of_its_own(content, store) -> None:
    """While serving, the connections that serve turns leave checkpoints to a thread of
    their own; at shutdown a last checkpoint leaves the database file holding everything."""
    import threading

    from assistant.store.checkpoints import BACKSTOP_PAGES

    def autocheckpoint() -> int:
        raw = store.engine.raw_connection()
        try:
            return raw.driver_connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        finally:
            raw.close()

    with TestClient(make_app(content, store), base_url=BASE) as client:
        token = client.post("/api/sessions", json={"lang": "en"}).json()["session"]
        for text in ["1", "2", "back", "menu"] * 5:
            assert client.post(f"/api/sessions/{token}/messages",
                               json={"text": text}).status_code == 200
        assert autocheckpoint() == BACKSTOP_PAGES
        assert "wal-checkpoints" in {t.name for t in threading.enumerate()}
    assert "wal-checkpoints" not in {t.name for t in threading.enumerate()}
    assert autocheckpoint() == 1000  # SQLite's default again, for whoever uses the store next
    raw = store.engine.raw_connection()
    try:
        busy, log, copied = raw.driver_connection.execute(
            "PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        raw.close()
    assert busy == 0 and log == copied


def test_sms_keywords_stop_start_and_help(client: TestClient) -> None:
    assert "Response />" in sms(client, "STOP", "SMs1").text
    assert "Response />" in sms(client, "menu", "SMs2").text
    assert "1 Book et møde" in sms(client, "START", "SMs3").text
    assert "\"tilbage\"" in sms(client, "HJÆLP", "SMs4").text
    assert "\"back\"" in sms(client, "HELP", "SMs5", phone="+4522334466").text
    assert '"назад"' in sms(client, "ДОПОМОГА", "SMs6", phone="+4522334477").text


def test_a_number_over_its_limit_is_told_once_in_its_language(
        content, store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A number over its limit is told to wait, once a minute (not per message of a flood), in
    the conversation's language, else the message's, else Danish and English. That reply comes
    with 200 (a gateway sends no reply that comes with an error status); the rest get 429."""
    monkeypatch.setenv("ASSISTANT_TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", "https://kiosk.example.dk")
    client = TestClient(make_app(content, store, phone_limit=2), base_url=BASE)
    wait = {"da": "Du har sendt mange beskeder", "en": "You have sent many messages",
            "uk": "Ви надіслали багато повідомлень"}
    for i in range(2):
        assert sms(client, "українська", f"SMr{i}", phone="+4522000001").status_code == 200
    over = sms(client, "1", "SMr2", phone="+4522000001")
    assert over.status_code == 200 and over.headers["content-type"].startswith("application/xml")
    assert "<Message>" + wait["uk"] in over.text and wait["da"] not in over.text
    again = sms(client, "1", "SMr3", phone="+4522000001")
    assert again.status_code == 429 and "<Message>" not in again.text  # once, not per message
    # a number with no conversation: the language its message shows, else Danish and English
    client = TestClient(make_app(content, store, phone_limit=0), base_url=BASE)
    for n, (said, langs) in enumerate([("привіт", ["uk"]), ("hello there", ["en"]),
                                        ("1", ["da", "en"])]):
        over = sms(client, said, f"SMq{n}", phone=f"+452200001{n}")
        assert over.status_code == 200
        assert [lang for lang in wait if wait[lang] in over.text] == langs, over.text


def test_a_ukrainian_sms_shows_as_many_options_as_a_danish_one(client: TestClient) -> None:
    """Cyrillic is sent as UCS-2 (67 characters a segment, not 153): a reply may take more
    segments, so the list of meeting types and the list of times come whole, as in Danish,
    not two options and "reply MORE"."""
    for phone, lang, more in (("+4522000101", "uk", "ЩЕ"), ("+4522000102", "da", "MERE")):
        start = "записатися" if lang == "uk" else "book"
        kinds = sms(client, start, f"SMp{lang}1", phone=phone).text
        assert "7 " in kinds and more not in kinds, kinds
        sms(client, "1", f"SMp{lang}2", phone=phone)  # first meeting
        times = sms(client, "3", f"SMp{lang}3", phone=phone).text  # in Ukrainian
        assert all(f"\n{n} " in times for n in range(1, 7)) and more not in times, times
    long = "\n".join(["Рядок тексту номер " + str(i) for i in range(40)])
    head, _ = split_reply(long, "Надішліть ЩЕ")
    assert 3 < segments(head) <= MAX_UCS2_SEGMENTS and len(head) > 300  # still bounded


def test_segments_gsm7_and_ucs2() -> None:
    assert segments("a" * 160) == 1 and segments("a" * 161) == 2 and segments("a" * 306) == 2
    assert segments("€" * 80) == 1 and segments("€" * 81) == 2
    assert segments("ж" * 70) == 1 and segments("ж" * 71) == 2 and segments("ж" * 134) == 2
    assert segments("Æble på Ørsted") == 1


def test_sms_replies_use_plain_quotes_and_dashes_to_stay_gsm7() -> None:
    from assistant.channels.render import render_sms
    from assistant.channels.sms import is_gsm7
    from assistant.outputs import Say

    fancy = Say({"da": "Skriv „menu“ – eller ‘hjælp’… nu", "en": "Plain text"})
    assert render_sms([fancy], "da") == "Skriv \"menu\" - eller 'hjælp'... nu"
    assert is_gsm7(render_sms([fancy], "da")) and not is_gsm7(fancy.text["da"])
    assert render_sms([fancy], "en") == "Plain text"


def test_long_replies_are_split_with_reply_more(client: TestClient) -> None:
    head, rest = split_reply("\n".join(["Рядок тексту номер " + str(i) for i in range(40)]),
                             "Надішліть ЩЕ")
    assert segments(head) <= MAX_UCS2_SEGMENTS and head.endswith("Надішліть ЩЕ")
    assert rest.startswith("Рядок") and fits(head) and not fits(head + "\n" + rest)
    reply = sms(client, "привіт, що таке воксенлерлінг і дагпенге", "SMl1",
                phone="+4522334488").text
    assert "Response" in reply


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--db", url, "--demo", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ})


def _wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return
        except OSError:
            with socket.socket() as s:
                s.settimeout(0.2)
                s.connect_ex(("127.0.0.1", port))
    raise AssertionError("server did not start")


def test_two_serve_processes_on_one_postgresql_behave_as_one(pg_url: str) -> None:
    import json

    ports = [_free_port(), _free_port()]
    procs = [_serve(pg_url, p) for p in ports]
    try:
        for port, proc in zip(ports, procs, strict=True):
            _wait_ready(port, proc)

        def post(port: int, path: str, body: dict) -> dict:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                headers={"Content-Type": "application/json"})
            return json.loads(urllib.request.urlopen(request, timeout=30).read())

        token = post(ports[0], "/api/sessions", {"lang": "en"})["session"]
        inputs = ["5", "30", "2", "3"]
        for i, text in enumerate(inputs):
            data = post(ports[i % 2], f"/api/sessions/{token}/messages", {"text": text})
        assert "Have you been unemployed for at least 6 months?" in texts(data)

        # Two messages to one conversation at once, one to each process: answered one after
        # the other, in either order, as when they are sent one after the other.
        from concurrent.futures import ThreadPoolExecutor

        def conversation() -> str:
            token = post(ports[0], "/api/sessions", {"lang": "en"})["session"]
            return f"/api/sessions/{token}/messages"

        def in_order(first: str, second: str) -> dict[str, list]:
            path = conversation()
            return {text: post(ports[i], path, {"text": text})["reply"]
                    for i, text in enumerate((first, second))}

        serial = [in_order("1", "2"), in_order("2", "1")]
        with ThreadPoolExecutor(2) as pool:
            for _ in range(8):
                path = conversation()
                got = pool.map(post, ports, [path] * 2, [{"text": "1"}, {"text": "2"}])
                assert dict(zip(("1", "2"), (d["reply"] for d in got), strict=True)) in serial
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)


def test_calendar_file_for_the_citizens_own_booking(client: TestClient) -> None:
    import re

    from icalendar import Calendar

    token = client.post("/api/sessions", json={"lang": "en"}).json()["session"]
    for text in ["1", "2", "1", "1", "1", "Anna Jensen", "22334455", FIXED_OTP, "1"]:
        data = client.post(f"/api/sessions/{token}/messages", json={"text": text}).json()
    code = re.search(r"Code: ([A-Z2-9]{6})", texts(data))[1]
    wrong = client.post("/api/calendar", json={"code": code, "phone": "22334466"})
    assert wrong.status_code == 404
    response = client.post("/api/calendar", json={"code": code, "phone": "+45 22 33 44 55"})
    assert response.headers["content-type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert code in str(event["summary"])


def test_reply_more_sends_the_rest_once(client: TestClient) -> None:
    first = sms(client, "перекладач", "SMm1", phone="+4522334499").text
    assert "Надішліть ЩЕ, щоб отримати решту." in first
    rest = sms(client, "ЩЕ", "SMm2", phone="+4522334499").text
    start = rest.split("<Message>")[1].split("\n")[0]
    assert len(start) > 20 and start not in first
    assert "Svar MERE" not in rest, "every page asks for MORE in the conversation's language"
    again = sms(client, "ЩЕ", "SMm3", phone="+4522334499").text
    assert again != rest, "the rest is sent once; a second MORE is an ordinary message"


def test_behind_a_proxy_the_signed_url_keeps_its_query_string(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Twilio signs the webhook URL as configured, query string included."""
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", "https://jobcenter.example")
    params = {"From": "+4522334455", "To": "+4570000000", "Body": "menu", "MessageSid": "SMq"}
    signed = RequestValidator(TOKEN).compute_signature(
        "https://jobcenter.example/sms/twilio?site=slagelse", params)
    response = client.post("/sms/twilio?site=slagelse", data=params,
                           headers={"X-Twilio-Signature": signed})
    assert response.status_code == 200 and "1 Book et møde" in response.text


@pytest.mark.parametrize("path", ["/api/sessions", "/sms/twilio"])
def test_a_huge_body_is_refused_without_being_read(content, store, path: str) -> None:
    """Neither the API nor the (unsigned, public) webhook reads past the 32 KB limit."""
    import asyncio

    app = make_app(content, store)
    taken, sent = [], []

    async def receive() -> dict:
        taken.append(1)
        return {"type": "http.request", "body": b"x" * 65536, "more_body": len(taken) < 3200}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "headers": [(b"host", b"testserver")],
             "client": ("127.0.0.1", 5000), "server": ("testserver", 80)}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413
    assert len(taken) <= 2, f"read {len(taken) * 64} KB of a 200 MB body"


def test_the_longest_message_is_taken_however_its_json_is_escaped(client: TestClient) -> None:
    """2,000 characters is the limit, not the bytes JSON spends on them: a message of 2,000
    emoji, each escaped as a surrogate pair (12 bytes), is answered; 2,001 characters are too
    long, in a body the page would never send."""
    import json

    token = client.post("/api/sessions", json={"lang": "uk"}).json()["session"]
    longest = json.dumps({"text": "\U0001F600" * 2000}, ensure_ascii=True).encode()
    assert len(longest) > 24_000
    response = client.post(f"/api/sessions/{token}/messages", content=longest)
    assert response.status_code == 200 and response.json()["lang"] == "uk"
    too_long = json.dumps({"text": "ї" * 2001}, ensure_ascii=True).encode()
    response = client.post(f"/api/sessions/{token}/messages", content=too_long)
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_long"


def test_a_long_ukrainian_sms_is_answered(client: TestClient) -> None:
    """Twilio posts up to 1,600 characters; form-encoded Cyrillic is 6 bytes a letter."""
    response = sms(client, "Допоможіть мені знайти роботу. " * 51, "SMlong", phone="+4522334466")
    assert response.status_code == 200 and "<Message>" in response.text


def test_a_flood_of_new_addresses_never_lifts_a_limit() -> None:
    from assistant.channels.web import RateLimiter

    limiter = RateLimiter(2, max_keys=100, clock=lambda: 0.0)
    assert [limiter.allow("203.0.113.9") for _ in range(3)] == [True, True, False]
    for i in range(1000):
        limiter.allow(f"198.51.100.{i}")
        assert not limiter.allow("203.0.113.9"), f"lifted after {i + 1} other addresses"
    assert len(limiter.hits) <= 100


def test_addresses_of_one_ipv6_network_share_a_limit(content, store) -> None:
    from assistant.channels.web import client_key

    class Asking:
        def __init__(self, host: str) -> None:
            self.client = type("Client", (), {"host": host})()

    keys = {client_key(Asking(f"2001:db8:1:2::{i:x}")) for i in range(50)}  # type: ignore[arg-type]
    assert keys == {"2001:db8:1:2::/64"}
    assert client_key(Asking("192.0.2.7")) == "192.0.2.7"  # type: ignore[arg-type]


def test_a_two_septet_character_is_not_split_between_segments() -> None:
    assert segments("a" * 152 + "€" + "a" * 152) == 3  # € cannot straddle two 153s
    assert segments("a" * 306) == 2
    assert segments("я" * 66 + "😀" + "я" * 66) == 3  # nor a surrogate pair two 67s


def test_a_word_longer_than_a_reply_is_cut_and_every_more_makes_progress() -> None:
    text = "https://example.org/" + "x" * 600
    pages, rest = [], text
    while rest and len(pages) < 10:
        head, rest = split_reply(rest, "Reply MORE for the rest.")
        assert segments(head) <= 3
        pages.append(head.removesuffix("\nReply MORE for the rest."))
    assert "".join(pages).replace(" ", "") == text


def test_unknown_paths_and_methods_answer_in_json(client: TestClient) -> None:
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = client.delete("/api/sessions")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"
    with_bom = client.post("/api/sessions", content="\ufeff{\"lang\": \"en\"}".encode())
    assert with_bom.status_code == 200 and with_bom.json()["lang"] == "en"


@pytest.mark.parametrize("stop", [
    "Stop!", "STOP.", " stop ", "Stop please", "stop venligst", "Afmeld", "afmeld mig, tak",
    "Unsubscribe", "Стоп!", "стоп, будь ласка", "Відписатися", "STOP SMS",
    # an outside pass: the gateway's own opt-out words, Danish, full-width, invisible
    # characters, an emoji, the word twice, and a word or two around it
    "CANCEL", "END", "QUIT", "STOPALL", "UNSUBSCRIBE", "Hold op", "ＳＴＯＰ", "stop\u200b",
    "st\u00adop", "Stop 🙏", "STOP STOP", "stop all", "unsubscribe me", "nej tak stop",
    # a tester's plain opt-outs, and their Danish and Ukrainian twins
    "stop sending", "Stop texting me!", "stop it", "Remove me", "No more messages.",
    "Afmelding", "Hold op med at skrive", "ikke flere beskeder", "afmeld mig",
    "Більше не пишіть!", "відпишіть мене", "no thanks, stop sending me messages",
])
def test_stop_in_its_usual_forms_stops_the_messages(client: TestClient, stop: str) -> None:
    assert "1 Book et møde" in sms(client, "menu", "SMv1").text
    assert "Response />" in sms(client, stop, "SMv2").text
    assert "Response />" in sms(client, "menu", "SMv3").text  # stopped: no reply
    assert "1 Book et møde" in sms(client, "Start!", "SMv4").text


@pytest.mark.parametrize("question", [
    "Hvordan stopper jeg min ydelse?", "stop min booking", "Can I stop my benefits?",
    "Як зупинити допомогу?", "cancel my booking", "stop stop min booking?",
    "when does my dagpenge stop?", "hvornår stopper min dagpenge", "remove me from the queue",
    "Коли припиняться виплати?",
])
def test_a_question_that_mentions_stop_is_answered(client: TestClient, question: str) -> None:
    reply = sms(client, question, "SMq1").text
    assert "<Message>" in reply
    assert "<Message>" in sms(client, "menu", "SMq2").text


def test_the_page_may_not_be_framed_and_runs_only_its_own_script(client: TestClient) -> None:
    for method in (client.get, client.head):
        response = method("/")
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
        assert "default-src 'none'" in policy and "unsafe-inline" not in policy
        assert response.headers["x-frame-options"] == "DENY"


def test_the_webhook_checks_signatures_against_the_public_url_only(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A signature made for the Host the request names is not enough: only one made for the
    configured ASSISTANT_PUBLIC_URL (with or without its default port) is taken."""
    params = {"From": "+4522334455", "To": "+4570000000", "Body": "menu", "MessageSid": "SMh"}

    def post(host: str, signed_for: str) -> int:
        signature = RequestValidator(TOKEN).compute_signature(signed_for, params)
        return TestClient(client.app, base_url=host).post(
            "/sms/twilio", data=params, headers={"X-Twilio-Signature": signature}).status_code

    evil = "https://evil.example"
    assert post(evil, f"{evil}/sms/twilio") == 403
    assert post(BASE, f"{BASE}:443/sms/twilio") == 200
    assert post(BASE, f"{BASE}:8443/sms/twilio") == 403
    assert post(BASE, "http://kiosk.example.dk/sms/twilio") == 403
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", "http://kiosk.example.dk:80/")
    assert post(BASE, "http://kiosk.example.dk/sms/twilio") == 200
    monkeypatch.delenv("ASSISTANT_PUBLIC_URL")
    assert post(BASE, f"{BASE}/sms/twilio") == 403  # no public URL: nothing is believed


async def test_behind_a_trusted_proxy_each_client_has_its_own_limit(content, store) -> None:
    """`serve --forwarded-allow-ips` (uvicorn's proxy headers): behind the load balancer each
    client's X-Forwarded-For address is limited on its own; from anyone else the header is
    ignored, so a client cannot pick a fresh address for each request."""
    import httpx

    from assistant.channels.web import server_config

    config = server_config(make_app(content, store, ip_limit=1), "127.0.0.1", 0,
                           forwarded_allow_ips="10.0.0.5")
    config.load()

    async def status(peer: str, client_ip: str) -> int:
        transport = httpx.ASGITransport(config.loaded_app, client=(peer, 40000))
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
            response = await http.post("/api/sessions", json={},
                                       headers={"X-Forwarded-For": client_ip})
            return response.status_code

    assert [await status("10.0.0.5", ip) for ip in ("203.0.113.1", "203.0.113.2")] == [200, 200]
    assert await status("10.0.0.5", "203.0.113.1") == 429
    assert [await status("198.51.100.7", ip) for ip in ("203.0.113.3", "203.0.113.4")] == [
        200, 429]


def test_a_turn_that_fails_gives_up_its_message_so_the_retry_is_answered(
        db_url: str, content, monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    """The database fails while a first SMS is answered: the webhook answers 503 (try again:
    the database cannot be used) and logs no
    number or number's hash, and the gateway's retry of the message gets the reply (before,
    the message stayed claimed with no reply, and the retry got an empty one)."""
    import logging

    from sqlalchemy.exc import OperationalError

    monkeypatch.setenv("ASSISTANT_TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", BASE)
    store = SessionStore(make_engine(db_url))
    client = TestClient(make_app(content, store), base_url=BASE)
    record, failed = store.record_turn, []

    def fails_once(*args, **kwargs):
        if not failed:
            failed.append(1)
            raise OperationalError("INSERT INTO turns", {}, RuntimeError(
                f"server closed the connection; key sms:{phone_hash('+4526112233')}"))
        return record(*args, **kwargs)

    monkeypatch.setattr(store, "record_turn", fails_once)
    with caplog.at_level(logging.INFO):
        assert sms(client, "menu", "SMfail1", phone="+4526112233").status_code == 503
    assert phone_hash("+4526112233") not in caplog.text and "26112233" not in caplog.text
    assert "OperationalError" in caplog.text
    retry = sms(client, "menu", "SMfail1", phone="+4526112233")
    assert retry.status_code == 200 and "1 Book et møde" in retry.text
    store.engine.dispose()


@pytest.mark.postgres
def test_first_sms_from_a_new_number_at_once_on_two_servers(
        pg_url: str, content, monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    """Two app instances on one PostgreSQL (as two `serve` processes): the first two SMS
    from a new number arrive at once, one at each. Both are answered, in one conversation;
    nothing fails on the session's unique key."""
    import logging
    import threading

    monkeypatch.setenv("ASSISTANT_TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", BASE)
    stores = [SessionStore(make_engine(pg_url)) for _ in range(2)]
    clients = [TestClient(make_app(content, s), base_url=BASE) for s in stores]
    for pair in range(10):
        phone = f"+45261100{pair:02d}"
        start, answers = threading.Barrier(2), [None, None]

        def send(i: int, phone: str = phone, start: threading.Barrier = start,
                 answers: list = answers, pair: int = pair) -> None:
            start.wait()
            answers[i] = sms(clients[i], "hjælp" if i else "menu", f"SMrace{pair}-{i}",
                             phone=phone)

        with caplog.at_level(logging.INFO):
            threads = [threading.Thread(target=send, args=(i,)) for i in (0, 1)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert [a.status_code for a in answers] == [200, 200], pair
        assert all("<Message>" in a.text for a in answers), pair
        saved = stores[0].load(f"sms:{phone_hash(phone)}")
        assert saved is not None and saved.turns == 2
        assert phone_hash(phone) not in caplog.text
    for store in stores:
        store.engine.dispose()


def test_first_sms_at_once_on_two_serve_processes_are_both_answered(
        pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two `serve` processes on one PostgreSQL; the first two SMS from each new number
    arrive at once, one at each process: both are answered (no 500 on the session key), and
    neither server's log carries the number's hash."""
    from concurrent.futures import ThreadPoolExecutor

    public = "https://kiosk.example.dk"
    monkeypatch.setenv("ASSISTANT_TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", public)
    ports = [_free_port(), _free_port()]
    procs = [_serve(pg_url, p) for p in ports]
    signer = RequestValidator(TOKEN)

    def send(port: int, phone: str, body: str, sid: str) -> tuple[int, str]:
        form = {"From": phone, "To": "+4570000000", "Body": body, "MessageSid": sid}
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/sms/twilio",
            data=urllib.parse.urlencode(form).encode(),
            headers={"X-Twilio-Signature": signer.compute_signature(f"{public}/sms/twilio",
                                                                    form)})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as failed:
            return failed.code, failed.read().decode()

    try:
        for port, proc in zip(ports, procs, strict=True):
            _wait_ready(port, proc)
        phones = [f"+45271100{n:02d}" for n in range(10)]
        with ThreadPoolExecutor(2) as pool:
            for n, phone in enumerate(phones):
                answers = list(pool.map(send, ports, [phone] * 2, ["menu", "hjælp"],
                                        [f"SMtwo{n}a", f"SMtwo{n}b"]))
                assert [status for status, _ in answers] == [200, 200], answers
                assert all("<Message>" in text for _, text in answers), answers
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)
    logged = b"".join(proc.stderr.read() for proc in procs if proc.stderr).decode()
    assert not any(phone_hash(phone) in logged for phone in phones)
    assert "Traceback" not in logged


@pytest.mark.parametrize("text, lang", [
    ("hello", "en"), ("what is your address?", "en"), ("when are you open today?", "en"),
    ("Hi, I need help with my job search", "en"), ("Hej, can you help me?", "en"),
    ("привіт", "uk"),
    # clearly Danish: two clearly-Danish words or more (an æ, ø or å counts once), and more
    # of them than English words
    ("Hej, jeg vil gerne have hjælp til at finde et job", "da"),
    ("hvornår har I åbent i dag?", "da"), ("hvornar har I abent i dag", "da"),
    ("Hej, hvad er jeres adresse?", "da"), ("hej, kan jeg fa hjaelp til at finde arbejde?", "da"),
    ("hvad er særloven", "da"), ("jeg søger job", "da"), ("min søn er syg", "da"),
    # a Danish term named in an English or Ukrainian question keeps that language
    ("what is løntilskud?", None), ("can I get dagpenge?", "en"), ("що таке særlov?", "uk"),
    ("tell me about løntilskud og fleksjob", None), ("can I get dagpenge og løntilskud?", None),
    ("where do I apply for kontanthjælp og boligstøtte?", None),
    ("is the jobcenter open on mandag?", "en"), ("I want to book a møde", None),
    # one word, or too little to tell, is left as it is
    ("hej", None), ("hvornår", None), ("løntilskud", None), ("tak", None), ("ja tak", None),
    ("1", None), ("Jobcenter", None),
    # Ukrainian typed in Latin letters is no Danish ("den", "tak")
    ("dobryi den, chy mozhu ya pratsiuvaty v danii?", None),
    ("tak, ya khochu pratsiuvaty", None)])
def test_the_first_message_tells_its_language_only_with_clear_evidence(text: str,
                                                                       lang: str | None) -> None:
    from assistant.commands import language_of

    assert language_of(text) == lang


@pytest.mark.parametrize(("page", "message", "answered", "shown"), [
    ("en", "Hej, jeg vil gerne have hjælp til at finde et job", "da", "Løntilskud og selv"),
    ("uk", "hvornår har I åbent i dag?", "da", "Åbningstider"),
    ("en", "what is løntilskud?", "en", "Wage subsidy jobs"),
    ("uk", "що таке særlov?", "uk", "Спеціальний закон"),
    ("en", "hej", "en", "Book a meeting")])
def test_a_first_danish_message_on_a_page_started_in_another_language_is_answered_in_danish(
        client: TestClient, page: str, message: str, answered: str, shown: str) -> None:
    """Testers wrote "Hej, jeg vil gerne have hjælp til at finde et job" on a page the browser
    had started in English and were answered in English. A question that only names a Danish
    term ("what is løntilskud?") stays in the page's language, and so does one word."""
    token = client.post("/api/sessions", json={"lang": page}).json()["session"]
    answer = client.post(f"/api/sessions/{token}/messages", json={"text": message}).json()
    assert answer["lang"] == answered and shown in texts(answer), texts(answer)
    later = client.post(f"/api/sessions/{token}/messages", json={"text": "what is your address?"})
    assert later.json()["lang"] == answered, "only the first message picks the language"


def test_a_first_danish_sms_in_a_conversation_started_in_english_is_answered_in_danish(
        content, store) -> None:
    """`chat --channel sms --lang en` (the SMS channel itself) answered "hvornår har I åbent i
    dag?" in English; "what is løntilskud?" stays English."""
    import io

    from assistant.channels.text import run_chat

    def first(message: str, key: str) -> str:
        out = io.StringIO()
        run_chat(content, store, lang="en", channel="sms", session_key=key,
                 stdin=io.StringIO(f"{message}\nmenu\n"), stdout=out, now=lambda: NOW)
        return out.getvalue()

    danish = first("hvornår har I åbent i dag?", "+4522334466")
    assert "ÅBNINGSTIDER" in danish and "Book et møde" in danish, danish
    assert "OPENING HOURS" not in danish and "Book a meeting" not in danish, danish
    english = first("what is løntilskud?", "+4522334467")
    assert "Wage subsidy" in english and "Book a meeting" in english, english


def test_a_first_english_sms_is_answered_in_english_and_hej_in_danish(client: TestClient) -> None:
    english = sms(client, "when are you open today?", "SMen1", phone="+4522334477").text
    assert "OPENING HOURS" in english and "Book a meeting" in english, english
    danish = sms(client, "hej", "SMda1", phone="+4522334488").text
    assert "Book et møde" in danish, danish


def test_a_first_english_question_in_a_danish_web_session_is_answered_in_english(
        client: TestClient) -> None:
    token = client.post("/api/sessions", json={}).json()["session"]  # the API's default: da
    answer = client.post(f"/api/sessions/{token}/messages",
                         json={"text": "what is your address?"}).json()
    assert answer["lang"] == "en", texts(answer)
    later = client.post(f"/api/sessions/{token}/messages", json={"text": "hvad er jeres adresse?"})
    assert later.json()["lang"] == "en", "only the first message picks the language"


def test_a_first_ukrainian_message_in_the_text_channel_is_answered_in_ukrainian(
        content, store) -> None:
    # `chat` without --lang answered "Добрий день, у мене закінчується дозвіл" in Danish, where
    # the web page and SMS answer in Ukrainian
    import io

    from assistant.channels.text import run_chat

    out = io.StringIO()
    run_chat(content, store, lang=None, channel="text", session_key="text-first-uk",
             stdin=io.StringIO("Добрий день, у мене закінчується дозвіл\nhvad er særloven\n"),
             stdout=out, now=lambda: NOW)
    first, later = out.getvalue().split("\n\n")[:2]
    assert "Спеціальний закон" in first and "Særloven" not in first, first
    assert "Спеціальний закон" in later, "only the first message picks the language"


@pytest.mark.parametrize("channel", ["kiosk", "web", "sms", "text"])
@pytest.mark.parametrize(("small_talk", "question"), [
    ("are you a robot", "when are you open today?"), ("як справи", "коли ви відкриті сьогодні?")],
    ids=["en", "uk"])
def test_small_talk_in_another_language_is_answered_as_a_question_in_it_is(
        content, store, channel: str, small_talk: str, question: str) -> None:
    """"are you a robot" at a Danish kiosk was reported answered in Danish. So is a knowledge
    question in English there, on purpose: only a conversation's first message picks its
    language (on the web page, by SMS and in chat; the kiosk's language screen picks it there),
    and later messages in another language are answered in the conversation's. Small talk
    about the assistant follows the same rule as a question, on every channel."""
    import uuid

    from assistant.channels.render import render_text
    from assistant.conversation import Conversation

    def first_and_later(message: str) -> tuple[str, str]:
        langs = []
        for before in ([], ["hej"]):  # as the first message, and after a Danish one
            convo, _ = Conversation.open(content, store, f"t:{uuid.uuid4().hex}", channel, "da",
                                         now=lambda: NOW)
            for said in [*before, message]:
                outputs = convo.handle(said)
            assert render_text(outputs, convo.lang).strip()
            langs.append(convo.lang)
        return langs[0], langs[1]

    assert first_and_later(small_talk) == first_and_later(question)
    assert first_and_later(small_talk)[1] == "da", "a later message keeps the conversation's"


LATIN_UKRAINIAN = "dobryi den, chy mozhu ya pratsiuvaty v danii?"


def test_a_first_message_in_ukrainian_typed_in_latin_letters_is_answered_in_ukrainian(
        client: TestClient, content, store) -> None:
    """Ukrainian typed in Latin letters sets the conversation's language as Cyrillic does,
    by SMS (from a Ukrainian number too), in `chat --channel sms` and on the web page; it was
    answered with the right entry, in Danish. Danish typed without æ, ø and å stays Danish."""
    import io

    from assistant.channels.text import run_chat

    by_sms = sms(client, LATIN_UKRAINIAN, "SMlatin1", phone="+380501234567").text
    assert "Спеціальний закон" in by_sms and "Særloven" not in by_sms, by_sms
    out = io.StringIO()
    run_chat(content, store, lang=None, channel="sms", session_key="+380501234568",
             stdin=io.StringIO(f"{LATIN_UKRAINIAN}\nmenu\n"), stdout=out, now=lambda: NOW)
    first, later = out.getvalue().split("\n\n")[:2]
    assert "Спеціальний закон" in first and "Særloven" not in first, first
    assert "Записатися на зустріч" in later, "the conversation goes on in Ukrainian"
    token = client.post("/api/sessions", json={"lang": "da"}).json()["session"]
    web = client.post(f"/api/sessions/{token}/messages", json={"text": LATIN_UKRAINIAN}).json()
    assert web["lang"] == "uk" and "Спеціальний закон" in texts(web), texts(web)
    token = client.post("/api/sessions", json={"lang": "da"}).json()["session"]
    danish = client.post(f"/api/sessions/{token}/messages",
                         json={"text": "hej, kan jeg fa hjaelp til at finde arbejde?"}).json()
    assert danish["lang"] == "da", texts(danish)


@pytest.mark.parametrize("word", ["mova", "Mova", "мова", "sprog", "language"])
def test_the_language_word_asks_in_all_three_languages(content, store, word: str) -> None:
    """"mova" (Ukrainian for language, typed in Latin letters) is the language word, as
    "мова" is; the question that follows is asked in all three languages, the
    conversation's own first: whoever asks to change it may not read the one in use."""
    import io

    from assistant.channels.text import run_chat

    out = io.StringIO()
    run_chat(content, store, lang="da", channel="sms", session_key="+4522334411",
             stdin=io.StringIO(f"menu\n{word}\n"), stdout=out, now=lambda: NOW)
    asked = out.getvalue().split("\n\n")[1]
    assert asked.startswith("Vælg dit sprog.\nChoose your language.\nОберіть мову.\n"), asked
    assert "1 Dansk" in asked and "3 Українська" in asked


def test_an_unknown_site_path_answers_404_with_a_page_that_says_so(client: TestClient) -> None:
    page = client.get("/s/nosuch/")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "There is no jobcenter at this address." in page.text
    assert "nosuch" not in page.text, "the address typed is not echoed"
    assert page.headers["x-frame-options"] == "DENY"
    assert client.get("/s/demo/").status_code == 200, "the demo's own page"


SATURDAY = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)  # the demo site has no hours on it


@pytest.mark.parametrize(("now", "closed"), [(SATURDAY, True), (NOW, False)],
                         ids=["saturday", "tuesday-morning"])
def test_talk_to_staff_when_the_jobcenter_is_closed_says_when_it_opens(
        content, store, monkeypatch: pytest.MonkeyPatch, now: dt.datetime,
        closed: bool) -> None:
    monkeypatch.setenv("ASSISTANT_TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", BASE)
    client = TestClient(make_app(content, store, now=lambda: now), base_url=BASE)
    token = client.post("/api/sessions", json={"lang": "en"}).json()["session"]
    client.post(f"/api/sessions/{token}/messages", json={"text": "staff"})
    said = texts(client.post(f"/api/sessions/{token}/messages", json={"text": "1"}).json())
    if closed:
        assert "The jobcenter is closed now. It opens Monday, 30 November 2026 at 09:00." in said
        assert "has been told" not in said, "nobody is there to be told"
    else:
        assert "A member of staff has been told and will write to you here." in said
    sms(client, "staff", "SM-closed-1")
    reply = sms(client, "1", "SM-closed-2").text
    assert ("closed now" in reply) is closed
    with DB(store.engine) as db:
        assert len(db.exec(select(CallbackRequest)).all()) == 2, "in the queue either way"


@pytest.mark.parametrize(("now", "closed"), [(SATURDAY, True), (NOW, False)],
                         ids=["saturday", "tuesday-morning"])
def test_staff_now_at_a_kiosk_when_the_jobcenter_is_closed_promises_nobody(
        content, store, now: dt.datetime, closed: bool) -> None:
    # the kiosk said "A member of staff has been told and will come to you" before opening
    # time, while the web page and SMS said the jobcenter was closed; at a kiosk nobody can
    # write later, so nothing is queued
    from assistant.conversation import Conversation

    convo, _ = Conversation.open(content, store, "kiosk:lobby", "kiosk", "en",
                                 now=lambda: now)
    convo.handle("staff")
    said = " ".join(o.text["en"] for o in convo.handle("1") if hasattr(o, "text"))
    assert ("The jobcenter is closed now. It opens Monday, 30 November 2026 at 09:00. Nobody "
            "can come to you before then." in said) is closed
    assert ("will come to you" in said) is not closed
    with DB(store.engine) as db:
        assert len(db.exec(select(CallbackRequest)).all()) == (0 if closed else 1)


def test_what_a_citizen_waiting_at_the_kiosk_types_is_met_with_a_reminder(content,
                                                                          store) -> None:
    # "Олена Коваленко" typed while waiting for staff got "I don't know the answer to that"
    from assistant.conversation import Conversation

    convo, _ = Conversation.open(content, store, "kiosk:waiting", "kiosk", "uk",
                                 now=lambda: NOW)
    convo.handle("працівник")
    convo.handle("1")
    said = " ".join(o.text["uk"] for o in convo.handle("Олена Коваленко") if hasattr(o, "text"))
    assert "Ви вже в черзі" in said and "не знаю" not in said
    with DB(store.engine) as db:
        assert len(db.exec(select(CallbackRequest)).all()) == 1, "no second request"
    said = " ".join(o.text["uk"] for o in convo.handle("що таке voksenlærling")
                    if hasattr(o, "text"))
    assert "Ви вже в черзі" not in said, "a question still gets its answer"



def test_what_a_citizen_waiting_by_sms_writes_is_met_with_a_reminder(client: TestClient) -> None:
    # "ви тут?" and "мені ще ніхто не написав" got "I don't know the answer" and the menu
    sms(client, "працівник", "SM-wait-1", phone="+4522339911")
    sms(client, "1", "SM-wait-2", phone="+4522339911")
    reply = sms(client, "ви тут?", "SM-wait-3", phone="+4522339911").text
    assert "Ви вже в черзі" in reply and "не знаю" not in reply, reply
    assert "1 Записатися на зустріч" not in reply, "no menu to pay for"


@pytest.mark.parametrize("field,value", [
    ("From", "+4522\x00334455"), ("To", "+4570\x00000000"), ("MessageSid", "SM\x00nul"),
    ("From", "+45" + "2" * 70), ("MessageSid", "SM" + "x" * 70),
])
def test_a_gateway_field_with_a_control_character_or_too_long_is_refused(
        content, db_url: str, monkeypatch: pytest.MonkeyPatch, field: str, value: str) -> None:
    """A signed request whose From, To or MessageSid holds a NUL (PostgreSQL refuses it in
    text: a 500) or is longer than 64 characters is answered 400, as the document says."""
    monkeypatch.setenv("ASSISTANT_TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", BASE)
    engine = make_engine(db_url)
    seed_demo(engine)
    client = TestClient(make_app(content, SessionStore(engine)), base_url=BASE,
                        raise_server_exceptions=False)
    params = {"From": "+4522334455", "To": "+4570000000", "Body": "menu", "MessageSid": "SMf",
              field: value}
    signature = RequestValidator(TOKEN).compute_signature(f"{BASE}/sms/twilio", params)
    response = client.post("/sms/twilio", data=params,
                           headers={"X-Twilio-Signature": signature})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "bad_request"
    assert "400" in client.get("/openapi.json").json()["paths"]["/sms/twilio"]["post"][
        "responses"]
    engine.dispose()


def test_booked_by_sms_the_reply_does_not_promise_another_sms(client: TestClient,
                                                              store) -> None:
    """By SMS the confirmation is itself an SMS to the booked number: it does not say "you
    will also get an SMS", and no receipt is queued (the reply is the receipt). Booked by SMS
    for another number (proven with a code), that number does get the receipt, and is told
    so."""
    also = "You will also get an SMS with this confirmation."
    steps = ["english", "1", "2", "1", "1", "1", "Anna Jensen"]
    for i, body in enumerate([*steps, "22334455"]):
        sms(client, body, f"SMown{i}")
    own = sms(client, "1", "SMownbook").text
    assert "Your meeting is booked." in own and "Code: " in own
    assert also not in own and "MORE" not in own
    for i, body in enumerate([*steps, "22334466", FIXED_OTP]):
        sms(client, body, f"SMother{i}", phone="+4522998877")
    other = sms(client, "1", "SMotherbook", phone="+4522998877").text
    assert "Your meeting is booked." in other and also in other
    with DB(store.engine) as db:
        receipts = sorted(o.phone for o in db.exec(select(Outbox).where(
            Outbox.kind == "receipt")))
    assert receipts == ["+4522334466"]


@pytest.mark.parametrize(("lang", "typed", "summary"), [
    ("uk", f"код {FIXED_OTP}", "Усе правильно?"), ("da", f"kode {FIXED_OTP}", "Er det rigtigt?"),
    ("en", f"code: {FIXED_OTP}", "Is this right?"),
    ("en", f"The code is {FIXED_OTP[:3]} {FIXED_OTP[3:]}.", "Is this right?"),
])
def test_the_code_is_read_out_of_a_sentence(client: TestClient, lang: str, typed: str,
                                            summary: str) -> None:
    token = client.post("/api/sessions", json={"lang": lang}).json()["session"]
    for text in ["1", "2", "2", "1", "1", "1", "Anna Jensen", "22334455", typed]:
        data = client.post(f"/api/sessions/{token}/messages", json={"text": text}).json()
    assert summary in texts(data), texts(data)


def test_two_codes_in_one_reply_are_not_guessed_between(client: TestClient) -> None:
    token = client.post("/api/sessions", json={"lang": "en"}).json()["session"]
    for text in ["1", "2", "2", "1", "1", "1", "Anna Jensen", "22334455",
                 f"{FIXED_OTP} or 654321"]:
        data = client.post(f"/api/sessions/{token}/messages", json={"text": text}).json()
    assert "The code has 6 digits." in texts(data)


@pytest.mark.parametrize(("language", "yes", "summary"), [
    ("українська", "ок", "Усе правильно?"), ("українська", "Так", "Усе правильно?"),
    ("dansk", "ok", "Er det rigtigt?"), ("english", "OK", "Is this right?"),
])
def test_ok_takes_the_number_written_from(client: TestClient, language: str, yes: str,
                                          summary: str) -> None:
    phone = "+4522334412"
    for n, body in enumerate([language, "book", "1", "1", "1", "Anna Hansen"]):
        sms(client, body, f"SMok{n}", phone=phone)
    reply = sms(client, yes, "SMok9", phone=phone).text
    assert summary in reply and "+45 22 33 44 12" in reply, reply


def texted(content, store, lang: str, lines: list[str], session: str) -> list[str]:
    """Each SMS reply to ``lines``, sent one by one from one number as `chat --channel sms
    --session` sends them."""
    import io

    from assistant.channels.text import run_chat

    out = io.StringIO()
    assert run_chat(content, store, lang=lang, channel="sms", session_key=session,
                    stdin=io.StringIO("".join(f"{line}\n" for line in lines)), stdout=out,
                    now=lambda: NOW) == 0
    replies = out.getvalue().split("\n\n")
    assert replies[-1] == "" and len(replies) == len(lines) + 1
    return replies[:-1]


@pytest.mark.parametrize(("lang", "help_word", "staff"), [
    ("da", "hjaelp", '"medarbejder" (tal med et menneske)'),
    ("en", "help", '"staff" (talk to a person)'),
    ("uk", "допомога", '"працівник" (поговорити з людиною)'),
])
def test_help_by_sms_fits_one_reply_and_says_how_to_reach_staff(
        content, store, lang: str, help_word: str, staff: str) -> None:
    """At the menu the help and the whole menu took two SMS ("9 Talk to staff" behind
    MORE): by SMS the help says the words (staff among them) and how to see the menu again,
    in one SMS; the menu's numbers still work."""
    menu, helped, picked = texted(content, store, lang, ["menu", help_word, "9"],
                                  f"2611{len(help_word)}5{lang}")
    assert staff in helped and fits(helped) and "ЩЕ" not in helped and "MORE" not in helped
    assert "MERE" not in helped
    assert picked.split("\n")[0] == menu.split("\n")[-1][2:]  # "9": talk to staff


def test_a_part_never_ends_with_a_title(content, store) -> None:
    """A Ukrainian answer's first SMS held its title alone (and "reply MORE"); now the title
    comes with the start of its text, and a title further down waits for the next part."""
    from assistant.channels.sms import KEEP

    first = texted(content, store, "uk", ["перекладач"], "26110044")[0].split("\n")
    assert first[0] == "Перекладач на зустрічах з муніципалітетом"
    assert first[1].startswith("На зустрічах") and first[2] == "Надішліть ЩЕ, щоб отримати решту."
    lines = [f"Line {n} of the first card's text, long enough to fill a part." for n in range(6)]
    text = "\n".join([*lines, KEEP + "SECOND CARD", "Its text " * 60])
    head, rest = split_reply(text, "Reply MORE for the rest.")
    assert head.split("\n")[-2] == lines[-1] and KEEP not in head
    assert rest.startswith(KEEP + "SECOND CARD\nIts text")
    head, rest = split_reply(rest, "Reply MORE for the rest.")
    assert head.startswith("SECOND CARD\nIts text Its text") and rest.startswith("Its text")


@pytest.mark.parametrize(("lang", "more", "nothing"), [
    ("da", "MERE", "Det var alt: der er ikke mere at vise."),
    ("da", "MERE tak", "Det var alt: der er ikke mere at vise."),
    ("en", "more please", "That is all: there is nothing more to show."),
    ("uk", "ЩЕ", "Це все: більше нічого немає."),
])
def test_more_with_nothing_left_says_so_and_asks_the_question_again(
        content, store, lang: str, more: str, nothing: str) -> None:
    """A MORE when every part has been sent is not a question about "more" (it answered with
    the reform entry "Mere værdighed..." over several SMS): it says there is nothing more, in
    the conversation's language, and asks the open question again, in one short SMS."""
    from assistant.i18n import tr

    question = {"da": "jeg er blevet fyret hvad gor jeg", "en": "I was fired, what do I do",
                "uk": "я втратив роботу, що робити"}[lang]
    prompt = tr("What would you like to do now? Choose a number, or write another "
                "question.")[lang]
    replies = texted(content, store, lang, [question, *[more] * 5], f"2611{len(more)}{lang}")
    first_more = next(n for n, reply in enumerate(replies) if nothing in reply)
    assert first_more > 1 and prompt in replies[first_more - 1].split("\n")
    for extra in replies[first_more:]:  # the question with its options: a heading that
        # only says what follows means nothing without them
        lines = extra.split("\n")
        assert lines[:2] == [nothing, prompt] and lines[2].startswith("1 "), lines
        assert lines[2:] == replies[first_more - 1].split("\n")[-len(lines[2:]):]
    assert all("værdighed" not in reply for reply in replies)


def test_more_with_nothing_left_in_a_guide_asks_its_question_again(content, store) -> None:
    replies = texted(content, store, "en", ["book", "MORE"], "26110001")
    assert replies[1].split("\n")[:3] == ["That is all: there is nothing more to show.",
                                          "What kind of meeting do you need?",
                                          "1 First meeting"]
    assert "What kind of meeting do you need?" in replies[0].split("\n")


def test_an_answer_to_a_question_not_yet_sent_is_not_taken(content, store) -> None:
    """After four MOREs the citizen is still reading the second card; the yes/no question
    ("book a guidance meeting?") is in the part not sent yet. A "2" then is not taken for
    "No": the next part comes, with a note to read it first; once the question has been
    sent, "2" answers it."""
    note = "Please read this first, then answer again:"
    replies = texted(content, store, "en", ["hi", "5", "thirty", "2", "1", "1",
                                            *["MORE"] * 4, "2"], "26119900")
    assert "Would you like to book a guidance meeting" not in "".join(replies[:-1])
    assert replies[-1].startswith(f"{note}\n") and "That is fine" not in replies[-1]
    for _ in range(5):
        if "Would you like to book a guidance meeting" in replies[-1]:
            break
        [reply] = texted(content, store, "en", ["2"], "26119900")
        assert reply.startswith(f"{note}\n") and "That is fine" not in reply
        replies.append(reply)
    assert replies[-1].endswith("Would you like to book a guidance meeting about adult "
                                "apprenticeship?\n1 Yes\n2 No")
    [answered] = texted(content, store, "en", ["2"], "26119900")
    assert answered.startswith("That is fine.")


def test_a_question_of_their_own_while_more_is_waiting_is_answered(content, store) -> None:
    replies = texted(content, store, "en", ["hi", "5", "thirty", "2", "1", "1", "MORE",
                                            "what is dagpenge?"], "26119901")
    assert "Please read this first" not in replies[-1]
    assert "DAGPENGE" in replies[-1].upper()


@pytest.mark.parametrize(("more", "menu"), [
    ("MERE", "Hvad vil du gerne? Vælg et nummer, eller skriv dit spørgsmål."),
    ("More please", "What would you like to do? Choose a number, or write your question."),
    ("ще", "Що ви хочете зробити? Оберіть номер або напишіть своє запитання."),
])
def test_more_as_a_first_message_opens_the_menu_in_its_language(content, store, more: str,
                                                                 menu: str) -> None:
    """A MORE from a number with no conversation has nothing to send either: the menu, in the
    word's language, not an answer about "mere" (the reform entry)."""
    [reply] = texted(content, store, "da", [more], f"2611{len(more)}7")
    assert reply.split("\n")[0] == menu and "værdighed" not in reply


@pytest.mark.parametrize(("language", "until"), [
    ("dansk", "17. marts 2027"), ("english", "17 March 2027"), ("українська", "17 березня 2027"),
])
def test_the_special_law_permits_current_end_date_comes_in_the_first_sms(
        client: TestClient, language: str, until: str) -> None:
    """By SMS, the særlov guide's "extension" topic says until when the permits are valid in its
    first part, not after the history of the earlier extensions (it came in the 4th of 5
    parts in Ukrainian); the rest still comes with MORE, the way to check it at the end."""
    phone = "+4522334460"
    parts = [sms(client, body, f"SMsl{language}{n}", phone=phone).text
             for n, body in enumerate([language, "7", "6", *["MORE"] * 5])]
    first = parts[2]
    assert until in first and "2025" not in first, first
    rest = "".join(parts[3:])
    assert "2025" in rest and "2026" in rest and "+45 35 36 66 00" in rest


def _sms_state(store, phone: str) -> str:
    from sqlalchemy import text

    with store.engine.connect() as db:
        return db.execute(text("select state from sessions where key = :key"),
                          {"key": f"sms:{phone_hash(phone)}"}).scalar_one()


def test_an_sms_booking_keeps_the_number_written_from_out_of_the_stored_state(
        client: TestClient, content, store) -> None:  # client: the webhook's settings
    """SECURITY.md: phone numbers in SMS state are hashed. "YES, the number I write from"
    is kept as its hash (the number comes with every message from it), and the booking
    still gets the number, in the summary, the booking and its reminder (by SMS the reply
    is the receipt: none is queued)."""
    timed = TestClient(make_app(content, store, now=lambda: NOW), base_url=BASE)
    phone = "+4531317777"
    # three pages of later times: the meeting is more than a day ahead, so it is reminded
    for n, body in enumerate(["english", "1", "1", "1", "6", "6", "6", "1", "Hanne Hansen",
                              "YES"]):
        reply = sms(timed, body, f"SMown{n}", phone=phone).text
        assert "31317777" not in _sms_state(store, phone).replace(" ", "")
    assert "Phone: +45 31 31 77 77" in reply
    assert "Your meeting is booked" in sms(timed, "1", "SMown99", phone=phone).text
    assert "31317777" not in _sms_state(store, phone)
    with DB(store.engine) as db:
        [booking] = db.exec(select(Booking)).all()
        assert booking.phone == phone and booking.name == "Hanne Hansen"
        assert [o.kind for o in db.exec(select(Outbox).where(Outbox.phone == phone))] == [
            "reminder"]


def test_answers_saved_by_sms_ask_another_channel_for_the_number_again(
        client: TestClient, store) -> None:
    """A resume code saved by SMS holds the number written from only as its hash: the same
    number goes on with it; on the web page the phone question is asked again (its hash is
    no number to book with), and `privacy export` of the number finds the code."""
    from assistant.retention import export

    phone = "+4531317788"
    for n, body in enumerate(["english", "1", "1", "1", "3", "Hanne Hansen", "YES"]):
        sms(client, body, f"SMsave{n}", phone=phone)
    saved = sms(client, "save", "SMsave7", phone=phone).text
    code = saved.split("Your code is ")[1].split(".")[0]
    again = sms(client, f"resume {code}", "SMsave8", phone=phone).text
    assert "Phone: +45 31 31 77 88" in again, again  # the same number goes on
    saved = sms(client, "save", "SMsave9", phone=phone).text
    code = saved.split("Your code is ")[1].split(".")[0]
    with DB(store.engine) as db:
        from assistant.store.models import ResumeCode

        codes = db.exec(select(ResumeCode)).all()
        assert codes and all("31317788" not in row.state for row in codes)
    assert len(export(store.engine, phone, "AB")["resume_codes"]) == len(codes)  # its own
    token = client.post("/api/sessions", json={"lang": "en"}).json()["session"]
    data = client.post(f"/api/sessions/{token}/messages", json={"text": f"resume {code}"}).json()
    assert "What is your phone number?" in texts(data) and "sender" not in texts(data)
