"""Terminal actions of flows: callback request, hand to staff, and booking."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlmodel import Session as DB

from assistant.booking.caps import RequestCaps, origin_of
from assistant.flow.engine import words_key
from assistant.i18n import format_when, tr
from assistant.outputs import Act, Done, Output, Say
from assistant.site.answers import closed_until
from assistant.store.models import CallbackRequest, utcnow

if TYPE_CHECKING:
    from assistant.conversation import ActionHandler, Conversation


def no_staff_here(convo: Conversation) -> list[Output] | None:
    """On a database with no jobcenter (site) set up no member of staff reads the queue: say
    so and send the citizen to the desk, as booking does (None: staff are there)."""
    if convo.store is None or convo.site is not None:
        return None
    convo.state.flow = None
    return [Say(tr("Talking to staff is not available here. Please ask at the desk."),
                "notice"), *convo.menu()]


DAY = dt.timedelta(days=1)


def _count(convo: Conversation, *where: object) -> int:
    assert convo.store is not None
    with DB(convo.store.engine) as db:
        return db.exec(select(func.count()).select_from(CallbackRequest)  # type: ignore[call-overload]
                       .where(*where)).one()[0]


def request_refused(convo: Conversation, phone: str | None = None) -> Say | None:
    """None when this conversation may send a request for staff (a callback to ``phone``,
    or a member of staff now), which is then counted; else why not. The caps (booking/caps.py
    RequestCaps) keep one client from flooding the staff queue or having staff call a
    number it does not hold: per conversation, per number a day, per address a day."""
    if convo.store is None:
        return None
    caps, since = RequestCaps.from_environment(), utcnow() - DAY
    if caps.per_session and convo.session_id is not None and _count(
            convo, CallbackRequest.session_id == convo.session_id) >= caps.per_session:
        return Say(tr("You have already asked for staff several times in this conversation, so "
                      "we have not sent this request. A member of staff has your earlier "
                      "request."), "notice")
    if caps.per_phone_per_day and phone and _count(
            convo, CallbackRequest.phone == phone,
            CallbackRequest.created_at > since) >= caps.per_phone_per_day:  # type: ignore[operator]
        return Say(tr("Staff have already been asked several times today to call this phone "
                      "number, so we have not sent this request. Please try again tomorrow, "
                      "or ask a member of staff."), "notice")
    if caps.per_origin_per_day and convo.address and _count(
            convo, CallbackRequest.origin == origin_of(convo.address),
            CallbackRequest.created_at > since) >= caps.per_origin_per_day:  # type: ignore[operator]
        return Say(tr("Many requests for staff have been sent from this connection today, "
                      "so we have not sent this one. Please try again tomorrow, or ask a "
                      "member of staff."), "notice")
    return None


def callback(act: Act, convo: Conversation) -> list[Output]:
    """Queue a staff callback with the name and phone the flow collected."""
    if (nobody := no_staff_here(convo)) is not None:
        return nobody
    phone = act.answers.get("phone")
    if (refused := request_refused(convo, str(phone) if phone else None)) is not None:
        return [refused]
    if convo.store is not None:
        convo.store.add_callback(
            kind="callback", topic=str(act.answers.get("topic", act.flow_id))[:40],
            note=act.answers.get(words_key("topic")),  # what it is about, in their words
            lang=convo.lang, name=act.answers.get("name"), phone=act.answers.get("phone"),
            session_id=convo.session_id, place=convo.place or "kiosk", site_id=convo.site_id,
            origin=origin_of(convo.address),
        )
    convo.completed(act)
    return [Say(tr("Thank you. A member of staff will call you back."), "notice"),
            Done.of("callback", act.answers.get("name"), act.answers.get("phone"),
                    act.answers.get(words_key("topic")))]


def handoff(act: Act, convo: Conversation) -> list[Output]:
    """Put the citizen in the staff queue: at a kiosk a person comes to them; on the web page
    or by SMS a person writes with them there (see staffdesk)."""
    from assistant.staffdesk import (
        is_remote,
        pending_request,
        place_of,
        request_staff,
        still_waiting,
    )

    if (nobody := no_staff_here(convo)) is not None:
        return nobody
    pending = pending_request(convo.store, convo.session_id) if convo.store else None
    place = place_of(convo)
    opens = closed_until(convo.site, convo.now()) if convo.site is not None else None
    if pending is None and opens is not None and not is_remote(place):
        # nobody is here to come to the kiosk: no request waits in the queue all night
        return [Say(tr("The jobcenter is closed now. It opens {when}. Nobody can come to you "
                       "before then. You can book a meeting, or ask us to call you back.",
                       when=format_when(opens, in_sentence=True)), "notice")]
    if pending is None and (refused := request_refused(
            convo, convo.phone if place_of(convo) == "sms" else None)) is not None:
        return [refused]  # asking again while in the queue is not a new request
    request = request_staff(convo, act.flow_id)
    convo.completed(act)  # the citizen is in the queue (asked now, or already)
    if pending is not None:  # asked again: told what any message while waiting is told
        if is_remote(place) and pending.status == "taken":
            return [Say(tr("A member of staff is already with you. Write your message here."),
                        "notice")]
        if is_remote(place):
            convo.state.staff_wait = request
        return [still_waiting(pending, place)]
    if not is_remote(place):
        return [Say(tr("A member of staff has been told and will come to you. Please wait "
                       "here."), "notice")]
    convo.state.staff_wait = request
    if opens is not None:  # nobody reads the queue now: say when somebody will
        when = format_when(opens, in_sentence=True)
        if place == "sms":
            return [Say(tr("The jobcenter is closed now. It opens {when}. Your request is in "
                           "the staff queue, and a member of staff will write to you here by "
                           "SMS when the jobcenter is open.", when=when), "notice")]
        return [Say(tr("The jobcenter is closed now. It opens {when}. Your request is in the "
                       "staff queue, and a member of staff will write to you here when the "
                       "jobcenter is open.", when=when), "notice")]
    if place == "sms":
        return [Say(tr("A member of staff has been told and will write to you here by SMS. "
                       "Please wait."), "notice")]
    return [Say(tr("A member of staff has been told and will write to you here. Please keep "
                   "this page open."), "notice")]


def default_actions() -> dict[str, ActionHandler]:
    from assistant.booking.conversation import ACTIONS

    return {"callback": callback, "handoff": handoff, **ACTIONS}
