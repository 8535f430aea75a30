"""A database with no site says what to do: kiosk, chat and serve print one clear line, and a
citizen who tries to book is sent to the desk (not told there is no free time)."""

from __future__ import annotations

import os
import subprocess
import sys

from assistant.channels.tui.kiosk import KioskApp
from assistant.cli import main
from assistant.conversation import Conversation
from assistant.site.registry import NO_SITE, no_site_text
from assistant.store.db import make_engine
from assistant.store.sessions import SessionStore


def chat(url: str, lines: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", "chat", "--lang", "en", "--db", url],
                          input=lines, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def test_chat_on_an_empty_database_says_what_to_do_and_booking_sends_to_the_desk(
        tmp_path) -> None:
    result = chat(f"sqlite:///{tmp_path / 'empty.sqlite3'}", "1\n1\n2\n")
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == NO_SITE
    assert "run `jobcenter-assistant site apply FILE`" in NO_SITE and "--demo" in NO_SITE
    assert "Booking is not available here. Please ask at the desk." in result.stdout
    assert "no free time" not in result.stdout
    assert "Choose a time" not in result.stdout.split("Booking is not available")[-1]


def test_chat_with_demo_has_no_such_line(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    result = subprocess.run([sys.executable, "-m", "assistant", "--demo", "chat", "--lang", "en",
                             "--db", url], input="menu\n", capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and NO_SITE not in result.stderr


def test_booking_on_a_database_with_no_site_sends_the_citizen_to_the_desk(db_url: str,
                                                                          content) -> None:
    store = SessionStore(make_engine(db_url))
    convo, _ = Conversation.open(content, store, "empty:1", "text", "en")
    said = []
    for text in ("1", "1", "2"):
        said += convo.handle(text)
    texts = [getattr(o, "text", {}).get("en", "") for o in said]
    assert "Booking is not available here. Please ask at the desk." in texts
    assert not any("no free time" in t for t in texts)
    store.engine.dispose()


def test_serve_on_an_empty_database_prints_the_line(tmp_path, monkeypatch, capsys) -> None:
    import assistant.channels.web as web

    monkeypatch.setattr(web, "serve", lambda app, host, port, *args, **kwargs: None)
    assert main(["serve", "--db", f"sqlite:///{tmp_path / 'empty.sqlite3'}"]) == 0
    assert capsys.readouterr().err.strip() == NO_SITE


async def test_the_kiosk_on_an_empty_database_says_what_to_do(tmp_path, content) -> None:
    store = SessionStore(make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}"))
    app = KioskApp(lambda: content, lambda: store, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.no_site
        [shown] = [n.message for n in app._notifications]
        said = no_site_text()
        assert said["en"] == NO_SITE and shown == "\n".join([said["da"], NO_SITE, said["uk"]])
        assert said["da"] != NO_SITE != said["uk"], "translated"


def test_ready_is_503_with_the_reason_on_a_database_with_no_site(tmp_path, content) -> None:
    from fastapi.testclient import TestClient

    from assistant.channels.web import make_app

    store = SessionStore(make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}"))
    answer = TestClient(make_app(content, store)).get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["ready"] is False and answer.json()["site"] is False
    assert answer.json()["reason"] == NO_SITE
    store.engine.dispose()


def test_talk_to_staff_on_a_database_with_no_site_sends_the_citizen_to_the_desk(
        db_url: str, content) -> None:
    store = SessionStore(make_engine(db_url))
    for place in ("kiosk", "web", "sms"):
        convo, _ = Conversation.open(content, store, f"empty:{place}", "text", "en", place=place)
        said = convo.handle("staff")
        texts = [getattr(o, "text", {}).get("en", "") for o in said]
        assert "Talking to staff is not available here. Please ask at the desk." in texts
        assert not any("has been told" in t or "will call you back" in t for t in texts), texts
    store.engine.dispose()
