"""A cross-language glossary derived from the entries, which say everything in da, en and uk.

Used for the passages only (an entry holds all three languages itself), so that an English or
Ukrainian question finds the Danish plans and the English facts file, whose passages are in one
language each.

Each entry gives aligned text: its title and search terms name one concept in da, en and uk,
and its three bodies are translations line by line (lint keeps them to the same lines). A word
and its translation keep turning up in the same aligned unit; so a word pair found together in
at least ``MIN_PAIRS`` units, with a Dice coefficient of at least ``MIN_DICE``, is taken as a
translation ("employer" -> "arbejdsgiver", "тиждень" -> "uge", "pension" -> "førtidspension").
A question's word then also looks for its translations, at ``WORD_WEIGHT`` times the Dice
coefficient of what the word itself would earn.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Container, Iterable
from typing import TYPE_CHECKING

from assistant.knowledge.analysis import cached
from assistant.knowledge.bm25f import Slot
from assistant.knowledge.model import Entry

if TYPE_CHECKING:  # pragma: no cover
    from assistant.knowledge.search import Index

WORD_WEIGHT = 0.8
MIN_PAIRS = 2
MIN_DICE = 0.5
MAX_TRANSLATIONS = 2
MAX_UNIT_TERMS = 40
"""Longer units (a paragraph, not a line) pair too many words to say which translates which."""
MIN_MATCH = 0.85
"""A question's word is translated when it is this sure (the word itself or a close typo)."""


class Glossary:
    def __init__(self, entries: Iterable[Entry], index: Index) -> None:
        units = aligned_units(entries, index)
        wanted = index.passage_index.vocab
        key = {"units": [{lang: sorted(terms) for lang, terms in sorted(unit.items())}
                         for unit in units],
               "wanted": sorted(wanted),
               "rules": [MIN_PAIRS, MIN_DICE, MAX_TRANSLATIONS, MAX_UNIT_TERMS]}
        found = cached("glossary", key, lambda: translations(units, wanted), __file__)
        self.words = {x: [(y, float(d)) for y, d in ys] for x, ys in found.items()}

    def expand(self, slots: list[Slot]) -> list[Slot]:
        """Copies of ``slots`` that also look for the translations of their words."""
        out = []
        for slot in slots:
            copy = Slot(slot.word, dict(slot.terms), slot.weight)
            for term, weight in slot.terms.items():
                if weight >= MIN_MATCH:
                    for target, dice in self.words.get(term, ()):
                        copy.add(target, WORD_WEIGHT * dice * weight)
            out.append(copy)
        return out


def aligned_units(entries: Iterable[Entry], index: Index) -> list[dict[str, set[str]]]:
    """Language -> index terms, for each unit the entries align: a title with its search
    terms, and each line of the bodies (where the three bodies have the same lines)."""
    units: list[dict[str, set[str]]] = []
    for entry in entries:
        units.append({lang: set(index.terms(" ".join([entry.title[lang],
                                                      *entry.terms.get(lang, ())]), lang))
                      for lang in entry.title})
        lines = {lang: [x for x in entry.body[lang].split("\n") if x.strip()]
                 for lang in entry.body}
        if len({len(parts) for parts in lines.values()}) != 1:
            continue  # not aligned line by line: nothing to learn from it
        count = len(next(iter(lines.values())))
        for k in range(count):
            units.append({lang: set(index.terms(parts[k], lang))
                          for lang, parts in lines.items()})
    return units


def translations(units: Iterable[dict[str, set[str]]],
                 wanted: Container[str]) -> dict[str, list[tuple[str, float]]]:
    """Each term -> up to MAX_TRANSLATIONS terms of other languages that ``wanted`` holds,
    best first, with their Dice coefficient over the aligned units."""
    units = [unit for unit in units if max(map(len, unit.values()), default=0) <= MAX_UNIT_TERMS]
    seen: Counter[tuple[str, str]] = Counter()
    for unit in units:
        for lang, terms in unit.items():
            seen.update((lang, t) for t in terms)
    together: Counter[tuple[str, str, str, str]] = Counter()
    for unit in units:
        # a word of one unit only cannot make MIN_PAIRS: leave it out before pairing
        often = {lang: [t for t in terms if seen[(lang, t)] >= MIN_PAIRS]
                 for lang, terms in unit.items()}
        for b in sorted(unit):
            targets = [t for t in often[b] if t in wanted]
            if not targets:
                continue
            for a in sorted(unit):
                if a != b:
                    together.update((a, x, b, y) for x in often[a] if x not in unit[b]
                                    for y in targets)
    best: dict[str, dict[str, float]] = defaultdict(dict)
    for (a, x, b, y), n in together.items():
        if n < MIN_PAIRS:
            continue
        dice = 2 * n / (seen[(a, x)] + seen[(b, y)])
        if dice >= MIN_DICE and dice > best[x].get(y, 0.0):
            best[x][y] = dice
    return {x: sorted(ys.items(), key=lambda p: (-p[1], p[0]))[:MAX_TRANSLATIONS]
            for x, ys in sorted(best.items())}
