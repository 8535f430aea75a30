"""The curated da/en/uk word list (``knowledge/_glossary/*.yaml``): concepts named in the three
languages, so that a question's word also looks for the same concept's words in the others.

The file is content, written and reviewed by people (its header says how it was made); this
module reads and validates it, naming the file and line of every problem. How the search uses
it is in :mod:`assistant.knowledge.search` (``Index.slots``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from assistant.knowledge.analysis import words
from assistant.knowledge.loader import Problem
from assistant.text import LANGS
from assistant.yamlsource import ContentError, Node, load_yaml

FOLDER = "_glossary"
MAX_TERM = 60
"""A term is a word or a short phrase."""
MAX_WORDS = 5
MISSING = ("amount", "contact", "count")
"""The details a ``missing`` file may name: an amount or rate, a phone number or address, a
count, share or target (asked for a year the sources do not speak of: ``Index.rank``)."""


@dataclass(frozen=True)
class Concept:
    terms: dict[str, tuple[str, ...]]
    """Language -> its words and phrases, as written."""
    path: str = ""
    line: int = 0
    outside: bool = False
    """A subject no source covers (a file with ``outside: true``): a question that names it
    gets no entry, so the assistant says it does not know instead of suggesting one that
    shares a few words with it."""
    missing: str = ""
    """A subject the sources name but give no detail of this kind for (a file with
    ``missing: amount``): a question that asks for that detail gets no entry that lacks it."""
    asks: str = ""
    """Words that ask for a detail of this kind (a ``missing`` file's ``asking`` list: "how
    much", "sats", "скільки")."""
    general: bool = False
    """A ``missing`` file's ``general`` subject: words that name no particular one ("benefit",
    "допомога"); the detail is missing when the question names no other subject."""
    unknown: str = ""
    """One subject of a question the sources say they do not answer (an ``unknown`` item,
    named ``file:line``): a question that names every subject of the item is answered as one
    outside the sources ("can Ukrainians under the special act get repatriation support")."""


def wordlist_files(knowledge: Path) -> list[Path]:
    return sorted((knowledge / FOLDER).glob("*.yaml"))


def parse_wordlist(text: str, path: Path | str) -> tuple[list[Concept], list[Problem]]:
    """The concepts of one file, and a problem (file:line) for each one that is wrong. A file
    that is not a word list at all is one problem."""
    data = load_yaml(text, path)
    if not isinstance(data, Node) or not isinstance(data.get("concepts"), list):
        raise ContentError(path, 1, "a word list is a mapping with a 'concepts' list")
    unknown = sorted(set(data) - {"concepts", "reviewed_by", "outside", "missing", "asking",
                                  "general", "unknown"})
    if unknown:
        raise ContentError(path, data.line_of(unknown[0]), f"unknown key '{unknown[0]}'")
    if not isinstance(data.get("reviewed_by"), str) or not data["reviewed_by"].strip():
        raise ContentError(path, 1, "a word list says who reviewed it ('reviewed_by')")
    outside = data.get("outside", False)
    if not isinstance(outside, bool):
        raise ContentError(path, data.line_of("outside"), "'outside' is true or false")
    missing = data.get("missing", "")
    if missing not in ("", *MISSING):
        raise ContentError(path, data.line_of("missing"),
                           f"'missing' is one of: {', '.join(MISSING)}")
    if bool(missing) != ("asking" in data):
        key = "missing" if missing else "asking"
        raise ContentError(path, data.line_of(key), "a word list with 'missing' lists the words "
                           "that ask for it ('asking'), and only such a list has them")
    if missing and outside:
        raise ContentError(path, data.line_of("missing"), "a word list is 'outside' or "
                           "'missing', not both")
    if missing and not isinstance(data["asking"], list):
        raise ContentError(path, data.line_of("asking"), "'asking' is a list of concepts")
    if "general" in data and (not missing or not isinstance(data["general"], list)):
        raise ContentError(path, data.line_of("general"), "'general' is a list of concepts, "
                           "and only a word list with 'missing' has it")
    items = [(item, "", False, "") for item in data["concepts"]]
    items += [(item, "", True, "") for item in data.get("general", [])]
    items += [(item, missing, False, "") for item in data.get("asking", [])]
    items += [(name, "", False, f"{path}:{question.line}")
              for question in _unknown_questions(data, path) for name in question["names"]]
    concepts: list[Concept] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, ...], int] = {}
    for item, asks, general, unknown_of in items:
        line = item.line if isinstance(item, Node) else data.line_of("concepts")
        try:
            concept = _concept(item, str(path), line, outside, missing="" if asks else missing,
                               asks=asks, general=general, unknown_of=unknown_of)
        except ContentError as exc:
            problems.append(Problem(exc.path, exc.line, exc.message))
            continue
        key = tuple(sorted(f"{lang}:{t.casefold()}" for lang, ts in concept.terms.items()
                           for t in ts))
        if key in seen:
            problems.append(Problem(str(path), line,
                                    f"the same concept as on line {seen[key]}"))
            continue
        seen[key] = line
        concepts.append(concept)
    return concepts, problems


def _unknown_questions(data: Node, path: Path | str) -> list[Node]:
    """A file's ``unknown`` list: each item a question the sources say they do not answer,
    with the ``source`` line that says so and the subjects it ``names`` (two or more)."""
    questions = data.get("unknown", [])
    if not isinstance(questions, list):
        raise ContentError(path, data.line_of("unknown"), "'unknown' is a list of questions")
    for question in questions:
        line = question.line if isinstance(question, Node) else data.line_of("unknown")
        if not isinstance(question, Node) or set(question) != {"question", "source", "names"}:
            raise ContentError(path, line, "an unknown question has 'question', 'source' and "
                               "'names'")
        if not all(isinstance(question[key], str) and question[key].strip()
                   for key in ("question", "source")):
            raise ContentError(path, line, "'question' and 'source' are text")
        if not isinstance(question["names"], list) or len(question["names"]) < 2:
            raise ContentError(path, line, "'names' lists two or more subjects (concepts)")
    return questions


def _concept(item: object, path: str, line: int, outside: bool = False, missing: str = "",
             asks: str = "", general: bool = False, unknown_of: str = "") -> Concept:
    if not isinstance(item, Node):
        raise ContentError(path, line, "a concept maps da/en/uk to lists of words")
    unknown = sorted(set(item) - set(LANGS))
    if unknown:
        raise ContentError(path, line, f"unknown language '{unknown[0]}' (use da, en, uk)")
    if len(item) < 2:
        raise ContentError(path, line, "a concept needs words in at least two languages")
    terms: dict[str, tuple[str, ...]] = {}
    for lang, raw in item.items():
        values = [raw] if isinstance(raw, str) else raw
        if not isinstance(values, list) or not values:
            raise ContentError(path, line, f"'{lang}' must be a word or a list of words")
        found: list[str] = []
        for value in values:
            if not isinstance(value, str) or not value.strip():
                raise ContentError(path, line, f"'{lang}' holds something that is not a word")
            value = value.strip()
            if len(value) > MAX_TERM or len(words(value)) > MAX_WORDS:
                raise ContentError(path, line, f"'{value}' is too long for a term")
            if not words(value):
                raise ContentError(path, line, f"'{value}' has no letters or digits")
            if value.casefold() in (f.casefold() for f in found):
                raise ContentError(path, line, f"'{value}' is given twice")
            found.append(value)
        terms[lang] = tuple(found)
    return Concept(terms, path, line, outside, missing, asks, general, unknown_of)


def load_wordlist(knowledge: Path) -> tuple[list[Concept], list[Problem]]:
    """Every concept of ``knowledge/_glossary/*.yaml`` that is right, and the problems."""
    concepts: list[Concept] = []
    problems: list[Problem] = []
    for path in wordlist_files(knowledge):
        try:
            found, wrong = parse_wordlist(path.read_text(encoding="utf-8"), path)
        except ContentError as exc:
            problems.append(Problem(exc.path, exc.line, exc.message))
            continue
        except UnicodeDecodeError:
            problems.append(Problem(str(path), None, "not UTF-8 text"))
            continue
        concepts += found
        problems += wrong
    return concepts, problems


def vocabulary(concepts: Iterable[Concept]) -> dict[str, set[str]]:
    """Language -> the words of the concepts (for the lemma tables)."""
    out: dict[str, set[str]] = {lang: set() for lang in LANGS}
    for concept in concepts:
        for lang, terms in concept.terms.items():
            if concept.asks:
                continue  # read by the search on their own (Index.asked)
            for term in terms:
                out[lang].update(words(term))
    return out
