"""A stored session as the conversation gets it back: its id and its state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant import jsoncodec


@dataclass(frozen=True)
class Saved:
    """A stored session: its id and its state."""

    id: str
    state: dict[str, Any]

    @classmethod
    def from_row(cls, session_id: str, state: str) -> Saved:
        """A session as read from its row (the state is stored as JSON)."""
        return cls(session_id, jsoncodec.loads(state))
