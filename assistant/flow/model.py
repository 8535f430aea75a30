"""Typed flow definitions, built by :mod:`assistant.flow.loader`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.text import Text

STEP_KINDS = ("message", "choice", "multi", "input", "slot", "knowledge", "summary", "action",
              "verify")
ASKING_KINDS = ("choice", "multi", "input", "slot")
"""Steps whose answer is stored and shown in the summary."""
ACTIONS = ("book", "callback", "handoff", "cancel", "reschedule", "checkin")
PROOF_PURPOSES = ("manage", "book")
"""What a verify step proves the phone number for: acting on an existing booking (always
asked, unless proven already), or a new booking (not asked at the kiosk, see booking/proof.py).
"""
CHANNELS = ("kiosk", "text", "web", "sms")


@dataclass(frozen=True)
class Option:
    value: str
    label: Text
    when: Mapping[str, Any] | None = None
    """Offered only when this holds for the earlier answers (always, without it): what a rule
    forbids for some answers is not offered to them."""
    range: tuple[int | None, int | None] | None = None
    """The numbers this option stands for, both ends included (None: open): an age or a
    number of weeks answers the step by the option whose range holds it ("jeg er 42 år")."""
    words: bool = False
    """Also answered in one's own words: a reply that is none of the options and holds
    letters is this option ("something else"), and the words are kept beside it (the answer
    ``<step>_words``): "мій дозвіл закінчується" at "what is it about?"."""

    def holds(self, number: int) -> bool:
        if self.range is None:
            return False
        low, high = self.range
        return (low is None or number >= low) and (high is None or number <= high)


@dataclass(frozen=True)
class Branch:
    goto: str
    when: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Note:
    """A line shown under a step's question, only when ``when`` holds for the earlier answers
    (always, without it): what applies to some answers and not others."""

    text: Text
    when: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Step:
    id: str
    kind: str
    text: Text
    line: int
    label: Text | None = None
    help: Text | None = None
    options: tuple[Option, ...] = ()
    validate: str | None = None
    spec: Mapping[str, Any] = field(default_factory=dict)
    entry: str | None = None
    action: str | None = None
    next: tuple[Branch, ...] = ()
    depends_on: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()

    @property
    def asks(self) -> bool:
        return self.kind in ASKING_KINDS or self.kind == "summary"


@dataclass(frozen=True)
class Request:
    """Typed words that ask for this flow ("flyt mit møde", "cancel my meeting"): a reply
    holding one of ``verbs`` and one of ``objects`` (any language) starts the flow with
    ``answers`` given. Words, not stems: each form is listed."""

    answers: Mapping[str, str]
    verbs: frozenset[str]
    objects: frozenset[str]
    alone: frozenset[str] = frozenset()
    """Words that ask for the flow on their own, said with small words only ("book", "jeg vil
    booke", "відмітитися"): a bare verb."""
    weak: bool = False
    """Tried after the other flows' requests: its verb may be said in a request for another
    flow too ("I'm here for my meeting" checks in, "can I book a meeting here" books)."""
    own: frozenset[str] = frozenset()
    """Words that make an object one's own ("my", "the", "mit", "мою", and "mødet", "tiden"):
    a verb followed by such an object ("move the meeting", "flytte mit møde", "перенести мою
    зустріч") asks for the flow in a longer message too, with other words around it
    (:func:`assistant.flow.replies.asks_with_words`)."""


@dataclass(frozen=True)
class Flow:
    id: str
    title: Text
    description: Text
    start: str
    steps: Mapping[str, Step]
    path: str
    menu: bool = True
    order: int = 100
    meeting_type: str | None = None
    only_at: tuple[str, ...] = ()
    """The channels the flow may be used on (every channel, when empty)."""
    requests: tuple[Request, ...] = ()

    def step(self, step_id: str) -> Step:
        return self.steps[step_id]
