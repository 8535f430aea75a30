"""Multilingual fuzzy search over the knowledge base (rapidfuzz).

Two signals per entry, both on folded text (:mod:`assistant.knowledge.normalize`):
- *key*: the question against each title and search term (WRatio: handles word order, partial
  matches and typos);
- *coverage*: the share of the question's content words (weighted by rarity) that appear,
  allowing typos, in the entry's title, terms or body.
The better of the two decides. Thresholds were chosen on ``tests/data/questions``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from assistant.knowledge.model import Entry
from assistant.knowledge.normalize import fold

ANSWER_AT = 82.0
"""A top score at least this high, clear of the runner-up, is an answer."""
MARGIN = 4.0
SUGGEST_AT = 62.0
"""Below this nothing is suggested: the user is told we do not know."""
WORD_SIM = 82.0
TIE_WEIGHT = 0.15
BODY_WEIGHT = 0.75

STOPWORDS: frozenset[str] = frozenset(fold(w) for w in """
hvad er hvordan hvor hvem hvornår hvorfor kan jeg mig min mit mine du dig din det den de en et
at og i på til om for med af har have skal vil gerne vide mere noget der som man få ved være
bliver hvis eller fra ikke nu så sig jer vi os deres hvilke hvilken mon må gør gøre betyder
what is a an the how do does i me my can to for of in on about get whats tell and or are be it
with who when where want need please you your know more which why am will should there this
що таке як де хто коли чи я мені мій моя моє можу можна про для в у на з і та це є треба
потрібно хочу мене мої які який яка бути а але чому скільки ви вам ваш мати
""".split())


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float


@dataclass(frozen=True)
class SearchResult:
    query: str
    outcome: str
    """"answer" (one confident hit), "suggest" (up to 3 candidates) or "none"."""
    hits: tuple[Hit, ...]


def content_words(query: str) -> list[str]:
    return [w for w in fold(query).split() if w not in STOPWORDS and len(w) > 1]


class Index:
    """Built once per process from the entries; searching does not touch the disk.

    Two stages keep it fast at tens of thousands of entries: word-level fuzzy matching
    (against vocabulary words of similar length only) finds candidate entries and their
    coverage; the costlier whole-question scorer then runs on the best candidates' titles
    and terms only.
    """

    CANDIDATES = 60

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: list[Entry] = list(entries)
        self.by_id = {e.id: i for i, e in enumerate(self.entries)}
        self.entry_keys: list[list[str]] = []
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        for i, entry in enumerate(self.entries):
            keys = {fold(t) for t in entry.title.values()}
            keys |= {fold(t) for terms in entry.terms.values() for t in terms}
            keys.discard("")
            self.entry_keys.append(sorted(keys))
            for key in keys:
                for word in key.split():
                    postings[word][i] = 1.0
            for body in entry.body.values():
                for word in set(fold(body).split()):
                    postings[word].setdefault(i, BODY_WEIGHT)
        self.vocab: list[str] = list(postings)
        self.postings: list[dict[int, float]] = [postings[w] for w in self.vocab]
        n = max(len(self.entries), 1)
        self.idf: list[float] = [math.log(1 + n / len(p)) for p in self.postings]
        self.max_idf = math.log(1 + n)
        self.phrases: dict[str, set[int]] = defaultdict(set)
        for i, keys in enumerate(self.entry_keys):
            for key in keys:
                words = key.split()
                if len(words) > 1 and any(w in STOPWORDS for w in words):
                    self.phrases[key].add(i)
        by_length: dict[int, list[int]] = defaultdict(list)
        for v, word in enumerate(self.vocab):
            by_length[len(word)].append(v)
        self.length_ids = dict(by_length)
        self.length_words = {k: [self.vocab[v] for v in ids] for k, ids in by_length.items()}

    def _similar(self, word: str) -> list[tuple[float, int]]:
        """Vocabulary words close to ``word`` (ratio >= WORD_SIM), best first, at most 8."""
        # ratio >= 82 is impossible when the lengths differ by more than about a fifth
        slack = max(1, len(word) * (100 - int(WORD_SIM)) // 100 + 1)
        found: list[tuple[float, int]] = []
        for length in range(max(1, len(word) - slack), len(word) + slack + 1):
            words = self.length_words.get(length)
            if not words:
                continue
            ids = self.length_ids[length]
            for _w, sim, k in process.extract(word, words, scorer=fuzz.ratio,
                                               score_cutoff=WORD_SIM, limit=8):
                found.append((sim, ids[k]))
        found.sort(key=lambda pair: -pair[0])
        return found[:8]

    def scores(self, query: str) -> dict[int, float]:
        words = content_words(query)
        if not words:
            return {}
        total = 0.0
        gained: dict[int, float] = defaultdict(float)
        for word in words:
            matches = self._similar(word)
            if not matches:
                total += self.max_idf
                continue
            weight = max(self.idf[v] for _sim, v in matches)
            total += weight
            per_entry: dict[int, float] = {}
            for sim, v in matches:
                for owner, field_weight in self.postings[v].items():
                    value = sim / 100.0 * field_weight
                    if value > per_entry.get(owner, 0.0):
                        per_entry[owner] = value
            for owner, value in per_entry.items():
                gained[owner] += weight * value
        coverage = {owner: 100.0 * got / total for owner, got in gained.items()}
        text = " ".join(words)
        candidates = sorted(coverage, key=lambda owner: -coverage[owner])[: self.CANDIDATES]
        best = dict(coverage)
        for owner in candidates:
            hit = process.extractOne(text, self.entry_keys[owner], scorer=fuzz.WRatio)
            key = hit[1] if hit is not None else 0.0
            # the stronger signal decides; the weaker one breaks near-ties
            high, low = max(key, coverage[owner]), min(key, coverage[owner])
            best[owner] = high * (1 - TIE_WEIGHT) + low * TIE_WEIGHT
        # a term that the stopword filter would cut down ("min plan", "et trin op") counts
        # in full when the question writes it out
        full = fold(query).split()
        for n in range(2, min(5, len(full)) + 1):
            for start in range(len(full) - n + 1):
                for owner in self.phrases.get(" ".join(full[start:start + n]), ()):
                    best[owner] = max(best.get(owner, 0.0), 100.0)
        return best

    def search(self, query: str, *, audience: str = "citizen", today: dt.date | None = None,
               top: int = 3) -> SearchResult:
        today = today or dt.date.today()
        ranked = sorted(
            ((score, i) for i, score in self.scores(query).items()
             if self._visible(self.entries[i], audience, today)),
            key=lambda pair: (-pair[0], self.entries[pair[1]].id),
        )
        hits = tuple(Hit(self.entries[i], round(score, 1)) for score, i in ranked[:max(top, 1)])
        if not hits or hits[0].score < SUGGEST_AT:
            return SearchResult(query, "none", ())
        # The runner-up counts however few hits are asked for: the outcome is the question's.
        runner_up = round(ranked[1][0], 1) if len(ranked) > 1 else 0.0
        if hits[0].score >= ANSWER_AT and hits[0].score - runner_up >= MARGIN:
            return SearchResult(query, "answer", hits[:top])
        return SearchResult(query, "suggest", tuple(h for h in hits if h.score >= SUGGEST_AT))

    @staticmethod
    def _visible(entry: Entry, audience: str, today: dt.date) -> bool:
        if audience == "staff":
            return True
        return entry.for_citizens() and not entry.stale(today)
