"""Words, not codes, for staff screens: where a request came from, what it is, its language,
how long it has waited, what a stored code means (a meeting type, a channel, a flow's step).

Every function returns a :data:`Text` (all languages), so a staff screen picks the staff
member's language. Core code: no channel imports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from assistant.booking.conversation import channel_name, meeting_name
from assistant.flow.model import Flow
from assistant.i18n import language_name, tr, trn
from assistant.text import LANGS, Text, join, same


def place_name(place: str) -> Text:
    """``kiosk:Lobby 1`` -> "Kiosk Lobby 1"; ``web`` -> "Web page"; ``sms`` -> "SMS"."""
    if place.startswith("kiosk:"):
        return tr("Kiosk {name}", name=place.removeprefix("kiosk:"))
    names = {"kiosk": tr("Kiosk"), "web": tr("Web page"), "sms": tr("SMS"),
             "text": tr("Text chat")}
    return names.get(place, same(place))


def kind_name(kind: str) -> Text:
    names = {"desk": tr("Wants a person at the kiosk"), "callback": tr("Call back"),
             "chat": tr("Wants to write with a person")}
    return names.get(kind, same(kind))


def request_name(kind: str, place: str, name: str | None, lang: str) -> Text:
    """A staff request in one line, as a dialog about it names it: what, where, and who (the
    citizen's name, else their language)."""
    return join(kind_name(kind), place_name(place), dict.fromkeys(LANGS, name) if name
                else language_name(lang), sep=" · ")


def status_name(status: str, taken_by: str | None) -> Text:
    if status == "taken":
        return tr("Taken by {who}", who=taken_by or "?")
    if status == "done":
        return tr("Done")
    return tr("Waiting")


def waiting_name(waited: dt.timedelta) -> Text:
    """How long someone has waited: "under a minute", "4 min", "1 h 5 min"."""
    minutes = max(int(waited.total_seconds() // 60), 0)
    if minutes < 1:
        return tr("under a minute")
    if minutes < 60:
        return trn("{n} min", "{n} min", minutes)
    return tr("{h} h {m} min", h=minutes // 60, m=minutes % 60)


def languages_name(codes: Iterable[str]) -> Text:
    """Language codes as words, with commas: "dansk, ukrainsk"."""
    return join(*(language_name(code) for code in codes), sep=", ")


def topic_name(topic: str, flows: Mapping[str, Flow]) -> Text:
    """A request's topic: a staff flow's topic option, a meeting type or a flow's title."""
    staff = flows.get("staff")
    if staff is not None and "topic" in staff.steps:
        for option in staff.step("topic").options:
            if option.value == topic:
                return option.label
    if topic in flows:
        return flows[topic].title
    named = meeting_name(topic)
    return named


def flow_name(flow_id: str, flows: Mapping[str, Flow]) -> Text:
    flow = flows.get(flow_id)
    return flow.title if flow is not None else same(flow_id)


def step_name(flow_id: str, step_id: str, flows: Mapping[str, Flow]) -> Text:
    """A flow's step as a reader knows it: its label ("Phone"), or else its question."""
    flow = flows.get(flow_id)
    if not step_id:
        return tr("at the start")
    if flow is None or step_id not in flow.steps:
        return same(step_id)
    step = flow.step(step_id)
    return step.label or step.text


def meeting_words(code: str) -> Text:
    return meeting_name(code)


def channel_words(code: str) -> Text:
    return channel_name(code)


def yes_no(value: bool) -> Text:
    return tr("Yes") if value else tr("No")


__all__ = ["LANGS", "channel_words", "flow_name", "kind_name", "languages_name",
           "meeting_words", "place_name", "status_name", "step_name", "topic_name",
           "waiting_name", "yes_no"]
