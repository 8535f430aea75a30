"""A stored session as the conversation gets it back: its id, its state and its version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant import jsoncodec


@dataclass(frozen=True)
class Saved:
    """A stored session: its id, its state, and how many turns it has (the version a turn
    read, so that its save can tell whether another turn was saved meanwhile)."""

    id: str
    state: dict[str, Any]
    turns: int

    @classmethod
    def from_row(cls, session_id: str, state: str, turns: int) -> Saved:
        """A session as read from its row (the state is stored as JSON)."""
        return cls(session_id, jsoncodec.loads(state), int(turns))
