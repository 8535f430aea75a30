"""Ranked search over the knowledge base: curated entries, and for staff the source passages.

How a question is read (all terms are folded lemmas, :mod:`assistant.knowledge.analysis`):
1. Each content word becomes a *slot*: its lemmas in whichever of da/en/uk know the form.
2. The typo layer (rapidfuzz): a word whose lemmas the index lacks is corrected against the
   index vocabulary (words of similar length, ratio >= ``WORD_SIM``), weighted by similarity.
3. The glossary (:mod:`assistant.knowledge.glossary`) adds, to the slots that name a concept in
   one language, that concept's terms in the others, at a lower weight: "adult apprenticeship"
   also looks for "voksenlærling" in the Danish plans.
4. BM25F ranks each index (``bm25s`` builds the term-document weights; a field's weight is how
   often its words are repeated): entries have title, terms and body in all three languages;
   a passage has its heading and text. A slot scores the best of its alternatives.
5. A score is the share of the question's weight that the document earns (0-100): the sum
   of its slot scores over what the best document could earn for each slot, counting a word
   the index has never seen as the heaviest word. So a question about pizza cannot score well
   however well "order" matches.
The outcome: "answer" when the top entry clears ``ANSWER_AT`` and the runner-up by ``MARGIN``;
"suggest" when something clears ``SUGGEST_AT`` (passages: ``PASSAGE_AT``); else "none".
Thresholds were chosen on the labelled questions' dev split (tests/data/questions).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from assistant.knowledge.analysis import (
    STOPWORDS,
    Lemmas,
    compound_parts,
    content_words,
    fold_word,
    lemma_language,
    words,
)
from assistant.knowledge.model import Entry
from assistant.knowledge.normalize import fold
from assistant.knowledge.passages import Passage

logging.getLogger("bm25s").setLevel(logging.WARNING)
import bm25s  # noqa: E402  (bm25s sets its logger to DEBUG on import)

ANSWER_AT = 65.0
"""A top entry at least this high, clear of the runner-up, is an answer."""
MARGIN = 15.0
SUGGEST_AT = 40.0
"""Below this no entry is suggested."""
PASSAGE_AT = 15.0
"""Below this no passage is shown."""
KEY_WEIGHT = 0.35
"""How much the share of the question named by an entry's title and terms counts."""
CANDIDATES = 40
"""Entries ranked by BM25F that the key share then reorders."""
KEY_AT = 0.0
NAMED_AT = 10.0
"""An entry whose title and terms name two of the question's words is suggested from here."""
PASSAGE_WORDS = 2.0
PASSAGE_ROOM = 1
"""Places kept for passages (when some are found) after a suggestion's entries."""
ANSWER_KEY_AT = 30.0
PASSAGE_KEY_AT = 30.0
WORD_SIM = 84.0
"""rapidfuzz ratio a misspelt word needs to count as a vocabulary word."""
MIN_TYPO_LENGTH = 5
TITLE_REPEAT = 3
TERMS_REPEAT = 3
HEADING_REPEAT = 2
K1 = 1.2
B = 0.75
PASSAGE_B = 0.5
MAX_WORDS = 40
"""Longer questions are cut: a story around one key word still has the word in 40."""


@dataclass(frozen=True)
class Hit:
    entry: Entry | None
    score: float
    passage: Passage | None = None

    @property
    def kind(self) -> str:
        return "entry" if self.entry is not None else "passage"

    @property
    def id(self) -> str:
        if self.entry is not None:
            return self.entry.id
        assert self.passage is not None
        return self.passage.id


@dataclass(frozen=True)
class SearchResult:
    query: str
    outcome: str
    """"answer" (one confident entry), "suggest" (candidates) or "none"."""
    hits: tuple[Hit, ...]


@dataclass
class Slot:
    """One content word of a question: the index terms it may stand for, with weights."""

    word: str
    terms: dict[str, float] = field(default_factory=dict)
    weight: float = 1.0
    """A part of a split compound counts half."""

    def add(self, term: str, weight: float) -> None:
        if weight > self.terms.get(term, 0.0):
            self.terms[term] = weight


class FieldIndex:
    """BM25F over documents made of weighted fields (bm25s builds the weights)."""

    def __init__(self, docs: Sequence[Sequence[tuple[Sequence[str], int]]], k1: float = 1.2,
                 b: float = 0.75) -> None:
        vocab: dict[str, int] = {}
        corpus: list[list[int]] = []
        for fields in docs:
            ids: list[int] = []
            for terms, repeat in fields:
                row = [vocab.setdefault(t, len(vocab)) for t in terms]
                ids.extend(row * repeat)
            corpus.append(ids)
        self.size = len(corpus)
        self.vocab = vocab
        if not vocab:
            self.data = np.zeros(0, dtype=np.float32)
            self.indices = np.zeros(0, dtype=np.int32)
            self.indptr = np.zeros(1, dtype=np.int64)
            self.upper = np.zeros(0, dtype=np.float32)
            self.heaviest = 1.0
            return
        model = bm25s.BM25(k1=k1, b=b, method="lucene")
        model.index((corpus, vocab), create_empty_token=False, show_progress=False)
        scores = model.scores
        self.data = np.asarray(scores["data"], dtype=np.float32)
        self.indices = np.asarray(scores["indices"], dtype=np.int32)
        self.indptr = np.asarray(scores["indptr"], dtype=np.int64)
        self.upper = np.maximum.reduceat(self.data, self.indptr[:-1]).astype(np.float32)
        self.heaviest = float(self.upper.max())

    def idf(self, term: str) -> float | None:
        """The term's inverse document frequency (None: the index does not hold it)."""
        v = self.vocab.get(term)
        if v is None:
            return None
        df = int(self.indptr[v + 1] - self.indptr[v])
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    @property
    def rarest(self) -> float:
        """The idf of a word found in one document: what a word the index lacks weighs."""
        return math.log(1 + (self.size - 0.5) / 1.5)

    def coverage(self, slots: Sequence[Slot],
                 docs: Sequence[int]) -> dict[int, tuple[float, float]]:
        """For each of ``docs``: the share (0-1) of the question's words the document holds,
        each word weighted by its idf (a word the index lacks as the rarest), and how many
        of the words it holds (a compound's part counts as its share)."""
        weights: list[float] = []
        for slot in slots:
            idfs = [i for i in map(self.idf, slot.terms) if i is not None]
            weights.append((max(idfs) if idfs else self.rarest) * slot.weight)
        total = sum(weights) or 1.0
        wanted = np.asarray(docs, dtype=np.int32)
        got = np.zeros(wanted.size)
        count = np.zeros(wanted.size)
        for slot, weight in zip(slots, weights, strict=True):
            held = np.zeros(wanted.size)
            for term, w in slot.terms.items():
                v = self.vocab.get(term)
                if v is None:
                    continue
                column = self.indices[self.indptr[v]:self.indptr[v + 1]]
                at = np.minimum(np.searchsorted(column, wanted), column.size - 1)
                held = np.maximum(held, (column[at] == wanted) * w)
            got += weight * held
            count += slot.weight * (held > 0)
        return {int(doc): (float(got[n]) / total, float(count[n]))
                for n, doc in enumerate(wanted)}

    def score(self, slots: Iterable[Slot]) -> np.ndarray:
        """The share (0-1) of the question's weight each document earns."""
        total = np.zeros(self.size, dtype=np.float32)
        best = np.zeros(self.size, dtype=np.float32)
        denominator = 0.0
        for slot in slots:
            known = [(self.vocab[t], w) for t, w in slot.terms.items() if t in self.vocab]
            if not known:
                denominator += self.heaviest * slot.weight
                continue
            # a typo or a glossary word earns its weight's share of what the word could earn
            denominator += max(float(self.upper[v]) for v, _w in known) * slot.weight
            if len(known) == 1:
                v, w = known[0]
                lo, hi = self.indptr[v], self.indptr[v + 1]
                total[self.indices[lo:hi]] += self.data[lo:hi] * (w * slot.weight)
                continue
            touched: list[np.ndarray] = []
            for v, w in known:
                lo, hi = self.indptr[v], self.indptr[v + 1]
                docs = self.indices[lo:hi]
                np.maximum.at(best, docs, self.data[lo:hi] * (w * slot.weight))
                touched.append(docs)
            docs = np.unique(np.concatenate(touched))
            total[docs] += best[docs]
            best[docs] = 0.0
        if denominator <= 0:
            return total
        return total / denominator


class Index:
    """Built once per process from the entries (and passages); searching does not touch the
    disk."""

    def __init__(self, entries: Iterable[Entry], passages: Iterable[Passage] = ()) -> None:
        from assistant.knowledge.glossary import Glossary

        self.entries: list[Entry] = list(entries)
        self.passages: list[Passage] = list(passages)
        self.by_id = {e.id: i for i, e in enumerate(self.entries)}
        # every field's content words once: (language, words, repeat) per field
        entry_fields = [
            [*((lang, content_words(e.title[lang]), TITLE_REPEAT) for lang in e.title),
             *((lang, content_words(" ".join(e.terms.get(lang, ()))), TERMS_REPEAT)
               for lang in e.terms),
             *((lang, content_words(e.body[lang]), 1) for lang in e.body)]
            for e in self.entries
        ]
        passage_fields = [
            [(p.lang, content_words(p.heading), HEADING_REPEAT),
             (p.lang, content_words(p.text), 1)]
            for p in self.passages
        ]
        vocabulary: dict[str, set[str]] = defaultdict(set)
        for fields in (*entry_fields, *passage_fields):
            for lang, found, _repeat in fields:
                vocabulary[lang].update(found)
        self.lemmas = Lemmas.for_words(vocabulary)
        self.compounds = self.lemmas.compounds

        def lemmatized(fields: list[tuple[str, list[str], int]]) -> list[tuple[list[str], int]]:
            of, compounds = self.lemmas.of, self.compounds
            out = []
            for lang, found, repeat in fields:
                terms = [t for t in (of(w, lang) for w in found) if t not in STOPWORDS]
                # a compound also stands for its parts: "vejledningssamtale" is a "samtale"
                terms += [part for t in terms if t in compounds for part in compounds[t]]
                out.append((terms, repeat))
            return out

        self.entry_index = FieldIndex([lemmatized(f) for f in entry_fields], K1, B)
        self.key_index = FieldIndex([[(terms, 1) for terms, repeat in lemmatized(f)
                                      if repeat > 1] for f in entry_fields])
        self.passage_index = FieldIndex([lemmatized(f) for f in passage_fields], K1, PASSAGE_B)
        vocab = set(self.entry_index.vocab) | set(self.passage_index.vocab)
        by_length: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word in sorted(vocab):
            by_length[(word[0], len(word))].append(word)
        self.vocab = vocab
        self.by_length = dict(by_length)
        self.glossary = Glossary(self.entries, self)
        self.phrases: dict[str, set[int]] = defaultdict(set)
        for i, entry in enumerate(self.entries):
            keys = {fold(t) for t in entry.title.values()}
            keys |= {fold(t) for terms in entry.terms.values() for t in terms}
            for key in keys:
                parts = key.split()
                if len(parts) > 1 and any(w in STOPWORDS for w in parts):
                    self.phrases[key].add(i)

    def terms_of(self, texts: dict[str, str]) -> list[str]:
        """Index terms of a text given in several languages."""
        return [term for lang, text in texts.items() for term in self.terms(text, lang)]

    def terms(self, text: str, lang: str) -> list[str]:
        """Index terms of ``text`` in ``lang``: folded lemmas, stopwords left out."""
        of = self.lemmas.of
        return [t for t in (of(word, lang) for word in content_words(text)) if t not in STOPWORDS]

    # -- questions --------------------------------------------------------------------------

    def slots(self, query: str) -> list[Slot]:
        out: list[Slot] = []
        seen: set[str] = set()
        for word in words(query)[:MAX_WORDS]:
            folded = fold_word(word)
            if folded in STOPWORDS or (len(folded) < 2 and not folded.isdigit()):
                continue
            if folded in seen:
                continue
            seen.add(folded)
            slot = Slot(folded)
            candidates = {folded, *self.lemmas.of_question_word(folded)}
            lang_guess = lemma_language(word, "da")
            candidates.add(self.lemmas.of(word, lang_guess))
            if candidates & STOPWORDS and not candidates - STOPWORDS - {folded}:
                continue  # a function word that only its lemma shows to be one ("була")
            for term in candidates - STOPWORDS:
                if term in self.vocab:
                    slot.add(term, 1.0)
            if not slot.terms and not folded.isdigit():
                parts = self.split(folded)
                if parts:
                    out.extend(Slot(part, {part: 1.0}, weight=0.5) for part in parts)
                    continue
                for sim, term in self.similar(folded):
                    slot.add(term, sim / 100.0)
            out.append(slot)
        return out

    def split(self, word: str) -> tuple[str, str] | None:
        """A question's compound that the index lacks, as two index terms ("sygedagpenge-
        perioden" -> "sygedagpenge", "periode")."""
        lemmas = self.lemmas

        def lemma(part: str) -> str | None:
            if part in self.vocab:
                return part
            return next((t for t in lemmas.of_question_word(part) if t in self.vocab), None)

        class Known:
            def __contains__(self, part: object) -> bool:
                return isinstance(part, str) and lemma(part) is not None

        parts = compound_parts(word, Known())
        if parts is None:
            return None
        modifier, head = (lemma(p) for p in parts)
        return (modifier, head) if modifier and head else None

    def similar(self, word: str, limit: int = 3) -> list[tuple[float, str]]:
        """Vocabulary words close to ``word``, best first: the same first letter (a typo
        rarely hits it), a similar length, and a rapidfuzz ratio of at least WORD_SIM."""
        if len(word) < MIN_TYPO_LENGTH:
            return []
        slack = max(1, len(word) * (100 - int(WORD_SIM)) // 100 + 1)
        found: list[tuple[float, str]] = []
        for length in range(max(1, len(word) - slack), len(word) + slack + 1):
            candidates = self.by_length.get((word[0], length))
            if not candidates:
                continue
            for term, sim, _k in process.extract(word, candidates, scorer=fuzz.ratio,
                                                  score_cutoff=WORD_SIM, limit=limit):
                found.append((sim, term))
        found.sort(key=lambda pair: (-pair[0], pair[1]))
        return found[:limit]

    def entry_scores(self, query: str, slots: list[Slot] | None = None) -> np.ndarray:
        slots = self.slots(query) if slots is None else slots
        scores = self.entry_index.score(slots) * 100.0
        # a term that the stopword filter would cut down ("min plan", "et trin op") counts in
        # full when the question writes it out
        full = fold(query).split()
        for n in range(2, min(5, len(full)) + 1):
            for start in range(len(full) - n + 1):
                for owner in self.phrases.get(" ".join(full[start:start + n]), ()):
                    scores[owner] = max(scores[owner], 100.0)
        return scores

    def passage_scores(self, slots: list[Slot]) -> np.ndarray:
        return self.passage_index.score(self.glossary.expand(slots)) * 100.0

    def rank(self, query: str, audience: str = "citizen", today: dt.date | None = None,
             top: int = 3) -> Ranking:
        """The candidates for ``query``, before any threshold: entries the audience may see
        (at least two, for the margin) and, for staff, passages; best first."""
        today = today or dt.date.today()
        slots = self.slots(query)
        if not slots:
            return Ranking((), ())
        scores = self.entry_scores(query, slots)
        order = [int(i) for i in _ranked(scores, CANDIDATES)
                 if self._visible(self.entries[i], audience, today)]
        keys = self.key_index.coverage(slots, order)
        # the entry's own title and terms naming the question's words decide among
        # candidates that the bodies rank alike
        mixed = {i: (1 - KEY_WEIGHT) * float(scores[i]) + KEY_WEIGHT * 100 * keys[i][0]
                 for i in order}
        order.sort(key=lambda i: (-round(mixed[i], 1), self.entries[i].id))
        entries = tuple(Candidate(i, round(mixed[i], 1), round(100 * keys[i][0], 1),
                                  keys[i][1]) for i in order[:max(top, 2)])
        passages: tuple[Candidate, ...] = ()
        if audience == "staff" and self.passages:
            expanded = self.glossary.expand(slots)
            found = self.passage_index.score(expanded) * 100.0
            best = _ranked(found, top)
            held = self.passage_index.coverage(expanded, best)
            passages = tuple(Candidate(i, round(float(found[i]), 1), round(100 * held[i][0], 1),
                                       held[i][1]) for i in best)
        return Ranking(entries, passages)

    def search(self, query: str, *, audience: str = "citizen", today: dt.date | None = None,
               top: int = 3) -> SearchResult:
        top = max(top, 1)
        outcome, entries, passages = decide(self.rank(query, audience, today, top), top)
        hits = [Hit(self.entries[c.index], c.score) for c in entries]
        hits += [Hit(None, c.score, self.passages[c.index]) for c in passages]
        return SearchResult(query, outcome, tuple(hits))

    @staticmethod
    def _visible(entry: Entry, audience: str, today: dt.date) -> bool:
        if audience == "staff":
            return True
        return entry.for_citizens() and not entry.stale(today)


def _ranked(scores: np.ndarray, n: int) -> list[int]:
    """Indices of the ``n`` highest non-zero scores, best first (ties: lower index first)."""
    nonzero = np.flatnonzero(scores)
    if nonzero.size == 0:
        return []
    if nonzero.size > n:
        part = np.argpartition(-scores[nonzero], n - 1)[:n]
        nonzero = nonzero[part]
    return sorted((int(i) for i in nonzero), key=lambda i: (-float(scores[i]), i))


@dataclass(frozen=True)
class Candidate:
    index: int
    score: float
    """BM25F, as the share of what the question could earn (0-100)."""
    key: float
    """Entries: the share of the question's words (idf-weighted) in the title and terms;
    passages: the share anywhere in the passage (0-100)."""
    words: float = 0.0
    """How many of the question's words those are."""


@dataclass(frozen=True)
class Ranking:
    entries: tuple[Candidate, ...]
    passages: tuple[Candidate, ...]


def decide(ranking: Ranking, top: int) -> tuple[str, list[Candidate], list[Candidate]]:
    """The outcome and what is shown: entries first, then passages. An entry is shown when
    it scores SUGGEST_AT and names at least KEY_AT of the question in its title or terms;
    the first is the answer when it also clears ANSWER_AT and the runner-up by MARGIN. A
    passage is shown when it scores PASSAGE_AT and holds PASSAGE_KEY_AT of the question; when
    one is, the last place is kept for it (unless only one result is asked for)."""
    entries = [c for c in ranking.entries if c.key >= KEY_AT and (
        (c.score >= SUGGEST_AT and c.words >= 1) or (c.score >= NAMED_AT and c.words >= 2))]
    outcome = "none"
    if entries:
        first = entries[0]
        runner_up = next((c.score for c in ranking.entries if c is not first), 0.0)
        answer = (first is ranking.entries[0] and first.score >= ANSWER_AT
                  and first.score - runner_up >= MARGIN and first.key >= ANSWER_KEY_AT)
        outcome = "answer" if answer else "suggest"
        if answer:
            entries = entries[:1]
    passages = [c for c in ranking.passages if c.score >= PASSAGE_AT
                and c.key >= PASSAGE_KEY_AT and c.words >= PASSAGE_WORDS]
    if passages:
        room = 1 if outcome == "answer" or top == 1 else max(1, top - PASSAGE_ROOM)
        entries = entries[:room]
        passages = passages[:top - len(entries)]
    else:
        entries = entries[:top]
    if outcome == "none" and passages:
        outcome = "suggest"
    return outcome, entries, passages

