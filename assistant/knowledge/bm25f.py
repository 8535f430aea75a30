"""BM25F over documents made of weighted fields, and the question words it scores.

``bm25s`` builds the term-document weights (Lucene's BM25); a field's weight is how often its
words are repeated in the document (BM25F with one length normalisation). A question is a list
of :class:`Slot`: one per word, each with the index terms it may stand for (its lemmas, a
corrected typo, a translation) and how sure each is. A document earns, per slot, the best of
its terms' BM25 weights times that sureness.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

logging.getLogger("bm25s").setLevel(logging.WARNING)
import bm25s  # noqa: E402  (bm25s sets its logger to DEBUG on import)


@dataclass
class Slot:
    """One content word of a question: the index terms it may stand for, with weights."""

    word: str
    terms: dict[str, float] = field(default_factory=dict)
    weight: float = 1.0
    """A part of a split compound counts half."""
    outside: bool = False
    """The word names a subject no source covers (the word list's outside subjects)."""
    missing: set[str] = field(default_factory=set)
    """The details the sources do not give for the subject the word names ("amount")."""
    general: bool = False
    """... and the word names no particular subject ("benefit"): the detail counts as missing
    only when no other word of the question names one."""
    concepts: set[int] = field(default_factory=set)
    """The word list's concepts the word names (by index)."""

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

    def share(self, term: str) -> float:
        """The share of the documents that hold ``term`` (0-1)."""
        v = self.vocab.get(term)
        if v is None or not self.size:
            return 0.0
        return int(self.indptr[v + 1] - self.indptr[v]) / self.size

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
                docs = self.indices[lo:hi]  # a term's documents are distinct
                best[docs] = np.maximum(best[docs], self.data[lo:hi] * (w * slot.weight))
                touched.append(docs)
            # a document several terms touch is listed more than once; fancy-index addition
            # adds once per distinct index, and every copy carries the same best value
            docs = np.concatenate(touched)
            total[docs] += best[docs]
            best[docs] = 0.0
        if denominator <= 0:
            return total
        return total / denominator
