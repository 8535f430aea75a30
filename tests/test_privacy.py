"""Retention, access and erasure requests, the append-only audit log, CPR-free storage."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import uuid
import warnings

import pytest
from sqlalchemy.exc import DatabaseError, SAWarning
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

from .conftest import FIXED_OTP

NOW = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
CPR_LIKE = re.compile(r"(?<!\d)(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}[ -]?\d{4}(?!\d)")
MASKS = ("[CPR fjernet]", "[CPR removed]", "[CPR видалено]")
"""A CPR number masked, in Danish, English and Ukrainian."""


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
    assert json.loads(out.stdout)["mentions"] == [] and "note" in json.loads(out.stdout)
    reviewed = run("export", "--phone", "22334455", "--with-mentions", "--staff", "AB")
    assert reviewed.returncode == 0, reviewed.stderr
    assert "for staff to review" in json.loads(reviewed.stdout)["note"]
    assert run("delete", "--phone", "22334455", "--with-mentions").returncode == 2
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
    assert any(mask in dump for mask in MASKS)
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


def _found(exported: dict) -> list[dict]:
    """The conversations an export lists: the number's own and those that only mention it."""
    return [*exported["conversations"], *exported["mentions"]]


WRITTEN = ["2611-2233", "26.11.22.33", "+45 2611 2233", "0045 26 11 22 33", "(+45) 26112233",
           "２６１１２２３３"]


@pytest.mark.parametrize("written", WRITTEN)
def test_a_number_typed_in_any_form_is_exported_and_erased(db_url: str, content,
                                                          written: str) -> None:
    """A kiosk or web conversation in which the citizen typed their number their own way
    (with dashes, dots, the country code, full-width digits) is in the export and goes with
    the erasure; a conversation with another number stays."""
    engine = make_engine(db_url)
    seed_demo(engine)
    store = SessionStore(engine)
    mine, _ = Conversation.open(content, store, "web:mine", "web", "da", now=lambda: NOW)
    mine.handle(f"Anna Jensen, ring på {written} i morgen")
    other, _ = Conversation.open(content, store, "kiosk:other", "kiosk", "da", now=lambda: NOW)
    other.handle("Bo Hansen 26112234, 126112233, 2611223")
    exported = export(engine, "+4526112233", "AB", with_mentions=True)
    said = json.dumps(_found(exported), ensure_ascii=False)
    assert len(_found(exported)) == 1 and "Anna Jensen" in said
    assert "Bo Hansen" not in said
    counts = erase(engine, "+4526112233", "AB")
    assert counts["conversations"] == 1
    with DB(engine) as db:
        assert [s.key for s in db.exec(select(Session))] == ["kiosk:other"]
    assert _found(export(engine, "+4526112233", "AB")) == []
    engine.dispose()


def test_export_covers_what_erase_takes(db_url: str, content) -> None:
    """Every kind of thing an erasure deletes is in the export first: bookings, queued SMS,
    the SMS conversation and its kept replies, web and kiosk conversations."""
    from assistant.channels.sms import sms_turn

    engine = make_engine(db_url)
    seed_demo(engine)
    store = SessionStore(engine)
    # a meeting more than a day ahead: its reminder is queued (by SMS the reply is the
    # receipt, so no receipt is)
    for i, body in enumerate(["1", "2", "1", "1", "6", "6", "6", "1", "Anna Jensen",
                              "26112233", "1"]):
        sms_turn(content, store, phone="+4526112233", body=body, sid=f"SMcover{i}",
                 now=lambda: NOW)
    web, _ = Conversation.open(content, store, "web:cover", "web", "en", now=lambda: NOW)
    web.handle("my number is 26 11 22 33")
    for text in ["staff", "2", "Anna Jensen", "26112233", "1", "1"]:  # her callback
        web.handle(text)
    other, _ = Conversation.open(content, store, "kiosk:cover", "kiosk", "en", now=lambda: NOW)
    other.handle("Bo Hansen 26112233")  # a mistyped number: only a mention
    other.handle("menu")
    exported = export(engine, "+4526112233", "AB")
    reviewed = export(engine, "+4526112233", "AB", with_mentions=True)
    with warnings.catch_warnings():  # not "expected to delete 1 row(s); 0 were matched":
        warnings.simplefilter("error", SAWarning)  # a reminder released with its booking
        counts = erase(engine, "+4526112233", "AB")
    for kind, listed in (("bookings", "bookings"), ("sms", "sms"),
                         ("sms_replies", "sms_replies"), ("callbacks", "callbacks")):
        assert counts[kind] == len(exported[listed]) > 0, kind
    # her callback's conversation needed no code: a mention, as the mistyped number's is
    assert not exported["conversations"] and len(exported["mentions"]) == 2
    assert counts["conversations"] == len(exported["conversations"]) + len(exported["mentions"])
    # every turn erased is in the export: the mentions' turns for staff to review
    assert counts["turns"] == len(exported["sms_conversation"]) + sum(
        len(c["turns"]) for c in [*exported["conversations"], *reviewed["mentions"]])
    assert sorted(m["turns_with_number"] for m in exported["mentions"]) == [1, 3]
    engine.dispose()


BOOK_AT_SUMMARY = ["1", "2", "1", "1", "1"]
"""A first job meeting in Danish at the first free time, up to the name question."""


def test_someone_elses_conversation_that_only_mentions_the_number_is_not_handed_out(
        db_url: str, content) -> None:
    """Bo mistyped his number as Anna's (+45 22 33 44 55) on the web page. Anna's access
    request gave her Bo's whole conversation: his name and his question. Now it lists her own
    conversation (she booked with the code texted to her) in full, and Bo's only as a
    mention: its channel, start and how many of its turns write the number, no text; staff
    can see its text with --with-mentions, and the audit log says they did."""
    from assistant.staffwords import audit_detail

    engine = make_engine(db_url)
    seed_demo(engine)
    store = SessionStore(engine)
    anna, _ = Conversation.open(content, store, "web:anna", "web", "en", now=lambda: NOW)
    for text in [*BOOK_AT_SUMMARY, "Anna Jensen", "22 33 44 55", FIXED_OTP, "1"]:
        anna.handle(text)
    bo, _ = Conversation.open(content, store, "web:bo", "web", "en", now=lambda: NOW)
    for text in [*BOOK_AT_SUMMARY, "Bo Hansen", "22 33 44 55",  # no code comes to him
                 "menu", "Jeg er Bo Hansen, 22334455, hvornår får jeg mine dagpenge?"]:
        bo.handle(text)
    exported = export(engine, "+4522334455", "AB")
    assert [c["channel"] for c in exported["conversations"]] == ["web"]
    assert "Anna Jensen" in json.dumps(exported["conversations"], ensure_ascii=False)
    [mention] = exported["mentions"]  # its channel, start and turns with the number: no text
    assert sorted(mention) == ["channel", "started", "turns_with_number", "what"]
    assert mention["channel"] == "web" and mention["turns_with_number"] == 2
    assert mention["what"] == "conversation"
    everything = json.dumps(exported, ensure_ascii=False)
    assert "Bo Hansen" not in everything and "dagpenge" not in everything
    assert "someone else" in exported["note"] and "delete" in exported["note"]
    reviewed = export(engine, "+4522334455", "AB", with_mentions=True)
    said = json.dumps(reviewed["mentions"], ensure_ascii=False)
    assert "Bo Hansen" in said and "dagpenge" in said
    assert len(reviewed["mentions"][0]["turns"]) == 9
    assert reviewed["conversations"] == exported["conversations"]
    with DB(engine) as db:
        rows = [(a.action, a.params) for a in db.exec(select(AuditEntry)
                                                     .order_by(AuditEntry.id))][-2:]
    assert rows == [("privacy_export", '{"phone_ending":"55"}'),
                    ("privacy_export_mentions", '{"phone_ending":"55","mentions":1}')]
    assert audit_detail(*rows[1], "") == {  # as the staff screen's log shows it
        "da": "Telefonnummer, der ender på 55; 1 samtale, der kun nævner nummeret",
        "en": "Phone number ending in 55; 1 conversation that only mentions the number",
        "uk": "Номер телефону, що закінчується на 55; 1 розмова, де лише згадано номер"}
    assert erase(engine, "+4522334455", "AB")["conversations"] == 2  # delete takes both
    engine.dispose()


def test_the_numbers_own_conversations_are_exported_in_full(store, content) -> None:
    """A conversation that proved the number with the code texted to it (to look up the
    meeting) is the number's holder's own, in the export in full. One that booked with it at
    the kiosk (no code needed) or asked staff to call it may be someone else's who mistyped
    the number: it is a mention, with no text, as one that only wrote the number is (its
    booking and request are exported on their own)."""
    kiosk, _ = Conversation.open(content, store, "kiosk:anna", "kiosk", "en", now=lambda: NOW)
    for text in [*BOOK_AT_SUMMARY, "Anna Jensen", "22 33 44 55", "1"]:
        kiosk.handle(text)
    with DB(store.engine) as db:
        code = db.exec(select(Booking)).one().code
    web, _ = Conversation.open(content, store, "web:anna", "web", "en", now=lambda: NOW)
    for text in ["cancel", code, "22 33 44 55", FIXED_OTP, "no"]:
        web.handle(text)
    call, _ = Conversation.open(content, store, "web:call", "web", "en", now=lambda: NOW)
    for text in ["staff", "2", "Anna J.", "22334455", "1", "1"]:
        call.handle(text)
    other, _ = Conversation.open(content, store, "web:other", "web", "en", now=lambda: NOW)
    other.handle("Bo Hansen, ring til 22 33 44 55")
    exported = export(store.engine, "+4522334455", "AB")
    said = json.dumps(exported["conversations"], ensure_ascii=False)
    assert len(exported["conversations"]) == 1 and len(exported["mentions"]) == 3
    assert code in said
    everything = json.dumps(exported, ensure_ascii=False)
    assert "Bo Hansen" not in everything and "Anna J." not in json.dumps(exported["mentions"])
    assert [b["name"] for b in exported["bookings"]] == ["Anna Jensen"]
    assert [c["name"] for c in exported["callbacks"]] == ["Anna J."]
    with DB(store.engine) as db:
        stored = len(db.exec(select(Turn).where(Turn.session_id == web.session_id)).all())
    assert len(exported["conversations"][0]["turns"]) == stored
    # each reply as she read it, in her language (the stored reply is JSON in every language)
    replies = [turn["reply_text"] for turn in exported["conversations"][0]["turns"]]
    assert "Do you want to cancel the meeting?" in "\n".join(replies)
    assert not any(reply.lstrip().startswith(("[", "{")) for reply in replies)
    assert "Vil du aflyse mødet?" not in "\n".join(replies)


TIME_KEYS = {"at", "started", "start", "created", "due", "sent", "expires"}
LOCAL_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00")


def _times(item: object) -> list[str]:
    """Every time an export gives, wherever it is."""
    if isinstance(item, list):
        return [t for x in item for t in _times(x)]
    if isinstance(item, dict):
        return [t for k, v in item.items()
                for t in ([v] if k in TIME_KEYS and v is not None else _times(v))]
    return []


def test_every_time_in_the_export_is_copenhagen_time_with_its_offset(db_url: str,
                                                                     content) -> None:
    """A citizen read raw UTC times in their export ("2026-11-24T10:00:00+00:00" for a
    meeting at 11.00). Every time is now the jobcenter's local time with its offset, to the
    second: +01:00 in winter, +02:00 in summer."""
    from assistant.channels.sms import sms_turn

    engine = make_engine(db_url)
    seed_demo(engine)
    store = SessionStore(engine)
    anna, _ = Conversation.open(content, store, "web:anna", "web", "en", now=lambda: NOW)
    for text in [*BOOK_AT_SUMMARY, "Anna Jensen", "22 33 44 55", FIXED_OTP, "1"]:
        anna.handle(text)
    for text in ["staff", "2", "Anna Jensen", "22334455", "1", "1"]:
        anna.handle(text)
    other, _ = Conversation.open(content, store, "web:other", "web", "en", now=lambda: NOW)
    other.handle("ring 22 33 44 55")
    for i, body in enumerate(["hej", "menu"]):
        sms_turn(content, store, phone="+4522334455", body=body, sid=f"SMt{i}",
                 now=lambda: NOW)
    summer = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)
    with DB(engine) as db:  # her first message was written in July
        first = db.exec(select(Turn).where(Turn.session_id == anna.session_id)
                        .order_by(Turn.seq)).first()
        first.created_at = summer
        db.add(first)
        db.commit()
    exported = export(engine, "+4522334455", "AB", with_mentions=True)
    assert exported["bookings"][0]["start"] == "2026-11-24T11:00:00+01:00"  # 10.00 UTC
    assert exported["sms"][0]["due"] == "2026-11-24T09:00:00+01:00"  # sent at NOW, 8.00 UTC
    assert exported["conversations"][0]["turns"][0]["at"] == "2026-07-01T14:00:00+02:00"
    times = _times(exported)
    assert len(times) > 20 and {"bookings", "callbacks", "sms", "sms_conversation",
                                "sms_replies", "conversations", "mentions"} <= {
        key for key, value in exported.items() if _times(value)}
    assert [t for t in times if not LOCAL_TIME.fullmatch(t)] == []
    engine.dispose()


def test_an_erased_name_is_not_left_in_sqlites_files(tmp_path, content) -> None:
    """While the server runs (its connections open), an erasure leaves the erased name
    neither in the write-ahead log nor in the database file's free space."""
    path = tmp_path / "wal.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    seed_demo(engine)
    store = SessionStore(engine)
    convo, _ = Conversation.open(content, store, "kiosk:wal", "kiosk", "da", now=lambda: NOW)
    convo.handle("Jeg hedder Zacharias Quist, mit nummer er 2611-2233")
    other, _ = Conversation.open(content, store, "kiosk:keep", "kiosk", "da", now=lambda: NOW)
    other.handle("hjælp")
    wal = path.with_name(path.name + "-wal")
    assert b"Zacharias Quist" in wal.read_bytes() + path.read_bytes()
    erase(engine, "+4526112233", "AB")
    other.handle("menu")  # the server goes on
    assert b"Zacharias Quist" not in (wal.read_bytes() if wal.exists() else b"")
    assert b"Zacharias Quist" not in path.read_bytes()
    engine.dispose()


def test_privacy_scan_finds_and_redacts_cpr_numbers_already_stored(
        db_url: str, content, capsys: pytest.CaptureFixture[str]) -> None:
    """Rows written before the redaction knew a form ("01 01 90 1234", "01011990-1234",
    full-width digits): `privacy scan` counts them without printing them, `--redact` masks
    them, and phone numbers and booking codes are left alone."""
    from assistant.cli import main
    from assistant.store.models import CallbackRequest, Outbox

    engine = make_engine(db_url)
    store = SessionStore(engine)
    convo, _ = Conversation.open(content, store, "web:old", "web", "da", now=lambda: NOW)
    convo.handle("menu")
    with DB(engine) as db:
        turn = db.exec(select(Turn)).one()
        turn.input = "mit cpr er 01 01 90 1234, tlf 22334455"
        turn.reply = json.dumps([{"text": "＂Anna＂ 010190/1234"}], ensure_ascii=False)
        db.add(turn)
        db.add(CallbackRequest(kind="callback", topic="x", lang="da", name="Anna",
                               note="cpr ０１０１９０１２３４"))
        db.add(Outbox(phone="+4522334455", lang="da", kind="receipt",
                      body="Kode: 9GC2FV, 01011990-1234"))
        db.commit()

    def run(*args: str) -> dict:
        assert main(["privacy", "scan", "--db", db_url, *args]) == 0
        out = capsys.readouterr().out
        assert "1234" not in out and "0101" not in out
        return json.loads(out)

    found = run()
    assert found["total"] == 4 and found["found"]["turns.input"] == 1
    assert found["found"]["turns.reply"] == 1
    assert found["found"]["callback_requests.note"] == 1 and found["found"]["outbox.body"] == 1
    assert run("--redact")["total"] == 4
    assert run()["total"] == 0
    with DB(engine) as db:
        turn = db.exec(select(Turn)).one()
        assert turn.input == "mit cpr er [CPR fjernet], tlf 22334455"
        assert json.loads(turn.reply) == [{"text": "\"Anna\" [CPR fjernet]"}]
        assert db.exec(select(Outbox)).one().body == "Kode: 9GC2FV, [CPR fjernet]"
    engine.dispose()


@pytest.mark.parametrize(("lang", "typed", "kept"), [
    ("en", "my cpr is 12 03 85 1234, what now?", "my cpr is [CPR removed], what now?"),
    ("uk", "мій cpr 12 03 85 1234", "мій cpr [CPR видалено]"),
    ("da", "mit cpr er 12 03 85 1234", "mit cpr er [CPR fjernet]"),
    # the first message picks the language, and the mask is in the language it picked
    ("en", "mit cpr nummer er 12 03 85 1234, hvad gør jeg?",
     "mit cpr nummer er [CPR fjernet], hvad gør jeg?"),
    ("da", "my cpr is 12 03 85 1234, what now?", "my cpr is [CPR removed], what now?")])
def test_a_cpr_number_is_masked_in_the_conversations_language(store, content, lang: str,
                                                               typed: str, kept: str) -> None:
    """An English or Ukrainian citizen read "[CPR fjernet]" in their own line (chat, the web
    page) and the staff transcript showed it so: the mask is in the conversation's language,
    there and in what is stored."""
    from assistant.staffdesk import StaffDesk

    convo, _ = Conversation.open(content, store, f"text:{uuid.uuid4().hex}", "text", lang,
                                 now=lambda: NOW)
    convo.handle(typed)
    assert convo.said == kept
    desk = StaffDesk(content, store, now=lambda: NOW)
    assert [line.text for line in desk.transcript(convo.session_id)
            if line.who == "citizen"] == [kept]
    with DB(store.engine) as db:
        assert [t.input for t in db.exec(select(Turn))] == [kept]


def test_privacy_scan_takes_no_mask_in_any_language_for_a_cpr_number(
        db_url: str, content, capsys: pytest.CaptureFixture[str]) -> None:
    """Masks in English and Ukrainian, stored by web conversations, are no CPR numbers to
    `privacy scan`, and `--redact` leaves them as they are."""
    from assistant.cli import main
    from assistant.privacy import has_cpr

    engine = make_engine(db_url)
    store = SessionStore(engine)
    for lang, typed in [("en", "my cpr is 12 03 85 1234"), ("uk", "мій cpr 12 03 85 1234"),
                        ("da", "mit cpr er 12 03 85 1234")]:
        convo, _ = Conversation.open(content, store, f"web:{lang}", "web", lang,
                                     now=lambda: NOW)
        convo.handle(typed)

    def inputs() -> list[str]:
        with DB(engine) as db:
            return sorted(t.input for t in db.exec(select(Turn)))

    kept = ["mit cpr er [CPR fjernet]", "my cpr is [CPR removed]", "мій cpr [CPR видалено]"]
    assert inputs() == kept
    assert not any(has_cpr(mask) for mask in MASKS)

    def run(*args: str) -> dict:
        assert main(["privacy", "scan", "--db", db_url, *args]) == 0
        return json.loads(capsys.readouterr().out)

    assert run()["total"] == 0
    assert run("--redact")["total"] == 0
    assert inputs() == kept
    engine.dispose()


def _scanned_and_masked(db_url: str, capsys: pytest.CaptureFixture[str], forms: list[str],
                        beside: str) -> None:
    """Callback notes with each CPR form and ``beside`` it: `privacy scan` finds each once,
    and `--redact` leaves only ``beside``."""
    from assistant.cli import main
    from assistant.store.models import CallbackRequest

    engine = make_engine(db_url)
    with DB(engine) as db:
        for form in forms:
            db.add(CallbackRequest(kind="callback", topic="x", lang="da", name="Anna",
                                   note=f"cpr {form}, {beside}"))
        db.commit()

    def run(*args: str) -> dict:
        assert main(["privacy", "scan", "--db", db_url, *args]) == 0
        return json.loads(capsys.readouterr().out)

    assert run()["found"]["callback_requests.note"] == len(forms)
    run("--redact")
    with DB(engine) as db:
        notes = [row.note for row in db.exec(select(CallbackRequest))]
    assert notes == [f"cpr [CPR fjernet], {beside}"] * len(forms)
    engine.dispose()


def test_privacy_scan_finds_unpadded_spaced_and_hidden_cpr_forms(
        db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Forms an outside pass found stored in clear (unpadded day and month, "_", a spaced
    serial, every digit apart, a soft hyphen): `privacy scan` finds and masks them too."""
    _scanned_and_masked(db_url, capsys, ["1.1.90-7111", "1/1-1990-7202", "010190_7211",
                                         "010190-71 29", "0 1 0 1 9 0 7 1 1 8",
                                         "0101\u00ad90-7213"], "tlf +45 22 33 44 55")


CPR_FOUND_BY_A_TESTER = [
    "01.01.90.12.34", "01-01-90 12-34", "010190 12-34", "010190-12.34", "(010190) 1234",
    "010190:1234", "010190+1234", "010190;1234", "+010190-1234", "1. januar 1990 1234",
    "01 jan 90 1234", "1 January 1990 1234", "1. jan. 90-1234", "3 sept 85 1234",
    "3. okt 1985 1234", "1 May 1990 1234", "01019 01234", "010 190 1234",
    "1 січня 1990 1234"]
"""CPR numbers in forms a security tester found stored in clear (separators, a split serial,
the month by name, the ten digits grouped wrongly)."""
INVISIBLE = ["\u2800", "\u3164", "\u115f", "\u034f", "\ufe0f"]
"""Characters that show as nothing but are not format characters (category Cf): a braille
blank, Hangul fillers, a combining grapheme joiner, a variation selector."""
NOT_A_CPR_NUMBER = [
    "зустріч 15 грудня 2026 р. о 10.30", "1 січня 2027 року о 10:30",
    "2026-12-07 10.30", "2026-12-07T10:43:00+01:00", "møde 2026-12-15 kl 10.30",
    "ring 26 11 22 33", "+45 26112233", "+45 26 11 22 33", "født 01.01.1990", "kr. 12.345,00",
    "kl. 10.30", "kl. 10:30-12:00", "din kode er K7M2QX", "2023-2024", "i 2011-2012",
    "Din tid er 24.11.2026 10.30", "mødet er 24.11.26 10.30", "1. marts 2026 09:15",
    "Tuesday 24 November 2026, 09.00", "den 1.12 10.30-11.30", "1.234 567 890,50 kr",
    "050 123 45 67", "050 123 4567", "+380 50 123 45 67", "2026-12-07 10:43+0000",
    "1.12.2026-2.12.2026", "sag 1.1.2026-12", "kode K7M2QX, tlf 26112233 kl. 10.30",
    # with the wider separators and month names: a meeting's date with its time or its
    # hours, phone numbers and year ranges with other separators, a month and a year
    "1. januar 2027 kl 10", "Din tid er 24.11.2026 10.30-11.30", "1. marts 2026 09:15-10:00",
    "24.11.2026 10:30–11:00", "November 24, 2026 10:30", "24. nov. 2026, 10.30",
    "ring 26-11-22-33", "ring 26 | 11 | 22 | 33", "i 2011–2012", "1990 — 1995",
    "jul 2026", "May 2026, 1234 people", "kr. 1.234,50", "1.1.2026: 1.234 kr",
    "sendt 7.12 07:33:01", "Mon Dec 7 07:33:01 UTC 2026"]
"""What a jobcenter writes every day and must reach the citizen as written: Danish phone
numbers, a date alone, amounts, times, a booking code, year ranges, a meeting's date and time,
a Ukrainian number written the Ukrainian way."""


@pytest.mark.parametrize("written", CPR_FOUND_BY_A_TESTER)
def test_cpr_numbers_a_tester_found_unmasked_are_masked(written: str) -> None:
    from assistant.privacy import has_cpr, redact_cpr

    assert redact_cpr(f"mit cpr er {written} tak") == "mit cpr er [CPR fjernet] tak"
    assert redact_cpr(f"tlf 26112233, cpr {written}") == "tlf 26112233, cpr [CPR fjernet]"
    assert has_cpr(written)


@pytest.mark.parametrize("invisible", INVISIBLE)
def test_invisible_characters_between_the_digits_hide_no_cpr_number(invisible: str) -> None:
    from assistant.privacy import redact_cpr

    for written in ("010190-1234", "01.01.90.12.34", "01019 01234"):
        hidden = invisible.join(written)
        assert redact_cpr(f"cpr {hidden} tak") == "cpr [CPR fjernet] tak", repr(hidden)


def test_phone_numbers_dates_amounts_times_and_codes_are_not_masked() -> None:
    from assistant.privacy import has_cpr, redact_cpr

    for text in NOT_A_CPR_NUMBER:
        assert redact_cpr(text) == text
        assert not has_cpr(text), text


def test_a_staff_reply_reaches_the_citizen_with_its_cpr_numbers_masked(store, content) -> None:
    """What a member of staff writes goes through the same detector before it is stored or
    texted: both CPR numbers are masked, the meeting's time and the phone number stay."""
    from assistant.channels.sms import sms_turn
    from assistant.staff import add_staff
    from assistant.staffdesk import StaffDesk
    from assistant.store.models import Outbox

    seed_demo(store.engine)
    add_staff(store.engine, "AB", "Anne B", "4821")
    desk = StaffDesk(content, store, now=lambda: NOW)
    for i, body in enumerate(["staff", "1"]):
        sms_turn(content, store, phone="+4526112233", body=body, sid=f"SMstaff{i}",
                 now=lambda: NOW)
    [item] = desk.queue()
    assert desk.take(item.id, "AB")
    desk.write(item.id, "AB", "din cpr 01.01.90.12.34 eller 010190-1234, tid 24.11.2026 10.30")
    with DB(store.engine) as db:
        sent = db.exec(select(Outbox).where(Outbox.kind == "staff")
                       .order_by(Outbox.id.desc())).first()  # type: ignore[union-attr]
    # masked in the language the citizen reads (English: the first message was "staff")
    assert sent.body == "din cpr [CPR removed] eller [CPR removed], tid 24.11.2026 10.30"
    staff_lines = [line.text for line in desk.transcript(item.session_id) if line.who == "staff"]
    assert "din cpr [CPR removed] eller [CPR removed], tid 24.11.2026 10.30" in staff_lines


def test_privacy_scan_finds_the_forms_a_tester_found(
        db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`privacy scan` reads with the same detector: the new forms already stored are found and
    masked, a phone number and a meeting's time beside them are not."""
    _scanned_and_masked(db_url, capsys, ["01.01.90.12.34", "(010190) 1234",
                                         "1. januar 1990 1234", "01019 01234",
                                         "\u2800".join("010190-1234")],
                        "tlf 26 11 22 33, 24.11.2026 10.30")



CPR_IN_MORE_SHAPES = [
    # the month first, a day with an ordinal, a year first
    "January 1 1990 1234", "1st January 1990 1234", "January 1st, 1990 - 1234",
    "1st of January 1990 1234", "Jan. 1 '90 1234", "1990 January 1 1234", "1ste maj 1990 1234",
    # the months' short Ukrainian names, and short Danish and English ones with or without a
    # dot; the Ukrainian genitive and nominative (see also
    # test_every_month_name_in_danish_english_and_ukrainian_is_read_in_any_order)
    "1 січ 1990 1234", "1 січ. 1990 1234", "1-го січня 1990 1234", "1 листопад 90 1234",
    "01 січня 1990 р. 1234", "1 січня 1990 року 1234", "1 січ. 1990р. 1234",
    "1990-01-01 1234", "1990/1/1-1234",
    "3 верес. 85-1234", "1 jan. 1990 1234", "1 Sept. 1990 1234", "3 okt 85 1234",
    # other separators between the date and the serial, and inside the date
    "010190*1234", "010190~1234", "010190#1234", "010190=1234", "010190 | 1234",
    "010190⸺1234", "010190⸻1234", "010190–1234", "010190—1234", "010190‒1234", "010190―1234",
    "010190−1234", "010190－1234", "010190﹣1234", "01*01*90*1234", "01·01·90·1234",
    # more separators in a row
    "01 01 90 - - 1234", "01//01//1990 -- 1234",
    # every digit apart
    "0 1 0 1 9 0 - 1 2 3 4", "0-1-0-1-9-0-1-2-3-4", "0 1 0 1 1 9 9 0 - 1234",
    "0 1 0 1 9 0 1234"]
"""CPR numbers a security tester found stored, echoed and shown to staff in clear after
CPR_FOUND_BY_A_TESTER: the month first or by a short name, an ordinal day, separators other
than those listed (any dash, "*", "~", "#", "=", "|"), more of them in a row, every digit
apart with a dash before the serial."""
SENTENCES = [("uk", "мій номер {}", "мій номер [CPR видалено]"),
             ("da", "mit cpr nummer er {} tak", "mit cpr nummer er [CPR fjernet] tak"),
             ("en", "my CPR number is {}, thanks", "my CPR number is [CPR removed], thanks")]
"""The sentence each form is sent in, in each language, and what the citizen's line is kept
as."""


@pytest.mark.parametrize("written", CPR_IN_MORE_SHAPES)
def test_cpr_numbers_in_more_shapes_are_masked_where_the_citizen_and_staff_read_them(
        store, content, monkeypatch: pytest.MonkeyPatch, written: str) -> None:
    """Sent to the web API in a Ukrainian, Danish and English sentence: the reply says the
    line as kept with the number masked (the citizen's own line on the page), the reply asks
    not to write it, the stored turn and the page's history hold the mask, and the staff
    transcript shows the mask, never the number."""
    from starlette.testclient import TestClient

    from assistant.channels.web import make_app
    from assistant.staffdesk import StaffDesk

    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", "https://kiosk.example.dk")
    client = TestClient(make_app(content, store), base_url="https://kiosk.example.dk")
    digits = "".join(c for c in written if c.isdigit())
    for lang, sentence, kept in SENTENCES:
        token = client.post("/api/sessions", json={"lang": lang}).json()["session"]
        data = client.post(f"/api/sessions/{token}/messages",
                           json={"text": sentence.format(written)}).json()
        assert data["said"] == kept, (lang, data["said"])
        assert "CPR" in json.dumps(data["reply"], ensure_ascii=False)
        history = client.get(f"/api/sessions/{token}/history").json()["turns"]
        assert history[-1]["said"] == kept
    desk = StaffDesk(content, store, now=lambda: NOW)
    with DB(store.engine) as db:
        stored = sorted(t.input for t in db.exec(select(Turn)))
        sessions = [s.id for s in db.exec(select(Session))]
    assert stored == sorted(kept for _, _, kept in SENTENCES)
    shown = [line.text for session in sessions for line in desk.transcript(session)
             if line.who == "citizen"]
    assert sorted(shown) == stored
    assert not any(digits in "".join(c for c in line if c.isdigit()) for line in shown)


def test_every_month_name_in_danish_english_and_ukrainian_is_read_in_any_order() -> None:
    """Each month's name as Danish, English and Ukrainian dates write it (CLDR's, through
    Babel: full and short, as a date says it and as it stands alone, with a dot or not), in
    capitals too, and the usual three letters: a birth date written with it day first, month
    first or year first, with an ordinal or not, is masked."""
    from babel.dates import get_month_names

    from assistant.privacy import redact_cpr

    names = {name for locale in ("da", "en", "en_GB", "uk") for width in ("wide", "abbreviated")
             for context in ("format", "stand-alone")
             for name in get_month_names(width, context, locale).values()}
    names |= {name.rstrip(".") for name in names} | {name.upper() for name in names}
    names |= {"кві", "тра", "чер", "сер", "жов", "лис", "гру", "берез", "верес", "листоп",
              "сiчня", "квiтня"}  # the three letters, and a Latin "i" typed for the "і"
    shapes = ["1 {} 1990 1234", "01. {} 90-1234", "1st of {} 1990 1234", "1-го {} 1990 1234",
              "{} 1 1990 1234", "{} 1st, '90 - 1234", "1990 {} 1 1234", "1990-{}-01 1234"]
    missed = [shape.format(name) for name in sorted(names) for shape in shapes
              if redact_cpr(f"cpr {shape.format(name)} tak") != "cpr [CPR fjernet] tak"]
    assert len(names) > 90 and missed == []


def test_privacy_scan_finds_cpr_numbers_in_more_shapes(
        db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`privacy scan` reads with the same detector: rows stored with the new shapes are found
    and masked; a phone number, a meeting's date with its hours and a date with its time
    beside them are not."""
    _scanned_and_masked(db_url, capsys, CPR_IN_MORE_SHAPES,
                        "tlf 26 11 22 33, 24.11.2026 10.30-11.30, 1. januar 2027 kl 10")


def _repeated(start: str, again: str) -> str:
    """``start``, then ``again`` again and again: 4,000 characters, the most looked at."""
    return (start + again * 4000)[:4000]


HOSTILE = {
    "digits": _repeated("", "1"), "digits apart": _repeated("", "1 "),
    "pairs apart": _repeated("", "11 "), "dashes": _repeated("1", "⸺"),
    "separators": _repeated("", "1 -*|~"), "a date again and again": _repeated("", "01.01.90 "),
    "numbers again and again": _repeated("", "010190-1234 "),
    "digits apart again and again": _repeated("", "0 1 0 1 9 0 - 1 2 3 4 "),
    "month names": _repeated("", "1 jan "), "months first": _repeated("", "January 1st, "),
    "ordinals": _repeated("", "1st "), "years": _repeated("", "1990 "),
    "phone numbers": _repeated("", "+45 26 11 "), "a long phone number": _repeated("+", "1 "),
    "what may start one": _repeated("00", "1-"),
}
"""Messages shaped against each pattern: long runs of digits or separators, candidates again
and again, month names, what may start a phone number (a "+" or "00" with digits apart to
the end)."""


def _lines_run(text: str) -> int:
    """How many lines of assistant/privacy.py masking ``text`` runs."""
    import assistant.privacy as privacy

    lines = 0

    def trace(frame, event: str, arg) -> object:
        nonlocal lines
        if frame.f_code.co_filename != privacy.__file__:
            return None
        lines += event == "line"
        return trace

    before = sys.gettrace()
    sys.settrace(trace)
    try:
        privacy.redact_cpr(f"010190-1234 {text}")
    finally:
        sys.settrace(before)
    return lines


@pytest.mark.parametrize("shape", HOSTILE)
def test_hostile_input_is_read_in_linear_time(shape: str) -> None:
    """Every pattern reads a hostile 4,000-character message (the most looked at) and ends:
    each run of separators is read one way only (no catastrophic backtracking), so this
    test finishes in pytest's normal run. What the detector does around the patterns grows
    with the text, not faster: twice as long runs twice the lines, not four times (the
    phone numbers' digits were counted again for each group: a long "+1 1 1 ..." took
    seconds)."""
    from assistant.privacy import MAX_LINE_CHARS, has_cpr, read_input, redact_cpr

    text = HOSTILE[shape]
    assert len(text) == MAX_LINE_CHARS
    read = read_input(text, "da")
    assert len(read.text) <= 500 and read.cut
    assert has_cpr(text) == (redact_cpr(text) != text)
    half = _lines_run(text[:MAX_LINE_CHARS // 2])
    assert _lines_run(text) <= 2.2 * half, (half, _lines_run(text))

OTHER_PEOPLES_NUMBERS = ["+49 30 26112233", "+46 26112233", "0046 26112233", "+1 2611 2233",
                         "(+46) 26 11 22 33", "26.112.233 kr", "kr. 26.112.233", "26112233xyz"]
"""Text that ends in the same 8 digits as +45 26 11 22 33 but is not that number: another
country's numbers, amounts, and a word the phone question refuses ("26112233xyz": it reads
the three letters as keypad digits, eleven digits in all)."""


def test_other_peoples_numbers_that_end_in_the_same_digits_are_not_erased(store,
                                                                           content) -> None:
    """An erasure request for +45 26 11 22 33 takes the conversations in which that number
    was written with its own country code or none, and leaves those with a foreign number
    that ends in the same digits, or an amount of those digits."""
    mine = ["26112233", "+45 26112233", "0045 2611 2233", "45 26112233", "tlf26112233"]
    for i, text in enumerate(mine):
        convo, _ = Conversation.open(content, store, f"web:mine{i}", "web", "da",
                                     now=lambda: NOW)
        convo.handle(f"Anna Jensen, ring på {text}")
    for i, text in enumerate(OTHER_PEOPLES_NUMBERS):
        convo, _ = Conversation.open(content, store, f"kiosk:other{i}", "kiosk", "da",
                                     now=lambda: NOW)
        convo.handle(f"Bo Hansen {text}")
    exported = export(store.engine, "+4526112233", "AB", with_mentions=True)
    said = json.dumps(_found(exported), ensure_ascii=False)
    assert len(_found(exported)) == len(mine) and "Bo Hansen" not in said
    assert erase(store.engine, "+4526112233", "AB")["conversations"] == len(mine)
    with DB(store.engine) as db:
        kept = sorted(s.key for s in db.exec(select(Session)))
    assert kept == sorted(f"kiosk:other{i}" for i in range(len(OTHER_PEOPLES_NUMBERS)))


BOOKABLE = ["26\u00ad11\u00ad22\u00ad66", "٢٦١١٢٢٦٦", "२६११२२६६", "۲۶ ۱۱ ۲۲ ۶۶", "26*11*22*66",
            "26…11…22…66"]
"""Writings of +45 26 11 22 66 that the phone question takes (validators.e164): soft hyphens,
Arabic-Indic, Devanagari and Persian digits, the separators libphonenumber reads."""
ALSO_WRITTEN = ["26_11_22_66", "26,11,22,66"]
"""Writings the phone question refuses but a citizen may type in a sentence."""


def test_every_writing_the_phone_question_takes_is_found_and_erased(store, content) -> None:
    """A number written in a sentence the way the booking's phone question would take it
    (other digits, soft hyphens) is in the export and goes with the erasure; the same
    writing of another number stays."""
    from assistant.validators import e164

    assert all(e164(text) == "+4526112266" for text in BOOKABLE)
    forms = [*BOOKABLE, *ALSO_WRITTEN]
    for i, text in enumerate(forms):
        convo, _ = Conversation.open(content, store, f"web:mine{i}", "web", "da",
                                     now=lambda: NOW)
        convo.handle(f"Anna Jensen, mit nummer er {text} tak")
    other, _ = Conversation.open(content, store, "kiosk:other", "kiosk", "da", now=lambda: NOW)
    other.handle("Bo Hansen ٢٦١١٢٢٦٧, 26\u00ad11\u00ad22\u00ad67, 26_11_22_67")
    exported = export(store.engine, "+4526112266", "AB", with_mentions=True)
    assert len(_found(exported)) == len(forms)
    assert "Bo Hansen" not in json.dumps(_found(exported), ensure_ascii=False)
    assert erase(store.engine, "+4526112266", "AB")["conversations"] == len(forms)
    with DB(store.engine) as db:
        assert [s.key for s in db.exec(select(Session))] == ["kiosk:other"]


TAKEN_AS_ASKED = ["2611ABDE", "26 11 AB DE", "2611 2233ab", "+45 26 11 22 33x",
                  "26--//--11 22 33"]
"""Writings of +45 26 11 22 33 the phone question takes (validators.e164) that an outside
tester found missed: letters read as keypad digits, letters glued after the number (which
the phone question leaves out), more separators between the digits than three."""
NOT_TAKEN_AS_ASKED = ["2611ABDG", "26 11 AB DG", "2611 2234ab", "+46 26 11 22 33x",
                      "26--//--11 22 34", "(+46) 26 11 AB DE", "26.112.233kr"]
"""The same writings of other numbers (2611ABDG is 26112234), another country's, an amount."""


def test_what_the_phone_question_takes_as_the_number_is_found_and_erased(db_url: str,
                                                                           content) -> None:
    """A tester asked to be called back at "2611ABDE" (the phone question took it as
    +45 26 11 22 33), went on to the menu, and neither `privacy export --phone 26112233` nor
    `privacy delete` found the conversation. Every writing the phone question takes as the
    number is found now, asked for or written in a sentence; the same writings of other
    numbers are not; and a conversation still at the question is found by the number its
    state holds, the turn that wrote it counted."""
    from assistant.validators import e164

    assert {e164(form) for form in TAKEN_AS_ASKED} == {"+4526112233"}
    engine = make_engine(db_url)
    seed_demo(engine)
    store = SessionStore(engine)
    for i, form in enumerate(TAKEN_AS_ASKED):
        asked, _ = Conversation.open(content, store, f"text:asked{i}", "text", "en",
                                     now=lambda: NOW)
        for text in ["call me back", "Secret Person", form, "menu"]:
            asked.handle(text)
        said, _ = Conversation.open(content, store, f"web:said{i}", "web", "da",
                                    now=lambda: NOW)
        said.handle(f"Anna Jensen, mit nummer er {form} tak")
    waiting, _ = Conversation.open(content, store, "text:waiting", "text", "en",
                                   now=lambda: NOW)
    for text in ["call me back", "Secret Person", "2611ABDE"]:  # still at the next question
        waiting.handle(text)
    for i, form in enumerate(NOT_TAKEN_AS_ASKED):
        other, _ = Conversation.open(content, store, f"kiosk:other{i}", "kiosk", "da",
                                     now=lambda: NOW)
        other.handle(f"Bo Hansen {form}")
    exported = export(engine, "+4526112233", "AB", with_mentions=True)
    found = _found(exported)
    assert len(found) == 2 * len(TAKEN_AS_ASKED) + 1
    assert "Bo Hansen" not in json.dumps(found, ensure_ascii=False)
    assert all(m["turns_with_number"] == 1 for m in exported["mentions"])
    counts = erase(engine, "+4526112233", "AB")
    assert counts["conversations"] == len(found)
    with DB(engine) as db:
        kept = sorted(s.key for s in db.exec(select(Session)))
    assert kept == sorted(f"kiosk:other{i}" for i in range(len(NOT_TAKEN_AS_ASKED)))
    assert _found(export(engine, "+4526112233", "AB")) == []
    engine.dispose()


def test_a_callback_notes_are_exported_and_a_number_in_someone_elses_is_masked(
        db_url: str, content) -> None:
    """A callback request's note (the citizen's own words) was in no export though the
    erasure took it; and Anna's request, whose note asked staff to call her son's number,
    was untouched by an erasure for his number. Now the note is in her export; his export
    lists her request under "mentions" (what it is and when, no text); and his erasure
    masks his number in her note (and in a name that wrote it) and keeps her request."""
    from assistant.staffwords import audit_detail
    from assistant.store.models import CallbackRequest

    engine = make_engine(db_url)
    seed_demo(engine)
    store = SessionStore(engine)
    anna, _ = Conversation.open(content, store, "text:anna", "text", "en", now=lambda: NOW)
    for text in ["call me back", "Anna Jensen", "22334455",
                 "4: please also call my son on 26 11 22 33", "1"]:
        anna.handle(text)
    bo, _ = Conversation.open(content, store, "text:bo", "text", "en", now=lambda: NOW)
    for text in ["call me back", "Bo Jensen", "26112233", "4: my rent for December", "1"]:
        bo.handle(text)
    with DB(engine) as db:  # an older request whose name wrote his number
        db.add(CallbackRequest(kind="callback", topic="other", lang="da", phone="+4560708090",
                               name="Carl Hansen (søn 2611ABDE)", note="ring efter kl. 14",
                               place="kiosk:lobby", created_at=NOW))
        db.commit()
    [hers] = export(engine, "+4522334455", "AB")["callbacks"]
    assert hers["note"] == "please also call my son on 26 11 22 33"
    exported = export(engine, "+4526112233", "AB")
    assert [c["note"] for c in exported["callbacks"]] == ["my rent for December"]
    requests = [m for m in exported["mentions"] if m["what"] == "callback request"]
    assert [sorted(m) for m in requests] == [["channel", "created", "what"]] * 2
    assert [m["channel"] for m in requests] == ["kiosk", "kiosk"]
    everything = json.dumps(exported, ensure_ascii=False)
    assert "Anna" not in everything and "my son" not in everything and "Carl" not in everything
    assert "requests" in exported["note"]
    reviewed = export(engine, "+4526112233", "AB", with_mentions=True)
    assert sorted(m["note"] for m in reviewed["mentions"] if "note" in m) == [
        "please also call my son on 26 11 22 33", "ring efter kl. 14"]
    counts = erase(engine, "+4526112233", "AB")
    assert counts["callbacks"] == 1 and counts["callbacks_masked"] == 2
    with DB(engine) as db:
        kept = {r.phone: (r.name, r.note) for r in db.exec(select(CallbackRequest))}
        params = db.exec(select(AuditEntry.params).where(
            AuditEntry.action == "privacy_delete")).one()
    assert kept == {"+4522334455": ("Anna Jensen",
                                    "please also call my son on [phone number removed]"),
                    "+4560708090": ("Carl Hansen (søn [telefonnummer fjernet])",
                                    "ring efter kl. 14")}
    assert "Someone else's requests with the number masked: 2" in audit_detail(
        "privacy_delete", params, "")["en"]
    again = export(engine, "+4526112233", "AB")
    assert again["callbacks"] == [] and again["mentions"] == []
    [hers] = export(engine, "+4522334455", "AB")["callbacks"]
    assert hers["note"] == "please also call my son on [phone number removed]"
    engine.dispose()
