"""Demo data for a first run: clearly fictitious staff, opening hours and meeting types.

These are not any jobcenter's real hours or people; a municipality replaces them.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session as DB
from sqlmodel import select

from assistant.store.models import Interpreter, MeetingType, OpeningHours, Staff

MEETING_TYPES: dict[str, tuple[int, str]] = {
    "first_meeting": (45, "in_person"),
    "job_meeting": (30, "in_person,phone,video"),
    "sickness_followup": (30, "in_person,phone,video"),
    "upskilling": (45, "in_person,phone,video"),
    "adult_apprenticeship": (45, "in_person,phone,video"),
    "repatriation": (60, "in_person,phone"),
    "special_law_intake": (60, "in_person"),
}

DEMO_STAFF = [
    ("DA1", "Demo medarbejder A", "da,en", "first_meeting,job_meeting,upskilling"),
    ("DA2", "Demo medarbejder B", "da", "sickness_followup,job_meeting"),
    ("UK1", "Demo medarbejder C", "da,uk,en", "special_law_intake,first_meeting,job_meeting"),
    ("DA3", "Demo medarbejder D", "da,en", "adult_apprenticeship,upskilling,repatriation"),
]

DEMO_INTERPRETERS = [("Demo tolk (ukrainsk)", "uk")]

DEMO_HOURS = {0: ("09:00", "15:00"), 1: ("09:00", "15:00"), 2: ("09:00", "15:00"),
              3: ("09:00", "17:00"), 4: ("09:00", "13:00")}


def seed_demo(engine: Engine) -> bool:
    """Fill an empty database with demo data. Returns False if it already had staff."""
    with DB(engine) as db:
        if engine.dialect.name == "postgresql":
            # several processes may start on an empty database at once: one seeds it
            db.exec(text("SELECT pg_advisory_xact_lock(727275)"))
        if db.exec(select(Staff)).first() is not None:
            return False
        for code, (minutes, channels) in MEETING_TYPES.items():
            db.merge(MeetingType(code=code, minutes=minutes, channels=channels))
        for initials, name, langs, comps in DEMO_STAFF:
            db.add(Staff(initials=initials, name=name, languages=langs, competences=comps))
        for weekday, (opens, closes) in DEMO_HOURS.items():
            db.add(OpeningHours(weekday=weekday, opens=opens, closes=closes))
        for name, language in DEMO_INTERPRETERS:
            db.add(Interpreter(name=name, language=language))
        db.commit()
    return True
