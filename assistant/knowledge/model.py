"""A knowledge entry as loaded from ``knowledge/<topic>/<id>.md``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from assistant.text import Text

AUDIENCES = ("citizen", "staff", "both")
MUNICIPALITIES = ("slagelse", "lejre", "national")


@dataclass(frozen=True)
class Source:
    ref: str
    file: str
    start: int
    end: int
    url: str | None = None
    note: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    audience: str
    municipality: str
    owner: str
    valid_from: dt.date
    review_by: dt.date
    title: Text
    body: Text
    terms: dict[str, tuple[str, ...]]
    sources: tuple[Source, ...]
    related: tuple[str, ...] = ()
    reviewed: dict[str, bool] = field(default_factory=dict)
    path: str = ""
    lines: dict[str, int] = field(default_factory=dict)
    """Line of each front-matter key, for lint messages."""

    def for_citizens(self) -> bool:
        return self.audience in ("citizen", "both")

    def stale(self, today: dt.date) -> bool:
        return today > self.review_by

    def unreviewed_languages(self) -> list[str]:
        return [lang for lang, ok in self.reviewed.items() if not ok]
