"""The kiosk TUI in the browser at /tui (serve --tui): the page's socket runs a real kiosk."""

from __future__ import annotations

import json
import re

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from assistant.channels.web import make_app

ANSI = re.compile(r"\x1b\[[0-9;?$]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>]")


def _screen_until(ws, text: str, limit: int = 2_000_000) -> str:
    seen = ""
    while text not in ANSI.sub("", seen):
        seen += ws.receive_bytes().decode("utf-8", "replace")
        assert len(seen) < limit, f"{text!r} never appeared"
    return ANSI.sub("", seen)


@pytest.fixture
def client(content, store):
    with TestClient(make_app(content, store, tui_sessions=1)) as client:
        yield client


def test_the_page_loads_its_terminal_from_this_server_only(client) -> None:
    page = client.get("/tui")
    assert page.status_code == 200
    assert "https://" not in page.text  # no CDN: textual-serve's own page loads Google Fonts
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert client.get("/tui/static/js/textual.js").status_code == 200
    assert client.get("/tui/static/../server.py").status_code == 404


def test_keys_from_the_page_drive_a_real_kiosk(client) -> None:
    with client.websocket_connect("/tui/ws?width=100&height=30") as ws:
        _screen_until(ws, "Choose language")
        ws.send_text(json.dumps(["stdin", "\t\t\r"]))  # Dansk has focus: two on is Українська
        assert "Записатися" in _screen_until(ws, "Записатися")


def test_kiosks_are_capped_and_other_sites_are_refused(client) -> None:
    with client.websocket_connect("/tui/ws") as first:
        _screen_until(first, "Choose language")
        with client.websocket_connect("/tui/ws") as second, \
                pytest.raises(WebSocketDisconnect) as busy:
            second.receive_bytes()
        assert busy.value.code == 1013
    with pytest.raises(WebSocketDisconnect) as foreign, client.websocket_connect(
            "/tui/ws", headers={"origin": "https://evil.example"}) as ws:
        ws.receive_bytes()
    assert foreign.value.code == 1008


def test_without_the_option_there_is_no_tui(content, store) -> None:
    with TestClient(make_app(content, store)) as client:
        assert client.get("/tui").status_code == 404


def test_an_idle_page_is_closed_and_frees_its_place(content, store) -> None:
    """A page that sends no key (pings only) past the idle time is closed and its kiosk
    stopped: the one place it held is free for the next citizen."""
    with TestClient(make_app(content, store, tui_sessions=1, tui_idle=3.0)) as client:
        with client.websocket_connect("/tui/ws") as ws:
            ws.send_text(json.dumps(["ping", "still here"]))
            message = ws.receive()  # the screen, the pong, until the socket is closed
            while message["type"] != "websocket.close":
                message = ws.receive()
            assert message["code"] == 1000 and message["reason"] == "idle"
        with client.websocket_connect("/tui/ws") as again:
            assert "Choose language" in _screen_until(again, "Choose language")


def test_one_address_cannot_hold_every_kiosk(content, store) -> None:
    with TestClient(make_app(content, store, tui_sessions=3, tui_per_ip=1)) as client:
        with client.websocket_connect("/tui/ws") as first:
            _screen_until(first, "Choose language")
            with client.websocket_connect("/tui/ws") as second, \
                    pytest.raises(WebSocketDisconnect) as busy:
                second.receive_bytes()
            assert busy.value.code == 1013


def test_a_kiosk_in_the_browser_is_the_web_no_check_in_there(client) -> None:
    """A kiosk served to a browser may be anywhere: its conversations are the web's, so
    check-in (only in the jobcenter) is refused (tests/test_booking_safety.py for the rest)."""
    with client.websocket_connect("/tui/ws?width=120&height=40") as ws:
        _screen_until(ws, "Choose language")
        ws.send_text(json.dumps(["stdin", "\t\r"]))  # English
        _screen_until(ws, "Book a meeting")
        ws.send_text(json.dumps(["stdin", "2\r"]))
        told = _screen_until(ws, "at the kiosk in the jobcenter")
        assert "Check in for a meeting: you can do this at the kiosk in the jobcenter" in told
