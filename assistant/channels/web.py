"""`jobcenter-assistant serve`: the chat web page, its JSON API and the SMS webhook.

A channel: it renders the core's outputs and collects input. All state lives in the database,
so any number of processes can serve the same sessions.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import os
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from assistant import jsoncodec
from assistant.channels.sms import sms_turn, twiml, valid_signature
from assistant.conversation import Content, Conversation
from assistant.i18n import tr
from assistant.outputs import Card, Choices, Output, Say
from assistant.store.checkpoints import BackgroundCheckpoints
from assistant.store.db import turns_at_once
from assistant.store.models import utcnow
from assistant.store.sessions import SessionChanged, SessionGone, SessionStore
from assistant.store.sms import PartTaken
from assistant.text import LANG_NAMES, LANGS, pick

STATIC = Path(__file__).parent / "web_static"
MAX_TEXT = 2000
"""The longest message the API takes, in characters (code points)."""
MAX_BODY = 32 * 1024
"""The longest request body. JSON may escape every character: an emoji is one code point but
12 bytes as an escaped surrogate pair, so MAX_TEXT of them take 24,000 bytes. A form-encoded
SMS of Twilio's 1,600 characters may be as long (12 bytes for each emoji)."""
ENV_TOKEN = "ASSISTANT_TWILIO_AUTH_TOKEN"
ENV_PUBLIC_URL = "ASSISTANT_PUBLIC_URL"
T = TypeVar("T")


class JSON(JSONResponse):
    """A JSON response, encoded as the hot path encodes (see jsoncodec)."""

    def render(self, content: Any) -> bytes:
        return jsoncodec.dump_bytes(content)


class RateLimiter:
    """A sliding window per key (IP address or phone number), per process. At most
    ``max_keys`` are kept: the keys idle longest go first, so a flood of new addresses can
    never wipe the window of one that is being limited (it is the most recent)."""

    def __init__(self, limit: int, window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000) -> None:
        self.limit, self.window, self.clock, self.max_keys = limit, window, clock, max_keys
        self.hits: OrderedDict[str, deque[float]] = OrderedDict()
        self.lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self.clock()
        with self.lock:
            hits = self.hits.get(key)
            if hits is None:
                hits = self.hits[key] = deque()
                if len(self.hits) > self.max_keys:
                    self.hits.popitem(last=False)
            else:
                self.hits.move_to_end(key)
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True


def client_key(request: Request) -> str:
    """Who a request is from, for rate limits: its IP address, or for IPv6 its /64 network
    (one household or host has a whole /64 to choose addresses from)."""
    host = request.client.host if request.client else "unknown"
    if ":" in host:
        try:
            return str(ipaddress.IPv6Network(f"{host}/64", strict=False))
        except ValueError:
            return host
    return host


class OneAtATime:
    """Turns of one conversation that reach this process at once wait for each other (a
    double tap, two SMS in a row): at most one turn per conversation in flight, so a flood of
    messages to one conversation cannot hold every connection or worker thread. Between
    processes the store sees to it (see Conversation.handle). Keys are kept only while a turn
    of theirs is running."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def __call__(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


async def bounded_body(request: Request, limit: int = MAX_BODY) -> bytes | None:
    """The request's body, or None when it is longer than ``limit`` bytes: read no further
    than that, so a huge body costs no memory."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def error(status: int, code: str, message: str) -> JSONResponse:
    return JSON({"error": {"code": code, "message": message}}, status_code=status)


def render_json(outputs: list[Output], lang: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for out in outputs:
        if isinstance(out, Say):
            items.append({"type": "say", "tone": out.tone, "text": pick(out.text, lang)})
        elif isinstance(out, Choices):
            items.append({"type": "choices", "multi": out.multi, "options": [
                {"key": c.key, "label": pick(c.label, lang)} for c in out.options]})
        elif isinstance(out, Card):
            items.append({"type": "card", "id": out.entry_id, "title": pick(out.title, lang),
                          "body": pick(out.body, lang)})
    return items


@cache
def ui_strings(lang: str) -> dict[str, str]:
    """The page's own labels, keyed by their English message id (the same in every reply),
    and what the page says for an error, keyed ``error.<code>`` by the API's error code
    (``error.unavailable`` for any other failure, the server's or the network's)."""
    too_long = tr("Your message is too long. Please write a shorter message.")
    strings = {"Send": tr("Send"), "Write here": tr("Write here"), "Back": tr("Back"),
               "Menu": tr("Menu"), "Talk to staff": tr("Talk to staff"), "Help": tr("Help"),
               "Language": tr("Language"),
               "error.rate_limited": tr("You have sent many messages in a short time. Please "
                                        "wait a minute and try again."),
               "error.too_long": too_long, "error.too_large": too_long,
               "error.no_session": tr("Your conversation had ended, so a new one has started."),
               "error.unavailable": tr("The assistant cannot be reached right now. Please try "
                                       "again, or ask a member of staff.")}
    return {key: text[lang] for key, text in strings.items()}


class CoreRunner:
    """Runs the core's blocking work (database, booking) for the server's requests, in
    worker threads: at most as many at once as the store has connections (turns_at_once)."""

    def __init__(self, store: SessionStore) -> None:
        self.limiter = anyio.CapacityLimiter(turns_at_once(store.engine))

    async def run(self, work: Callable[[], T]) -> T:
        return await anyio.to_thread.run_sync(work, limiter=self.limiter)


def make_app(content: Content, store: SessionStore, *, ip_limit: int = 120,
             phone_limit: int = 20, now: Callable[[], dt.datetime] = utcnow,
             tui_sessions: int = 0) -> Starlette:
    """The web page, its JSON API and the SMS webhook; ``now`` is the conversations' clock.
    With ``tui_sessions``, also the kiosk TUI at ``/tui``, that many at once (web_tui.py)."""
    per_ip = RateLimiter(ip_limit)
    per_phone = RateLimiter(phone_limit)
    one_at_a_time = OneAtATime()

    async def body_json(request: Request) -> dict[str, Any] | JSONResponse:
        raw = await bounded_body(request)
        if raw is None:
            return error(413, "too_large", f"request bodies are limited to {MAX_BODY} bytes")
        try:
            data = jsoncodec.loads(raw.removeprefix(b"\xef\xbb\xbf") or b"{}")  # BOM: allowed
        except ValueError:  # not JSON, not UTF-8, or nested too deep
            return error(400, "bad_json", "the body must be a JSON object")
        if not isinstance(data, dict):
            return error(400, "bad_json", "the body must be a JSON object")
        return data

    def limited(request: Request) -> JSONResponse | None:
        if not per_ip.allow(client_key(request)):
            return error(429, "rate_limited", "too many requests; wait a minute")
        return None

    async def limited_json(request: Request) -> dict[str, Any] | JSONResponse:
        """The rate-limited request's JSON body, or the error response to send instead."""
        if (blocked := limited(request)) is not None:
            return blocked
        return await body_json(request)

    def reply(convo: Conversation, token: str, outputs: list[Output]) -> JSONResponse:
        return JSON({"session": token, "lang": convo.lang,
                     "reply": render_json(outputs, convo.lang), "ui": ui_strings(convo.lang)})

    core = CoreRunner(store)
    run_core = core.run

    async def create_session(request: Request) -> Response:
        data = await limited_json(request)
        if isinstance(data, JSONResponse):
            return data
        lang = data.get("lang", "da")
        if lang not in LANGS:
            return error(400, "bad_lang", f"lang must be one of {', '.join(LANGS)}")
        token = secrets.token_urlsafe(24)

        def start() -> Response:
            convo, opening = Conversation.open(content, store, f"web:{token}", "web", lang,
                                               now=now)
            return reply(convo, token, opening)

        return await run_core(start)

    def session_token(request: Request) -> str | JSONResponse:
        """The request's session token, or the error response to send instead."""
        if (blocked := limited(request)) is not None:
            return blocked
        token = request.path_params["token"]
        if not 10 <= len(token) <= 64:
            return error(404, "no_session", "no such session")
        return token

    def in_session(token: str, work: Callable[[Conversation], list[Output]]) -> Response:
        """Load the session, do ``work`` with it and reply (run by run_core)."""
        convo = Conversation.load(content, store, f"web:{token}", now=now)
        if convo is None:
            return error(404, "no_session", "no such session")
        try:
            outputs = work(convo)
        except SessionGone:  # erased while this turn was answered
            return error(404, "no_session", "no such session")
        except SessionChanged:  # other turns kept being saved first (see handle)
            return error(503, "busy", "the conversation is busy with other messages; "
                                      "try again")
        return reply(convo, token, outputs)

    async def read_session(request: Request) -> Response:
        token = session_token(request)
        if isinstance(token, JSONResponse):
            return token
        return await run_core(lambda: in_session(token, Conversation.prompt))

    async def send_message(request: Request) -> Response:
        token = session_token(request)
        if isinstance(token, JSONResponse):
            return token
        data = await body_json(request)
        if isinstance(data, JSONResponse):
            return data
        text = data.get("text")
        if not isinstance(text, str):
            return error(400, "bad_text", "'text' must be a string")
        if len(text) > MAX_TEXT:
            return error(413, "too_long", f"'text' is limited to {MAX_TEXT} characters")
        async with one_at_a_time(token):
            return await run_core(lambda: in_session(token, lambda convo: convo.handle(text)))

    async def calendar(request: Request) -> Response:
        """The booking as an .ics file; the phone number proves it is the citizen's own."""
        data = await limited_json(request)
        if isinstance(data, JSONResponse):
            return data
        from assistant.booking.ics import to_ics
        from assistant.booking.service import BookingService, NotFound
        from assistant.validators import Valid, validate

        phone = validate("phone", str(data.get("phone", "")), {}, dt.date.today())
        code = str(data.get("code", ""))[:12]
        if not isinstance(phone, Valid):
            return error(400, "bad_phone", "'phone' must be a Danish phone number")
        try:
            booking = await run_core(lambda: BookingService(store.engine).find(code, phone.value))
        except NotFound:
            return error(404, "no_booking", "no active booking with that code and phone")
        disposition = f'attachment; filename="{booking.code}.ics"'
        return Response(to_ics(booking), media_type="text/calendar; charset=utf-8",
                        headers={"Content-Disposition": disposition})

    async def ui(request: Request) -> Response:
        lang = request.path_params["lang"]
        if lang not in LANGS:
            return error(404, "bad_lang", "unknown language")
        return JSON({"lang": lang, "strings": ui_strings(lang), "languages": LANG_NAMES})

    async def sms_webhook(request: Request) -> Response:
        raw = await bounded_body(request)
        if raw is None:
            return error(413, "too_large", "request too large")
        # Twilio posts application/x-www-form-urlencoded; anything else fails the signature.
        params = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        token = os.environ.get(ENV_TOKEN, "")
        public = os.environ.get(ENV_PUBLIC_URL)
        if public:  # behind a proxy: the URL the gateway signed, with its query string
            query = request.scope["query_string"].decode("latin-1")
            url = public.rstrip("/") + request.scope["path"] + (f"?{query}" if query else "")
        else:
            url = str(request.url)
        if not valid_signature(token, url, params, request.headers.get("X-Twilio-Signature", "")):
            return Response("forbidden", status_code=403, media_type="text/plain")
        phone, body, sid = params.get("From", ""), params.get("Body", ""), params.get(
            "MessageSid", "")
        if not phone or not sid:
            return Response(twiml(""), media_type="application/xml")
        if not per_phone.allow(phone):
            return Response(twiml(""), media_type="application/xml", status_code=429)
        async with one_at_a_time(f"sms:{phone}"):
            try:
                text = await run_core(lambda: sms_turn(content, store, phone=phone,
                                                        body=body[:1600], sid=sid, now=now))
            except (SessionChanged, PartTaken):  # other messages kept being answered first
                return Response(twiml(""), media_type="application/xml", status_code=503)
        return Response(twiml(text), media_type="application/xml")

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ("app.js", "app.css"):
            return error(404, "not_found", "not found")
        kind = "text/javascript" if name.endswith(".js") else "text/css"
        return FileResponse(STATIC / name, media_type=f"{kind}; charset=utf-8")

    async def openapi(request: Request) -> Response:
        return JSON(OPENAPI)

    async def health(request: Request) -> Response:
        return JSON({"ok": True})

    sqlite = store.engine.dialect.name == "sqlite"
    checkpoints = BackgroundCheckpoints(store.engine) if sqlite else None

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if checkpoints is not None:
            checkpoints.start()
        yield
        if checkpoints is not None:
            checkpoints.stop()

    # Starlette tries the routes in order: the two every turn takes come first.
    async def not_found(request: Request, exc: Exception) -> Response:
        return error(404, "not_found", "no such page or API")

    async def wrong_method(request: Request, exc: Exception) -> Response:
        return error(405, "method_not_allowed", f"{request.method} is not allowed here")

    return Starlette(lifespan=lifespan, exception_handlers={404: not_found, 405: wrong_method},
                     routes=[
        Route("/api/sessions/{token}/messages", send_message, methods=["POST"]),
        Route("/sms/twilio", sms_webhook, methods=["POST"]),
        Route("/api/sessions", create_session, methods=["POST"]),
        Route("/api/sessions/{token}", read_session),
        Route("/", index),
        Route("/static/{name}", static),
        Route("/healthz", health),
        Route("/openapi.json", openapi),
        Route("/api/ui/{lang}", ui),
        Route("/api/calendar", calendar, methods=["POST"]),
        *(_tui_routes(store, tui_sessions) if tui_sessions > 0 else ()),
    ])


def _tui_routes(store: SessionStore, sessions: int) -> list[BaseRoute]:
    from assistant.channels.web_tui import tui_routes

    return tui_routes(store.engine.url.render_as_string(hide_password=False),
                      max_sessions=sessions, public_url=os.environ.get(ENV_PUBLIC_URL))


_REPLY = {
    "type": "object",
    "properties": {
        "session": {"type": "string"},
        "lang": {"type": "string", "enum": list(LANGS)},
        "reply": {"type": "array", "items": {"type": "object", "properties": {
            "type": {"type": "string", "enum": ["say", "choices", "card"]},
            "tone": {"type": "string"}, "text": {"type": "string"},
            "title": {"type": "string"}, "body": {"type": "string"},
            "options": {"type": "array", "items": {"type": "object", "properties": {
                "key": {"type": "string"}, "label": {"type": "string"}}}},
        }}},
        "ui": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "required": ["session", "lang", "reply"],
}
_ERROR = {"type": "object", "properties": {"error": {"type": "object", "properties": {
    "code": {"type": "string"}, "message": {"type": "string"}}}}}
_JSON_ERR = {"content": {"application/json": {"schema": _ERROR}}}
OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Jobcenter Assistant API", "version": "1"},
    "paths": {
        "/api/sessions": {"post": {
            "summary": "Start a conversation",
            "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"lang": {"type": "string",
                                                          "enum": list(LANGS)}}}}}},
            "responses": {"200": {"description": "the welcome and the menu",
                                  "content": {"application/json": {"schema": _REPLY}}},
                          "400": {"description": "bad input", **_JSON_ERR},
                          "429": {"description": "rate limited", **_JSON_ERR}}}},
        "/api/sessions/{token}": {"get": {
            "summary": "Show what the conversation is asking now (resume)",
            "parameters": [{"name": "token", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {"200": {"description": "the current question",
                                  "content": {"application/json": {"schema": _REPLY}}},
                          "404": {"description": "no such session", **_JSON_ERR}}}},
        "/api/sessions/{token}/messages": {"post": {
            "summary": "Send one message and get the reply",
            "parameters": [{"name": "token", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["text"],
                "properties": {"text": {"type": "string", "maxLength": MAX_TEXT}}}}}},
            "responses": {"200": {"description": "the reply",
                                  "content": {"application/json": {"schema": _REPLY}}},
                          "400": {"description": "bad input", **_JSON_ERR},
                          "404": {"description": "no such session", **_JSON_ERR},
                          "413": {"description": "too large", **_JSON_ERR},
                          "429": {"description": "rate limited", **_JSON_ERR},
                          "503": {"description": "busy: other messages to the conversation "
                                                 "kept being answered first", **_JSON_ERR}}}},
        "/api/calendar": {"post": {
            "summary": "A booking as an iCalendar file (REQUEST), for the citizen's calendar",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["code", "phone"],
                "properties": {"code": {"type": "string"}, "phone": {"type": "string"}}}}}},
            "responses": {"200": {"description": "text/calendar"},
                          "400": {"description": "bad input", **_JSON_ERR},
                          "404": {"description": "no such booking", **_JSON_ERR}}}},
        "/sms/twilio": {"post": {
            "summary": "Twilio-compatible SMS webhook (form fields From, To, Body, MessageSid)",
            "responses": {"200": {"description": "TwiML reply"},
                          "403": {"description": "bad or missing X-Twilio-Signature"}}}},
    },
}
