"""Sends queued SMS (receipts, reminders, notices) through a pluggable gateway.

The default gateway only logs, with the number masked; Twilio's REST API is used when
ASSISTANT_TWILIO_ACCOUNT_SID, ASSISTANT_TWILIO_AUTH_TOKEN and ASSISTANT_SMS_FROM are set.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlmodel import Session as DB
from sqlmodel import select

from assistant.channels_keys import phone_hash
from assistant.store.models import Booking, Outbox, Site, SmsContact, utcnow

log = logging.getLogger(__name__)
_TWILIO_HTTP = logging.getLogger(f"{__name__}.twilio")
"""What Twilio's HTTP client logs: every request and response at INFO, a dozen lines an SMS
(its URL names the account), which buried the outbox's own lines; only its warnings show."""
_TWILIO_HTTP.setLevel(logging.WARNING)


class Gateway(Protocol):
    def send(self, phone: str, body: str) -> None: ...


class PermanentFailure(Exception):
    """The gateway will never take this message (a number that is not one, a number that
    blocked us): trying again is pointless. ``reason`` is short and names no number."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason[:80]


MAX_TRIES = 5
"""Tries before a message that keeps failing is given up (ASSISTANT_OUTBOX_TRIES)."""
FIRST_WAIT = dt.timedelta(minutes=1)
"""The wait after the first failure; it doubles after each, up to MAX_WAIT."""
MAX_WAIT = dt.timedelta(hours=1)


def backoff(attempts: int) -> dt.timedelta:
    """How long a message that has failed ``attempts`` times waits before the next try."""
    return min(FIRST_WAIT * 2 ** max(attempts - 1, 0), MAX_WAIT)


def max_tries() -> int:
    try:
        return max(1, int(os.environ.get("ASSISTANT_OUTBOX_TRIES", MAX_TRIES)))
    except ValueError:
        return MAX_TRIES


def reason_of(exc: Exception) -> str:
    """Why a send failed, for the record and the log: the error's kind and its code or HTTP
    status where it has one, never its message (a gateway's message may name the number)."""
    if isinstance(exc, PermanentFailure):
        return exc.reason
    code = getattr(exc, "code", None) or getattr(exc, "status", None)
    kind = type(exc).__name__
    return (f"{kind} {code}" if isinstance(code, int | str) and str(code).isalnum() else kind)[:80]


def masked(phone: str) -> str:
    return phone[:3] + "*" * max(len(phone) - 5, 0) + phone[-2:]


ONE_TIME_CODE = re.compile(r"(\d{6}) ")
"""A one-time code's SMS starts with the code (booking/proof.py)."""


class LoggingGateway:
    """Sends nothing: logs that a message would go out (masked number, length only; and a
    one-time code, so that the demo and tests can prove a number without a gateway)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, phone: str, body: str) -> None:
        self.sent.append((phone, body))
        log.info("SMS to %s, %d characters", masked(phone), len(body))
        code = ONE_TIME_CODE.match(body)
        if code:  # a demo or a test without an SMS gateway can still prove a number
            log.info("SMS to %s holds the one-time code %s", masked(phone), code[1])


class TwilioGateway:
    def __init__(self, account_sid: str, auth_token: str, sender: str) -> None:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client  # optional dependency: pip install ".[sms]"

        self.client = Client(account_sid, auth_token,
                             http_client=TwilioHttpClient(logger=_TWILIO_HTTP))
        self.sender = sender

    def send(self, phone: str, body: str) -> None:
        from twilio.base.exceptions import TwilioRestException

        try:
            self.client.messages.create(to=phone, from_=self.sender, body=body)
        except TwilioRestException as exc:
            # A 4xx other than 429 (too many requests) will not change by trying again:
            # a number that is not one, a number that opted out at the carrier.
            if 400 <= exc.status < 500 and exc.status != 429:
                raise PermanentFailure(f"Twilio {exc.status} {exc.code or ''}".strip()) from None
            raise
        log.info("SMS to %s, %d characters", masked(phone), len(body))

    def as_sender(self, sender: str) -> TwilioGateway:
        """The same account, sending as ``sender`` (a site's SMS sender name)."""
        other = object.__new__(TwilioGateway)
        other.client, other.sender = self.client, sender
        return other


def gateway_from_environment() -> Gateway:
    sid = os.environ.get("ASSISTANT_TWILIO_ACCOUNT_SID")
    token = os.environ.get("ASSISTANT_TWILIO_AUTH_TOKEN")
    sender = os.environ.get("ASSISTANT_SMS_FROM")
    if sid and token and sender:
        return TwilioGateway(sid, token, sender)
    return LoggingGateway()


def _opted_out(engine: Engine, phone: str) -> bool:
    with DB(engine) as db:
        contact = db.get(SmsContact, phone_hash(phone))
        return contact is not None and contact.stopped


def send_due(engine: Engine, gateway: Gateway,
             now: Callable[[], dt.datetime] = utcnow, limit: int = 100,
             tries: int | None = None, counts: dict[str, int] | None = None) -> int:
    """Send every message that is due, ``limit`` at a time; each is marked sent in its own
    transaction, so a crash never sends a message twice unless the gateway call itself was
    interrupted. A failed send waits before its next try (:func:`backoff`); after a
    permanent failure or ``tries`` tries (default :func:`max_tries`) the message is given up,
    with the reason kept. Failures never hold back the messages behind them. ``counts`` gets
    how many were sent, failed and dropped (STOP)."""
    tries = tries or max_tries()
    counts = {} if counts is None else counts
    for key in ("sent", "failed", "dropped"):
        counts.setdefault(key, 0)
    senders: dict[int | None, str | None] = {}
    sent, seen = 0, set()
    while True:
        moment = now()
        with DB(engine) as db:
            due = [m for m in db.exec(
                select(Outbox).where(Outbox.sent_at.is_(None),  # type: ignore[union-attr]
                                     Outbox.failed_at.is_(None),  # type: ignore[union-attr]
                                     Outbox.due_at <= moment,
                                     or_(Outbox.next_try_at.is_(None),  # type: ignore[union-attr]
                                         Outbox.next_try_at <= moment))  # type: ignore[operator]
                .order_by(Outbox.due_at, Outbox.id).limit(limit)) if m.id not in seen]
        if not due:
            return sent
        for message in due:
            seen.add(message.id)
            went = _send_one(engine, gateway, message, now, tries, counts, senders)
            sent += went


def _send_one(engine: Engine, gateway: Gateway, message: Outbox,
              now: Callable[[], dt.datetime], tries: int, counts: dict[str, int],
              senders: dict[int | None, str | None]) -> int:
    """Send one message; 1 if it went out."""
    if not message.phone or _opted_out(engine, message.phone):
        # Never sent: a number that texted STOP gets nothing more (and the gateway would
        # refuse it for ever). The message goes, with the name and time it may hold.
        _settle(engine, message.id, None)
        log.info("SMS %s not sent: %s", message.id,
                 "the number opted out (STOP)" if message.phone else "no number")
        counts["dropped"] += 1
        return 0
    try:
        _sender(engine, gateway, message, senders).send(message.phone, message.body)
    except Exception as exc:
        _failed(engine, message.id, reason_of(exc), now(), tries,
                permanent=isinstance(exc, PermanentFailure))
        counts["failed"] += 1
        return 0
    _settle(engine, message.id, now())
    counts["sent"] += 1
    return 1


def _failed(engine: Engine, message_id: int | None, reason: str, moment: dt.datetime,
            tries: int, *, permanent: bool) -> None:
    """Count a failed try: the message waits for its next, or is given up."""
    with DB(engine) as db:
        row = db.get(Outbox, message_id)
        if row is None:
            return
        row.attempts += 1
        row.failure = reason
        if permanent or row.attempts >= tries:
            row.failed_at, row.next_try_at = moment, None
            log.warning("SMS %s given up after %d tries: %s", message_id, row.attempts, reason)
        else:
            row.next_try_at = moment + backoff(row.attempts)
            log.warning("SMS %s failed (try %d of %d): %s; next try at %s", message_id,
                        row.attempts, tries, reason, row.next_try_at.isoformat())
        db.add(row)
        db.commit()


def _sender(engine: Engine, gateway: Gateway, message: Outbox,
            senders: dict[int | None, str | None]) -> Gateway:
    """``gateway``, sending as the SMS sender name of the site the message's booking is at
    (its site file's ``sms.sender``), when the gateway can (``as_sender``)."""
    as_sender = getattr(gateway, "as_sender", None)
    if as_sender is None or message.booking_id is None:
        return gateway
    with DB(engine) as db:
        booking = db.get(Booking, message.booking_id)
        site_id = booking.site_id if booking else None
        if site_id not in senders:
            site = db.get(Site, site_id) if site_id is not None else None
            data = json.loads(site.data) if site else {}
            senders[site_id] = (data.get("sms") or {}).get("sender")
    sender = senders[site_id]
    return as_sender(sender) if sender else gateway


def write_metrics(path: Path, counts: dict[str, int]) -> None:
    """``counts`` of one `outbox send` run as Prometheus text (written atomically), with the
    time of the run: node_exporter's textfile collector serves it."""
    from prometheus_client import CollectorRegistry, Gauge, write_to_textfile

    registry = CollectorRegistry()
    last = Gauge("assistant_outbox_last_run_sms", "SMS of the last `outbox send` run, by "
                 "outcome (sent, failed: still queued, dropped: opted out)", ["outcome"],
                 registry=registry)
    for outcome, n in counts.items():
        last.labels(outcome).set(n)
    Gauge("assistant_outbox_last_run_seconds", "When `outbox send` last ran (Unix time)",
          registry=registry).set_to_current_time()
    write_to_textfile(str(path), registry)


def _settle(engine: Engine, message_id: int | None, sent_at: dt.datetime | None) -> None:
    """Mark the message sent at ``sent_at``, or (None) drop it unsent; in its own commit."""
    with DB(engine) as db:
        row = db.get(Outbox, message_id)
        if row is None:
            return
        if sent_at is None:
            db.delete(row)
        else:
            row.sent_at = sent_at
            db.add(row)
        db.commit()
