"""Booking inside a conversation: offering free times and the book/cancel/reschedule/check-in
actions of flows. Core code: it knows nothing of the channel that shows the result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from assistant.booking.caps import Origin, origin_of
from assistant.booking.proof import is_proven
from assistant.booking.service import (
    AlreadyBooked,
    BookingError,
    BookingService,
    FreeTime,
    Messages,
    NotFound,
    NotInPerson,
    NotToday,
    SlotTaken,
    TooMany,
)
from assistant.flow import engine
from assistant.flow.engine import DAY_KEY, MORE_KEY, FlowState
from assistant.flow.model import Flow, Option
from assistant.i18n import (
    TZ,
    at_clock,
    date_name,
    day_and_month,
    format_when,
    language_name,
    local,
    tr,
    trn,
)
from assistant.outputs import (
    Act,
    Choice,
    Choices,
    Confirmation,
    Done,
    DoneKind,
    MeetingRequest,
    Output,
    Say,
    SlotRequest,
)
from assistant.store.models import Booking, Outbox
from assistant.text import LANGS, Text, join, pick
from assistant.validators import is_mobile

if TYPE_CHECKING:
    from assistant.conversation import Conversation
    from assistant.site.registry import Sites

OFFERED = 5
NEAR = dt.timedelta(hours=1)
"""A day typed with a time ("15. december kl 14"): its free times from this long before it."""
MAX_TIMES = 10_000
"""More free times than a booking horizon holds: all of them, to find the last day before
another that has one."""
CALLBACK = "callback"
"""The slot answer when no time was free: staff call the citizen instead."""
REMINDER_BEFORE = dt.timedelta(hours=24)
STAFF_BESIDE = ("kiosk", "text")
"""Where staff may stand beside the citizen (the kiosk, the interpreter view at the kiosk or
the desk, and `chat --channel text`, which behaves as the kiosk): there a booking made in
another language is confirmed with a Danish copy for staff too; not on the web or by SMS."""


def meeting_name(code: str) -> Text:
    """A meeting type's name: the one name the booking flow's choice, its summary, the
    confirmation, the receipt and staff views give it (flows/book.yaml's labels are the
    same; a test checks)."""
    names = {
        "first_meeting": tr("First meeting"),
        "job_meeting": tr("Job meeting"),
        "sickness_followup": tr("Sickness follow-up"),
        "upskilling": tr("Guidance on upskilling"),
        "adult_apprenticeship": tr("Guidance on adult apprenticeship"),
        "repatriation": tr("Guidance on repatriation"),
        "special_law_intake": tr("Meeting under the special law for Ukrainians"),
    }
    return names.get(code, {"da": code, "en": code, "uk": code})


MEETING_TYPE_STEP = "meeting_type"
"""The id of a flow's step that asks which kind of meeting: it offers the site's types."""


def site_options(flow: Flow, codes: tuple[str, ...]) -> Flow:
    """``flow`` with its meeting-type step offering the meeting types ``codes`` (a site's),
    each under its name (:func:`meeting_name`, as the confirmation names it) with the flow's
    condition for it; a type the site lacks is not offered, and the step's help, which names
    the flow's types, is left out."""
    step = flow.steps.get(MEETING_TYPE_STEP)
    if step is None or step.kind != "choice":
        return flow
    known = {o.value: o for o in step.options}
    options = tuple(replace(known[code], label=meeting_name(code)) if code in known
                    else Option(code, meeting_name(code)) for code in codes)
    if options == step.options:
        return flow
    # the step's help names the flow's own types: it would name others than those offered
    steps = {**flow.steps, step.id: replace(step, options=options, help=None)}
    return replace(flow, steps=steps)


def channel_name(code: str) -> Text:
    names = {"in_person": tr("At the jobcenter"), "phone": tr("By phone"),
             "video": tr("By video")}
    return names.get(code, names["in_person"])


PLACE_CHARS = 120
"""At most this much of a site's address goes into a confirmation, receipt or reminder."""


def place_of(convo: Conversation, booking: Booking, sites: Sites | None = None) -> str | None:
    """Where an in-person meeting is: its site's (first) address from the site file, on one
    line and bounded; None for a phone or video meeting, or when the site file gives no
    address (then nothing more is said: an address is never made up). ``sites``: the sites
    as read before a booking's transaction (inside it no other read may wait on its lock)."""
    from assistant.site.answers import address_of

    if booking.channel != "in_person":
        return None
    site = None
    if sites is None and convo.store is not None:
        sites = convo.store.sites()
    if sites is not None and booking.site_id is not None:
        site = sites.by_id(booking.site_id)
    address = address_of(site or convo.site)
    if not address:
        return None
    address = " ".join(address.split())
    return address if len(address) <= PLACE_CHARS else address[:PLACE_CHARS - 1] + "…"


def _address_row(place: str | None) -> tuple[tuple[Text, Text], ...]:
    return () if not place else ((tr("Address"), dict.fromkeys(LANGS, place)),)


def _with_address(said: Text, place: str | None) -> Text:
    """``said``, and on a line of its own the address of an in-person meeting, if any."""
    return join(said, *(join(label, value, sep=": ") for label, value in _address_row(place)),
                sep="\n")


def _unproven(convo: Conversation, phone: object, purpose: str) -> list[Output] | None:
    """What to say when the conversation has not proven that it holds ``phone`` (a flow
    without its verify step): nothing is looked up, booked, moved or cancelled."""
    if is_proven(convo, str(phone or ""), purpose):
        return None
    return [Say(tr("We could not check that this phone number is yours, so nothing was done. "
                   "Please start again from the menu."), "error")]


def _service(convo: Conversation) -> BookingService | None:
    """Booking at the conversation's site; None where there is none (no database, or a
    database with no site set up)."""
    if convo.store is None:
        return None
    site = convo.site
    if site is None:
        return None
    return BookingService(convo.store.engine, now=convo.now, site_id=site.id)


def _what(convo: Conversation, req_answers: dict[str, Any], flow_id: str) -> tuple[str, str | None]:
    """The meeting type and meeting language a slot step offers times for."""
    flow = convo.content.flows[flow_id]
    meeting_type = req_answers.get("meeting_type") or flow.meeting_type or "first_meeting"
    return str(meeting_type), req_answers.get("language") or convo.lang


def _unavailable() -> list[Output]:
    """No booking here: no database, or one with no jobcenter (site) set up."""
    return [Say(tr("Booking is not available here. Please ask at the desk."), "notice")]


def _not_this_kind(convo: Conversation) -> list[Output]:
    """The flow books a meeting type the site does not have: say so, and offer the desk or a
    call from staff instead of times."""
    if convo.state.flow is not None:
        convo.state.flow["offers"] = {"1": CALLBACK}
    return [Say(tr("Booking this kind of meeting is not available at this jobcenter. Please ask "
                   "at the desk, or staff can call you."), "notice"),
            Choices((Choice("1", tr("Ask staff to call me"), CALLBACK),))]


def _books(convo: Conversation, flow_id: str) -> bool:
    """Whether the flow's times are for a new booking (its action books, and books a call
    from staff when no time is free), not for moving one."""
    return any(step.kind == "action" and step.action == "book"
               for step in convo.content.flows[flow_id].steps.values())


def _no_free_time(convo: Conversation, flow_id: str) -> list[Output]:
    """No free time at all: what can be done instead, never "choose a time". A new booking
    offers a call from staff (and another language, a step back); a meeting being moved
    stays as it is, and the menu is shown (staff, or cancelling)."""
    if not _books(convo, flow_id):
        convo.state.flow = None
        staff = convo.content.flows.get("staff")
        return [Say(tr("There is no free time in the next 30 days to move your meeting to, so "
                       "it has not been moved. A member of staff can help you find a time: "
                       "choose \"{staff}\" below.",
                       staff=staff.title if staff else tr("Talk to staff")), "notice"),
                *convo.menu()]
    if convo.state.flow is not None:
        convo.state.flow["offers"] = {"1": CALLBACK}
    return [Say(tr("There is no free time in the next 30 days with staff who speak your "
                   "language or an interpreter. Staff can call you to find a time."), "notice"),
            Choices((Choice("1", tr("Ask staff to call me to find a time"), CALLBACK),)),
            Say(tr("To choose another language for the meeting, write \"back\"."), "info")]


def _listed(convo: Conversation, times: list[FreeTime], more: bool) -> Choices:
    """The free times to choose from, numbered, and "Later times" when there are more."""
    options = [Choice(str(i), _label(t), t.key()) for i, t in enumerate(times, 1)]
    if more:
        options.append(Choice(str(len(options) + 1), tr("Later times"), MORE_KEY))
    if convo.state.flow is not None:
        offers = {c.key: c.value for c in options}
        if more:
            offers[MORE_KEY] = times[-1].start.isoformat()
        convo.state.flow["offers"] = offers
    return Choices(tuple(options))


def offer_slots(req: SlotRequest, convo: Conversation) -> list[Output]:
    service = _service(convo)
    if service is None:  # the flow ends here: back to the menu
        convo.state.flow = None
        return [*_unavailable(), *convo.menu()]
    answers = dict(req.answers)
    moving: dt.datetime | None = None  # the time of a meeting being moved: never offered
    if "code" in answers and "phone" in answers:
        if (refused := _unproven(convo, answers["phone"], "manage")) is not None:
            return refused
        try:
            booking = service.find(str(answers["code"]), str(answers["phone"]))
        except NotFound:
            return _reopen(convo, req.flow_id, "code", answers, [Say(tr(
                "We could not find an active booking with that code and phone number."),
                "error")])
        meeting_type, language = booking.meeting_type, booking.meeting_lang
        moving = local(booking.start)  # naive from SQLite: UTC, as i18n.local reads it
    else:
        meeting_type, language = _what(convo, answers, req.flow_id)
        site = convo.site
        if site is not None and not site.has_meeting_type(meeting_type):
            return _not_this_kind(convo)

    def free(limit: int = OFFERED + 1, **when: Any) -> list[FreeTime]:
        try:
            times = service.free_times(meeting_type, language, limit=limit + 1, **when)
        except BookingError:
            return []
        # a meeting moved to its own time would be "moved" nowhere, with a new receipt
        return [t for t in times if local(t.start) != moving][:limit]

    prompt = Say(convo.content.flows[req.flow_id].step(req.step_id).text, "prompt")
    lead: list[Output] = []
    if req.which:
        return _offer_which(convo, req, [dt.date.fromisoformat(day) for day in req.which],
                            free, prompt)
    if req.days:
        first, last = (dt.date.fromisoformat(day) for day in req.days)
        until = service.bookable_until()
        if first > until:  # the first times again
            lead = [Say(tr("Times can be booked up to {last}, so not on {day}.",
                           last=date_name(until), day=date_name(first)) if first == last
                        else tr("Times can be booked up to {last}, so not from {first} to "
                                "{end}.", last=date_name(until), first=day_and_month(first),
                                end=day_and_month(last)), "error"), prompt]
            if convo.state.flow is not None:
                convo.state.flow["days"] = convo.state.flow["at"] = None
        else:
            return _offer_days(convo, req, first, min(last, until), free)
    after = dt.datetime.fromisoformat(req.after) if req.after else None
    times = free(after=after)
    if not times and after is not None:  # the later times were taken meanwhile
        lead, times = [Say(tr("There are no later free times. These are the first free "
                              "times."), "notice"), prompt], free()
    if not times:
        return _no_free_time(convo, req.flow_id)
    return [*lead, _listed(convo, times[:OFFERED], len(times) > OFFERED)]


def _offer_days(convo: Conversation, req: SlotRequest, first: dt.date, last: dt.date,
                free: Callable[..., list[FreeTime]]) -> list[Output]:
    """The free times on the days typed (a date, a weekday, next week), from the time typed
    with them; when they have none, the nearest days that have times, to choose from."""
    start = _midnight(first)
    times: list[FreeTime] = []
    if req.at:  # "15. december kl 14": from an hour before it
        near = dt.datetime.combine(first, dt.time.fromisoformat(req.at), TZ) - NEAR
        times = free(since=max(start, near))
    if not any(local(t.start).date() <= last for t in times):
        times = free(since=start)
    shown = [t for t in times if local(t.start).date() <= last][:OFFERED]
    if shown:
        return [Say(tr("Free times on {day}:", day=date_name(first)) if first == last else
                    tr("Free times from {first} to {last}:", first=day_and_month(first),
                       last=day_and_month(last)), "info"),
                _listed(convo, shown, len(times) > len(shown))]
    return _offer_nearest(convo, req, _nearest(first, last, free), Say(
        tr("There is no free time on {day}.", day=date_name(first)) if first == last
        else tr("There is no free time from {first} to {last}.", first=day_and_month(first),
                last=day_and_month(last)), "notice"))


def _midnight(day: dt.date) -> dt.datetime:
    """The start of a Danish day."""
    return dt.datetime.combine(day, dt.time(), TZ)


def _nearest(first: dt.date, last: dt.date,
             free: Callable[..., list[FreeTime]]) -> list[dt.date]:
    """The nearest days before ``first`` and after ``last`` that have free times."""
    before = free(limit=MAX_TIMES, until=first - dt.timedelta(days=1))
    after = free(limit=1, since=_midnight(last + dt.timedelta(days=1)))
    return [local(t.start).date() for t in (before[-1:] + after)]


def _offer_nearest(convo: Conversation, req: SlotRequest, nearest: list[dt.date],
                   none: Say) -> list[Output]:
    """The days asked for have no free time (``none`` says so): the ``nearest`` days that
    have, to choose by number; with none at all, what can be done instead."""
    if not nearest:
        return _no_free_time(convo, req.flow_id)
    if convo.state.flow is not None:
        convo.state.flow["offers"] = {str(n): DAY_KEY + day.isoformat()
                                      for n, day in enumerate(nearest, 1)}
        days = engine.days_offered(convo.state.flow["offers"])
    else:
        days = None
    return [none, Say(tr("Choose a day with free times, or write another date."), "prompt"),
            *([days] if days is not None else [])]


def _offer_which(convo: Conversation, req: SlotRequest, days: list[dt.date],
                 free: Callable[..., list[FreeTime]], prompt: Say) -> list[Output]:
    """A reply that may mean either of two days ("next Tuesday" on a Monday: tomorrow, or
    the Tuesday after): asked which, when both have free times. When only one has, its free
    times, with the other said to have none; when neither has (a Sunday, a closed day, a
    weekday the jobcenter has no hours on, all booked), that is said, and the nearest days
    that have times are offered: never a choice of days with no time to book."""
    having = [day for day in days if free(limit=1, since=_midnight(day), until=day)]
    flow = convo.state.flow
    if having == days:
        offers = {str(n): DAY_KEY + day.isoformat() for n, day in enumerate(days, 1)}
        if flow is not None:
            flow["offers"] = offers
        first, second = (date_name(day) for day in days)
        return [Say(tr("Do you mean {first} or {second}?", first=first, second=second),
                    "prompt"), *([engine.days_offered(offers)] if flow is not None else [])]
    closed = [day for day in days if day not in having]
    if having:  # its times, as if it was typed
        day = having[0]
        if flow is not None:
            flow["days"], flow["at"] = [day.isoformat(), day.isoformat()], None
        return [Say(tr("There is no free time on {day}.", day=date_name(closed[0])), "notice"),
                prompt, *_offer_days(convo, req, day, day, free)]
    nearest = sorted({near for day in days for near in _nearest(day, day, free)} - set(days))
    first, second = (date_name(day) for day in days)
    return _offer_nearest(convo, req, nearest, Say(tr(
        "There is no free time on {first} or {second}.", first=first, second=second),
        "notice"))


def _now_held(booking: Booking, place: str | None) -> Text:
    """A booked meeting as it stands: its time, how it is held and (in person) where. No
    name or phone number."""
    when = format_when(booking.start, in_sentence=True)
    if booking.channel == "phone":
        said = tr("Your meeting is {when}, by phone.", when=when)
    elif booking.channel == "video":
        said = tr("Your meeting is {when}, by video.", when=when)
    else:
        said = tr("Your meeting is {when}, at the jobcenter.", when=when)
    return _with_address(said, place)


def show_meeting(req: MeetingRequest, convo: Conversation) -> list[Output]:
    """The meeting the proven code and phone number name, before it is moved or cancelled;
    nothing when there is none (the action then says so) or the number is not proven."""
    service = _service(convo)
    code, phone = req.answers.get("code"), req.answers.get("phone")
    if service is None or not code or not phone or \
            not is_proven(convo, str(phone), "manage"):
        return []
    try:
        booking = service.find(str(code), str(phone))
    except NotFound:
        return []
    return [Say(_now_held(booking, place_of(convo, booking)), "info")]


def _label(free: FreeTime) -> Text:
    when = format_when(free.start)
    if free.interpreter_id:
        return tr("{when} (with interpreter)", when=when)
    return when


def _reopen(convo: Conversation, flow_id: str, step_id: str, answers: dict[str, Any],
            before: list[Output], keep_later: bool = False) -> list[Output]:
    """Put the user back at ``step_id`` of the flow, keeping the answers before it. With
    ``keep_later`` the answers after it are kept too, and not asked again unless they depend
    on it: only that step is asked (a time that was just taken), then the summary."""
    flow = convo.content.flows[flow_id]
    history = []
    for key in answers:
        if key == step_id:
            break
        history.append(key)
    kept = {k: v for k, v in answers.items() if k != step_id} if keep_later else \
        {k: answers[k] for k in history}
    state = FlowState(flow_id=flow_id, step=step_id, answers=kept, history=history,
                      returning=keep_later)
    convo.state.flow = state.to_dict()
    convo.state.awaiting = None
    return [*before, *engine.prompt(flow, state)]


def _sms(convo: Conversation, booking: Booking, kind: str, body: Text,
         due: dt.datetime | None = None) -> Outbox:
    """One SMS about ``booking``, for the booking service to queue with the change itself."""
    return Outbox(phone=booking.phone, lang=booking.lang, kind=kind,
                  body=pick(body, booking.lang), due_at=due or convo.now(),
                  booking_id=booking.id)


def _receipt_and_reminder(convo: Conversation, heading: Text | None = None) -> Messages:
    """The receipt (headed ``heading``: booked, or moved), and the reminder 24 hours before
    (if that is still to come). No receipt when this turn's reply is itself an SMS to the
    booking's number (booked by SMS from it): the reply is the receipt, and the same text
    twice is one too many. The messages are made inside the booking's transaction: the
    sites they name are read before it."""
    sites = convo.store.sites() if convo.store is not None else None

    def messages(booking: Booking) -> list[Outbox]:
        if not is_mobile(booking.phone):  # no SMS to a landline or a premium-rate number
            return []
        place = place_of(convo, booking, sites)
        queued = [] if _texted(convo, booking.phone) else [
            _sms(convo, booking, "receipt", receipt(booking, place, heading))]
        reminder_at = booking.start - REMINDER_BEFORE
        if reminder_at > convo.now():
            queued.append(_sms(convo, booking, "reminder", reminder(booking, place),
                               reminder_at))
        return queued

    return messages


def reminder(booking: Booking, place: str | None = None) -> Text:
    """The SMS the day before: when, and how the meeting is held (by phone or video the
    citizen stays where they are: a reminder must not send them to the jobcenter); for a
    meeting at the jobcenter, ``place``: its address (:func:`place_of`)."""
    when, code = format_when(booking.start, in_sentence=True), booking.code
    if booking.channel == "phone":
        return tr("Reminder: you have a meeting with the jobcenter by phone {when}. A member of "
                  "staff calls you. Code: {code}.", when=when, code=code)
    if booking.channel == "video":
        return tr("Reminder: you have a meeting with the jobcenter by video {when}. Code: "
                  "{code}.", when=when, code=code)
    said = tr("Reminder: you have a meeting at the jobcenter {when}. Code: {code}.",
              when=when, code=code)
    return _with_address(said, place)


def _cancelled(booking: Booking) -> Text:
    """A cancelled meeting, named by its time and how it was to be held."""
    when, code = format_when(booking.start, in_sentence=True), booking.code
    if booking.channel == "phone":
        return tr("Your meeting by phone {when} (code {code}) is cancelled.", when=when,
                  code=code)
    if booking.channel == "video":
        return tr("Your meeting by video {when} (code {code}) is cancelled.", when=when,
                  code=code)
    return tr("Your meeting at the jobcenter {when} (code {code}) is cancelled.", when=when,
              code=code)


def meeting_language(booking: Booking) -> Text | None:
    """The meeting's language and how it is covered, when it is not Danish: an interpreter
    was booked, or else the member of staff speaks it (the only way a time in another
    language is offered: BookingService.free_times). None for a meeting in Danish."""
    if not booking.meeting_lang or booking.meeting_lang == "da":
        return None
    language = language_name(booking.meeting_lang)
    if booking.interpreter_id:
        return tr("{language}, with an interpreter", language=language)
    return tr("{language} (the member of staff speaks it)", language=language)


def _rows(booking: Booking, place: str | None = None) -> tuple[tuple[Text, Text], ...]:
    rows = ((tr("Time"), format_when(booking.start)),
            (tr("Meeting"), meeting_name(booking.meeting_type)),
            (tr("How"), channel_name(booking.channel)),
            *_address_row(place if booking.channel == "in_person" else None))
    language = meeting_language(booking)
    return (*rows, (tr("Language"), language)) if language is not None else rows


def _what_next(booking: Booking) -> Text:
    """What the citizen does at the time: only a meeting at the jobcenter has a code to show
    on arrival."""
    if booking.channel == "phone":
        return tr("A member of staff calls you on {phone} at this time.",
                  phone=booking.phone)
    if booking.channel == "video":
        return tr("The jobcenter tells you how to join the video meeting.")
    return tr("Show or write your code when you arrive.")


def _lines(heading: Text, code: str, rows: tuple[tuple[Text, Text], ...],
           notes: tuple[Text, ...]) -> Text:
    parts = [heading, tr("Code: {code}", code=code),
             *(join(label, value, sep=": ") for label, value in rows), *notes]
    return join(*parts, sep="\n")


def receipt(booking: Booking, place: str | None = None, heading: Text | None = None) -> Text:
    """The SMS receipt: the confirmation as plain lines, headed ``heading`` (default: the
    meeting is booked)."""
    return _lines(heading or tr("Your meeting is booked."), booking.code, _rows(booking, place),
                  (_what_next(booking),))


def confirmation(booking: Booking, heading: Text, sms: bool = True,
                 texted: bool = False, place: str | None = None) -> Confirmation:
    """The confirmation card shown on the screen the booking was made on; ``sms``: whether
    the receipt goes out by SMS (not to a number that texted STOP, nor to one that is not a
    mobile number); ``texted``: the card itself is an SMS reply to the booking's number, so
    "you will also get an SMS" is not said (no receipt goes: the reply is the receipt);
    ``place``: an in-person meeting's address (:func:`place_of`)."""
    rows = _rows(booking, place)
    about_sms: Text | None
    if texted:
        about_sms = None
    elif sms:
        about_sms = tr("You will also get an SMS with this confirmation.")
    elif not is_mobile(booking.phone):
        about_sms = tr("We send SMS only to mobile numbers, so you get no SMS about this "
                       "meeting. Write down your code.")
    else:
        about_sms = tr("You have asked us not to send you SMS, so you get no SMS about this "
                       "meeting. Write down your code.")
    notes = (_what_next(booking),) if about_sms is None else (_what_next(booking), about_sms)
    return Confirmation(_lines(heading, booking.code, rows, notes), "notice", heading=heading,
                        code=booking.code, rows=rows, notes=notes, booking_id=booking.id)


def _texted(convo: Conversation, phone: str) -> bool:
    """Whether this turn's reply is itself an SMS to ``phone``: booked by SMS from the
    number."""
    from assistant.booking.proof import same_number

    return convo.sender is not None and same_number(convo.sender, phone, convo)


def _gets_sms(convo: Conversation, phone: str) -> bool:
    """Whether SMS go to ``phone``: not after it texted STOP, nor to a number that is not a
    mobile number."""
    from sqlmodel import Session as DB

    if not is_mobile(phone):
        return False
    from assistant.channels_keys import phone_hash
    from assistant.store.models import SmsContact

    assert convo.store is not None
    with DB(convo.store.engine) as db:
        contact = db.get(SmsContact, phone_hash(phone))
    return contact is None or not contact.stopped


def _done(kind: DoneKind, booking: Booking) -> Done:
    return Done.of(kind, booking.name, booking.phone, booking.code)


def _too_many(exc: TooMany) -> Say:
    """A cap is reached (booking/caps.py): nothing was booked."""
    if exc.which == "phone":
        return Say(trn("This phone number already has {n} booked meeting, which is as many as "
                       "one number can have. We have not booked this one. To book another, "
                       "cancel one first, or ask a member of staff.",
                       "This phone number already has {n} booked meetings, which is as many as "
                       "one number can have. We have not booked this one. To book another, "
                       "cancel one first, or ask a member of staff.", exc.cap), "notice")
    if exc.which == "session":
        return Say(tr("You have booked as many meetings as one conversation can. We have not "
                      "booked this one. To book more, ask a member of staff."), "notice")
    return Say(tr("Many meetings have been booked from this connection today, so we have not "
                  "booked this one. Please try again tomorrow, or ask a member of staff."),
               "notice")


def _refused(exc: AlreadyBooked | TooMany) -> Say:
    """Why the number cannot book this meeting. Never the other booking's time or code:
    whoever typed the number may not hold it."""
    if isinstance(exc, TooMany):
        return _too_many(exc)
    if exc.same_time:
        return Say(tr("This phone number already has a meeting at that time. The booking "
                      "code and time are in the SMS that was sent when it was booked. To "
                      "change or cancel it, choose \"Change or cancel a booking\" in the "
                      "menu."), "notice")
    return Say(tr("This phone number already has a booking of this kind. The booking "
                  "code and time are in the SMS that was sent when it was booked. To "
                  "change or cancel it, choose \"Change or cancel a booking\" in the "
                  "menu."), "notice")


def refused_number(convo: Conversation, flow_id: str, phone: str) -> list[Output] | None:
    """At a flow's verify step for a new booking, before a code is texted to ``phone``: what
    :func:`book` would say if the number cannot book this meeting type whatever time is
    chosen (it has one of this kind, or as many as one number may have); None when it can.
    The same words as at booking time, which checks again."""
    service = _service(convo)
    if service is None or not convo.state.flow:
        return None
    answers = FlowState.from_dict(convo.state.flow).answers
    if answers.get("slot") == CALLBACK:
        return None  # no time is booked: staff call back (book() does not refuse it either)
    meeting_type, _language = _what(convo, answers, flow_id)
    slot = answers.get("slot")
    refusal = service.refusal(phone, meeting_type,
                              FreeTime.from_key(str(slot)) if slot else None)
    return None if refusal is None else [_refused(refusal)]


def book(act: Act, convo: Conversation) -> list[Output]:
    service = _service(convo)
    if service is None or "slot" not in act.answers:
        return _unavailable()
    answers = dict(act.answers)
    if (refused := _unproven(convo, answers.get("phone"), "book")) is not None:
        return refused
    meeting_type, language = _what(convo, answers, act.flow_id)
    if answers["slot"] == CALLBACK:
        from assistant.actions import request_refused

        phone = answers.get("phone")
        if (refused := request_refused(convo, str(phone) if phone else None)) is not None:
            return [refused]
        assert convo.store is not None
        convo.store.add_callback(kind="callback", topic=meeting_type, lang=convo.lang,
                                 name=answers.get("name"), phone=answers.get("phone"),
                                 note=f"no free time; meeting language {language}"
                                 if convo.site is None or convo.site.has_meeting_type(meeting_type)
                                 else "this jobcenter does not book this kind of meeting",
                                 session_id=convo.session_id, place=convo.place or "kiosk",
                                 site_id=convo.site_id, origin=origin_of(convo.address))
        convo.completed(act)
        site = convo.site
        if site is not None and not site.has_meeting_type(meeting_type):
            return [Say(tr("We have not booked a meeting. A member of staff will call you."),
                        "notice"), Done.of("callback", answers.get("name"), answers.get("phone"))]
        return [Say(tr("We could not find a free time, so we have not booked a meeting. A member "
                       "of staff will call you to find a time."), "notice"),
                Done.of("callback", answers.get("name"), answers.get("phone"))]
    try:
        booking = service.book(
            meeting_type=meeting_type, channel=str(answers.get("channel", "in_person")),
            meeting_lang=str(language or convo.lang), lang=convo.lang,
            free=FreeTime.from_key(str(answers["slot"])), name=str(answers.get("name", "")),
            phone=str(answers.get("phone", "")), origin=Origin(convo.session_id, convo.address),
            messages=_receipt_and_reminder(convo),
        )
    except SlotTaken:
        return _reopen(convo, act.flow_id, "slot", answers, [Say(tr(
            "Sorry, that time was just taken. Here are the next free times."), "error")],
            keep_later=True)
    except (AlreadyBooked, TooMany) as refused:
        return [_refused(refused)]
    except BookingError:
        return [Say(tr("That is not available here. Please ask a member of staff."), "error")]
    card = confirmation(booking, tr("Your meeting is booked."), _gets_sms(convo, booking.phone),
                        _texted(convo, booking.phone), place_of(convo, booking))
    outputs: list[Output] = [card]
    if convo.lang != "da" and convo.state.channel in STAFF_BESIDE:
        # The copy staff read beside the citizen (the kiosk, the interpreter view), headed in
        # the citizen's language so they know what it is; without the address: staff know
        # where they work. Not on the citizen's own phone or web page, where no staff stand
        # by (by SMS it would push the citizen's own text into another part).
        copy = confirmation(booking, tr("Your meeting is booked."),
                            _gets_sms(convo, booking.phone), _texted(convo, booking.phone)).text
        outputs.append(Say(tr("For staff (in Danish):"), "notice"))
        outputs.append(Say(dict.fromkeys(copy, copy["da"]), "info", lang="da"))
    convo.remember_booking(booking.id)
    convo.completed(act)
    outputs.append(_done("booking", booking))
    return outputs


def cancel(act: Act, convo: Conversation) -> list[Output]:
    service = _service(convo)
    if service is None:
        return _unavailable()
    if (refused := _unproven(convo, act.answers.get("phone"), "manage")) is not None:
        return refused
    try:
        booking = service.cancel(str(act.answers.get("code", "")),
                                 str(act.answers.get("phone", "")),
                                 messages=lambda b: [_sms(convo, b, "notice", _cancelled(b))]
                                 if is_mobile(b.phone) and not _texted(convo, b.phone) else [])
    except NotFound:
        return [Say(tr("We could not find an active booking with that code and phone number."),
                    "error")]
    convo.completed(act)
    return [Say(_cancelled(booking), "notice"), _done("cancel", booking)]


def reschedule(act: Act, convo: Conversation) -> list[Output]:
    service = _service(convo)
    if service is None:
        return _unavailable()
    answers = dict(act.answers)
    if (refused := _unproven(convo, answers.get("phone"), "manage")) is not None:
        return refused
    try:
        booking = service.reschedule(str(answers.get("code", "")),
                                     str(answers.get("phone", "")),
                                     FreeTime.from_key(str(answers["slot"])),
                                     messages=_receipt_and_reminder(
                                         convo, tr("Your meeting is moved.")))
    except NotFound:
        return [Say(tr("We could not find an active booking with that code and phone number."),
                    "error")]
    except SlotTaken:
        return _reopen(convo, act.flow_id, "slot", answers, [Say(tr(
            "Sorry, that time was just taken. Here are the next free times."), "error")],
            keep_later=True)
    except AlreadyBooked as refused:
        return [_refused(refused)]
    convo.remember_booking(booking.id)
    convo.completed(act)
    return [confirmation(booking, tr("Your meeting is moved."), _gets_sms(convo, booking.phone),
                         _texted(convo, booking.phone), place_of(convo, booking)),
            _done("booking", booking)]


def _not_in_person(booking: Booking) -> Say:
    """A phone or video meeting has nothing to check in for. Only its time and how it is
    held: the code alone was typed, at a public kiosk, so not the phone number (which the
    confirmation shows to the one who booked)."""
    when = format_when(booking.start, in_sentence=True)
    if booking.channel == "video":
        return Say(tr("Your meeting is {when}, and it is by video. You do not need to check in. "
                      "The jobcenter tells you how to join the video meeting.", when=when),
                   "notice")
    return Say(tr("Your meeting is {when}, and it is by phone. You do not need to check in. "
                  "A member of staff calls you at this time.", when=when), "notice")


CHECK_IN_AT = ("kiosk", "text")
"""Check-in is for someone who is in the jobcenter: the kiosk (and `chat --channel text`)."""


def checkin(act: Act, convo: Conversation) -> list[Output]:
    service = _service(convo)
    if service is None:
        return _unavailable()
    if convo.state.channel not in CHECK_IN_AT:
        return [Say(tr("You can check in at the kiosk when you arrive at the jobcenter, or at "
                       "the desk."), "error")]
    try:
        booking = service.check_in(str(act.answers.get("code", "")))
    except NotFound:
        return [Say(tr("We could not find that code. Check it, or ask at the desk."), "error")]
    except NotInPerson as remote:
        return [_not_in_person(remote.booking)]
    except NotToday as other_day:
        start = other_day.booking.start
        when = format_when(start, in_sentence=True)
        if local(start).date() > local(convo.now()).date():
            return [Say(tr("Your meeting is {when}. Please check in on that day, when you "
                           "arrive at the jobcenter.", when=when), "error")]
        return [Say(tr("Your meeting is {when}. You can check in on the day of the meeting.",
                       when=when), "error")]
    convo.completed(act)  # checked in
    if booking.start > convo.now():
        # Later today (no rule says how early one may check in): the time plainly, first,
        # so someone at 01.40 for 10.30 sees they are early; not "take a seat".
        return [Say(tr("Your meeting is {at_time}. You are checked in. We will come to you "
                       "at that time.", at_time=at_clock(booking.start)), "notice"),
                _done("checkin", booking)]
    return [Say(tr("You are checked in for your meeting {when}. Please take a seat. We will "
                   "come to you.", when=format_when(booking.start, in_sentence=True)), "notice"),
            _done("checkin", booking)]


ACTIONS = {"book": book, "cancel": cancel, "reschedule": reschedule, "checkin": checkin}
