"""The SMS outbox: due messages go out once, later ones wait, failures stay queued."""

from __future__ import annotations

import datetime as dt

import pytest
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
    assert send_due(store.engine, gateway, now=lambda: NOW) == 0, "a failed one waits a minute"
    retry = NOW + dt.timedelta(minutes=1)
    assert send_due(store.engine, gateway, now=lambda: retry) == 1
    assert send_due(store.engine, gateway, now=lambda: retry) == 0
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


class RefusesOne:
    """A gateway that will never take one number (permanently), and sends the others."""

    def __init__(self, refused: str) -> None:
        self.refused, self.sent, self.tried = refused, [], 0

    def send(self, phone: str, body: str) -> None:
        from assistant.channels.outbox import PermanentFailure

        self.tried += 1
        if phone == self.refused:
            raise PermanentFailure("Twilio 400 21211")
        self.sent.append((phone, body))


def test_a_hundred_failures_ahead_never_hold_back_a_valid_reminder(db_url: str) -> None:
    from assistant.store.db import make_engine

    engine = make_engine(db_url)
    with DB(engine) as db:
        for i in range(100):
            db.add(Outbox(phone="+4511111111", lang="da", kind="receipt", body=f"Kode {i}",
                          due_at=NOW - dt.timedelta(hours=2, seconds=i)))
        db.add(Outbox(phone="+4522334455", lang="da", kind="reminder", body="Husk dit møde",
                      due_at=NOW - dt.timedelta(minutes=1)))
        db.commit()
    gateway = RefusesOne("+4511111111")
    assert send_due(engine, gateway, now=lambda: NOW) == 1
    assert gateway.sent == [("+4522334455", "Husk dit møde")]
    with DB(engine) as db:
        failed = list(db.exec(select(Outbox).where(Outbox.phone == "+4511111111")))
    assert len(failed) == 100 and all(
        o.failed_at is not None and o.attempts == 1 and o.failure == "Twilio 400 21211"
        for o in failed)
    tried = gateway.tried
    assert send_due(engine, gateway, now=lambda: NOW + dt.timedelta(days=1)) == 0
    assert gateway.tried == tried, "a message given up is never tried again"
    engine.dispose()


def test_a_failing_send_is_retried_with_back_off_then_given_up(store, caplog) -> None:
    import logging

    with DB(store.engine) as db:
        db.add(Outbox(phone="+4522334455", lang="da", kind="receipt", body="Kode: ABC234",
                      due_at=NOW))
        db.commit()

    class Counting(Failing):
        calls = 0

        def send(self, phone: str, body: str) -> None:
            Counting.calls += 1
            super().send(phone, body)

    gateway, moment = Counting(), NOW
    with caplog.at_level(logging.INFO):
        for expected_calls, wait in ((1, 1), (2, 2), (3, 4), (4, 8), (5, 16)):
            assert send_due(store.engine, gateway, now=lambda m=moment: m, tries=5) == 0
            assert Counting.calls == expected_calls
            assert send_due(store.engine, gateway, now=lambda m=moment: m, tries=5) == 0
            assert Counting.calls == expected_calls, "not tried again before its wait is over"
            moment += dt.timedelta(minutes=wait)
    assert send_due(store.engine, gateway, now=lambda: moment + dt.timedelta(days=1)) == 0
    assert Counting.calls == 5
    with DB(store.engine) as db:
        row = db.exec(select(Outbox)).one()
    assert row.failed_at is not None and row.attempts == 5 and row.failure == "ConnectionError"
    assert "22334455" not in caplog.text and "gateway down" not in caplog.text


@pytest.mark.parametrize("sender", ["+4522334455", "004522334455", "+45 22 33 44 55",
                                    "22334455"])
def test_a_receipt_queued_before_stop_is_not_sent_after_it(content, store, sender) -> None:
    """A receipt waits in the outbox (the booking stores the number as +4522334455); the
    citizen then texts STOP, from the number as their gateway writes it: the receipt is
    never sent, and later messages neither."""
    from assistant.channels.sms import sms_turn

    with DB(store.engine) as db:
        db.add(Outbox(phone="+4522334455", lang="da", kind="receipt", body="Kode: ABC234",
                      due_at=NOW + dt.timedelta(minutes=5)))
        db.commit()
    assert sms_turn(content, store, phone=sender, body="STOP", sid="SMstop",
                    now=lambda: NOW) == ""
    gateway = LoggingGateway()
    assert send_due(store.engine, gateway, now=lambda: NOW + dt.timedelta(minutes=10)) == 0
    assert gateway.sent == []
    with DB(store.engine) as db:
        assert db.exec(select(Outbox)).all() == []  # dropped, not left queued
    # START again: the number gets messages again
    assert "Book et møde" in sms_turn(content, store, phone="+4522334455", body="START",
                                      sid="SMstart", now=lambda: NOW)
    with DB(store.engine) as db:
        db.add(Outbox(phone="+4522334455", lang="da", kind="reminder", body="Husk",
                      due_at=NOW))
        db.commit()
    assert send_due(store.engine, gateway, now=lambda: NOW + dt.timedelta(minutes=10)) == 1


def test_outbox_send_through_twilio_prints_its_own_lines_with_numbers_masked(
        store, monkeypatch, capsys, caplog) -> None:
    """With the Twilio gateway, `outbox send` prints one line an SMS, the number masked, and
    "sent N" on a line of its own; Twilio's HTTP client logged every request and response
    at INFO (a dozen lines an SMS, its URL naming the account), and nothing said which
    number got what."""
    import logging

    import requests
    from requests.models import Response

    from assistant.cli import main

    def delivered(session, request, **kw) -> Response:  # the gateway's answer, no network
        answer = Response()
        answer.status_code, answer._content = 201, b'{"sid": "SM1", "status": "queued"}'
        answer.headers["Content-Type"], answer.request = "application/json", request
        return answer

    monkeypatch.setattr(requests.Session, "send", delivered)
    account = "AC" + "7" * 32
    monkeypatch.setenv("ASSISTANT_TWILIO_ACCOUNT_SID", account)
    monkeypatch.setenv("ASSISTANT_TWILIO_AUTH_TOKEN", "token")
    monkeypatch.setenv("ASSISTANT_SMS_FROM", "Jobcenter")
    with DB(store.engine) as db:
        for phone, body in (("+4522334433", "Kode: ABC234"), ("+380501234567", "Код: ABC234")):
            db.add(Outbox(phone=phone, lang="da", kind="receipt", body=body, due_at=NOW))
        db.commit()
    caplog.set_level(logging.INFO)
    assert main(["outbox", "send", "--db", str(store.engine.url)]) == 0
    assert capsys.readouterr().out == "sent 2\n"
    logged = [record.getMessage() for record in caplog.records]
    assert logged == ["SMS to +45******33, 12 characters", "SMS to +38********67, 11 characters"]
    assert not any(number in "\n".join(logged) for number in ("22334433", "501234567", account))
