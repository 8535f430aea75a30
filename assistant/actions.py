"""Terminal actions of flows: callback request, hand to staff, and booking."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.i18n import tr
from assistant.outputs import Act, Done, Output, Say

if TYPE_CHECKING:
    from assistant.conversation import ActionHandler, Conversation


def callback(act: Act, convo: Conversation) -> list[Output]:
    """Queue a staff callback with the name and phone the flow collected."""
    if convo.store is not None:
        convo.store.add_callback(
            kind="callback", topic=str(act.answers.get("topic", act.flow_id))[:40],
            lang=convo.lang, name=act.answers.get("name"), phone=act.answers.get("phone"),
            session_id=convo.session_id, site_id=convo.site_id,
        )
    return [Say(tr("Thank you. A member of staff will call you back."), "notice"),
            Done.of("callback", act.answers.get("name"), act.answers.get("phone"))]


def handoff(act: Act, convo: Conversation) -> list[Output]:
    """Tell staff that someone at the kiosk or desk wants to talk to a person."""
    if convo.store is not None:
        convo.store.add_callback(kind="desk", topic=act.flow_id[:40], lang=convo.lang,
                                 session_id=convo.session_id, site_id=convo.site_id)
    return [Say(tr("A member of staff has been told and will come to you. Please wait here."),
                "notice")]


def default_actions() -> dict[str, ActionHandler]:
    from assistant.booking.conversation import ACTIONS

    return {"callback": callback, "handoff": handoff, **ACTIONS}
