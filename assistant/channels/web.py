"""`jobcenter-assistant serve`: the chat web page, its JSON API and the SMS webhook.

A channel: it renders the core's outputs and collects input. All state lives in the database,
so any number of processes can serve the same sessions. The handlers are the functions below;
what they share (content, store, limits) is a :class:`Web` on the app's state. The OpenAPI
document is FastAPI's, generated from the models in web_models.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import logging
import os
import re
import secrets
import threading
import time
import traceback
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute

from assistant import jsoncodec
from assistant.channels import web_models as api
from assistant.channels.metrics import CONTENT_TYPE, Metrics
from assistant.channels.sms import sms_turn, too_many_reply, twiml, valid_signature
from assistant.conversation import Content, Conversation, State
from assistant.i18n import tr
from assistant.outputs import Card, Choices, Confirmation, Output, Say, from_json, to_json
from assistant.site.registry import NO_SITE, all_sites
from assistant.store.checkpoints import BackgroundCheckpoints
from assistant.store.db import is_outage, turns_at_once
from assistant.store.models import Booking, utcnow
from assistant.store.sessions import SessionChanged, SessionGone, SessionStore
from assistant.store.sms import PartTaken
from assistant.text import LANG_NAMES, LANGS, pick

STATIC = Path(__file__).parent / "web_static"
MAX_TEXT = api.MAX_TEXT
MAX_BODY = 32 * 1024
"""The longest request body. JSON may escape every character: an emoji is one code point but
12 bytes as an escaped surrogate pair, so MAX_TEXT of them take 24,000 bytes. A form-encoded
SMS of Twilio's 1,600 characters may be as long (12 bytes for each emoji)."""
log = logging.getLogger(__name__)
ENV_TOKEN = "ASSISTANT_TWILIO_AUTH_TOKEN"
ENV_PUBLIC_URL = "ASSISTANT_PUBLIC_URL"
T = TypeVar("T")


class JSON(JSONResponse):
    """A JSON response, encoded as the hot path encodes (see jsoncodec)."""

    def render(self, content: Any) -> bytes:
        return jsoncodec.dump_bytes(content)


class TwiML(Response):
    media_type = "application/xml"


class ICalendar(Response):
    media_type = "text/calendar"


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
    double tap, two SMS in a row), so a flood of messages to one conversation holds one
    worker thread, not all, and none is answered twice. The order itself is the database's
    (see Conversation.handle), between processes as within one. Keys are kept only while a
    turn of theirs is running."""

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


@dataclass
class Web:
    """What the handlers share, on the app's state (``request.app.state.web``)."""

    content: Content
    store: SessionStore
    per_ip: RateLimiter
    per_phone: RateLimiter
    now: Callable[[], dt.datetime] = utcnow
    one_at_a_time: OneAtATime = field(default_factory=OneAtATime)
    told_too_many: RateLimiter = field(default_factory=lambda: RateLimiter(1))
    """A number over its limit is told so once a minute; later messages get no reply."""
    metrics: Metrics = field(default_factory=Metrics)
    workers: ThreadPoolExecutor = field(init=False)

    def __post_init__(self) -> None:
        self.workers = ThreadPoolExecutor(turns_at_once(self.store.engine),
                                          thread_name_prefix="turn")

    async def run(self, work: Callable[[], T]) -> T:
        """Run the core's blocking work (database, booking) in a worker thread, at most as
        many at once as the store has connections. The standard library's executor: on 2
        cores a turn's trip through it cost 60-70 us of CPU, through anyio's 135-160."""
        return await asyncio.get_running_loop().run_in_executor(self.workers, work)

    def limited(self, request: Request) -> Response | None:
        """The reply to a request over its address's limit, or None to serve it."""
        if not self.per_ip.allow(client_key(request)):
            return error(429, "rate_limited", "too many requests; wait a minute")
        return None

    def session_token(self, request: Request) -> str | Response:
        """The conversation's token in the request's path, or the reply to send instead."""
        if (refused := self.limited(request)) is not None:
            return refused
        token: str = request.path_params["token"]
        return token if 10 <= len(token) <= 64 else no_session()

    def in_session(self, token: str, work: Callable[[Conversation], list[Output]],
                   address: str | None = None, turn: bool = False) -> Response:
        """Load the session, do ``work`` with it and reply (in a worker thread). ``address``
        is where the request came from (the core caps bookings per address); a ``turn`` is
        counted in the metrics."""
        convo = Conversation.load(self.content, self.store, f"web:{token}", now=self.now,
                                  address=address, place="web")
        if convo is None or convo.state.ended:  # finished on its page: not shown again
            return no_session()
        try:
            outputs = work(convo)
        except SessionGone:  # erased while this turn was answered
            return no_session()
        except SessionChanged:  # other turns kept being saved first (see handle)
            self.metrics.turns.labels("web", "busy").inc()
            return error(503, "busy", "the conversation is busy with other messages; "
                                      "try again")
        if turn:
            self.metrics.turn("web", convo, outputs)
        return reply(convo, token, outputs)


def web(request: Request) -> Web:
    return request.app.state.web


def error(status: int, code: str, message: str) -> JSONResponse:
    return JSON({"error": {"code": code, "message": message}}, status_code=status)


def no_session() -> JSONResponse:
    return error(404, "no_session", "no such session")


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


M = TypeVar("M", bound=BaseModel)


async def read_json(request: Request, model: type[M],
                    refused: Callable[[ValidationError], Response]) -> M | Response:
    """The request's JSON body as ``model``, or the error reply to send instead (``refused``
    says which, for a body the model does not take)."""
    raw = await bounded_body(request)
    if raw is None:
        return error(413, "too_large", f"request bodies are limited to {MAX_BODY} bytes")
    try:
        # No body at all means {}; a BOM is allowed before JSON but is not JSON by itself.
        data = jsoncodec.loads(raw.removeprefix(b"\xef\xbb\xbf") if raw else b"{}")
    except ValueError:  # not JSON, not UTF-8, or nested too deep
        return error(400, "bad_json", "the body must be a JSON object")
    if not isinstance(data, dict):
        return error(400, "bad_json", "the body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        return refused(exc)


def render_json(outputs: list[Output], lang: str, token: str = "") -> list[dict[str, Any]]:
    """The outputs in ``lang`` for the page; a confirmation links the booking's calendar file
    for the conversation ``token``."""
    items: list[dict[str, Any]] = []
    for out in outputs:
        if isinstance(out, Confirmation):
            items.append(confirmation_json(out, lang, token))
        elif isinstance(out, Say):
            said = {"type": "say", "tone": out.tone, "text": pick(out.text, lang)}
            items.append({**said, "lang": out.lang} if out.lang else said)
        elif isinstance(out, Choices):
            items.append({"type": "choices", "multi": out.multi, "options": [
                {"key": c.key, "label": pick(c.label, lang)} for c in out.options]})
        elif isinstance(out, Card):
            card = {"type": "card", "id": out.entry_id, "title": pick(out.title, lang),
                    "body": pick(out.body, lang)}
            items.append({**card, "source": pick(out.source, lang)} if out.source else card)
    return items


def confirmation_json(out: Confirmation, lang: str, token: str) -> dict[str, Any]:
    calendar = (f"/api/sessions/{token}/bookings/{out.booking_id}/calendar.ics"
                if token and out.booking_id is not None else None)
    return {"type": "confirmation", "heading": pick(out.heading, lang),
            "code_label": pick(tr("Code"), lang), "code": out.code,
            "rows": [{"label": pick(label, lang), "value": pick(value, lang)}
                     for label, value in out.rows],
            "notes": [pick(note, lang) for note in out.notes], "calendar": calendar,
            "calendar_label": pick(tr("Add the meeting to your calendar (.ics file)"), lang)
            if calendar else None}


def reply(convo: Conversation, token: str, outputs: list[Output]) -> JSONResponse:
    state = convo.state
    return JSON({"session": token, "lang": convo.lang,
                 "reply": render_json(outputs, convo.lang, token), "ui": ui_strings(convo.lang),
                 "turn": convo.version or 0,
                 "staff": state.staff is not None or state.staff_wait is not None,
                 "ended": state.ended, "said": convo.said})


@cache
def ui_strings(lang: str) -> dict[str, str]:
    """The page's own labels, keyed by their English message id (the same in every reply),
    and what the page says for an error, keyed ``error.<code>`` by the API's error code
    (``error.unavailable`` for any other failure, the server's or the network's)."""
    too_long = tr("Your message is too long. Please write a shorter message.")
    strings = {"Send": tr("Send"), "Write here": tr("Write here"), "Back": tr("Back"),
               "Menu": tr("Menu"), "Talk to staff": tr("Talk to staff"), "Help": tr("Help"),
               "Language": tr("Language"), "Conversation": tr("Conversation"),
               "Options": tr("Options"), "Commands": tr("Commands"),
               "One moment…": tr("One moment…"),
               "Done: send my choices": tr("Done: send my choices"),
               "Thank you for using the jobcenter assistant.": tr(
                   "Thank you for using the jobcenter assistant."),
               "error.rate_limited": tr("You have sent many messages in a short time. Please "
                                        "wait a minute and try again."),
               "error.too_long": too_long, "error.too_large": too_long,
               "error.no_session": tr("Your conversation had ended, so a new one has started."),
               "error.unavailable": tr("The assistant cannot be reached right now. Please try "
                                       "again, or ask a member of staff.")}
    return {key: text[lang] for key, text in strings.items()}


# -- the API ---------------------------------------------------------------------------------

async def send_message(request: Request) -> Response:
    """Send one message and get the reply."""
    w = web(request)
    if isinstance(token := w.session_token(request), Response):
        return token

    def bad_text(exc: ValidationError) -> Response:
        if any(e["type"] == "string_too_long" for e in exc.errors()):
            return error(413, "too_long", f"'text' is limited to {MAX_TEXT} characters")
        return error(400, "bad_text", "'text' must be a string")

    message = await read_json(request, api.NewMessage, bad_text)
    if isinstance(message, Response):
        return message
    address = client_key(request)
    async with w.one_at_a_time(token):
        return await w.run(lambda: w.in_session(token, lambda convo: convo.handle(message.text),
                                                address, turn=True))


async def change_language(request: Request) -> Response:
    """Switch the conversation's language (the page's language menu) and get what it asks
    now, in that language. Unlike the language's name sent as a message, never an answer."""
    w = web(request)
    if isinstance(token := w.session_token(request), Response):
        return token
    wanted = await read_json(request, api.NewLanguage, lambda exc: error(
        400, "bad_lang", f"lang must be one of {', '.join(LANGS)}"))
    if isinstance(wanted, Response):
        return wanted
    async with w.one_at_a_time(token):
        return await w.run(lambda: w.in_session(
            token, lambda convo: convo.change_language(wanted.lang), client_key(request)))


async def create_session(request: Request) -> Response:
    """Start a conversation: the welcome and the menu."""
    w = web(request)
    if (refused := w.limited(request)) is not None:
        return refused
    started = await read_json(request, api.NewSession, lambda exc: error(
        400, "bad_lang", f"lang must be one of {', '.join(LANGS)}"))
    if isinstance(started, Response):
        return started
    token = secrets.token_urlsafe(24)

    def start() -> Response:
        sites = w.store.sites()
        if started.site:
            site = sites.by_path(started.site)
            if site is None:
                return error(404, "unknown_site", "no jobcenter with that name here")
        else:
            site = sites.by_host(request.headers.get("host")) or sites.default()
        convo, opening = Conversation.open(w.content, w.store, f"web:{token}", "web",
                                           started.lang, now=w.now, place="web", site=site)
        return reply(convo, token, opening)

    return await w.run(start)


async def read_session(request: Request) -> Response:
    """What the conversation is asking now (to resume it)."""
    w = web(request)
    if isinstance(token := w.session_token(request), Response):
        return token
    return await w.run(lambda: w.in_session(token, Conversation.prompt))


async def read_news(request: Request) -> Response:
    """What the citizen was sent since turn ``after`` by the staff side (a member of staff
    joined, wrote or left): the page asks while ``staff`` is true."""
    w = web(request)
    if isinstance(token := w.session_token(request), Response):
        return token
    raw = request.query_params.get("after", "0")
    after = int(raw) if raw.isdigit() and len(raw) < 10 else 0

    def news(convo: Conversation) -> list[Output]:
        assert convo.session_id is not None
        found, last = staff_news(w.store, convo.session_id, after)
        convo.version = max(convo.version or 0, last)  # the reply's turn: what was read
        return found

    return await w.run(lambda: w.in_session(token, news))


def staff_news(store: SessionStore, session_id: str, after: int) -> tuple[list[Output], int]:
    """The outputs of the staff side's turns (those with no input) after turn ``after``, and
    the last turn read."""
    found: list[Output] = []
    last = after
    for turn in store.turns(session_id, after=after):
        last = max(last, turn.seq)
        if turn.input:
            continue
        for item in jsoncodec.loads(turn.reply):
            out = from_json(item)
            if out is not None:
                found.append(out)
    return found, last


def _address(w: Web, booking: Booking) -> str | None:
    """The address of the site a booking is at (the calendar file's LOCATION), or None."""
    from assistant.site.answers import address_of

    return address_of(w.store.sites().by_id(booking.site_id))


async def calendar(request: Request) -> Response:
    """A booking as an iCalendar file (METHOD:PUBLISH) for the citizen's calendar; the phone
    number proves it is the citizen's own."""
    from assistant.booking.ics import to_ics
    from assistant.booking.service import BookingService, NotFound
    from assistant.validators import Valid, validate

    w = web(request)
    if (refused := w.limited(request)) is not None:
        return refused
    def bad_booking(exc: ValidationError) -> Response:
        if any(e["loc"][:1] == ("phone",) for e in exc.errors()):
            return error(400, "bad_phone", "'phone' must be a Danish phone number")
        return error(400, "bad_code", "'code' must be a booking code")

    asked = await read_json(request, api.CalendarRequest, bad_booking)
    if isinstance(asked, Response):
        return asked
    phone = validate("phone", asked.phone, {}, dt.date.today())
    try:
        if not isinstance(phone, Valid):  # no booking is made with a number that is not one
            raise NotFound(asked.code)
        booking = await w.run(lambda: BookingService(w.store.engine).find(asked.code,
                                                                           phone.value))
    except NotFound:
        return error(404, "no_booking", "no active booking with that code and phone")
    disposition = f'attachment; filename="{booking.code}.ics"'
    return ICalendar(to_ics(booking, location=await w.run(lambda: _address(w, booking))),
                     media_type="text/calendar; charset=utf-8",
                     headers={"Content-Disposition": disposition})


async def read_history(request: Request) -> Response:
    """What was said in the conversation so far (the page shows it again after a reload)."""
    from assistant.channels.web_history import history

    w = web(request)
    if isinstance(token := w.session_token(request), Response):
        return token

    def read() -> Response:
        saved = w.store.load(f"web:{token}")
        if saved is None or saved.state.get("ended"):
            return no_session()
        lang = str(saved.state.get("lang", "da"))
        turns = w.store.turns(saved.id)
        first = turns[0].lang if turns and turns[0].lang in LANGS else "da"
        opening = [to_json(out) for out in Conversation(w.content, State(lang=first)).welcome()]
        turns = history(turns, token, saved.state.get("booked", []), opening)
        return JSON({"session": token, "lang": lang if lang in LANGS else "da",
                     "turns": turns})

    return await w.run(read)


async def session_calendar(request: Request) -> Response:
    """The calendar file of a booking this conversation made: only to that conversation."""
    from assistant.booking.ics import to_ics

    w = web(request)
    if isinstance(token := w.session_token(request), Response):
        return token
    raw_id = request.path_params["booking"]
    if not raw_id.isdigit() or len(raw_id) > 12:
        return error(404, "no_booking", "no such booking in this conversation")
    booking_id = int(raw_id)

    def find() -> Booking | None:
        saved = w.store.load(f"web:{token}")
        if (saved is None or saved.state.get("ended")
                or booking_id not in saved.state.get("booked", [])):
            return None
        from sqlmodel import Session as DB

        with DB(w.store.engine) as db:
            booking = db.get(Booking, booking_id)
        return booking if booking is not None and booking.status == "active" else None

    booking = await w.run(find)
    if booking is None:
        return error(404, "no_booking", "no such booking in this conversation")
    disposition = f'attachment; filename="{booking.code}.ics"'
    return ICalendar(to_ics(booking, location=await w.run(lambda: _address(w, booking))),
                     media_type="text/calendar; charset=utf-8",
                     headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})


async def ui(request: Request) -> Response:
    """The page's labels in a language, and the languages it offers."""
    lang = request.path_params["lang"]
    if lang not in LANGS:
        return error(404, "bad_lang", "unknown language")
    return JSON({"lang": lang, "strings": ui_strings(lang), "languages": LANG_NAMES})


MAX_SMS_FIELD = 64
"""The longest From, To or MessageSid the webhook takes (Twilio's are 34 characters)."""


def _plain_field(value: str) -> bool:
    """A gateway's address or message id: short, printable, no control character (a NUL
    breaks PostgreSQL's text)."""
    return len(value) <= MAX_SMS_FIELD and value.isprintable()


async def sms_webhook(request: Request) -> Response:
    """A Twilio-compatible SMS webhook: the reply as TwiML."""
    raw = await bounded_body(request)
    if raw is None:
        return error(413, "too_large", "request too large")
    # Twilio posts application/x-www-form-urlencoded; anything else fails the signature.
    params = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    token = os.environ.get(ENV_TOKEN, "")
    public = os.environ.get(ENV_PUBLIC_URL)
    # The URL the gateway signed is the configured public one, never one built from the
    # request's Host header (any host's signature would pass): without it, nothing does.
    query = request.scope["query_string"].decode("latin-1")
    url = (public or "").rstrip("/") + request.scope["path"] + (f"?{query}" if query else "")
    if not public or not valid_signature(token, url, params,
                                         request.headers.get("X-Twilio-Signature", "")):
        return Response("forbidden", status_code=403, media_type="text/plain")
    phone, body, sid = params.get("From", ""), params.get("Body", ""), params.get(
        "MessageSid", "")
    if not phone or not sid:
        return TwiML(twiml(""))
    if not all(_plain_field(params.get(name, "")) for name in ("From", "To", "MessageSid")):
        return error(400, "bad_request", "From, To and MessageSid must be at most "
                     f"{MAX_SMS_FIELD} printable characters")
    w = web(request)
    if not w.per_phone.allow(phone):
        # Told once a window, in words: a flood is not answered message by message (each
        # reply is an SMS someone pays for), but the person is not left with silence. The
        # reply that says so is a 200: an SMS gateway (Twilio) sends no reply it gets with
        # an error status; the rest of the flood gets 429 and nothing to send.
        if w.told_too_many.allow(phone):
            said = await w.run(lambda: too_many_reply(w.store, phone, body))
            return TwiML(twiml(said))
        return TwiML(twiml(""), status_code=429)
    async with w.one_at_a_time(f"sms:{phone}"):
        try:
            text = await w.run(lambda: sms_turn(
                w.content, w.store, phone=phone, body=body[:1600], sid=sid, now=w.now,
                to=params.get("To", "")[:20],
                observe=lambda convo, outputs: w.metrics.turn("sms", convo, outputs)))
        except (SessionChanged, PartTaken):  # other messages kept being answered first
            w.metrics.sms.labels("failed").inc()
            return TwiML(twiml(""), status_code=503)
        except Exception:
            w.metrics.sms.labels("failed").inc()
            raise
    w.metrics.sms.labels("sent" if text else "empty").inc()
    return TwiML(twiml(text))


async def health(request: Request) -> Response:
    """The process is serving."""
    return JSON({"ok": True})


READY_SECONDS = 5.0
"""How long /readyz waits for the database before it says it is not ready."""


async def ready(request: Request) -> Response:
    """Ready for traffic: the database answers and the content is loaded. A load balancer
    sends requests only to a process that is ready."""
    w = web(request)

    def database() -> tuple[bool, bool]:
        """Whether the database answers, and whether it holds a jobcenter (site)."""
        try:
            with w.store.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except Exception:  # whatever it is, the database cannot be used now
            return False, False
        try:
            return True, bool(all_sites(w.store.engine))
        except Exception:  # no site table yet: no jobcenter set up either
            return True, False

    try:
        reachable, site = await asyncio.wait_for(w.run(database), READY_SECONDS)
    except TimeoutError:
        reachable, site = False, False
    loaded = bool(w.content.flows) and bool(getattr(w.content.knowledge, "entries", True))
    ok = reachable and loaded and site
    body: dict[str, Any] = {"ready": ok, "database": reachable, "content": loaded, "site": site}
    if not reachable:
        body["reason"] = "the database cannot be reached"
    elif not site:
        body["reason"] = NO_SITE
    elif not loaded:
        body["reason"] = "the content (flows, knowledge) is not loaded"
    return JSON(body, status_code=200 if ok else 503)


async def metrics(request: Request) -> Response:
    """Prometheus metrics (text exposition format)."""
    return Response(web(request).metrics.scrape(), media_type=CONTENT_TYPE)


class Timed:
    """ASGI middleware: each HTTP request's latency, labelled by its route's template (never
    the path itself, which may hold a session token)."""

    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.latency.labels(route, scope["method"]).observe(
                time.perf_counter() - start)


# -- the page ------------------------------------------------------------------------------

PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
               "connect-src 'self'; base-uri 'none'; form-action 'self'; "
               "frame-ancestors 'none'")
"""The chat page's Content-Security-Policy: its own script and styles only, requests to this
server only, and no other site may show it in a frame (clickjacking)."""
PAGE_HEADERS = {"Content-Security-Policy": PAGE_POLICY, "X-Frame-Options": "DENY",
                "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


async def index(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8",
                        headers=PAGE_HEADERS)


async def site_index(request: Request) -> Response:
    """The page of one jobcenter (``/s/{site}/``); a path no site has answers 404 with a page
    that says so (the page would only say that the assistant cannot be reached)."""
    w = web(request)
    name = str(request.path_params["site"])

    def known() -> bool:
        from assistant.site.registry import Sites

        if w.store.sites().by_path(name) is not None:
            return True
        return Sites.load(w.store.engine).by_path(name) is not None  # applied a moment ago

    try:
        found = await w.run(known)
    except Exception:  # the database cannot say: the page says so itself when it starts
        found = True
    if found:
        return await index(request)
    return Response(_no_such_site_page(), status_code=404,
                    media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)


def _no_such_site_page() -> str:
    """A small page in da, en and uk: no jobcenter at this address (the path is not shown)."""
    from html import escape

    title = tr("No jobcenter here")
    body = tr("There is no jobcenter at this address. Check the address you were given, or "
              "ask your jobcenter for the right one.")
    parts = "".join(f'<section lang="{lang}"><h1>{escape(title[lang])}</h1>'
                    f"<p>{escape(body[lang])}</p></section>" for lang in LANGS)
    return ('<!doctype html><html lang="da"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title['da'])}</title></head><body><main>{parts}</main>"
            "</body></html>")


async def static(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ("app.js", "app.css"):
        return error(404, "not_found", "not found")
    kind = "text/javascript" if name.endswith(".js") else "text/css"
    return FileResponse(STATIC / name, media_type=f"{kind}; charset=utf-8")


async def not_found(request: Request, exc: Exception) -> Response:
    return error(404, "not_found", "no such page or API")


async def wrong_method(request: Request, exc: Exception) -> Response:
    response = error(405, "method_not_allowed", f"{request.method} is not allowed here")
    response.headers.update(getattr(exc, "headers", None) or {})  # Allow: what is
    return response


ENV_FORWARDED = "FORWARDED_ALLOW_IPS"
"""uvicorn's own setting: the proxies whose X-Forwarded-For is believed."""


def webhook_misconfigured() -> str | None:
    """Why ``serve`` must not start (a Twilio token but no public URL to check signatures
    against), as one line, or None."""
    public = os.environ.get(ENV_PUBLIC_URL)
    if os.environ.get(ENV_TOKEN) and not public:
        return (f"{ENV_TOKEN} is set but {ENV_PUBLIC_URL} is not: set it to the address the "
                "SMS gateway posts to (e.g. https://kiosk.example.dk), or unset the token")
    if public and not _absolute_http_url(public):
        return (f"{ENV_PUBLIC_URL} must be an absolute http(s) address with a host, such as "
                "https://kiosk.example.dk")
    return None


def _absolute_http_url(url: str) -> bool:
    """Whether ``url`` is http(s)://host[:port][/path], with nothing odd in it (no spaces or
    control characters, no user name, a port that is a number)."""
    if any(c.isspace() or not c.isprintable() for c in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        return False
    return (parts.scheme in ("http", "https") and bool(parts.hostname)
            and "@" not in parts.netloc and not parts.fragment)


def trusted_proxies(given: str | None) -> str:
    """The addresses whose X-Forwarded-For names the client (``--forwarded-allow-ips``, else
    $FORWARDED_ALLOW_IPS, else only this machine: 127.0.0.1)."""
    return given or os.environ.get(ENV_FORWARDED) or "127.0.0.1"


def server_config(app: FastAPI, host: str, port: int,
                  forwarded_allow_ips: str | None = None, json_logs: bool = False) -> Any:
    """uvicorn's settings for ``app``. The client's address (for per-IP limits) is taken
    from X-Forwarded-For only when the request comes from a trusted proxy (see
    :func:`trusted_proxies`); from anyone else the header is ignored."""
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, log_level="warning", proxy_headers=True,
                          forwarded_allow_ips=trusted_proxies(forwarded_allow_ips),
                          **({"log_config": None} if json_logs else {}))


def serve(app: FastAPI, host: str, port: int, forwarded_allow_ips: str | None = None,
          json_logs: bool = False) -> None:
    """Serve ``app`` until stopped: uvicorn, with httptools and uvloop where installed. With
    ``json_logs`` every log line (ours and uvicorn's) is one JSON object (logs.py)."""
    import uvicorn

    from assistant.channels.logs import json_logging

    if json_logs:
        json_logging()
    else:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    log.info("serving on http://%s:%d (trusted proxies: %s)", host, port,
             trusted_proxies(forwarded_allow_ips))
    uvicorn.Server(server_config(app, host, port, forwarded_allow_ips, json_logs)).run()


class QuietErrors:
    """A request that fails is answered 500 (JSON) and logged with its traceback's frames
    and the error's kind only: a database error's text repeats the values it was given (a
    phone number's hash in a session key, a name), and uvicorn's own log would print it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            if is_outage(exc):  # one line, not a traceback per request while it lasts
                log.warning("%s %s: the database cannot be used: %s", scope.get("method"),
                            loggable_path(scope), error_kind(exc))
                if started:
                    return
                if str(scope.get("path", "")).startswith("/sms/"):  # the gateway retries
                    answer: Response = TwiML(twiml(""), status_code=503)
                else:
                    answer = error(503, "unavailable", "the service cannot reach its "
                                   "database; try again in a minute")
                await answer(scope, receive, send)
                return
            log.error("%s %s failed: %s\n%s", scope.get("method"), loggable_path(scope),
                      error_kind(exc), "".join(traceback.format_tb(exc.__traceback__)))
            if not started:
                await error(500, "server_error", "the server failed; try again")(
                    scope, receive, send)


_TOKEN_IN_PATH = re.compile(r"(/api/sessions/)[^/]+")


def loggable_path(scope: Any) -> str:
    """The request's path for a log line: a session's token is a key to its conversation,
    so it is never written (``/api/sessions/{token}/messages``)."""
    return _TOKEN_IN_PATH.sub(r"\1{token}", str(scope.get("path", "")))[:200]


def error_kind(exc: BaseException) -> str:
    """What went wrong, without the error's text: its class, and for a database error the
    driver's class and SQLSTATE."""
    orig = getattr(exc, "orig", None)
    if orig is None:
        return type(exc).__name__
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return f"{type(exc).__name__} ({type(orig).__name__}{f' {state}' if state else ''})"


def make_app(content: Content, store: SessionStore, *, ip_limit: int = 120,
             phone_limit: int = 20, now: Callable[[], dt.datetime] = utcnow,
             tui_sessions: int = 0, tui_idle: float | None = None,
             tui_per_ip: int | None = None) -> FastAPI:
    """The web page, its JSON API and the SMS webhook; ``now`` is the conversations' clock.
    With ``tui_sessions``, also the kiosk TUI at ``/tui``, that many at once, ``tui_per_ip``
    per address, each closed after ``tui_idle`` seconds without a key (web_tui.py)."""
    checkpoints = (BackgroundCheckpoints(store.engine)
                   if store.engine.dialect.name == "sqlite" else None)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if checkpoints is not None:
            checkpoints.start()
        yield  # uvicorn has let the requests in flight finish: their turns are done
        if checkpoints is not None:
            checkpoints.stop()

    app = FastAPI(title="Jobcenter Assistant API", version="1", lifespan=lifespan,
                  docs_url=None, redoc_url=None, default_response_class=JSON,
                  exception_handlers={404: not_found, 405: wrong_method},
                  telemetry=_NO_TELEMETRY)
    app.add_middleware(QuietErrors)
    app.state.web = Web(content, store, RateLimiter(ip_limit), RateLimiter(phone_limit), now)
    app.add_middleware(Timed, metrics=app.state.web.metrics)
    route = app.add_api_route
    # Starlette tries the routes in order: the two every turn takes come first.
    route("/api/sessions/{token}/messages", send_message, methods=["POST"],
          openapi_extra={**api.body(api.NewMessage), "parameters": [api.TOKEN]},
          responses={200: {"model": api.Reply}, **api.errors(400, 404, 413, 429, 503)})
    route("/sms/twilio", sms_webhook, methods=["POST"], response_class=TwiML,
          openapi_extra={**api.body(api.SmsForm, "application/x-www-form-urlencoded"),
                         "parameters": [_SIGNATURE]},
          responses={200: {"content": api.TWIML, "description": "the reply (TwiML)"},
                     403: {"content": {"text/plain": {"schema": {"type": "string"}}},
                           "description": "a missing or wrong X-Twilio-Signature"},
                     **api.errors(400, 413),
                     429: {"content": api.TWIML, "description": "too many from this number"},
                     503: {"content": api.TWIML,
                           "description": "busy, or the database cannot be reached: try again"}})
    route("/api/sessions/{token}/language", change_language, methods=["POST"],
          openapi_extra={**api.body(api.NewLanguage), "parameters": [api.TOKEN]},
          responses={200: {"model": api.Reply}, **api.errors(400, 404, 413, 429, 503)})
    route("/api/sessions/{token}/history", read_history, methods=["GET"],
          openapi_extra={"parameters": [api.TOKEN]},
          responses={200: {"model": api.History}, **api.errors(404, 429, 503)})
    route("/api/sessions/{token}/bookings/{booking}/calendar.ics", session_calendar,
          methods=["GET"], response_class=ICalendar,
          openapi_extra={"parameters": [api.TOKEN, api.path(
              "booking", "the id of a booking this conversation made (from its confirmation)")]},
          responses={200: {"content": {"text/calendar": {"schema": {"type": "string"}}},
                           "description": "the booking (iCalendar)"},
                     **api.errors(404, 429, 503)})
    route("/api/sessions", create_session, methods=["POST"],
          openapi_extra=api.body(api.NewSession, required=False),
          responses={200: {"model": api.Reply}, **api.errors(400, 404, 413, 429, 503)})
    route("/api/sessions/{token}/news", read_news, methods=["GET"],
          openapi_extra={"parameters": [api.TOKEN, api.AFTER]},
          responses={200: {"model": api.Reply}, **api.errors(404, 429, 503)})
    route("/api/sessions/{token}", read_session, methods=["GET"],
          openapi_extra={"parameters": [api.TOKEN]},
          responses={200: {"model": api.Reply}, **api.errors(404, 429, 503)})
    route("/", index, methods=["GET", "HEAD"], include_in_schema=False)
    route("/s/{site}/", site_index, methods=["GET", "HEAD"], include_in_schema=False)
    route("/static/{name}", static, methods=["GET", "HEAD"], include_in_schema=False)
    route("/healthz", health, methods=["GET"], responses={200: {"model": api.Health}})
    route("/readyz", ready, methods=["GET"], include_in_schema=False)
    route("/metrics", metrics, methods=["GET"], include_in_schema=False)
    route("/api/ui/{lang}", ui, methods=["GET"],
          openapi_extra={"parameters": [api.path("lang", "da, en or uk")]},
          responses={200: {"model": api.UiStrings}, **api.errors(404)})
    route("/api/calendar", calendar, methods=["POST"], response_class=ICalendar,
          openapi_extra=api.body(api.CalendarRequest),
          responses={200: {"content": {"text/calendar": {"schema": {"type": "string"}}},
                           "description": "the booking (iCalendar)"},
                     **api.errors(400, 404, 413, 429, 503)})
    if tui_sessions > 0:
        app.router.routes.extend(_tui_routes(store, tui_sessions, tui_idle, tui_per_ip))
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


_NO_TELEMETRY: Any = {"tracing": False, "metrics": False, "logs": False,
                      "operation_spans": False}
"""Nothing leaves the machine: FastAPI's OpenTelemetry support stays off (else it looks for
a provider at every request)."""
_SIGNATURE = {"name": "X-Twilio-Signature", "in": "header", "required": True,
              "schema": {"type": "string"}}


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with the schemas that web_models.errors refers to."""
    if app.openapi_schema is None:
        doc = get_openapi(title=app.title, version=app.version, routes=app.routes)
        doc.setdefault("components", {}).setdefault("schemas", {}).update(api.error_schemas())
        app.openapi_schema = doc
    return app.openapi_schema


def _tui_routes(store: SessionStore, sessions: int, idle: float | None,
                per_ip: int | None) -> list[BaseRoute]:
    from assistant.channels.web_tui import IDLE_SECONDS, PER_IP, tui_routes

    return tui_routes(store.engine.url.render_as_string(hide_password=False),
                      max_sessions=sessions, public_url=os.environ.get(ENV_PUBLIC_URL),
                      idle_seconds=idle or IDLE_SECONDS, per_ip=per_ip or PER_IP)

