"""Calendar files for bookings (RFC 5545 via the icalendar package)."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event

from assistant.booking.conversation import channel_name, meeting_name
from assistant.store.models import Booking
from assistant.text import pick


def booking_uid(booking: Booking) -> str:
    """Stable for the life of a booking, so a change or cancel replaces the same event."""
    return f"booking-{booking.id}-{booking.code}@jobcenter-assistant"


def to_ics(booking: Booking, *, cancelled: bool = False, location: str | None = None) -> bytes:
    """The booking as a calendar file the citizen adds to their own calendar: METHOD:PUBLISH
    (RFC 5546: REQUEST and CANCEL need an ORGANIZER, and nobody is to reply to it); a
    cancelled booking is the same event with STATUS:CANCELLED. ``location``: the site's
    address, for a meeting at the jobcenter."""
    cal = Calendar()
    cal.add("prodid", "-//Jobcenter Assistant//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    event.add("dtstart", booking.start.astimezone(dt.UTC))
    event.add("dtend", booking.end.astimezone(dt.UTC))
    event.add("sequence", booking.sequence)
    event.add("summary", f"{pick(meeting_name(booking.meeting_type), booking.lang)} "
                         f"({booking.code})")
    event.add("description", pick(channel_name(booking.channel), booking.lang))
    if location and booking.channel == "in_person":
        event.add("location", location)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    cal.add_component(event)
    return cal.to_ical()
