"""Messages the TUI's workers and screens post. Work that may wait (a turn, a PIN check, a
database query) runs in a thread worker and posts its result as one of these; the handler
applies it on Textual's UI thread."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from assistant.conversation import Conversation
    from assistant.outputs import Output


@dataclass
class LanguageChosen(Message):
    lang: str
    typed: str = ""
    """What was typed on the language screen: the conversation's first message."""


@dataclass
class ConversationOpened(Message):
    """A conversation is open and its first outputs are ready."""

    convo: Conversation
    opening: list[Output]
    bilingual: bool = False


@dataclass
class ConversationShown(Message):
    """A conversation screen has shown its opening and takes input."""

    screen: Any


@dataclass
class TurnAnswered(Message):
    """A turn's outputs, or None when the turn could not be answered (database down)."""

    outputs: list[Output] | None


class StepCompleted(Message):
    """The conversation completed a step the user came for (a booking, a check-in, ...)."""


class KeepGoing(Message):
    """The user is not done: stop the countdown to the wipe."""


class FinishRequested(Message):
    """The user pressed Finish: clear the screen now."""


@dataclass
class PinChecked(Message):
    """The staff PIN check's answer: initials when it passed; else how long to wait (if
    locked out), or ``failed`` when the check itself could not run."""

    initials: str | None
    wait_seconds: int = 0
    failed: bool = False


@dataclass
class StaffDataLoaded(Message):
    """The staff screens' rows, read in a worker (after a write, if any: ``note`` says what
    it did)."""

    tables: dict[str, list[Any]]
    note: str | None = None


@dataclass
class SearchAnswered(Message):
    """A staff knowledge search's result, searched in a worker."""

    result: Any
