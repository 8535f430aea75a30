"""Words, not codes, for staff screens: where a request came from, what it is, its language,
how long it has waited, what a stored code means (a meeting type, a channel, a flow's step).

Every function returns a :data:`Text` (all languages), so a staff screen picks the staff
member's language. Core code: no channel imports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from assistant import jsoncodec
from assistant.booking.conversation import channel_name, meeting_name
from assistant.flow.model import Flow
from assistant.i18n import format_day, language_name, tr, trn
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


def kind_short(kind: str) -> Text:
    """A request's kind in a word or two, for a narrow queue: "In person", "Call back"."""
    names = {"desk": tr("In person"), "callback": tr("Call back"), "chat": tr("In writing")}
    return names.get(kind, same(kind))


def place_short(place: str) -> Text:
    """Where a request came from, short, for a narrow queue: a kiosk by its name alone
    ("Lobby 1"), "Web", "SMS"."""
    if place.startswith("kiosk:"):
        return same(place.removeprefix("kiosk:"))
    if place == "web":
        return tr("Web")
    return place_name(place)


def language_short(code: str) -> Text:
    """A conversation's language, short, for a narrow queue: "Ukr.", "укр."."""
    names = {"da": tr("Dan."), "en": tr("Eng."), "uk": tr("Ukr.")}
    return names.get(code, same(code))


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


def waiting_short(waited: dt.timedelta) -> Text:
    """How long someone has waited, short, for a narrow queue: "< 1 min", "65 min"."""
    minutes = max(int(waited.total_seconds() // 60), 0)
    if minutes < 1:
        return tr("< 1 min")
    return trn("{n} min", "{n} min", minutes)


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


def _audit_actions() -> dict[str, Text]:
    return {
        "login": tr("Logged in"), "login_failed": tr("Wrong PIN"), "pin_set": tr("PIN set"),
        "kb_search": tr("Searched the knowledge"), "callback_done": tr("Marked a request done"),
        "close_day": tr("Closed a day"), "interpreter_session": tr("Interpreter session"),
        "request_taken": tr("Took a request"), "request_reply": tr("Wrote to a citizen"),
        "request_handed_back": tr("Handed back to the assistant"),
        "request_closed": tr("Marked a request done"), "kiosk_quit": tr("Closed a kiosk"),
        "purge": tr("Deleted old data"), "privacy_export": tr("Exported a citizen's data"),
        "privacy_export_mentions": tr("Exported a citizen's data for review"),
        "privacy_delete": tr("Erased a citizen's data"),
        "privacy_scan": tr("Masked CPR numbers already stored"),
    }


def audit_action_name(action: str) -> Text:
    """An audit log row's action key in words: "request_taken" -> "Took a request"."""
    return _audit_actions().get(action, same(action))


def _counted(counts: Mapping[str, object]) -> Text:
    """What a purge or an erasure counted, in words: "Conversations: 2, SMS: 1"."""
    names = {"sessions": tr("Conversations"), "conversations": tr("Conversations"),
             "turns": tr("Messages in conversations"), "bookings": tr("Bookings"),
             "callbacks": tr("Requests for staff"),
             "callbacks_masked": tr("Someone else's requests with the number masked"),
             "sms": tr("SMS"),
             "sms_replies": tr("SMS replies kept for resending"),
             "sms_pending": tr("SMS replies waiting for MORE"),
             "resume_codes": tr("Codes for saved answers"),
             "phone_proofs": tr("One-time codes")}
    return join(*(tr("{what}: {n}", what=names.get(key, same(key)), n=n)
                  for key, n in counts.items()), sep=", ")


def _audit_words(action: str, params: Mapping[str, Any]) -> Text:
    if "request" in params:
        return tr("Request {n}", n=int(params["request"]))
    if action == "close_day":
        day = dt.date.fromisoformat(str(params["day"]))
        return trn("{day}: {n} meeting cancelled", "{day}: {n} meetings cancelled",
                   int(params["cancelled"]),
                   day={lang: format_day(day, lang) for lang in LANGS})
    if action == "login_failed":
        where = tr("At a kiosk") if params.get("place") == "kiosk" else \
            tr("At a staff terminal")
        return where if params.get("known") else join(where, tr("unknown initials"), sep=", ")
    if action == "interpreter_session":
        return language_name(str(params["lang"]))
    if action == "privacy_scan":
        return trn("{n} value masked", "{n} values masked", int(params["redacted"]))
    parts = []
    if "phone_ending" in params:
        parts.append(tr("Phone number ending in {digits}", digits=str(params["phone_ending"])))
    if isinstance(params.get("counts"), Mapping):
        parts.append(_counted(params["counts"]))
    if "mentions" in params:
        parts.append(trn("{n} conversation that only mentions the number",
                         "{n} conversations that only mention the number",
                         int(params["mentions"])))
    if len(parts) == len(params):
        return join(*parts, sep="; ")
    raise ValueError(f"no words for the audit parameters of {action}")


def audit_detail(action: str, params: str | None, detail: str) -> Text:
    """An audit log row's details in words, in every language: from its ``params`` (JSON,
    kept in no language: ``{"request": 3}`` -> "Request 3", "Henvendelse 3"). A row written
    before rows kept parameters shows its stored ``detail`` as it is (the log is append-only:
    old rows are never rewritten), and so do parameters this version has no words for."""
    if not params:
        return same(detail)
    try:
        found = jsoncodec.loads(params)
        if not isinstance(found, Mapping):
            raise ValueError("not an object")
        return _audit_words(action, found)
    except (ValueError, TypeError, KeyError):
        return same(detail or params)


__all__ = ["LANGS", "audit_action_name", "audit_detail", "channel_words", "flow_name",
           "kind_name", "kind_short", "language_short", "languages_name", "meeting_words",
           "place_name", "place_short", "status_name", "step_name", "topic_name",
           "waiting_name", "waiting_short", "yes_no"]
