"""What the core asks a channel to show. Channels render these and hold no logic of their own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.text import Text

Tone = Literal["info", "prompt", "error", "notice", "staff", "title"]
"""``staff``: what a member of staff wrote, or that one joined or left the conversation.
``title`` names the flow a user is in (a channel may show it as a heading)."""


@dataclass(frozen=True)
class Say:
    """A paragraph of text. ``tone`` lets a channel style prompts and errors (never by colour
    alone: errors are also worded as errors)."""

    text: Text
    tone: Tone = "info"
    lang: str | None = None
    """The one language ``text`` is in whatever the user's (a Danish copy for staff), or
    None: each language's own text."""


@dataclass(frozen=True)
class Confirmation(Say):
    """A booking confirmed, for a channel to show as a card: ``heading``, the ``code`` large,
    ``rows`` of (label, value) (time, meeting, how or where), and ``notes`` (what to do next,
    "you will also get an SMS"). ``text`` holds all of it as plain lines, for a channel that
    shows text (SMS, the text channel). ``booking_id`` lets the web page offer the booking's
    calendar file to the session that made it."""

    heading: Text = field(default_factory=dict)
    code: str = ""
    rows: tuple[tuple[Text, Text], ...] = ()
    notes: tuple[Text, ...] = ()
    booking_id: int | None = None


@dataclass(frozen=True)
class Choice:
    """One option: ``key`` is what the user types or taps ("1", "2", ...)."""

    key: str
    label: Text
    value: str


@dataclass(frozen=True)
class Choices:
    options: tuple[Choice, ...]
    multi: bool = False


@dataclass(frozen=True)
class Card:
    """A knowledge entry shown to the user. ``related`` holds the ids of entries the entry
    points to (what a reader may want next). ``source`` is the line a citizen reads under it,
    naming where it comes from ("Source: Slagelse Municipality's employment plan 2023-24"),
    or empty (staff, who see the exact references, and a site's own answers)."""

    entry_id: str
    title: Text
    body: Text
    related: tuple[str, ...] = ()
    source: Text = field(default_factory=dict)


DoneKind = Literal["booking", "checkin", "callback", "cancel", "saved", "ended"]
"""``ended``: the citizen ended the web page's conversation while a member of staff had it or
was asked for (the staff transcript shows it)."""


@dataclass(frozen=True)
class Done:
    """What the user came for is complete: a booking (or its new time), a check-in, a callback
    request, a cancellation, saved answers. A shared screen can clear itself soon after.
    ``private`` holds what identifies the person in what was shown on the way (name, phone,
    booking or resume code), for a channel to mask in what stays on screen; it is never
    persisted or rendered."""

    kind: DoneKind
    private: tuple[str, ...] = ()

    @classmethod
    def of(cls, kind: DoneKind, *values: object) -> Done:
        """``kind`` done, having shown ``values`` (empty ones are left out)."""
        return cls(kind, tuple(str(v) for v in values if v))


@dataclass(frozen=True)
class ShowEntry:
    """Engine request: show knowledge entry ``entry_id`` (the conversation turns it into a Card)."""

    entry_id: str


@dataclass(frozen=True)
class SlotRequest:
    """Engine request: offer free meeting times (the conversation asks the booking service)."""

    flow_id: str
    step_id: str
    answers: Mapping[str, Any] = field(default_factory=dict)
    after: str | None = None
    days: tuple[str, str] | None = None
    """Only the free times on these days, the first and the last (ISO dates): a day or a week
    typed at the times."""
    at: str | None = None
    """With ``days``: a time of day typed with the day ("14:00"): the times near it first."""
    which: tuple[str, ...] = ()
    """The days a reply may mean ("next Tuesday" on a Monday: tomorrow, or the Tuesday
    after; ISO dates): asked which, of those that have free times."""


@dataclass(frozen=True)
class MeetingRequest:
    """Engine request: show the booked meeting the answers ``code`` and ``phone`` name (its
    time, how it is held, where) before a step that changes it (a step's ``show: meeting``)."""

    flow_id: str
    step_id: str
    answers: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProofRequest:
    """Engine request: the phone number in answer ``phone`` must be proven to be the user's
    (for ``purpose``: see booking/proof.py) before the flow goes on."""

    flow_id: str
    step_id: str
    phone: str
    purpose: str


@dataclass(frozen=True)
class Act:
    """Engine request: run a terminal action (book, callback, handoff) with the flow's answers."""

    action: str
    flow_id: str
    answers: Mapping[str, Any] = field(default_factory=dict)


Output = (Say | Choices | Card | Done | ShowEntry | SlotRequest | MeetingRequest | ProofRequest
          | Act)


def to_json(output: Output) -> dict[str, Any]:
    """A JSON-safe form of an output, for persisted turns and the web API."""
    if isinstance(output, Confirmation):
        return {"type": "confirmation", "tone": output.tone, "text": dict(output.text),
                "heading": dict(output.heading), "code": output.code,
                "rows": [[dict(label), dict(value)] for label, value in output.rows],
                "notes": [dict(note) for note in output.notes],
                "booking_id": output.booking_id}
    if isinstance(output, Say):
        said = {"type": "say", "tone": output.tone, "text": dict(output.text)}
        return {**said, "lang": output.lang} if output.lang else said
    if isinstance(output, Choices):
        return {
            "type": "choices",
            "multi": output.multi,
            "options": [
                {"key": c.key, "value": c.value, "label": dict(c.label)} for c in output.options
            ],
        }
    if isinstance(output, Card):
        card = {
            "type": "card",
            "entry_id": output.entry_id,
            "title": dict(output.title),
            "body": dict(output.body),
        }
        return {**card, "source": dict(output.source)} if output.source else card
    if isinstance(output, Done):
        return {"type": "done", "kind": output.kind}  # never the private values
    if isinstance(output, ShowEntry):
        return {"type": "show_entry", "entry_id": output.entry_id}
    if isinstance(output, SlotRequest):
        return {"type": "slot_request", "step_id": output.step_id}
    if isinstance(output, ProofRequest):
        return {"type": "proof_request", "step_id": output.step_id}
    if isinstance(output, MeetingRequest):  # never the answers (a code, a phone number)
        return {"type": "meeting_request", "step_id": output.step_id}
    return {"type": "act", "action": output.action, "flow_id": output.flow_id}


def from_json(data: dict[str, Any]) -> Output | None:
    """An output of a persisted turn, as :func:`to_json` stored it (what is shown: a say, the
    choices or a card; None for the rest)."""
    kind = data.get("type")
    if kind == "say":
        return Say(dict(data["text"]), data.get("tone", "info"))
    if kind == "choices":
        return Choices(tuple(Choice(o["key"], dict(o["label"]), o.get("value", o["key"]))
                             for o in data["options"]), bool(data.get("multi")))
    if kind == "card":
        return Card(data["entry_id"], dict(data["title"]), dict(data["body"]),
                    source=dict(data.get("source") or {}))
    return None
