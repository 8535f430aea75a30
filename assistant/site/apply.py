"""`site apply`: make the database say what the site file says, and report each change.

Idempotent (a second run changes nothing). It never deletes a booking: a meeting type, person
or interpreter that the file no longer has is refused while they have future bookings (the
refusal says which); otherwise a person or interpreter is made inactive (their past bookings
still name them) and a meeting type is removed.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session as DB
from sqlmodel import col, select

from assistant.site.spec import WEEKDAYS, SiteSpec
from assistant.store.models import (
    Booking,
    ClosedDay,
    Interpreter,
    MeetingType,
    OpeningHours,
    Site,
    Staff,
    utcnow,
)

LOCK = 727275
"""PostgreSQL's advisory lock for changing sites (and the demo seeding): one at a time."""


class Refused(ValueError):
    """The file would remove something that future bookings still need."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("; ".join(reasons))


@dataclass
class Applied:
    site_id: int
    changes: list[str] = field(default_factory=list)


def _future(db: DB, site_id: int, now: dt.datetime, *where: object) -> list[Booking]:
    return list(db.exec(select(Booking).where(
        Booking.site_id == site_id, Booking.status == "active", Booking.start >= now, *where)))


def apply_site(engine: Engine, spec: SiteSpec, *, dry_run: bool = False,
               now: dt.datetime | None = None, only_if_empty: bool = False) -> Applied | None:
    """Apply ``spec``; returns the changes (empty: the database already says it). Raises
    :class:`Refused` (and changes nothing) when a removal would strand future bookings.
    With ``only_if_empty`` nothing is done (None) on a database that has a site or staff
    already (processes starting at once on an empty database: one applies it)."""
    now = now or utcnow()
    with DB(engine) as db:
        if engine.dialect.name == "postgresql":
            db.connection().execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK})
        if only_if_empty and (db.exec(select(Site)).first() or db.exec(select(Staff)).first()):
            return None
        changes: list[str] = []
        refused: list[str] = []
        site = db.exec(select(Site).where(Site.code == spec.code)).first()
        previous = json.loads(site.data) if site else {}
        stored = {k: v for k, v in spec.data.items()}
        stored["source"] = spec.path.name
        if site is None:
            site = Site(code=spec.code, name=spec.name, municipality=spec.municipality,
                        data=json.dumps(stored, ensure_ascii=False, sort_keys=True))
            db.add(site)
            db.flush()
            changes.append(f"site {spec.code}: added ({spec.name})")
        else:
            old = (site.name, site.municipality, json.loads(site.data))
            if old != (spec.name, spec.municipality, stored):
                site.name, site.municipality = spec.name, spec.municipality
                site.data = json.dumps(stored, ensure_ascii=False, sort_keys=True)
                site.updated_at = now
                db.add(site)
                changed = sorted(k for k in set(old[2]) | set(stored)
                                 if old[2].get(k) != stored.get(k))
                if changed:
                    changes.append(f"site {spec.code}: changed {', '.join(changed)}")
        site_id = site.id
        assert site_id is not None
        _hours(db, site_id, spec, changes)
        _closing_days(db, site_id, spec, previous, changes)
        _meeting_types(db, site_id, spec, now, changes, refused)
        _interpreters(db, site_id, spec, now, changes, refused)
        if spec.staff is not None:
            _staff(db, site_id, spec, now, changes, refused)
        if refused:
            db.rollback()
            raise Refused(refused)
        if dry_run:
            db.rollback()
        else:
            db.commit()
    return Applied(site_id, changes)


def _hours(db: DB, site_id: int, spec: SiteSpec, changes: list[str]) -> None:
    rows = {h.weekday: h for h in db.exec(select(OpeningHours).where(
        OpeningHours.site_id == site_id))}
    for weekday in range(7):
        want, row = spec.hours.get(weekday), rows.get(weekday)
        name = WEEKDAYS[weekday]
        if want is None and row is not None:
            db.delete(row)
            changes.append(f"hours {name}: closed (was {row.opens}-{row.closes})")
        elif want is not None and row is None:
            db.add(OpeningHours(site_id=site_id, weekday=weekday, opens=want[0], closes=want[1]))
            changes.append(f"hours {name}: {want[0]}-{want[1]} (was closed)")
        elif want is not None and row is not None and (row.opens, row.closes) != want:
            changes.append(f"hours {name}: {want[0]}-{want[1]} (was {row.opens}-{row.closes})")
            row.opens, row.closes = want
            db.add(row)


def _closing_days(db: DB, site_id: int, spec: SiteSpec, previous: dict[str, object],
                  changes: list[str]) -> None:
    """The file's closing days; a day the file had before and no longer has is opened again.
    Days closed by staff (the staff TUI) are left alone."""
    rows = {c.day: c for c in db.exec(select(ClosedDay).where(ClosedDay.site_id == site_id))}
    before = previous.get("closing_days") or []
    dropped = {dt.date.fromisoformat(str(d["date"])) for d in before  # type: ignore[union-attr]
               } - set(spec.closing_days)
    for day in sorted(dropped):
        if day in rows:
            db.delete(rows[day])
            changes.append(f"closing day {day}: removed")
    for day, reason in sorted(spec.closing_days.items()):
        row = rows.get(day)
        if row is None:
            db.add(ClosedDay(site_id=site_id, day=day, reason=reason[:200]))
            changes.append(f"closing day {day}: added")
        elif row.reason != reason[:200]:
            row.reason = reason[:200]
            db.add(row)
            changes.append(f"closing day {day}: reason changed")


def _meeting_types(db: DB, site_id: int, spec: SiteSpec, now: dt.datetime,
                   changes: list[str], refused: list[str]) -> None:
    rows = {m.code: m for m in db.exec(select(MeetingType).where(MeetingType.site_id == site_id))}
    wanted = {m["code"]: m for m in spec.data["meeting_types"]}
    for code, row in sorted(rows.items()):
        if code in wanted:
            continue
        future = _future(db, site_id, now, Booking.meeting_type == code)
        if future:
            refused.append(f"meeting type {code} cannot be removed: {len(future)} future "
                           f"booking(s) ({', '.join(b.code for b in future[:10])})")
        else:
            db.delete(row)
            changes.append(f"meeting type {code}: removed")
    for code, item in wanted.items():
        channels = ",".join(item.get("channels") or ["in_person"])
        competence = item.get("competence", "") if item.get("competence") != code else ""
        row = rows.get(code)
        if row is None:
            db.add(MeetingType(site_id=site_id, code=code, minutes=item["minutes"],
                               channels=channels, competence=competence))
            changes.append(f"meeting type {code}: added")
        elif (row.minutes, row.channels, row.competence) != (item["minutes"], channels,
                                                             competence):
            row.minutes, row.channels, row.competence = item["minutes"], channels, competence
            db.add(row)
            changes.append(f"meeting type {code}: changed")


def _interpreters(db: DB, site_id: int, spec: SiteSpec, now: dt.datetime,
                  changes: list[str], refused: list[str]) -> None:
    rows = {(i.name, i.language): i for i in db.exec(select(Interpreter).where(
        Interpreter.site_id == site_id))}
    wanted = {(i["name"], lang) for i in spec.data.get("interpreters", [])
              for lang in i["languages"]}
    for key, row in sorted(rows.items()):
        if key in wanted or not row.active:
            continue
        future = _future(db, site_id, now, Booking.interpreter_id == row.id)
        if future:
            refused.append(f"interpreter {row.name} ({row.language}) cannot be removed: "
                           f"{len(future)} future booking(s) "
                           f"({', '.join(b.code for b in future[:10])})")
        else:
            row.active = False
            db.add(row)
            changes.append(f"interpreter {row.name} ({row.language}): inactive")
    for name, language in sorted(wanted):
        row = rows.get((name, language))
        if row is None:
            db.add(Interpreter(site_id=site_id, name=name, language=language))
            changes.append(f"interpreter {name} ({language}): added")
        elif not row.active:
            row.active = True
            db.add(row)
            changes.append(f"interpreter {name} ({language}): active again")


def _staff(db: DB, site_id: int, spec: SiteSpec, now: dt.datetime, changes: list[str],
           refused: list[str]) -> None:
    assert spec.staff is not None
    wanted = {r.initials: r for r in spec.staff}
    everyone = {s.initials: s for s in db.exec(select(Staff).where(
        col(Staff.initials).in_(list(wanted)) | (Staff.site_id == site_id)))}
    for initials, row in sorted(everyone.items()):
        if row.site_id == site_id and initials not in wanted and row.active:
            future = _future(db, site_id, now, Booking.staff_id == row.id)
            if future:
                refused.append(f"staff {initials} cannot be removed: {len(future)} future "
                               f"booking(s) ({', '.join(b.code for b in future[:10])})")
            else:
                row.active = False
                db.add(row)
                changes.append(f"staff {initials}: inactive")
    for initials, want in wanted.items():
        row = everyone.get(initials)
        if row is not None and row.site_id not in (site_id, None):
            other = db.get(Site, row.site_id)
            refused.append(f"staff {initials}: these initials belong to site "
                           f"{other.code if other else row.site_id}")
            continue
        if row is None:
            db.add(Staff(site_id=site_id, initials=initials, name=want.name,
                         languages=want.languages, competences=want.competences))
            changes.append(f"staff {initials}: added (set a PIN with `staff add`)")
            continue
        now_is = (row.site_id, row.name, row.languages, row.competences, row.active)
        if now_is != (site_id, want.name, want.languages, want.competences, True):
            row.site_id, row.name = site_id, want.name
            row.languages, row.competences, row.active = want.languages, want.competences, True
            db.add(row)
            changes.append(f"staff {initials}: changed")
