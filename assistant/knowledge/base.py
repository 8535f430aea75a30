"""The knowledge base a conversation asks: entries, index, and how answers are shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from assistant.i18n import tr, trn
from assistant.knowledge.loader import load_entries
from assistant.knowledge.model import Entry
from assistant.knowledge.search import Index, SearchResult
from assistant.outputs import Card, Choice, Choices, Output, Say
from assistant.yamlsource import ContentError


class KnowledgeBase:
    def __init__(self, entries: list[Entry], today: Callable[[], dt.date] = dt.date.today):
        self.entries = {e.id: e for e in entries}
        self.index = Index(entries)
        self.today = today

    @classmethod
    def load(cls, folder: Path | None = None, **kw: Callable[[], dt.date]) -> KnowledgeBase:
        """Load and index; refuses to start on broken content (run `kb lint` for all errors)."""
        entries, problems = load_entries(folder)
        if problems:
            first = problems[0]
            raise ContentError(first.path, first.line, first.message)
        return cls(entries, **kw)

    def search(self, query: str, audience: str = "citizen", top: int = 3) -> SearchResult:
        return self.index.search(query, audience=audience, today=self.today(), top=top)

    def card(self, entry_id: str, audience: str = "citizen") -> Card | None:
        entry = self.entries.get(entry_id)
        if entry is None:
            return None
        if audience != "staff" and (not entry.for_citizens() or entry.stale(self.today())):
            return None
        return Card(entry.id, entry.title, entry.body, entry.related)

    def answer(self, question: str, lang: str) -> list[Output]:
        result = self.search(question)
        if result.outcome == "answer":
            card = self.card(result.hits[0].entry.id)
            assert card is not None
            return [card]
        if result.outcome == "suggest":
            options = tuple(Choice(str(i), h.entry.title, f"entry:{h.entry.id}")
                            for i, h in enumerate(result.hits, 1))
            return [Say(trn("I am not sure what you mean. I found {n} possible answer:",
                            "I am not sure what you mean. I found {n} possible answers:",
                            len(options)), "prompt"),
                    Choices(options)]
        return [Say(tr("Sorry, I do not know the answer to that. A member of staff can help "
                       "you, or you can book a meeting."), "notice")]
