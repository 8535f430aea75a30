"""The curated da/en/uk word list (knowledge/_glossary): validated at load with file and line,
and used by the search so that a word of one language finds the texts of the others."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from assistant.knowledge.base import KnowledgeBase
from assistant.knowledge.lint import lint_all
from assistant.knowledge.wordlist import load_wordlist
from assistant.paths import data_dir
from assistant.yamlsource import ContentError

KNOWLEDGE = data_dir("knowledge")
TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load(today=lambda: TODAY)


def test_the_real_word_list_is_clean_and_covers_the_plans_vocabulary() -> None:
    concepts, problems = load_wordlist(KNOWLEDGE)
    assert not problems, problems
    assert len(concepts) >= 250
    danish = {t for c in concepts for t in c.terms.get("da", ())}
    for word in ("udvalg", "indbygger", "ledig", "mål", "førtidspension", "ungeenhed"):
        assert word in danish, word
    assert all(len(c.terms) >= 2 for c in concepts)


BROKEN = """\
reviewed_by: a test
concepts:
- {da: [udvalg], en: [committee]}
- {da: [ledig]}
- {da: [mål], fr: [objectif]}
- {da: [], en: [target]}
- {da: [indbygger], en: [inhabitant, inhabitant]}
- {da: [udvalg], en: [committee]}
"""


def _knowledge_with(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    for old in (folder / "_glossary").glob("*.yaml"):
        old.unlink()
    (folder / "_glossary" / "broken.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_broken_word_list_is_reported_by_file_and_line(tmp_path: Path) -> None:
    folder = _knowledge_with(tmp_path, BROKEN)
    concepts, problems = load_wordlist(folder)
    path = folder / "_glossary" / "broken.yaml"
    found = {(p.line, p.message) for p in problems}
    assert all(p.path == str(path) for p in problems)
    assert (4, "a concept needs words in at least two languages") in found
    assert (5, "unknown language 'fr' (use da, en, uk)") in found
    assert (6, "'da' must be a word or a list of words") in found
    assert (7, "'inhabitant' is given twice") in found
    assert (8, "the same concept as on line 3") in found
    assert len(problems) == 5 and len(concepts) == 1
    assert any(str(p).startswith(f"{path}:4: ") for p in lint_all(folder))


def test_the_knowledge_base_refuses_to_start_on_a_broken_word_list(tmp_path: Path) -> None:
    folder = _knowledge_with(tmp_path, "concepts: [1, 2\n")
    with pytest.raises(ContentError) as caught:
        KnowledgeBase.load(folder)
    assert caught.value.path.endswith("broken.yaml") and caught.value.line
    folder = _knowledge_with(tmp_path / "again", "concepts:\n- {da: [ledig], en: [x]}\n")
    with pytest.raises(ContentError, match="reviewed_by"):
        KnowledgeBase.load(folder)


@pytest.mark.parametrize("question", [
    "who chaired the committee for jobs in Lejre",
    "хто очолював комітет з питань зайнятості в Lejre",
])
def test_a_question_in_english_or_ukrainian_finds_the_danish_word(kb: KnowledgeBase,
                                                                  question: str) -> None:
    slots = kb.index.slots(question)
    looked_for = {term for slot in slots for term in slot.terms}
    assert {"udvalg", "formand"} <= looked_for


def test_a_phrase_of_the_word_list_stands_for_its_concept(kb: KnowledgeBase) -> None:
    slots = {slot.word: slot.terms for slot in kb.index.slots("disability pension costs")}
    assert slots["disability"]["foertidspension"] == pytest.approx(0.8)
    assert slots["pension"]["foertidspension"] == pytest.approx(0.8)
    # without its partner the word keeps to its own concepts
    alone = {slot.word: slot.terms for slot in kb.index.slots("pension costs")}
    assert "foertidspension" not in alone["pension"]


def test_a_staff_question_in_english_finds_the_danish_plan_passage(kb: KnowledgeBase) -> None:
    question = ("how many full-time persons would Slagelse have on public benefits in 2020 if the "
                "finance ministry's forecast came true")

    def found(base: KnowledgeBase) -> bool:
        hits = base.search(question, audience="staff", top=3).hits
        return any(h.passage is not None and "10.918" in h.passage.text for h in hits)

    assert found(kb)
    # ... which, without the word list, it does not: the plan says it in Danish only
    assert not found(KnowledgeBase(list(kb.entries.values()), today=lambda: TODAY,
                                   passages=kb.passages))


def test_a_subject_called_outside_that_an_entry_names_is_reported(tmp_path: Path) -> None:
    folder = _knowledge_with(tmp_path, "reviewed_by: a test\noutside: true\nconcepts:\n"
                             "- {da: [kørekort], en: [driving licence]}\n"
                             "- {da: [voksenlærling], en: [adult apprenticeship]}\n")
    concepts, problems = load_wordlist(folder)
    assert not problems and all(c.outside for c in concepts)
    found = [p for p in lint_all(folder) if "outside" in p.message]
    path = folder / "_glossary" / "broken.yaml"
    assert [(p.path, p.line) for p in found] == [(str(path), 5), (str(path), 5)]
    assert "entry 'voksenlaerling' names it" in found[0].message


def test_outside_is_true_or_false(tmp_path: Path) -> None:
    folder = _knowledge_with(tmp_path, "reviewed_by: a test\noutside: maybe\nconcepts: []\n")
    assert [(p.line, p.message) for p in load_wordlist(folder)[1]] == [
        (2, "'outside' is true or false")]


def test_a_missing_detail_list_names_subjects_and_the_words_that_ask(tmp_path: Path) -> None:
    folder = _knowledge_with(tmp_path, "reviewed_by: a test\nmissing: amount\nconcepts:\n"
                             "- {da: [dagpenge], en: [unemployment benefit]}\n"
                             "asking:\n- {da: [hvor meget, sats], en: [how much]}\n")
    concepts, problems = load_wordlist(folder)
    assert not problems
    assert [(c.missing, c.asks, c.line) for c in concepts] == [("amount", "", 4),
                                                               ("", "amount", 6)]
    # the list names what entries are about (dagpenge): lint does not refuse it
    assert not [p for p in lint_all(folder) if "broken.yaml" in p.path]


def test_a_missing_detail_list_may_name_a_subject_in_general(tmp_path: Path) -> None:
    folder = _knowledge_with(tmp_path, "reviewed_by: a test\nmissing: amount\nconcepts:\n"
                             "- {da: [dagpenge], en: [unemployment benefit]}\n"
                             "general:\n- {da: [ydelse], en: [benefit]}\n"
                             "asking:\n- {da: [hvor meget], en: [how much]}\n")
    concepts, problems = load_wordlist(folder)
    assert not problems
    assert [(c.missing, c.general, c.asks, c.line) for c in concepts] == [
        ("amount", False, "", 4), ("amount", True, "", 6), ("", False, "amount", 8)]


@pytest.mark.parametrize(("text", "line", "message"), [
    ("missing: rent\nconcepts: []\nasking: []\n", 2,
     "'missing' is one of: amount, contact, count"),
    ("missing: amount\nconcepts: []\n", 2, "lists the words that ask for it"),
    ("concepts: []\nasking: []\n", 3, "lists the words that ask for it"),
    ("outside: true\nmissing: amount\nconcepts: []\nasking: []\n", 3,
     "'outside' or 'missing', not both"),
    ("missing: amount\nconcepts: []\nasking: how much\n", 4, "'asking' is a list of concepts"),
    ("concepts: []\ngeneral:\n- {da: [ydelse], en: [benefit]}\n", 3,
     "only a word list with 'missing' has it"),
    ("missing: amount\nconcepts: []\ngeneral: ydelse\nasking: []\n", 4,
     "'general' is a list of concepts"),
    ("missing: amount\nconcepts: []\nasking:\n- {da: [hvor meget]}\n", 5,
     "at least two languages"),
])
def test_a_broken_missing_detail_list_is_reported_by_file_and_line(
        tmp_path: Path, text: str, line: int, message: str) -> None:
    folder = _knowledge_with(tmp_path, "reviewed_by: a test\n" + text)
    problems = load_wordlist(folder)[1]
    assert [p.line for p in problems] == [line] and message in problems[0].message, problems
    assert problems[0].path == str(folder / "_glossary" / "broken.yaml")


def test_an_unknown_question_names_its_subjects(tmp_path: Path) -> None:
    folder = _knowledge_with(tmp_path, "reviewed_by: a test\nconcepts: []\nunknown:\n"
                             "- question: whether A is covered by B\n"
                             "  source: facts/public-rules.md:158\n"
                             "  names:\n"
                             "  - {da: [særlov], en: [special act]}\n"
                             "  - {da: [repatriering], en: [repatriation]}\n")
    concepts, problems = load_wordlist(folder)
    assert not problems
    of = f"{folder / '_glossary' / 'broken.yaml'}:4"
    assert [(c.unknown, c.line, c.outside) for c in concepts] == [(of, 7, False),
                                                                  (of, 8, False)]


@pytest.mark.parametrize(("text", "line", "message"), [
    ("unknown: whether\n", 3, "'unknown' is a list of questions"),
    ("unknown:\n- question: q\n  names: []\n", 4, "has 'question', 'source' and 'names'"),
    ("unknown:\n- {question: q, source: '', names: []}\n", 4, "'question' and 'source' are text"),
    ("unknown:\n- question: q\n  source: s\n  names:\n  - {da: [a], en: [a]}\n", 4,
     "two or more subjects"),
    ("unknown:\n- question: q\n  source: s\n  names:\n  - {da: [a], en: [a]}\n  - {da: [b]}\n",
     8, "at least two languages"),
])
def test_a_broken_unknown_question_is_reported_by_file_and_line(
        tmp_path: Path, text: str, line: int, message: str) -> None:
    folder = _knowledge_with(tmp_path, "reviewed_by: a test\nconcepts: []\n" + text)
    problems = load_wordlist(folder)[1]
    assert [p.line for p in problems] == [line] and message in problems[0].message, problems
