"""What staff see: today's bookings, callbacks, flow statistics, content needing review, and
closing a whole day. Core code: the staff TUI only renders these."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, true
from sqlalchemy.engine import Engine
from sqlmodel import Session as DB
from sqlmodel import select

from assistant.booking.conversation import meeting_name
from assistant.booking.service import release
from assistant.i18n import TZ, format_clock, format_day, tr
from assistant.knowledge.model import Entry
from assistant.staff import audit
from assistant.store.models import (
    Booking,
    CallbackRequest,
    ClosedDay,
    FlowStat,
    Outbox,
    Staff,
    utcnow,
)
from assistant.text import LANGS, pick


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), TZ).astimezone(dt.UTC)
    return start, start + dt.timedelta(days=1)


@dataclass(frozen=True)
class BookingRow:
    time: str
    code: str
    meeting: str
    channel: str
    language: str
    staff: str
    interpreter: bool
    checked_in: bool


def _at(column: Any, site_id: int | None) -> Any:
    """A WHERE clause: the row is the site's, or of no site (made where no site was set
    up); every row for staff of no one site."""
    return true() if site_id is None else or_(column == site_id, column.is_(None))


def bookings_on(engine: Engine, day: dt.date, site_id: int | None = None) -> list[BookingRow]:
    """The day's active bookings at ``site_id`` (staff see only their own site's)."""
    lo, hi = _day_bounds(day)
    with DB(engine) as db:
        staff = {s.id: s.initials for s in db.exec(select(Staff))}
        rows = db.exec(select(Booking).where(Booking.status == "active", Booking.start >= lo,
                                             Booking.start < hi, _at(Booking.site_id, site_id))
                       .order_by(Booking.start))
        return [BookingRow(time=format_clock(b.start, "da"),
                           code=b.code, meeting=pick(meeting_name(b.meeting_type), "da"),
                           channel=b.channel, language=b.meeting_lang,
                           staff=staff.get(b.staff_id, "?"), interpreter=bool(b.interpreter_id),
                           checked_in=b.checked_in_at is not None) for b in rows]


@dataclass(frozen=True)
class FoundBooking:
    """A booking as the staff's booking search shows it (codes, for the screen to word)."""

    start: dt.datetime
    code: str
    name: str
    phone: str
    meeting_type: str
    channel: str
    meeting_lang: str
    staff: str
    interpreter: bool
    checked_in: bool
    cancelled: bool = False


SEARCH_LIMIT = 200


def parse_day(text: str) -> dt.date | None:
    """A day as staff type it: 2026-11-24, 24.11.2026, 24-11-2026, 24/11/2026 (None: not one)."""
    raw = text.strip()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    for sep in (".", "-", "/"):
        parts = raw.split(sep)
        if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
            try:
                return dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
            except ValueError:
                return None
    return None


def find_bookings(engine: Engine, day: dt.date | None, query: str = "",
                  site_id: int | None = None) -> list[FoundBooking]:
    """Bookings (of the site ``site_id``, if given) on ``day`` (any day: None) whose
    name, phone or code holds ``query``
    (any case; a phone number matched by its digits, spaces and +45 or not; a code typed with
    Cyrillic look-alike letters too); at most SEARCH_LIMIT, earliest first. The day alone
    lists active bookings; a search finds cancelled ones too (``cancelled``)."""
    from assistant.booking.codes import normalise_code

    folded = " ".join(query.casefold().split())
    digits = "".join(ch for ch in query if ch.isdigit())
    code = normalise_code(query)
    statuses = ("active", "cancelled") if folded else ("active",)
    with DB(engine) as db:
        staff = {s.id: s.initials for s in db.exec(select(Staff))}
        statement = select(Booking).where(Booking.status.in_(statuses))  # type: ignore[attr-defined]
        statement = statement.where(_at(Booking.site_id, site_id))
        if day is not None:
            lo, hi = _day_bounds(day)
            statement = statement.where(Booking.start >= lo, Booking.start < hi)
        found = []
        for b in db.exec(statement.order_by(Booking.start)):
            if folded and not (folded in " ".join(b.name.casefold().split())
                               or (len(digits) >= 4 and digits in b.phone)
                               or (len(code) >= 3 and code in b.code.upper())):
                continue
            found.append(FoundBooking(
                start=b.start, code=b.code, name=b.name, phone=b.phone,
                meeting_type=b.meeting_type, channel=b.channel, meeting_lang=b.meeting_lang,
                staff=staff.get(b.staff_id, "?"), interpreter=bool(b.interpreter_id),
                checked_in=b.checked_in_at is not None, cancelled=b.status == "cancelled"))
            if len(found) >= SEARCH_LIMIT:
                break
        return found


def open_callbacks(engine: Engine, site_id: int | None = None) -> list[CallbackRequest]:
    with DB(engine) as db:
        return list(db.exec(select(CallbackRequest).where(
            CallbackRequest.status == "open", _at(CallbackRequest.site_id, site_id))
            .order_by(CallbackRequest.created_at)))


def close_callback(engine: Engine, request_id: int, staff: str) -> None:
    with DB(engine) as db:
        row = db.get(CallbackRequest, request_id)
        if row is not None:
            row.status = "done"
            db.add(row)
            db.commit()
    audit(engine, staff, "callback_done", request=request_id)


@dataclass(frozen=True)
class FlowFigures:
    flow_id: str
    started: int
    completed: int
    """How many got what the guide is for: its end reached, and its action (a booking, a
    request for staff...) done; a refused or failed action is not counted, and one tried
    again (a time just taken) counts once when done. Never more than ``started``."""
    left_at: dict[str, int]
    """Step -> how many left the flow there (menu, staff, start over)."""


def flow_statistics(engine: Engine, since: dt.date,
                    site_id: int | None = None) -> list[FlowFigures]:
    """How flows went since ``since``, at ``site_id`` (None: at every site)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    left: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    with DB(engine) as db:
        for row in db.exec(select(FlowStat).where(FlowStat.day >= since,
                                                  _at(FlowStat.site_id, site_id))):
            counts[row.flow_id][row.event] += row.count
            if row.event in ("left", "restarted"):
                left[row.flow_id][row.step_id] += row.count
    return [FlowFigures(fid, c.get("started", 0), c.get("completed", 0), dict(left[fid]))
            for fid, c in sorted(counts.items())]


def needs_review(entries: Iterable[Entry], today: dt.date) -> list[tuple[Entry, list[str]]]:
    """Entries past review_by or with translations no native speaker has reviewed."""
    out = []
    for entry in entries:
        reasons = []
        if entry.stale(today):
            reasons.append("needs review")
        if entry.unreviewed_languages():
            reasons.append("translation not reviewed: " + ", ".join(entry.unreviewed_languages()))
        if reasons:
            out.append((entry, reasons))
    return out


def close_day(engine: Engine, day: dt.date, staff: str, reason: str,
              now: Callable[[], dt.datetime] = utcnow, site_id: int | None = None) -> int:
    """Close the office (``site_id``'s; None: every site) on ``day``: no new bookings, every
    booking there cancelled, SMS queued."""
    lo, hi = _day_bounds(day)
    cancelled = 0
    with DB(engine) as db:
        if db.exec(select(ClosedDay).where(ClosedDay.day == day,
                                           ClosedDay.site_id == site_id)).first() is None:
            db.add(ClosedDay(site_id=site_id, day=day, reason=reason[:200]))
        for booking in db.exec(select(Booking).where(Booking.status == "active",
                                                     Booking.start >= lo, Booking.start < hi,
                                                     _at(Booking.site_id, site_id))):
            release(db, booking)
            text = tr("The jobcenter is closed {when}. Your meeting (code {code}) is cancelled. "
                      "Please book a new time.",
                      when={lang: format_day(day, lang, in_sentence=True) for lang in LANGS},
                      code=booking.code)
            db.add(Outbox(phone=booking.phone, lang=booking.lang, kind="notice",
                          body=pick(text, booking.lang), due_at=now(), booking_id=booking.id))
            cancelled += 1
        db.commit()
    audit(engine, staff, "close_day", day=day.isoformat(), cancelled=cancelled)
    return cancelled
