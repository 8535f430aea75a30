"""SIGKILL at random moments while people book: the database stays consistent (no half
booking, no orphan holds) and the interrupted session resumes."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import signal

import pytest
from sqlmodel import Session as DB
from sqlmodel import select

from assistant.conversation import Conversation
from assistant.store.db import make_engine
from assistant.store.demo import seed_demo
from assistant.store.models import Booking, BookingCell, MeetingType, Outbox
from assistant.store.sessions import SessionStore

NOW = dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.UTC)
KILLS = 50


def _book_forever(url: str, content, started) -> None:
    store = SessionStore(make_engine(url))
    n = 0
    while True:
        convo, _ = Conversation.open(content, store, "crash-test", "text", "en",
                                     now=lambda: NOW)
        started.set()
        # three pages of later times: the meeting is more than a day ahead, so a reminder
        # is queued with the receipt (the check below wants both, or no booking)
        for raw in ["menu", "1", "2", "2", "2", "1", "6", "6", "6", "1", "Test Person",
                    f"2233{n % 10_000:04d}", "1"]:
            convo.handle(raw)
        n += 1


def _check_consistent(url: str) -> int:
    engine = make_engine(url)
    with DB(engine) as db:
        minutes = {m.code: m.minutes for m in db.exec(select(MeetingType))}
        active = {b.id: b for b in db.exec(select(Booking).where(Booking.status == "active"))}
        cells = list(db.exec(select(BookingCell)))
        kinds: dict[int | None, list[str]] = {}
        for message in db.exec(select(Outbox)):
            kinds.setdefault(message.booking_id, []).append(message.kind)
    held: dict[int, int] = {}
    for cell in cells:
        assert cell.booking_id in active, "a hold without an active booking"
        held[cell.booking_id] = held.get(cell.booking_id, 0) + 1
    for booking in active.values():
        expected = -(-minutes[booking.meeting_type] // 15) * (2 if booking.interpreter_id else 1)
        assert held.get(booking.id) == expected, "a booking without all of its holds"
    # and every booking has its receipt, and its reminder when one is due (one transaction)
    for booking in active.values():
        start = booking.start if booking.start.tzinfo else booking.start.replace(tzinfo=dt.UTC)
        want = ["receipt", "reminder"] if start - dt.timedelta(hours=24) > NOW else ["receipt"]
        assert sorted(kinds.get(booking.id, [])) == want, "a booking without its messages"
    engine.dispose()
    return len(active)


def test_random_sigkills_during_booking_leave_the_database_consistent(
        db_url, content, monkeypatch: pytest.MonkeyPatch) -> None:
    # one conversation books again and again: no cap on bookings per conversation here
    monkeypatch.setenv("ASSISTANT_MAX_BOOKINGS_PER_SESSION", "0")
    engine = make_engine(db_url)
    seed_demo(engine)
    engine.dispose()
    ctx = multiprocessing.get_context("fork")
    rng = random.Random(2026)
    survived = 0
    for _ in range(KILLS):
        started = ctx.Event()
        child = ctx.Process(target=_book_forever, args=(db_url, content, started))
        child.start()
        assert started.wait(timeout=60)
        child.join(timeout=rng.uniform(0.0, 0.6))  # let it run to a random point
        os.kill(child.pid, signal.SIGKILL)
        child.join(timeout=30)
        assert child.exitcode == -signal.SIGKILL
        _check_consistent(db_url)
        survived += 1
    bookings = _check_consistent(db_url)
    assert survived == KILLS and bookings > 0
    store = SessionStore(make_engine(db_url))
    convo, opening = Conversation.open(content, store, "crash-test", "text", now=lambda: NOW)
    assert opening, "the interrupted session shows where it stopped"
    assert convo.handle("menu")
