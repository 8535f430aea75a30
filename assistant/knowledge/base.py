"""The knowledge base a conversation asks: entries, index, and how answers are shown."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from assistant.i18n import tr
from assistant.knowledge.loader import load_entries
from assistant.knowledge.model import Entry
from assistant.knowledge.passages import Passage, load_passages
from assistant.knowledge.search import Hit, Index, SearchResult, local_to
from assistant.knowledge.sources import SourceLabels, lint_labels, load_labels
from assistant.knowledge.wordlist import Concept, load_wordlist
from assistant.outputs import Card, Choice, Choices, Output, Say
from assistant.paths import data_dir
from assistant.yamlsource import ContentError


class KnowledgeBase:
    def __init__(self, entries: list[Entry], today: Callable[[], dt.date] = dt.date.today,
                 passages: Sequence[Passage] = (), concepts: Sequence[Concept] = (),
                 labels: SourceLabels | None = None) -> None:
        self.entries = {e.id: e for e in entries}
        self.labels = labels or SourceLabels()
        """The names of the source documents, for the source line under a citizen's answer."""
        self.passages = list(passages)
        self.concepts = list(concepts)
        self.index = Index(entries, self.passages, self.concepts)
        self.today = today
        self.notes = document_notes(entries)

    @classmethod
    def load(cls, folder: Path | None = None, **kw: Callable[[], dt.date]) -> KnowledgeBase:
        """Load and index the entries, the passages of ``_sources``, the names of the source
        documents (``_sources/labels.yaml``) and the word list of ``_glossary``; refuses to
        start on broken content (run `kb lint` for all errors)."""
        folder = folder or data_dir("knowledge")
        entries, problems = load_entries(folder)
        concepts, wrong = load_wordlist(folder)
        problems += wrong + lint_labels(entries, folder)
        if problems:
            first = problems[0]
            raise ContentError(first.path, first.line, first.message)
        return cls(entries, passages=load_passages(folder / "_sources"), concepts=concepts,
                   labels=load_labels(folder), **kw)

    def search(self, query: str, audience: str = "citizen", top: int = 3,
               municipality: str | None = None) -> SearchResult:
        return self.index.search(query, audience=audience, today=self.today(), top=top,
                                 municipality=municipality)

    def reads_as_latin_ukrainian(self, text: str) -> bool:
        """Whether the search reads ``text`` as Ukrainian typed in Latin letters ("dobryi
        den, chy mozhu ya pratsiuvaty v danii?"): at least two of its words that are no
        Danish or English word it knows are Ukrainian words in Cyrillic
        (:meth:`Index.latin_ukrainian`)."""
        read = self.index.latin_ukrainian(text)
        return read is not text and any("\u0400" <= c <= "\u04ff" for c in read)

    def record(self, hit: Hit, lang: str) -> dict[str, object]:
        """One result as ``ask --json`` gives it (DESIGN.md): an entry in ``lang``, or a source
        passage as it stands in its document, cited by its own line range."""
        if hit.entry is not None:
            entry = hit.entry
            return {
                "id": entry.id, "kind": "entry", "title": entry.title[lang], "lang": lang,
                "score": hit.score, "text": entry.body[lang],
                "sources": [{k: v for k, v in (("ref", s.ref), ("url", s.url), ("note", s.note))
                             if v} for s in entry.sources],
                "review_by": entry.review_by.isoformat(),
            }
        assert hit.passage is not None
        passage = hit.passage
        source = {"ref": passage.ref, "url": passage.url, "note": self.notes.get(passage.file)}
        return {
            "id": passage.id, "kind": "passage", "title": passage.heading or passage.file,
            "lang": passage.lang, "score": hit.score, "text": passage.text,
            "sources": [{k: v for k, v in source.items() if v}], "review_by": None,
        }

    def card(self, entry_id: str, audience: str = "citizen",
             municipality: str | None = None) -> Card | None:
        """The entry as a card; None if the audience may not see it, or (``municipality``)
        it is another municipality's."""
        entry = self.entries.get(entry_id)
        if entry is None or not local_to(entry, municipality):
            return None
        if audience == "staff":
            return Card(entry.id, entry.title, entry.body, entry.related)
        if not entry.for_citizens() or entry.stale(self.today()):
            return None
        return Card(entry.id, entry.title, entry.body, entry.related,
                    source=self.labels.line(entry))

    def answer(self, question: str, lang: str, municipality: str | None = None) -> list[Output]:
        """A citizen's answer (entries only, never passages); at a site of ``municipality``,
        only its entries and national ones."""
        result = self.search(question, municipality=municipality)
        found = [h.entry for h in result.hits if h.entry is not None]
        if result.outcome == "answer" and found:
            card = self.card(found[0].id, municipality=municipality)
            assert card is not None
            return [card]
        if result.outcome == "suggest" and found:
            options = tuple(Choice(str(i), entry.title, f"entry:{entry.id}")
                            for i, entry in enumerate(found, 1))
            # no count: the conversation adds a guide and "Talk to staff" to these options
            # ("I found 1 possible answer:" stood over two)
            return [Say(tr("I am not sure what you mean. Choose one of these:"), "prompt"),
                    Choices(options)]
        if result.missing == "amount":
            return [Say(tr("Sorry, I do not have the amounts for that. A member of staff can "
                           "help you, or you can book a meeting."), "notice")]
        if result.missing == "year":
            return [Say(tr("Sorry, I do not have the figures for that year. A member of staff can "
                           "help you, or you can book a meeting."), "notice")]
        if result.missing == "contact":
            return [Say(tr("Sorry, I do not have that phone number or address. A member of "
                           "staff can help you, or you can book a meeting."), "notice")]
        return [Say(tr("Sorry, I do not know the answer to that. A member of staff can help "
                       "you, or you can book a meeting."), "notice")]


def document_notes(entries: Iterable[Entry]) -> dict[str, str]:
    """What each source document is ("Slagelse Kommune, Beskæftigelsesplan 2023-24"): the note
    the entries give it most often (the shortest of equals), for passages cited from it."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for entry in entries:
        for source in entry.sources:
            if source.note:
                counts[source.file][source.note] += 1
    return {file: min(notes, key=lambda n: (-notes[n], len(n), n))
            for file, notes in counts.items()}

