"""Retention, access and erasure requests, the append-only audit log, CPR-free storage."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import uuid

import pytest
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session as DB
from sqlmodel import select

from assistant.booking.service import BookingService
from assistant.conversation import Conversation
from assistant.retention import ANONYMOUS, erase, export, purge
from assistant.staff import audit
from assistant.store.db import make_engine
from assistant.store.demo import seed_demo
from assistant.store.models import AuditEntry, Booking, Session, SmsMessage, Turn
from assistant.store.sessions import SessionStore

NOW = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
CPR_LIKE = re.compile(r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}[ -]?\d{4}(?!\d)")


def test_audit_log_is_append_only_in_the_database(db_url: str) -> None:
    engine = make_engine(db_url)
    audit(engine, "AB", "login")
    with DB(engine) as db:
        row = db.exec(select(AuditEntry)).one()
        row.action = "nothing happened"
        db.add(row)
        with pytest.raises(DatabaseError):
            db.commit()
        db.rollback()
        with pytest.raises(DatabaseError):
            db.delete(db.exec(select(AuditEntry)).one())
            db.commit()


def test_purge_and_anonymise(db_url: str, content) -> None:
    engine = make_engine(db_url)
    seed_demo(engine)
    store = SessionStore(engine)
    convo, _ = Conversation.open(content, store, "old", "text", "da", now=lambda: NOW)
    convo.handle("menu")
    service = BookingService(engine, now=lambda: NOW)
    booking = service.book(meeting_type="job_meeting", channel="phone", meeting_lang="da",
                           lang="da", free=service.free_times("job_meeting")[0], name="Anna",
                           phone="+4522334455")
    later = NOW + dt.timedelta(days=45)
    counts = purge(engine, keep_days=30, anonymise_after_days=30, now=lambda: later)
    assert counts["sessions"] == 1 and counts["turns"] == 1 and counts["bookings"] == 1
    with DB(engine) as db:
        assert db.exec(select(Session)).all() == []
        row = db.get(Booking, booking.id)
        assert row.name == ANONYMOUS and row.phone == ""


def test_export_and_erase_by_phone(db_url: str, content) -> None:
    engine = make_engine(db_url)
    seed_demo(engine)
    store = SessionStore(engine)
    convo, _ = Conversation.open(content, store, "x", "text", "en", now=lambda: NOW)
    for raw in ["1", "2", "1", "1", "1", "Anna Jensen", "22334455", "1"]:
        convo.handle(raw)
    data = export(engine, "+4522334455", "AB")
    assert data["bookings"][0]["name"] == "Anna Jensen"
    assert {m["kind"] for m in data["sms"]} == {"receipt"}
    counts = erase(engine, "+4522334455", "AB")
    assert counts["bookings"] == 1 and counts["sms"] >= 1
    again = export(engine, "+4522334455", "AB")
    assert again["bookings"] == [] and again["sms"] == []
    with DB(engine) as db:
        actions = [a.action for a in db.exec(select(AuditEntry))]
    assert actions.count("privacy_export") == 2 and "privacy_delete" in actions


def test_sms_replies_kept_for_retries_go_with_the_number(db_url: str, content) -> None:
    """The reply kept for a gateway's retry can hold the citizen's own words (the summary
    shows name and phone): it is erased with the number and purged with old conversations."""
    from assistant.channels.sms import sms_turn

    engine = make_engine(db_url)
    seed_demo(engine)
    store = SessionStore(engine)
    for i, body in enumerate(["1", "2", "1", "1", "1", "Anna Jensen", "22334455"]):
        sms_turn(content, store, phone="+4522334455", body=body, sid=f"SManna{i}")
    sms_turn(content, store, phone="+4560708090", body="menu", sid="SMother")
    with DB(engine) as db:
        assert any("Anna Jensen" in (m.reply or "") for m in db.exec(select(SmsMessage)))
    assert erase(engine, "+4522334455", "AB")["sms_replies"] == 7
    with DB(engine) as db:
        assert [m.sid for m in db.exec(select(SmsMessage))] == ["SMother"]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=45)
    assert purge(engine, keep_days=30, now=lambda: later)["sms_replies"] == 1
    with DB(engine) as db:
        assert db.exec(select(SmsMessage)).all() == []


def _privacy_command(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`jobcenter-assistant privacy ARGS` on the database at ``url``, as staff run it."""
    return subprocess.run([sys.executable, "-m", "assistant", "privacy", *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "ASSISTANT_DB": url})


def test_privacy_commands(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'p.sqlite3'}"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return _privacy_command(url, *args)

    assert run("export", "--phone", "12").returncode == 2
    out = run("export", "--phone", "22 33 44 55", "--staff", "AB")
    assert out.returncode == 0 and json.loads(out.stdout)["phone"] == "+4522334455"
    assert json.loads(run("delete", "--phone", "22334455").stdout)["bookings"] == 0
    assert "sessions" in json.loads(run("purge", "--days", "30").stdout)


def test_fuzzed_conversations_leave_no_cpr_number_anywhere(db_url: str, content,
                                                           caplog) -> None:
    import random

    rng = random.Random(4)
    store = SessionStore(make_engine(db_url))
    seed_demo(store.engine)
    cprs = ["010190-1234", "3112851234", "150275 4321", "290200-1111"]
    for n in range(10):
        convo, _ = Conversation.open(content, store, f"cpr:{uuid.uuid4().hex}", "sms",
                                     rng.choice(["da", "en", "uk"]), now=lambda: NOW)
        inputs = ["9", "2", f"Navn {rng.choice(cprs)}", rng.choice(cprs), "22334455",
                  f"min cpr {rng.choice(cprs)}", "menu", rng.choice(cprs), "1", "2"]
        # half of the sessions stop mid-flow, with the name still in the saved state
        for raw in inputs[: 4 if n % 2 else len(inputs)]:
            convo.handle(raw)
    from assistant.store.models import CallbackRequest, Outbox

    with DB(store.engine) as db:
        rows = [row for model in (Turn, Session, Booking, CallbackRequest, Outbox)
                for row in db.exec(select(model))]
    assert len(rows) > 30
    # Not the ids the database makes: a random hex id can hold ten digits that look like a CPR
    # number (one did: ...2504259998...).
    ids = {"id", "session_id", "key"}
    dump = " ".join(str(value) for row in rows
                    for name, value in row.model_dump().items() if name not in ids)
    assert "[CPR fjernet]" in dump
    assert not CPR_LIKE.search(dump), CPR_LIKE.search(dump)
    assert not CPR_LIKE.search(caplog.text)


def test_purge_drops_old_turns_and_waiting_replies_of_a_number_still_texting(
        tmp_path, content) -> None:
    """One SMS conversation per number lives as long as the citizen texts: its old turns,
    and a long reply left waiting for MORE, go when they are old, not when it ends."""
    from assistant.channels.sms import sms_turn
    from assistant.store.models import SmsContact

    engine = make_engine(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    seed_demo(engine)
    store = SessionStore(engine)
    start = dt.datetime.now(dt.UTC)
    for i, body in enumerate(["hej", "1", "2", "1", "1", "1", "Ольга Петренко", "22334455"]):
        sms_turn(content, store, phone="+4522334455", body=body, sid=f"SMo{i}", lang="uk")
    past = start - dt.timedelta(days=60)
    with DB(engine) as db:  # these turns were taken 60 days ago
        for turn in db.exec(select(Turn)):
            turn.created_at = past
            db.add(turn)
        db.add(SmsContact(phone_hash="x" * 64, pending="- Телефон: +45 22 33 44 55",
                          updated_at=past))
        db.commit()
    sms_turn(content, store, phone="+4522334455", body="menu", sid="SMlater")
    purged = purge(engine, keep_days=30)
    assert purged["turns"] == 8 and purged["sms_pending"] >= 1
    with DB(engine) as db:
        assert [t.input for t in db.exec(select(Turn))] == ["menu"]
        assert db.get(SmsContact, "x" * 64).pending is None


def test_a_database_error_never_shows_the_values_it_was_given(tmp_path) -> None:
    """A logged traceback of a failed statement must not carry a citizen's name or number."""
    from sqlalchemy import text

    engine = make_engine(f"sqlite:///{tmp_path / 'e.sqlite3'}")
    with pytest.raises(DatabaseError) as failed, engine.connect() as conn:
        conn.execute(text("INSERT INTO no_such_table VALUES (:name, :phone)"),
                     {"name": "Anna Jensen", "phone": "+4522334455"})
    assert "no_such_table" in str(failed.value)
    assert "Anna Jensen" not in str(failed.value) and "22334455" not in str(failed.value)


def test_erasing_a_number_takes_the_web_and_kiosk_conversations_it_was_given_in(
        store, content) -> None:
    """An erasure request names a phone number; a web or kiosk conversation is not keyed by
    it, but the number (and the name beside it) is in its turns and state."""
    booked, _ = Conversation.open(content, store, "web:booked", "web", "en")
    for text in ["1", "2", "1", "1", "1", "Anna Jensen", "22 33 44 55"]:
        booked.handle(text)
    other, _ = Conversation.open(content, store, "web:other", "web", "en")
    for text in ["1", "2", "1", "1", "1", "Bo Hansen", "60708090"]:
        other.handle(text)
    counts = erase(store.engine, "+4522334455", "AB")
    assert counts["conversations"] == 1
    with DB(store.engine) as db:
        assert [s.key for s in db.exec(select(Session))] == ["web:other"]
        inputs = " ".join(t.input for t in db.exec(select(Turn)))
        assert "Anna Jensen" not in inputs and "Bo Hansen" in inputs


def test_a_foreign_number_that_texted_can_be_exported_and_erased(tmp_path, content) -> None:
    from assistant.channels.sms import sms_turn

    url = f"sqlite:///{tmp_path / 'f.sqlite3'}"
    engine = make_engine(url)
    seed_demo(engine)
    store = SessionStore(engine)
    for i, body in enumerate(["hej", "menu"]):
        sms_turn(content, store, phone="+46701234567", body=body, sid=f"SMf{i}")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return _privacy_command(url, *args)

    assert run("export", "--phone", "+46 70 123 45 67").returncode == 0
    erased = run("delete", "--phone", "+46701234567")
    assert erased.returncode == 0, erased.stderr
    assert json.loads(erased.stdout)["turns"] == 2
    assert run("delete", "--phone", "+999").returncode == 2
