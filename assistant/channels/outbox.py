"""Sends queued SMS (receipts, reminders, notices) through a pluggable gateway.

The default gateway only logs, with the number masked; Twilio's REST API is used when
ASSISTANT_TWILIO_ACCOUNT_SID, ASSISTANT_TWILIO_AUTH_TOKEN and ASSISTANT_SMS_FROM are set.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session as DB
from sqlmodel import select

from assistant.channels_keys import phone_hash
from assistant.store.models import Booking, Outbox, Site, SmsContact, utcnow

log = logging.getLogger(__name__)


class Gateway(Protocol):
    def send(self, phone: str, body: str) -> None: ...


def masked(phone: str) -> str:
    return phone[:3] + "*" * max(len(phone) - 5, 0) + phone[-2:]


class LoggingGateway:
    """Sends nothing: logs that a message would go out (masked number, length only)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, phone: str, body: str) -> None:
        self.sent.append((phone, body))
        log.info("SMS to %s, %d characters", masked(phone), len(body))


class TwilioGateway:
    def __init__(self, account_sid: str, auth_token: str, sender: str) -> None:
        from twilio.rest import Client  # optional dependency: pip install ".[sms]"

        self.client = Client(account_sid, auth_token)
        self.sender = sender

    def send(self, phone: str, body: str) -> None:
        self.client.messages.create(to=phone, from_=self.sender, body=body)

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
             counts: dict[str, int] | None = None) -> int:
    """Send up to ``limit`` messages that are due; each is marked sent in its own transaction,
    so a crash never sends a message twice unless the gateway call itself was interrupted.
    ``counts`` gets how many were sent, failed (they stay queued) and dropped (STOP)."""
    counts = {} if counts is None else counts
    for key in ("sent", "failed", "dropped"):
        counts.setdefault(key, 0)
    sent = 0
    senders: dict[int | None, str | None] = {}
    with DB(engine) as db:
        due = list(db.exec(select(Outbox).where(Outbox.sent_at.is_(None),  # type: ignore[union-attr]
                                                Outbox.due_at <= now())
                           .order_by(Outbox.due_at).limit(limit)))
    for message in due:
        if not message.phone or _opted_out(engine, message.phone):
            # Never sent: a number that texted STOP gets nothing more (and the gateway would
            # refuse it for ever). The message goes, with the name and time it may hold.
            _settle(engine, message.id, None)
            log.info("SMS %s not sent: %s", message.id,
                     "the number opted out (STOP)" if message.phone else "no number")
            counts["dropped"] += 1
            continue
        try:
            _sender(engine, gateway, message, senders).send(message.phone, message.body)
        except Exception:
            log.exception("sending SMS %s failed; it stays queued", message.id)
            counts["failed"] += 1
            continue
        _settle(engine, message.id, now())
        sent += 1
        counts["sent"] += 1
    return sent


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
