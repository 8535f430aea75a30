"""The kiosk TUI in a browser, at ``/tui`` (``serve --tui``), through textual-serve.

Each browser connection runs its own kiosk process (``jobcenter-assistant kiosk``) on the
server's database, driven over a WebSocket by textual-serve's terminal page (xterm.js). The
page and its script, styles and font are served from the installed textual-serve package: no
CDN. This module only carries bytes between the socket and the process; the kiosk is the same
program as on a lobby terminal, with its idle wipe and its staff PIN.

A kiosk process costs tens of megabytes, so the number running at once is capped
(``max_sessions``), and so is the number one address may hold (``per_ip``); a connection over
either cap is closed with "try again later" (1013). A page that has sent no key for
``idle_seconds`` (past the kiosk's own idle wipe: 90 s and a 15 s warning) is closed and its
kiosk stopped, so forgotten or idle sockets do not hold the capacity.
Connections from another site's page are refused (the Origin must be this server's).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shlex
import sys
from collections.abc import Awaitable, Callable
from importlib.util import find_spec
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

log = logging.getLogger(__name__)

MAX_INPUT = 4096
"""Characters of keyboard input in one message from the page; more is dropped."""
STOP_SECONDS = 10.0
"""How long a kiosk process is given to quit after its page closed, before it is killed."""
SECRETS = ("ASSISTANT_TWILIO_AUTH_TOKEN", "ASSISTANT_TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
           "TWILIO_ACCOUNT_SID")
"""The server's settings a kiosk process has no use for and is not given."""
REMOTE_KIOSK = "ASSISTANT_KIOSK_REMOTE"
"""Set for the kiosks this serves: the core treats their conversations as the web's (a new
booking needs the number proven, no check-in), since the browser may be anywhere."""
KIOSK = [sys.executable, "-m", "assistant", "kiosk"]
"""One kiosk; its database is given in its environment, not on the command line, where any
user of the machine could read it."""

_FILES = {"js/textual.js": "text/javascript", "css/xterm.css": "text/css",
          "fonts/RobotoMono-VariableFont_wght.ttf": "font/ttf"}

_PAGE = """<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Jobcenter</title>
<link rel="stylesheet" href="/tui/static/css/xterm.css">
<style>
@font-face { font-family: "Roboto Mono";
             src: url("/tui/static/fonts/RobotoMono-VariableFont_wght.ttf") format("truetype"); }
html, body { margin: 0; height: 100%; background: #0c181f; color: #fff;
             font-family: "Roboto Mono", monospace; }
.textual-terminal { width: 100vw; height: 100vh; }
#closed { display: none; position: absolute; inset: 0; align-items: center;
          justify-content: center; flex-direction: column; gap: 1em; background: #0c181f;
          font-size: 1.2em; text-align: center; }
body.-closed #closed { display: flex; }
#closed a { color: #fff; background: #5e0ba7; padding: 0.8em 2em; text-decoration: none; }
#closed a:focus { outline: 3px solid #fff; }
</style>
<script src="/tui/static/js/textual.js"></script>
</head>
<body>
<div id="terminal" class="textual-terminal" data-session-websocket-url="__SOCKET__"
     data-font-size="16"></div>
<div id="closed" role="alert">
  <p lang="da">Sessionen er slut.</p><p lang="en">The session has ended.</p>
  <p lang="uk">Сеанс завершено.</p>
  <a href="/tui">Start igen · Start again · Почати знову</a>
</div>
</body>
</html>
"""

# The page's own script, textual-serve's, fetches nothing but this server and the socket.
_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
           "font-src 'self'; img-src 'self' data:; connect-src 'self'; "
           "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def available() -> bool:
    """Whether textual-serve is installed (the ``tui-web`` extra)."""
    return find_spec("textual_serve") is not None


IDLE_SECONDS = 120.0
"""A page that sends no key this long is closed: the kiosk has wiped itself by then."""
PER_IP = 2
"""Kiosks one address (an IPv6 /64) may hold open at once."""


def tui_routes(db_url: str, *, max_sessions: int = 4, public_url: str | None = None,
               idle_seconds: float = IDLE_SECONDS, per_ip: int = PER_IP) -> list[BaseRoute]:
    """The routes of ``/tui``: the page, its files and the socket that runs a kiosk."""
    from textual_serve.app_service import AppService
    from textual_serve.download_manager import DownloadManager

    from assistant.channels.web import client_key

    static = Path(find_spec("textual_serve").origin).parent / "static"  # type: ignore[arg-type]
    command = shlex.join(KIOSK)
    running = 0
    by_address: dict[str, int] = {}
    allowed = {urlsplit(public_url).netloc} if public_url else set()

    class KioskService(AppService):
        def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
            environment = super()._build_environment(width, height)
            for name in SECRETS:
                environment.pop(name, None)
            environment["ASSISTANT_DB"] = db_url
            # a kiosk in a browser is not in the jobcenter: it is the web (channels/tui/kiosk.py)
            environment[REMOTE_KIOSK] = "1"
            return environment

    async def page(request: Request) -> Response:
        scheme = "wss" if request.url.scheme == "https" else "ws"
        socket = f"{scheme}://{request.url.netloc}/tui/ws"
        return HTMLResponse(_PAGE.replace("__SOCKET__", socket),
                            headers={"Content-Security-Policy": _POLICY,
                                     "X-Frame-Options": "DENY",
                                     "Cache-Control": "no-store"})

    async def files(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in _FILES:
            return Response("not found", status_code=404, media_type="text/plain")
        return FileResponse(static / name, media_type=_FILES[name])

    def same_site(websocket: WebSocket) -> bool:
        origin = websocket.headers.get("origin")
        if origin is None:
            return True  # not a browser: nothing another site could make it do
        host = urlsplit(origin).netloc
        return host == websocket.headers.get("host") or host in allowed

    async def socket(websocket: WebSocket) -> None:
        nonlocal running
        if not same_site(websocket):
            await websocket.close(code=1008)
            return
        address = client_key(websocket)  # type: ignore[arg-type]
        if running >= max_sessions or by_address.get(address, 0) >= per_ip:
            await websocket.accept()
            await websocket.close(code=1013, reason="busy")
            return
        running += 1
        by_address[address] = by_address.get(address, 0) + 1
        try:
            await websocket.accept()
            await _run_kiosk(websocket, KioskService(
                command, write_bytes=_to_page(websocket.send_bytes),
                write_str=_to_page(websocket.send_text), close=_to_page(websocket.close),
                download_manager=DownloadManager()), idle_seconds)
        finally:
            running -= 1
            by_address[address] -= 1
            if not by_address[address]:
                del by_address[address]

    return [Route("/tui", page), Route("/tui/static/{name:path}", files),
            WebSocketRoute("/tui/ws", socket)]


async def _run_kiosk(websocket: WebSocket, service: Any, idle_seconds: float) -> None:
    await service.start(*_size(websocket.query_params.get("width"),
                               websocket.query_params.get("height")))
    loop = asyncio.get_running_loop()
    last_key = loop.time()
    try:
        while True:
            left = last_key + idle_seconds - loop.time()
            try:
                message = await asyncio.wait_for(websocket.receive_text(), max(left, 0))
            except TimeoutError:  # no key for idle_seconds (pings do not count)
                await _to_page(websocket.close)(code=1000, reason="idle")
                break
            if await _forward(websocket, service, message):
                last_key = loop.time()
    except (WebSocketDisconnect, RuntimeError):
        pass  # the page closed, or the kiosk closed the socket
    finally:
        with anyio.CancelScope(shield=True):  # a server shutting down still ends its kiosks
            await _stop(service)


def _to_page(send: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """``send``, for the kiosk's output: once the page has gone, the output is dropped (the
    kiosk still prints its last screen as it quits, and that must not fail its stop)."""

    async def sending(*args: Any, **kwargs: Any) -> None:
        with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
            await send(*args, **kwargs)

    return sending


async def _stop(service: Any) -> None:
    """Ask the kiosk to quit, and wait for its process to end (killed if it will not)."""
    process = service._process  # textual-serve keeps it; nobody else uses it
    try:
        await asyncio.wait_for(service.stop(), STOP_SECONDS)
    except Exception:  # whatever went wrong, the process is ended below
        log.warning("a kiosk did not stop by itself", exc_info=True)
    try:
        await asyncio.wait_for(process.wait(), STOP_SECONDS)
    except TimeoutError:
        if process.returncode is None:
            process.kill()
        await process.wait()


async def _forward(websocket: WebSocket, service: Any, message: str) -> bool:
    """One message from the page: keys, a new size, a ping, focus or blur. True for keys
    (someone is there)."""
    try:
        kind, data = json.loads(message)
    except (ValueError, TypeError):
        return False  # not what textual-serve's page sends: ignore it
    if kind == "stdin" and isinstance(data, str):
        await service.send_bytes(data[:MAX_INPUT].encode("utf-8", "replace"))
        return True
    if kind == "resize" and isinstance(data, dict):
        await service.set_terminal_size(*_size(data.get("width"), data.get("height")))
    elif kind == "ping" and isinstance(data, str) and len(data) <= 64:
        await websocket.send_text(json.dumps(["pong", data]))
    elif kind == "blur":
        await service.blur()
    elif kind == "focus":
        await service.focus()
    return False


def _size(width: Any, height: Any) -> tuple[int, int]:
    """The terminal size the page asked for, within bounds (80 x 24 if it made no sense)."""
    return _bounded(width, 80, 20, 400), _bounded(height, 24, 10, 200)


def _bounded(value: Any, default: int, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)

