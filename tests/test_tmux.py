"""The real kiosk in a real terminal (tmux): a Ukrainian citizen's keystrokes book a meeting
with an interpreter and a +380 number; Finish then leaves nothing of theirs in the terminal."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session as DB
from sqlmodel import select

from assistant.store.db import make_engine
from assistant.store.models import Booking

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "tmux_booking.sh"


def test_a_ukrainian_booking_in_tmux_then_finish_leaves_no_name_phone_or_code(
        tmp_path: Path) -> None:
    if shutil.which("tmux") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true and tmux is missing")
        pytest.skip("tmux is not installed")
    url = f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    after = tmp_path / "after-finish.txt"
    result = subprocess.run(["bash", str(SCRIPT), sys.executable, url, str(after)],
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    code = result.stdout.strip()
    assert len(code) == 6
    with DB(make_engine(url)) as db:  # booked: check-in would depend on the day of the slot
        booking = db.exec(select(Booking).where(Booking.code == code)).one()
    assert booking.meeting_type == "adult_apprenticeship" and booking.meeting_lang == "uk"
    assert booking.interpreter_id is not None and booking.phone == "+380501234567"
    assert booking.name == "Ольга Петренко"
    left = after.read_text(encoding="utf-8")  # the whole tmux scrollback after Finish
    assert "Choose language" in left, "Finish went back to the first screen"
    for private in ("Ольга", "Петренко", "123 4567", "1234567", code, " ".join(code)):
        assert private not in left
