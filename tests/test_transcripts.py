"""Transcripts: input lines and the reply fragments a user must see, run through the text
channel exactly as `jobcenter-assistant chat` runs them."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session as DB

from assistant.booking.service import BookingService
from assistant.channels.text import run_chat
from assistant.conversation import Content
from assistant.i18n import TZ
from assistant.store.models import Booking
from assistant.store.sessions import SessionStore

from .conftest import NOW

FOLDER = Path(__file__).parent / "transcripts"
FILES = sorted(FOLDER.glob("*.yaml"))


def now_of(script: dict) -> dt.datetime:
    """The transcript's clock: its ``now`` (an ISO time, "2026-11-23T08:00:00+00:00": a
    Monday), else NOW."""
    return dt.datetime.fromisoformat(script["now"]) if "now" in script else NOW


def proof_prompts(content: Content) -> list[str]:
    """What a verify step says when it asks for the SMS code, in every language."""
    return [text for flow in content.flows.values() for step in flow.steps.values()
            if step.kind == "verify" for text in step.text.values()]


def asks_for_code(content: Content, reply: str) -> bool:
    """Is this reply asking for the one-time code (its turn ended at a verify step)?"""
    return any(prompt in reply for prompt in proof_prompts(content))


def add_bookings(store: SessionStore, script: dict) -> None:
    """The script's ``bookings``: each a job meeting at the first free time on the Danish day
    ``days`` after NOW's (and ``hours`` after NOW, when given), held ``channel``, with the
    booking code ``code``."""
    for n, wanted in enumerate(script.get("bookings", [])):
        service = BookingService(store.engine, now=lambda: NOW - dt.timedelta(hours=3),
                                 site_id=store.sites().sites[0].id)
        day = NOW.astimezone(TZ).date() + dt.timedelta(days=wanted.get("days", 0))
        earliest = NOW + dt.timedelta(hours=wanted.get("hours", -24))
        free = next(f for f in service.free_times("job_meeting", "da", limit=80)
                    if f.start.astimezone(TZ).date() == day and f.start >= earliest)
        booking = service.book(meeting_type="job_meeting", channel=wanted["channel"],
                               meeting_lang="da", lang=script["lang"], free=free,
                               name="Test Person", phone=f"+45223344{10 + n}")
        with DB(store.engine) as db:
            row = db.get(Booking, booking.id)
            assert row is not None
            row.code = wanted["code"]
            db.add(row)
            db.commit()


def run_transcript(content: Content, store: SessionStore, script: dict) -> list[str | None]:
    """Each turn's reply block, typed one line at a time exactly as `chat` reads them. A
    turn marked ``proof`` (the SMS code) is typed only when the reply before it asked for
    the code (a new booking at the kiosk needs none); its block is None when it is not."""
    key, blocks, last, now = f"chat:{uuid.uuid4().hex}", [], "", now_of(script)
    for n, turn in enumerate(script["turns"]):
        if turn.get("proof") and not asks_for_code(content, last):
            blocks.append(None)
            continue
        out = io.StringIO()
        code = run_chat(content, store, lang=script.get("lang") if n == 0 else None,
                        channel=script.get("channel", "text"), session_key=key,
                        stdin=io.StringIO(turn["say"] + "\n"), stdout=out, now=lambda: now)
        assert code == 0
        block = out.getvalue()
        assert block.endswith("\n\n") and block.count("\n\n") == 1, "one reply block per line"
        blocks.append(last := block[:-2])
    return blocks


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_transcript(path: Path, content: Content, store: SessionStore) -> None:
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    add_bookings(store, script)
    blocks = run_transcript(content, store, script)
    for number, (turn, block) in enumerate(zip(script["turns"], blocks, strict=True), 1):
        if block is None:
            assert turn.get("proof") and not turn.get("expect"), \
                f"turn {number}: the code was not asked for, yet the turn expects a reply"
            continue
        for fragment in turn.get("expect", []):
            where = f"turn {number} ({turn['say']!r})"
            assert fragment in block, f"{where}: {fragment!r} missing:\n{block}"
        for fragment in turn.get("reject", []):
            assert fragment not in block, f"turn {number}: {fragment!r} unexpectedly in\n{block}"


def test_there_are_transcripts_in_every_language() -> None:
    langs = {yaml.safe_load(p.read_text(encoding="utf-8"))["lang"] for p in FILES}
    assert langs == {"da", "en", "uk"}
