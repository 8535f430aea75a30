"""Search benchmark: index build time, per-query latency and accuracy, beside a pure-Python
(difflib) baseline measured in the same run on the same queries.

Run: .venv/bin/python bench/search.py [--quick]
The last line is RESULT followed by key=value pairs.
"""

from __future__ import annotations

import argparse
import difflib
import math
import random
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.knowledge.loader import load_entries  # noqa: E402
from assistant.knowledge.model import Entry  # noqa: E402
from assistant.knowledge.normalize import fold  # noqa: E402
from assistant.knowledge.search import (  # noqa: E402
    ANSWER_AT,
    BODY_WEIGHT,
    MARGIN,
    SUGGEST_AT,
    TIE_WEIGHT,
    WORD_SIM,
    Index,
    content_words,
)

QUESTIONS = ROOT / "tests" / "data" / "questions"


class DifflibIndex:
    """The same two signals as :class:`Index`, computed with difflib instead of rapidfuzz."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.keys: list[tuple[str, int]] = []
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        for i, entry in enumerate(entries):
            keys = {fold(t) for t in entry.title.values()}
            keys |= {fold(t) for terms in entry.terms.values() for t in terms}
            for key in keys:
                self.keys.append((key, i))
                for word in key.split():
                    postings[word][i] = 1.0
            for body in entry.body.values():
                for word in set(fold(body).split()):
                    postings[word].setdefault(i, BODY_WEIGHT)
        self.postings = dict(postings)
        self.vocab = list(postings)
        n = max(len(entries), 1)
        self.idf = {w: math.log(1 + n / len(p)) for w, p in postings.items()}
        self.max_idf = math.log(1 + n)

    def ranked(self, query: str) -> list[tuple[float, int]]:
        words = content_words(query)
        if not words:
            return []
        text = " ".join(words)
        keyed: dict[int, float] = {}
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(text)
        for key, owner in self.keys:
            matcher.set_seq1(key)
            score = 100 * matcher.ratio()
            if score > keyed.get(owner, 0):
                keyed[owner] = score
        total = 0.0
        gained: dict[int, float] = defaultdict(float)
        for word in words:
            close = difflib.get_close_matches(word, self.vocab, n=8, cutoff=WORD_SIM / 100)
            if not close:
                total += self.max_idf
                continue
            weight = max(self.idf[w] for w in close)
            total += weight
            per_entry: dict[int, float] = {}
            for w in close:
                sim = difflib.SequenceMatcher(None, word, w).ratio()
                for owner, fw in self.postings[w].items():
                    per_entry[owner] = max(per_entry.get(owner, 0.0), sim * fw)
            for owner, value in per_entry.items():
                gained[owner] += weight * value
        best: dict[int, float] = {}
        for owner in set(keyed) | set(gained):
            key, cov = keyed.get(owner, 0.0), 100 * gained.get(owner, 0.0) / total
            best[owner] = max(key, cov) * (1 - TIE_WEIGHT) + min(key, cov) * TIE_WEIGHT
        return sorted(((s, i) for i, s in best.items()), key=lambda p: -p[0])


def outcome(ranked: list[tuple[float, str]]) -> tuple[str, list[str]]:
    """The outcome and the top 3 entries above the suggestion threshold (as `ask` lists)."""
    if not ranked or ranked[0][0] < SUGGEST_AT:
        return "none", []
    ids = [i for s, i in ranked[:3] if s >= SUGGEST_AT]
    runner = ranked[1][0] if len(ranked) > 1 else 0.0
    if ranked[0][0] >= ANSWER_AT and ranked[0][0] - runner >= MARGIN:
        return "answer", ids
    return "suggest", ids


def rapidfuzz_ranked(index: Index, query: str) -> list[tuple[float, str]]:
    scores = index.scores(query)
    pairs = sorted(((s, index.entries[i].id) for i, s in scores.items()),
                   key=lambda p: (-p[0], p[1]))
    return pairs


def difflib_ranked(index: DifflibIndex, query: str) -> list[tuple[float, str]]:
    return [(s, index.entries[i].id) for s, i in index.ranked(query)]


def load_questions() -> list[dict]:
    out: list[dict] = []
    for path in sorted(QUESTIONS.glob("*.yaml")):
        out.extend(yaml.safe_load(path.read_text(encoding="utf-8")) or [])
    return out


def accuracy(ranked_fn, questions: list[dict]) -> dict[str, tuple[float, float]]:
    per_lang: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for q in questions:
        kind, ids = outcome(ranked_fn(q["q"]))
        if q.get("expect") is None:
            ok = kind == "none"
            per_lang[q["lang"]].append((ok, ok))
        else:
            per_lang[q["lang"]].append((ids[:1] == [q["expect"]], q["expect"] in ids[:3]))
    return {lang: (sum(a for a, _ in v) / len(v), sum(b for _, b in v) / len(v))
            for lang, v in sorted(per_lang.items())}


def timed(fn, queries: list[str]) -> list[float]:
    times = []
    for q in queries:
        start = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - start) * 1000)
    return times


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, math.ceil(p / 100 * len(values)) - 1)]


def synthetic(entries: list[Entry], size: int, seed: int = 7) -> list[Entry]:
    """A corpus of ``size`` entries: the real ones, then generated ones. Like a real large
    knowledge base, its vocabulary grows with it: a mix of the real words and invented words
    (two per entry on average), so most words are rare and a few are common."""
    rng = random.Random(seed)
    real = sorted({w for e in entries for b in e.body.values() for w in b.split()})
    letters = "abdefghijklmnoprstuvyæøå"
    invented = ["".join(rng.choice(letters) for _ in range(rng.randint(4, 12)))
                for _ in range(2 * size)]
    out = list(entries)
    while len(out) < size:
        base = entries[len(out) % len(entries)]
        n = len(out)

        def noise(k: int) -> str:
            return " ".join(rng.choice(invented) if rng.random() < 0.4 else rng.choice(real)
                            for _ in range(k))

        out.append(replace(
            base, id=f"{base.id}_{n}",
            title={lang: noise(3) for lang in base.title},
            terms={lang: (noise(2), noise(2), noise(1)) for lang in base.terms},
            body={lang: noise(60) for lang in base.body},
        ))
    return out[:size]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller synthetic corpora")
    args = parser.parse_args()
    entries, problems = load_entries()
    if problems:
        print("content problems; run kb lint", file=sys.stderr)
        return 1
    questions = load_questions()
    queries = [q["q"] for q in questions]
    builds = []
    for _ in range(5):
        start = time.perf_counter()
        index = Index(entries)
        builds.append((time.perf_counter() - start) * 1000)
    build_ms = statistics.median(builds)
    base = DifflibIndex(entries)
    fast = timed(index.scores, queries)
    slow = timed(base.ranked, queries)
    print(f"real knowledge base: {len(entries)} entries, {len(queries)} labelled questions")
    print(f"  index build median {build_ms:.1f} ms")
    print(f"  rapidfuzz p50 {pct(fast, 50):.2f} ms  p95 {pct(fast, 95):.2f} ms")
    print(f"  difflib   p50 {pct(slow, 50):.2f} ms  p95 {pct(slow, 95):.2f} ms")
    speedup = statistics.median(slow) / statistics.median(fast)
    acc_fast = accuracy(lambda q: rapidfuzz_ranked(index, q), questions)
    acc_slow = accuracy(lambda q: difflib_ranked(base, q), questions)
    for lang in acc_fast:
        print(f"  {lang}: rapidfuzz hit@1 {acc_fast[lang][0]:.2f} hit@3 {acc_fast[lang][1]:.2f}"
              f" | difflib hit@1 {acc_slow[lang][0]:.2f} hit@3 {acc_slow[lang][1]:.2f}")
    result = {"entries": len(entries), "build_ms": round(build_ms, 1),
              "p50_ms": round(pct(fast, 50), 2), "p95_ms": round(pct(fast, 95), 2),
              "baseline_p95_ms": round(pct(slow, 95), 2), "speedup": round(speedup, 1)}
    for lang, (h1, h3) in acc_fast.items():
        result[f"hit1_{lang}"] = round(h1, 3)
        result[f"hit3_{lang}"] = round(h3, 3)
        result[f"baseline_hit3_{lang}"] = round(acc_slow[lang][1], 3)
    sizes = (1000, 5000) if args.quick else (1000, 10000, 50000)
    sample = queries[:: max(1, len(queries) // 40)]
    for size in sizes:
        corpus = synthetic(entries, size)
        start = time.perf_counter()
        big = Index(corpus)
        big_build = (time.perf_counter() - start) * 1000
        times = timed(big.scores, sample)
        base_big = DifflibIndex(corpus)
        base_times = timed(base_big.ranked, sample[:5])
        ratio = statistics.median(base_times) / statistics.median(times)
        print(f"synthetic {size}: build {big_build:.0f} ms, p50 {pct(times, 50):.2f} ms, "
              f"p95 {pct(times, 95):.2f} ms; difflib p50 {statistics.median(base_times):.0f} ms"
              f" (x{ratio:.0f})")
        result[f"p95_ms_{size}"] = round(pct(times, 95), 2)
        result[f"speedup_{size}"] = round(ratio, 1)
    print("RESULT " + " ".join(f"{k}={v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
