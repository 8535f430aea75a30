"""Free times and bookings. The database, not Python, guarantees that no person's time is
booked twice: every booking holds 15-minute cells under a unique constraint, inserted in the
same transaction as the booking itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import holidays
from sqlalchemy import func, text, true
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session as DB
from sqlmodel import col, delete, or_, select

from assistant.booking.caps import Caps, Origin, origin_of
from assistant.booking.codes import new_code, normalise_code
from assistant.i18n import TZ, local
from assistant.store.models import (
    Booking,
    BookingCell,
    ClosedDay,
    Interpreter,
    MeetingType,
    OpeningHours,
    Outbox,
    Staff,
    utcnow,
)

CELL = dt.timedelta(minutes=15)
Messages = Callable[[Booking], Sequence[Outbox]]
"""The SMS a change to a booking sends (a receipt, a reminder, a notice), made from the booking
as it is in the change's transaction, and queued in that same transaction: a crash leaves the
booking and its messages, or neither."""


class BookingError(Exception):
    """Base of the booking errors a user is told about."""


class SlotTaken(BookingError):
    """Someone else booked that time first."""


class AlreadyBooked(BookingError):
    """The citizen already has an active booking of this meeting type, or (``same_time``) an
    active meeting of any type at that time: one number, one person, one place at a time."""

    def __init__(self, booking: Booking, same_time: bool = False) -> None:
        super().__init__(booking.code)
        self.booking = booking
        self.same_time = same_time


class TooMany(BookingError):
    """A cap is reached: ``which`` is "phone", "session" or "origin" (caps.py)."""

    def __init__(self, which: str, cap: int) -> None:
        super().__init__(which)
        self.which, self.cap = which, cap


class NotFound(BookingError):
    """No active booking with that code and phone number."""


class NotToday(BookingError):
    """Check-in is for meetings today (Danish time); this booking is on another day."""

    def __init__(self, booking: Booking) -> None:
        super().__init__(booking.code)
        self.booking = booking


class NotInPerson(BookingError):
    """Check-in is for meetings at the jobcenter; this booking is by phone or video."""

    def __init__(self, booking: Booking) -> None:
        super().__init__(booking.code)
        self.booking = booking


@dataclass(frozen=True)
class FreeTime:
    start: dt.datetime
    staff_id: int
    interpreter_id: int | None = None
    interpreter_lang: str | None = None
    """The language the interpreter speaks with the citizen (shown in the summary)."""

    def key(self) -> str:
        """``start|staff|interpreter``, and ``|language`` when there is an interpreter."""
        key = f"{self.start.isoformat()}|{self.staff_id}|{self.interpreter_id or ''}"
        return f"{key}|{self.interpreter_lang}" if self.interpreter_id and \
            self.interpreter_lang else key

    @classmethod
    def from_key(cls, key: str) -> FreeTime:
        start, staff, interpreter, *lang = key.split("|")
        return cls(dt.datetime.fromisoformat(start), int(staff),
                   int(interpreter) if interpreter else None, lang[0] if lang else None)


def public_holidays(first_year: int, last_year: int) -> holidays.HolidayBase:
    """Denmark's public holidays in these years: no meetings are offered on them."""
    return holidays.Denmark(years=range(first_year, last_year + 1))


def _cells(start: dt.datetime, minutes: int) -> list[dt.datetime]:
    count = -(-minutes // 15)
    return [start + CELL * i for i in range(count)]


def drop_holds(db: DB, booking_id: int | None) -> None:
    """Let go of every cell a booking holds (inside the caller's transaction)."""
    db.exec(delete(BookingCell).where(BookingCell.booking_id == booking_id))


def drop_unsent(db: DB, booking_id: int | None) -> None:
    """Let go of the booking's reminders and receipts not sent yet (inside the caller's
    transaction): a meeting cancelled or moved before the outbox sent its receipt is not
    texted as booked at a time it no longer has (a tester got "Dit møde er booket" and "…er
    aflyst" in one send)."""
    db.exec(delete(Outbox).where(Outbox.booking_id == booking_id,  # type: ignore[arg-type]
                                 col(Outbox.kind).in_(("reminder", "receipt")),
                                 Outbox.sent_at.is_(None)))  # type: ignore[union-attr]


def _queue(db: DB, booking: Booking, messages: Messages | None) -> None:
    for message in messages(booking) if messages else ():
        db.add(message)


def release(db: DB, booking: Booking) -> None:
    """Cancel ``booking`` inside the caller's transaction: its time is free again, the citizen
    may book this meeting type again, calendar files see a new sequence number, and no
    reminder of it is sent."""
    drop_holds(db, booking.id)
    drop_unsent(db, booking.id)
    booking.status, booking.active_key = "cancelled", None
    booking.sequence += 1
    db.add(booking)


class BookingService:
    """Bookings of one site (``site_id``): its staff, hours, meeting types and interpreters.
    Without a site (a database from before sites, tests) every row counts."""

    def __init__(self, engine: Engine, now: Callable[[], dt.datetime] = utcnow,
                 min_notice: dt.timedelta = dt.timedelta(hours=2), horizon_days: int = 30,
                 caps: Caps | None = None, site_id: int | None = None) -> None:
        self.engine = engine
        self.caps = caps if caps is not None else Caps.from_environment()
        self.now = now
        self.min_notice = min_notice
        self.horizon_days = horizon_days
        self.site_id = site_id

    def _here(self, column: object) -> object:
        """A WHERE clause: the row belongs to this site (anything, without a site)."""
        return true() if self.site_id is None else column == self.site_id  # type: ignore[comparison-overlap]

    def _ours(self) -> object:
        """A WHERE clause: a booking of this site, or one made with no site (every site's)."""
        return or_(self._here(Booking.site_id), col(Booking.site_id).is_(None))

    def _mtype(self, db: DB, meeting_type: str) -> MeetingType:
        row = db.exec(select(MeetingType).where(
            MeetingType.code == meeting_type, self._here(MeetingType.site_id)).order_by(
            MeetingType.id)).first()
        if row is None:
            raise BookingError(f"unknown meeting type {meeting_type}")
        return row

    # -- free times -------------------------------------------------------------------------

    def meeting_minutes(self, meeting_type: str) -> int:
        with DB(self.engine) as db:
            return self._mtype(db, meeting_type).minutes

    def bookable_until(self) -> dt.date:
        """The last day (Danish) a time can be booked on: the booking horizon, ``horizon_days``
        from the first time that may be booked."""
        first = (self.now() + self.min_notice).astimezone(TZ).date()
        return first + dt.timedelta(days=self.horizon_days - 1)

    def free_times(self, meeting_type: str, language: str | None = None, limit: int = 5,
                   after: dt.datetime | None = None, since: dt.datetime | None = None,
                   until: dt.date | None = None) -> list[FreeTime]:
        """The next free times, earliest first; staff who speak ``language`` come first,
        otherwise an interpreter for it must be free too. Only times after ``after`` (a time
        shown), from ``since`` on, on days up to ``until`` and up to :meth:`bookable_until`."""
        out: list[FreeTime] = []
        for free in self._iter_free(meeting_type, language, after, since, until):
            out.append(free)
            if len(out) >= limit:
                break
        return out

    def _iter_free(self, meeting_type: str, language: str | None, after: dt.datetime | None,
                   since: dt.datetime | None = None,
                   until: dt.date | None = None) -> Iterator[FreeTime]:
        now = self.now()
        earliest = max(now + self.min_notice, after + CELL if after else now, since or now)
        first_day = earliest.astimezone(TZ).date()
        last_day = self.bookable_until() + dt.timedelta(days=1)  # the day after the last
        if until is not None:
            last_day = min(last_day, until + dt.timedelta(days=1))
        with DB(self.engine) as db:
            mtype = self._mtype(db, meeting_type)
            staff = [s for s in db.exec(select(Staff).where(
                Staff.active, self._here(Staff.site_id)).order_by(Staff.id))
                     if mtype.books() in s.competences.split(",")]
            hours = {h.weekday: h for h in db.exec(select(OpeningHours).where(
                self._here(OpeningHours.site_id)).order_by(col(OpeningHours.site_id).desc()))}
            closed = {c.day for c in db.exec(select(ClosedDay).where(or_(
                self._here(ClosedDay.site_id), col(ClosedDay.site_id).is_(None))))}
            interpreters = list(db.exec(select(Interpreter).where(
                Interpreter.active, Interpreter.language == (language or ""),
                self._here(Interpreter.site_id)).order_by(Interpreter.id)))
            lo = dt.datetime.combine(first_day, dt.time(), TZ).astimezone(dt.UTC)
            hi = dt.datetime.combine(last_day, dt.time(), TZ).astimezone(dt.UTC)
            taken = {(c.resource, c.cell) for c in db.exec(
                select(BookingCell).where(BookingCell.cell >= lo, BookingCell.cell < hi))}
        speakers = [s for s in staff if language and language in s.languages.split(",")]
        others = [s for s in staff if s not in speakers]
        needs_interpreter = bool(language) and language != "da"
        public = public_holidays(first_day.year, last_day.year)
        step = dt.timedelta(minutes=mtype.minutes)
        day = first_day
        while day < last_day:
            opening = hours.get(day.weekday())
            if opening and day not in closed and day not in public:
                start = dt.datetime.combine(day, dt.time.fromisoformat(opening.opens), TZ)
                close = dt.datetime.combine(day, dt.time.fromisoformat(opening.closes), TZ)
                while start + step <= close:
                    utc = start.astimezone(dt.UTC)
                    if utc >= earliest:
                        free = self._free_at(utc, mtype.minutes, speakers, others,
                                             interpreters if needs_interpreter else None, taken)
                        if free:
                            yield free
                    start += step
            day += dt.timedelta(days=1)

    @staticmethod
    def _free_at(start: dt.datetime, minutes: int, speakers: list[Staff], others: list[Staff],
                 interpreters: list[Interpreter] | None,
                 taken: set[tuple[str, dt.datetime]]) -> FreeTime | None:
        cells = _cells(start, minutes)

        def free(resource: str) -> bool:
            return all((resource, c) not in taken for c in cells)

        for person in speakers:
            if free(f"staff:{person.id}"):
                return FreeTime(start, person.id or 0)
        if interpreters is None:
            for person in others:
                if free(f"staff:{person.id}"):
                    return FreeTime(start, person.id or 0)
            return None
        interpreter = next((i for i in interpreters if free(f"interpreter:{i.id}")), None)
        if interpreter is None:
            return None
        for person in others:
            if free(f"staff:{person.id}"):
                return FreeTime(start, person.id or 0, interpreter.id, interpreter.language)
        return None

    # -- booking ----------------------------------------------------------------------------

    def book(self, *, meeting_type: str, channel: str, meeting_lang: str, lang: str,
             free: FreeTime, name: str, phone: str, origin: Origin | None = None,
             messages: Messages | None = None) -> Booking:
        """Hold the time, and queue ``messages`` (the receipt and reminder) in the same
        transaction; raises :class:`SlotTaken`, :class:`AlreadyBooked` or, when a cap is
        reached (for the number, or ``origin``'s conversation or address), :class:`TooMany`."""
        origin = origin or Origin()
        address = origin_of(origin.address)
        with DB(self.engine) as db:
            mtype = self._mtype(db, meeting_type)
        if channel not in mtype.channels.split(","):
            raise BookingError(f"{meeting_type} meetings cannot be held by {channel}")
        minutes = mtype.minutes
        start = free.start
        for _attempt in range(5):
            booking = Booking(
                site_id=self.site_id, code=new_code(), meeting_type=meeting_type,
                channel=channel,
                meeting_lang=meeting_lang, lang=lang, staff_id=free.staff_id,
                interpreter_id=free.interpreter_id, start=start,
                end=start + dt.timedelta(minutes=minutes), name=name, phone=phone,
                active_key=self._active_key(phone, meeting_type),
                session_id=origin.session_id, origin=address,
            )
            with DB(self.engine) as db:
                try:
                    self._within_caps(db, phone, origin.session_id, address)
                    self._free_for(db, phone, booking.start, booking.end)
                    db.add(booking)
                    db.flush()
                    self._hold(db, booking, minutes)
                    _queue(db, booking, messages)
                    db.commit()
                    db.refresh(booking)
                    return booking
                except IntegrityError as exc:
                    db.rollback()
                    message = str(exc.orig).lower()
                    if "code" in message:
                        continue
                    if "active" in message:
                        existing = self._active(phone, meeting_type)
                        if existing is not None:
                            raise AlreadyBooked(existing) from None
                    raise SlotTaken() from None
        raise BookingError("could not make a unique booking code")

    def refusal(self, phone: str, meeting_type: str,
                free: FreeTime | None = None) -> AlreadyBooked | TooMany | None:
        """Why :meth:`book` would refuse ``phone`` now: it already has an active booking of
        ``meeting_type`` here, or as many active bookings as one number may have, or (at
        ``free``, the time chosen) a meeting then, in the order :meth:`book` checks them.
        Asked when the number is given, before a code is texted to it; ``book`` checks again
        in its transaction (another booking may come in between)."""
        existing = self._active(phone, meeting_type)
        if existing is not None:
            return AlreadyBooked(existing)
        cap = self.caps.per_phone
        if cap > 0:
            with DB(self.engine) as db:
                count = db.exec(select(func.count()).select_from(Booking).where(  # type: ignore[call-overload]
                    Booking.phone == phone, Booking.status == "active",
                    Booking.end > self.now())).one()
            if count >= cap:
                return TooMany("phone", cap)
        if free is not None:
            end = free.start + dt.timedelta(minutes=self.meeting_minutes(meeting_type))
            with DB(self.engine) as db:
                try:
                    self._free_for(db, phone, free.start, end)
                except AlreadyBooked as then:
                    return then
        return None

    def _within_caps(self, db: DB, phone: str, session_id: str | None,
                     address: str | None) -> None:
        """Raise :class:`TooMany` if one more active booking would pass a cap. Checked in the
        booking's transaction; on PostgreSQL bookings for the same number, conversation or
        address wait for each other here (advisory locks), so two at once cannot both pass."""
        now = self.now()
        active = [Booking.status == "active", Booking.end > now]
        day = dt.datetime.combine(local(now).date(), dt.time(), TZ).astimezone(dt.UTC)
        checks = [("phone", self.caps.per_phone, Booking.phone == phone),
                  ("session", self.caps.per_session,
                   Booking.session_id == session_id if session_id else None),
                  ("origin", self.caps.per_origin_per_day,
                   (Booking.origin == address) & (Booking.created_at >= day)  # type: ignore[operator]
                   if address else None)]
        checks = [(which, cap, where) for which, cap, where in checks
                  if cap > 0 and where is not None]
        if self.engine.dialect.name == "postgresql":
            keys = sorted(f"{which}:{value}" for which, value in
                          (("phone", phone), ("session", session_id), ("origin", address))
                          if value)
            for key in keys:
                db.exec(text("SELECT pg_advisory_xact_lock(hashtext(:key))")  # type: ignore[call-overload]
                        .bindparams(key=key))
        for which, cap, where in checks:
            count = db.exec(select(func.count()).select_from(Booking).where(  # type: ignore[call-overload]
                where, *active)).one()
            if count >= cap:
                raise TooMany(which, cap)

    def _free_for(self, db: DB, phone: str, start: dt.datetime, end: dt.datetime,
                  moving: int | None = None) -> None:
        """Raise :class:`AlreadyBooked` (``same_time``) if ``phone`` has an active meeting, of
        any type and at any site, that overlaps ``start``-``end`` (other than the booking
        ``moving``). The one-per-type rule (``active_key``) lets one number hold a job meeting
        and a sickness follow-up at the same hour with two members of staff; a person is at
        one meeting at a time. Checked in the booking's transaction: SQLite's BEGIN IMMEDIATE
        lets one writer in at a time; on PostgreSQL bookings for one number wait for each
        other on its advisory lock (as in :meth:`_within_caps`)."""
        if self.engine.dialect.name == "postgresql":
            db.exec(text("SELECT pg_advisory_xact_lock(hashtext(:key))")  # type: ignore[call-overload]
                    .bindparams(key=f"phone:{phone}"))
        where = [Booking.phone == phone, Booking.status == "active", Booking.start < end,
                 Booking.end > start]
        if moving is not None:
            where.append(Booking.id != moving)
        other = db.exec(select(Booking).where(*where).order_by(Booking.start)).first()
        if other is not None:
            raise AlreadyBooked(other, same_time=True)

    @staticmethod
    def _hold(db: DB, booking: Booking, minutes: int) -> None:
        resources = [f"staff:{booking.staff_id}"]
        if booking.interpreter_id:
            resources.append(f"interpreter:{booking.interpreter_id}")
        for resource in resources:
            for cell in _cells(booking.start, minutes):
                db.add(BookingCell(resource=resource, cell=cell, booking_id=booking.id or 0))
        db.flush()

    def _active_key(self, phone: str, meeting_type: str) -> str:
        """One active booking per citizen and meeting type, at each site."""
        key = f"{phone}|{meeting_type}"
        return key if self.site_id is None else f"{key}|{self.site_id}"

    def _active(self, phone: str, meeting_type: str) -> Booking | None:
        with DB(self.engine) as db:
            return db.exec(select(Booking).where(
                Booking.active_key == self._active_key(phone, meeting_type))).first()

    def find(self, code: str, phone: str) -> Booking:
        with DB(self.engine) as db:
            row = db.exec(select(Booking).where(
                Booking.code == normalise_code(code), Booking.phone == phone,
                Booking.status == "active", self._ours())).first()
        if row is None:
            raise NotFound()
        return row

    def cancel(self, code: str, phone: str, messages: Messages | None = None) -> Booking:
        """Cancel the booking, and queue ``messages`` (the notice) in the same transaction."""
        booking = self.find(code, phone)
        with DB(self.engine) as db:
            row = db.get(Booking, booking.id)
            assert row is not None
            release(db, row)
            db.flush()
            _queue(db, row, messages)
            db.commit()
            db.refresh(row)
            return row

    def reschedule(self, code: str, phone: str, free: FreeTime,
                   messages: Messages | None = None) -> Booking:
        """Move a booking: the new time is held before the old one is let go; the old time's
        reminder goes, and ``messages`` (the new receipt and reminder) are queued in the same
        transaction."""
        old = self.find(code, phone)
        minutes = self.meeting_minutes(old.meeting_type)
        start = free.start
        with DB(self.engine) as db:
            row = db.get(Booking, old.id)
            assert row is not None
            self._free_for(db, row.phone, start, start + dt.timedelta(minutes=minutes),
                           moving=row.id)
            try:
                drop_holds(db, row.id)
                db.flush()
                row.start, row.end = start, start + dt.timedelta(minutes=minutes)
                row.staff_id, row.interpreter_id = free.staff_id, free.interpreter_id
                row.sequence += 1
                db.add(row)
                self._hold(db, row, minutes)
                drop_unsent(db, row.id)
                _queue(db, row, messages)
                db.commit()
            except IntegrityError:
                db.rollback()
                raise SlotTaken() from None
            db.refresh(row)
            return row

    def check_in(self, code: str) -> Booking:
        """Mark the citizen as arrived for the active booking with ``code``: only a meeting at
        the jobcenter (else :class:`NotInPerson`), and only on its day in Danish time by this
        service's clock (else :class:`NotToday`)."""
        with DB(self.engine) as db:
            row = db.exec(select(Booking).where(Booking.code == normalise_code(code),
                                                Booking.status == "active",
                                                self._ours())).first()
            if row is None:
                raise NotFound()
            if row.channel in ("phone", "video"):
                raise NotInPerson(row)
            if local(row.start).date() != local(self.now()).date():
                raise NotToday(row)
            if row.checked_in_at is None:
                row.checked_in_at = self.now()
                db.add(row)
                db.commit()
                db.refresh(row)
            return row
