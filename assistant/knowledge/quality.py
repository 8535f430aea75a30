"""Search quality against labelled questions: hit@1, hit@3, confidently wrong, abstention.

Two kinds of labelled question:
- the project's own (``tests/data/questions/*.yaml``): ``expect`` names the entry id that should
  come back (null: out of scope);
- the blind set (``tests/data/blind/blind_questions.yaml``), written by someone who saw only the
  source documents and the facts file: ``fact`` is a regular expression (IGNORECASE) that the
  text of a right result must match, whatever entry or passage it comes from (null: out of
  scope). It is split into dev and test halves by :func:`split`.

A result list is judged as a user would see it: hit@k when one of the first k results holds
the fact; *confidently wrong* when the outcome is "answer" and the first result does not hold
it (for an out-of-scope question, any "answer"); *abstained* when the outcome is "none".
Used by ``bench/search.py`` and ``tests/test_search_quality.py``.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

SEED = 20261206


@dataclass(frozen=True)
class Question:
    id: str
    q: str
    lang: str
    audience: str
    fact: str | None = None
    """Blind set: the regular expression a right result's text matches."""
    expect: str | None = None
    """Project set: the entry id that should come back."""
    kind: str = ""

    @property
    def in_scope(self) -> bool:
        return self.fact is not None or self.expect is not None


@dataclass(frozen=True)
class Shown:
    """One result as the user sees it."""

    id: str
    kind: str
    title: str
    text: str


Ask = Callable[[Question], tuple[str, Sequence[Shown]]]
"""A search under test: the question -> (outcome, results in order)."""


def load_project(folder: Path) -> list[Question]:
    out: list[Question] = []
    for path in sorted(folder.glob("*.yaml")):
        for n, item in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
            out.append(Question(id=f"{path.stem}-{n}", q=item["q"], lang=item["lang"],
                                audience=item.get("audience", "staff"),
                                expect=item.get("expect"), kind=path.stem))
    return out


def load_blind(path: Path) -> list[Question]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [Question(id=item["id"], q=item["q"], lang=item["lang"], audience=item["audience"],
                     fact=item.get("fact"), kind=item.get("kind", "")) for item in items]


def split(questions: Iterable[Question], seed: int = SEED) -> tuple[list[Question],
                                                                     list[Question]]:
    """(dev, test): 50/50 within each stratum (language, audience, in scope or not); each
    stratum's ids sorted, shuffled with ``random.Random(seed)``, the first half (rounded up)
    dev."""
    strata: dict[tuple[str, str, bool], list[Question]] = defaultdict(list)
    for q in questions:
        strata[(q.lang, q.audience, q.in_scope)].append(q)
    rng = random.Random(seed)
    dev: list[Question] = []
    test: list[Question] = []
    for key in sorted(strata):
        group = sorted(strata[key], key=lambda q: q.id)
        rng.shuffle(group)
        half = (len(group) + 1) // 2
        dev.extend(group[:half])
        test.extend(group[half:])
    return sorted(dev, key=lambda q: q.id), sorted(test, key=lambda q: q.id)


def holds(question: Question, shown: Shown) -> bool:
    if question.expect is not None:
        return shown.id == question.expect
    if question.fact is None:
        return False
    pattern = re.compile(question.fact, re.IGNORECASE)
    return bool(pattern.search(shown.text) or pattern.search(shown.title))


@dataclass(frozen=True)
class Verdict:
    question: Question
    outcome: str
    ids: tuple[str, ...]
    hit1: bool
    hit3: bool
    confidently_wrong: bool


def judge(question: Question, outcome: str, results: Sequence[Shown]) -> Verdict:
    shown = list(results) if outcome != "none" else []
    hit1 = bool(shown) and holds(question, shown[0])
    hit3 = any(holds(question, s) for s in shown[:3])
    wrong = outcome == "answer" and not hit1
    return Verdict(question, outcome, tuple(s.id for s in shown[:3]), hit1, hit3, wrong)


def run(questions: Iterable[Question], ask: Ask) -> list[Verdict]:
    return [judge(q, *ask(q)) for q in questions]


@dataclass(frozen=True)
class Figures:
    n: int
    hit1: float
    hit3: float
    wrong: float
    """Confidently wrong, as a share of all questions of the group (in scope or not)."""


def figures(verdicts: Iterable[Verdict]) -> Figures:
    items = list(verdicts)
    scoped = [v for v in items if v.question.in_scope]
    n = len(scoped)
    return Figures(
        n=n,
        hit1=sum(v.hit1 for v in scoped) / n if n else 0.0,
        hit3=sum(v.hit3 for v in scoped) / n if n else 0.0,
        wrong=sum(v.confidently_wrong for v in items) / len(items) if items else 0.0,
    )


def abstention(verdicts: Iterable[Verdict]) -> tuple[int, float]:
    """(how many out-of-scope questions, the share that got "none")."""
    probes = [v for v in verdicts if not v.question.in_scope]
    if not probes:
        return 0, 1.0
    return len(probes), sum(v.outcome == "none" for v in probes) / len(probes)


def breakdown(verdicts: Iterable[Verdict]) -> dict[str, Figures]:
    """Figures for all questions, per language and per audience."""
    items = list(verdicts)
    groups: dict[str, list[Verdict]] = {"all": items}
    for v in items:
        groups.setdefault(v.question.lang, []).append(v)
        groups.setdefault(v.question.audience, []).append(v)
    return {key: figures(group) for key, group in groups.items()}
