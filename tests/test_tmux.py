"""The real kiosk in a real terminal (tmux): a person's keystrokes complete a booking."""

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


def test_booking_through_the_kiosk_in_tmux(tmp_path: Path) -> None:
    if shutil.which("tmux") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true and tmux is missing")
        pytest.skip("tmux is not installed")
    url = f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    result = subprocess.run(["bash", str(SCRIPT), sys.executable, url], capture_output=True,
                            text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    code = result.stdout.strip()
    assert len(code) == 6
    with DB(make_engine(url)) as db:  # booked: check-in would depend on the day of the slot
        booking = db.exec(select(Booking).where(Booking.code == code)).one()
    assert booking.meeting_type == "special_law_intake" and booking.meeting_lang == "uk"
