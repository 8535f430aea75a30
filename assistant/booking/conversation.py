"""Booking inside a conversation: offering free times and the book/cancel/reschedule/check-in
actions of flows. Core code: it knows nothing of the channel that shows the result."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from assistant.booking.service import (
    AlreadyBooked,
    BookingError,
    BookingService,
    FreeTime,
    NotFound,
    NotToday,
    SlotTaken,
)
from assistant.flow import engine
from assistant.flow.engine import MORE_KEY, FlowState
from assistant.i18n import format_when, tr
from assistant.outputs import (
    Act,
    Choice,
    Choices,
    Confirmation,
    Done,
    DoneKind,
    Output,
    Say,
    SlotRequest,
)
from assistant.store.models import Booking, Outbox
from assistant.text import Text, join, pick

if TYPE_CHECKING:
    from assistant.conversation import Conversation

OFFERED = 5
CALLBACK = "callback"
"""The slot answer when no time was free: staff call the citizen instead."""
REMINDER_BEFORE = dt.timedelta(hours=24)


def meeting_name(code: str) -> Text:
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


def channel_name(code: str) -> Text:
    names = {"in_person": tr("At the jobcenter"), "phone": tr("By phone"),
             "video": tr("By video")}
    return names.get(code, names["in_person"])


def _service(convo: Conversation) -> BookingService | None:
    return BookingService(convo.store.engine, now=convo.now) if convo.store else None


def _what(convo: Conversation, req_answers: dict[str, Any], flow_id: str) -> tuple[str, str | None]:
    """The meeting type and meeting language a slot step offers times for."""
    flow = convo.content.flows[flow_id]
    meeting_type = req_answers.get("meeting_type") or flow.meeting_type or "first_meeting"
    return str(meeting_type), req_answers.get("language") or convo.lang


def offer_slots(req: SlotRequest, convo: Conversation) -> list[Output]:
    service = _service(convo)
    if service is None:
        return [Say(tr("Online booking is not open here yet. Please ask a member of staff."),
                    "notice")]
    answers = dict(req.answers)
    if "code" in answers and "phone" in answers:
        try:
            booking = service.find(str(answers["code"]), str(answers["phone"]))
        except NotFound:
            return _reopen(convo, req.flow_id, "code", answers, [Say(tr(
                "We could not find an active booking with that code and phone number."),
                "error")])
        meeting_type, language = booking.meeting_type, booking.meeting_lang
    else:
        meeting_type, language = _what(convo, answers, req.flow_id)
    after = dt.datetime.fromisoformat(req.after) if req.after else None
    try:
        times = service.free_times(meeting_type, language, limit=OFFERED, after=after)
    except BookingError:
        times = []
    if not times:
        options = [Choice("1", tr("Ask staff to call me to find a time"), CALLBACK)]
        if convo.state.flow is not None:
            convo.state.flow["offers"] = {"1": CALLBACK}
        return [Say(tr("There is no free time in the next 30 days with staff who speak your "
                       "language or an interpreter. Staff can call you to find a time."),
                    "notice"), Choices(tuple(options))]
    options = [Choice(str(i), _label(t), t.key()) for i, t in enumerate(times, 1)]
    options.append(Choice(str(len(options) + 1), tr("Later times"), MORE_KEY))
    if convo.state.flow is not None:
        offers = {c.key: c.value for c in options}
        offers[MORE_KEY] = times[-1].start.isoformat()
        convo.state.flow["offers"] = offers
    return [Choices(tuple(options))]


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


def _queue_sms(convo: Conversation, booking: Booking, kind: str, body: Text,
               due: dt.datetime | None = None) -> None:
    assert convo.store is not None
    from sqlmodel import Session as DB

    with DB(convo.store.engine) as db:
        db.add(Outbox(phone=booking.phone, lang=booking.lang, kind=kind,
                      body=pick(body, booking.lang), due_at=due or convo.now(),
                      booking_id=booking.id))
        db.commit()


def _rows(booking: Booking) -> tuple[tuple[Text, Text], ...]:
    how = channel_name(booking.channel)
    if booking.interpreter_id:
        how = join(how, engine.with_interpreter(booking.meeting_lang), sep=", ")
    return ((tr("Time"), format_when(booking.start)),
            (tr("Meeting"), meeting_name(booking.meeting_type)), (tr("How"), how))


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


def receipt(booking: Booking) -> Text:
    """The SMS receipt: the confirmation as plain lines."""
    return _lines(tr("Your meeting is booked."), booking.code, _rows(booking),
                  (_what_next(booking),))


def confirmation(booking: Booking, heading: Text, sms: bool = True) -> Confirmation:
    """The confirmation card shown on the screen the booking was made on; ``sms``: whether
    the receipt goes out by SMS (not to a number that texted STOP)."""
    rows = _rows(booking)
    notes = (_what_next(booking),
             tr("You will also get an SMS with this confirmation.") if sms else
             tr("You have asked us not to send you SMS, so you get no SMS about this meeting. "
                "Write down your code."))
    return Confirmation(_lines(heading, booking.code, rows, notes), "notice", heading=heading,
                        code=booking.code, rows=rows, notes=notes, booking_id=booking.id)


def _gets_sms(convo: Conversation, phone: str) -> bool:
    """Whether SMS go to ``phone``: not after it texted STOP."""
    from sqlmodel import Session as DB

    from assistant.channels_keys import phone_hash
    from assistant.store.models import SmsContact

    assert convo.store is not None
    with DB(convo.store.engine) as db:
        contact = db.get(SmsContact, phone_hash(phone))
    return contact is None or not contact.stopped


def _done(kind: DoneKind, booking: Booking) -> Done:
    return Done.of(kind, booking.name, booking.phone, booking.code)


def book(act: Act, convo: Conversation) -> list[Output]:
    service = _service(convo)
    if service is None or "slot" not in act.answers:
        return [Say(tr("Online booking is not open here yet. Please ask a member of staff."),
                    "notice")]
    answers = dict(act.answers)
    meeting_type, language = _what(convo, answers, act.flow_id)
    if answers["slot"] == CALLBACK:
        assert convo.store is not None
        convo.store.add_callback(kind="callback", topic=meeting_type, lang=convo.lang,
                                 name=answers.get("name"), phone=answers.get("phone"),
                                 note=f"no free time; meeting language {language}",
                                 session_id=convo.session_id)
        return [Say(tr("We could not find a free time, so we have not booked a meeting. A member "
                       "of staff will call you to find a time."), "notice"),
                Done.of("callback", answers.get("name"), answers.get("phone"))]
    try:
        booking = service.book(
            meeting_type=meeting_type, channel=str(answers.get("channel", "in_person")),
            meeting_lang=str(language or convo.lang), lang=convo.lang,
            free=FreeTime.from_key(str(answers["slot"])), name=str(answers.get("name", "")),
            phone=str(answers.get("phone", "")),
        )
    except SlotTaken:
        return _reopen(convo, act.flow_id, "slot", answers, [Say(tr(
            "Sorry, that time was just taken. Here are the next free times."), "error")],
            keep_later=True)
    except AlreadyBooked as exc:
        return [Say(tr("You already have a booking of this kind: {when}, code {code}. To change "
                       "or cancel it, choose \"Change or cancel a booking\" in the menu.",
                       when=format_when(exc.booking.start), code=exc.booking.code), "notice")]
    except BookingError:
        return [Say(tr("That is not available here. Please ask a member of staff."), "error")]
    text = receipt(booking)
    card = confirmation(booking, tr("Your meeting is booked."), _gets_sms(convo, booking.phone))
    outputs: list[Output] = [card]
    if convo.lang != "da":
        outputs.append(Say(dict.fromkeys(card.text, card.text["da"]), "info", lang="da"))
    _queue_sms(convo, booking, "receipt", text)
    convo.remember_booking(booking.id)
    reminder_at = booking.start - REMINDER_BEFORE
    if reminder_at > convo.now():
        _queue_sms(convo, booking, "reminder", tr(
            "Reminder: you have a meeting with the jobcenter {when}. Code: {code}.",
            when=format_when(booking.start, in_sentence=True), code=booking.code), reminder_at)
    outputs.append(_done("booking", booking))
    return outputs


def cancel(act: Act, convo: Conversation) -> list[Output]:
    service = _service(convo)
    assert service is not None
    try:
        booking = service.cancel(str(act.answers.get("code", "")),
                                 str(act.answers.get("phone", "")))
    except NotFound:
        return [Say(tr("We could not find an active booking with that code and phone number."),
                    "error")]
    text = tr("Your meeting {when} (code {code}) is cancelled.",
              when=format_when(booking.start, in_sentence=True), code=booking.code)
    _queue_sms(convo, booking, "notice", text)
    return [Say(text, "notice"), _done("cancel", booking)]


def reschedule(act: Act, convo: Conversation) -> list[Output]:
    service = _service(convo)
    assert service is not None
    answers = dict(act.answers)
    try:
        booking = service.reschedule(str(answers.get("code", "")),
                                     str(answers.get("phone", "")),
                                     FreeTime.from_key(str(answers["slot"])))
    except NotFound:
        return [Say(tr("We could not find an active booking with that code and phone number."),
                    "error")]
    except SlotTaken:
        return _reopen(convo, act.flow_id, "slot", answers, [Say(tr(
            "Sorry, that time was just taken. Here are the next free times."), "error")],
            keep_later=True)
    _queue_sms(convo, booking, "receipt", receipt(booking))
    convo.remember_booking(booking.id)
    return [confirmation(booking, tr("Your meeting is moved."), _gets_sms(convo, booking.phone)),
            _done("booking", booking)]


def checkin(act: Act, convo: Conversation) -> list[Output]:
    service = _service(convo)
    assert service is not None
    try:
        booking = service.check_in(str(act.answers.get("code", "")))
    except NotFound:
        return [Say(tr("We could not find that code. Check it, or ask at the desk."), "error")]
    except NotToday as other_day:
        return [Say(tr("Your meeting is {when}. You can check in on the day of the meeting.",
                       when=format_when(other_day.booking.start, in_sentence=True)), "error")]
    return [Say(tr("You are checked in for your meeting {when}. Please take a seat. We will "
                   "come to you.", when=format_when(booking.start, in_sentence=True)), "notice"),
            _done("checkin", booking)]


ACTIONS = {"book": book, "cancel": cancel, "reschedule": reschedule, "checkin": checkin}
