"""The SMS outbox: due messages go out once, later ones wait, failures stay queued."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session as DB
from sqlmodel import select

from assistant.channels.outbox import LoggingGateway, masked, send_due
from assistant.store.models import Outbox

NOW = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)


class Failing:
    def send(self, phone: str, body: str) -> None:
        raise ConnectionError("gateway down")


def test_due_messages_are_sent_once_and_later_ones_wait(store) -> None:
    with DB(store.engine) as db:
        db.add(Outbox(phone="+4522334455", lang="da", kind="receipt", body="Kode: ABC234",
                      due_at=NOW - dt.timedelta(minutes=1)))
        db.add(Outbox(phone="+4522334455", lang="da", kind="reminder", body="Husk",
                      due_at=NOW + dt.timedelta(days=1)))
        db.commit()
    assert send_due(store.engine, Failing(), now=lambda: NOW) == 0
    gateway = LoggingGateway()
    assert send_due(store.engine, gateway, now=lambda: NOW) == 1
    assert send_due(store.engine, gateway, now=lambda: NOW) == 0
    assert gateway.sent == [("+4522334455", "Kode: ABC234")]
    later = NOW + dt.timedelta(days=2)
    assert send_due(store.engine, gateway, now=lambda: later) == 1
    with DB(store.engine) as db:
        assert all(o.sent_at is not None for o in db.exec(select(Outbox)))


def test_numbers_are_masked_in_logs() -> None:
    assert masked("+4522334455") == "+45******55"


def test_a_number_that_texted_stop_gets_no_receipts_or_reminders(store) -> None:
    from assistant.channels_keys import phone_hash
    from assistant.store.models import SmsContact

    with DB(store.engine) as db:
        db.add(SmsContact(phone_hash=phone_hash("+4522334455"), stopped=True))
        for phone in ("+4522334455", "+4560708090"):
            db.add(Outbox(phone=phone, lang="da", kind="reminder", body="Husk dit møde",
                          due_at=NOW - dt.timedelta(minutes=1)))
        db.commit()
    gateway = LoggingGateway()
    assert send_due(store.engine, gateway, now=lambda: NOW) == 1
    assert gateway.sent == [("+4560708090", "Husk dit møde")]
    with DB(store.engine) as db:
        assert [o.phone for o in db.exec(select(Outbox))] == ["+4560708090"]
