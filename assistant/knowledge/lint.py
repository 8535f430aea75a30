"""`kb lint`: every content check over knowledge/, flows/ and i18n/, with file:line messages."""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from assistant.flow.loader import parse_flow
from assistant.flow.model import Flow
from assistant.i18n import DOMAIN
from assistant.knowledge.loader import Problem, load_entries
from assistant.knowledge.model import Entry
from assistant.knowledge.normalize import fold
from assistant.knowledge.sources import lint_labels
from assistant.knowledge.wordlist import Concept, load_wordlist
from assistant.paths import data_dir
from assistant.text import LANGS
from assistant.yamlsource import ContentError

KEYWORDS = {"tr": None, "trn": (1, 2)}


@cache
def _source_lines(path: Path) -> list[str] | None:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None


def lint_entries(entries: list[Entry], sources: Path) -> list[Problem]:
    problems: list[Problem] = []
    ids = {e.id for e in entries}
    for entry in entries:
        for src in entry.sources:
            lines = _source_lines(sources / src.file)
            if lines is None:
                problems.append(Problem(entry.path, src.line,
                                        f"source file '{src.file}' does not exist"))
                continue
            if not 1 <= src.start <= src.end <= len(lines):
                problems.append(Problem(entry.path, src.line, f"source range {src.ref} is outside "
                                        f"{src.file} (1-{len(lines)})"))
                continue
            if src.file.startswith("facts/"):
                cited = "\n".join(lines[src.start - 1:src.end])
                if not src.url:
                    problems.append(Problem(entry.path, src.line,
                                            f"public source {src.ref} needs its url"))
                elif src.url not in cited:
                    problems.append(Problem(entry.path, src.line,
                                            f"url {src.url} does not appear in {src.ref}"))
        for ref in entry.related:
            if ref not in ids:
                problems.append(Problem(entry.path, entry.lines.get("related"),
                                        f"related entry '{ref}' does not exist"))
        if entry.review_by < entry.valid_from:
            problems.append(Problem(entry.path, entry.lines.get("review_by"),
                                    "review_by is before valid_from"))
    return problems


def lint_outside(entries: list[Entry], concepts: list[Concept]) -> list[Problem]:
    """A subject the word list calls outside the sources that an entry's title or terms name
    is a contradiction: the entry would never be found by it."""
    named: dict[str, str] = {}
    for entry in entries:
        for text in (*entry.title.values(), *(t for ts in entry.terms.values() for t in ts)):
            named.setdefault(f" {fold(text)} ", entry.id)
    problems: list[Problem] = []
    for concept in concepts:
        if not concept.outside:
            continue
        for term in (t for ts in concept.terms.values() for t in ts):
            key = f" {fold(term)} "
            owner = next((entry for text, entry in named.items() if key in text), None)
            if owner:
                problems.append(Problem(concept.path, concept.line, f"'{term}' is outside the "
                                        f"sources, but entry '{owner}' names it"))
    return problems


def lint_flows(folder: Path, entry_ids: set[str]) -> tuple[list[Flow], list[Problem]]:
    flows: list[Flow] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            flow = parse_flow(path.read_text(encoding="utf-8"), path)
        except ContentError as exc:
            problems.append(Problem(exc.path, exc.line, exc.message))
            continue
        flows.append(flow)
        for step in flow.steps.values():
            if step.entry and step.entry not in entry_ids:
                problems.append(Problem(str(path), step.line, f"step '{step.id}' shows unknown "
                                        f"knowledge entry '{step.entry}'"))
            langs = [o.value for o in step.options if o.value in LANGS]
            if len(langs) > 1 and langs != sorted(langs, key=LANGS.index):
                # a citizen who learned "1 = Danish" in one guide gets it in every guide
                problems.append(Problem(str(path), step.line, f"step '{step.id}' lists the "
                                        f"languages {', '.join(langs)}; every step lists them "
                                        f"in the same order: {', '.join(LANGS)}"))
    return flows, problems


def source_messages(package: Path) -> set[str]:
    found: set[str] = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(package), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def lint_i18n(folder: Path, package: Path) -> list[Problem]:
    problems: list[Problem] = []
    wanted = source_messages(package)
    for lang in LANGS:
        po_path = folder / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not po_path.is_file():
            problems.append(Problem(str(po_path), None, "catalog missing"))
            continue
        with po_path.open("rb") as fp:
            catalog = read_po(fp, locale=lang)
        for msgid in sorted(wanted):
            message = catalog.get(msgid)
            if message is None:
                problems.append(Problem(str(po_path), None, f"no entry for {msgid!r} "
                                        "(run pybabel extract and update)"))
            elif lang != "en" and (message.fuzzy or not _translated(message.string)):
                problems.append(Problem(str(po_path), message.lineno,
                                        f"{msgid!r} is not translated (or fuzzy)"))
        mo_path = po_path.with_suffix(".mo")
        buf = BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        if not mo_path.is_file() or _compiled(mo_path.read_bytes()) != _compiled(buf.read()):
            problems.append(Problem(str(mo_path), None, "compiled catalog is missing or stale "
                                    "(run pybabel compile)"))
    return problems


def _compiled(mo: bytes) -> set[tuple[object, object]]:
    """The messages a compiled catalog holds. Compared as messages, not bytes: Babel releases
    lay out the same catalog differently (2.18 and 2.19 do)."""
    return {(_hashable(m.id), _hashable(m.string)) for m in read_mo(BytesIO(mo))}


def _hashable(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value


def _translated(value: object) -> bool:
    if isinstance(value, tuple | list):
        return all(bool(v) for v in value)
    return bool(value)


def lint_all(knowledge: Path | None = None, flows: Path | None = None,
             i18n: Path | None = None) -> list[Problem]:
    knowledge, flows = knowledge or data_dir("knowledge"), flows or data_dir("flows")
    missing = [Problem(str(folder), None, "no such folder") for folder in (knowledge, flows)
               if not folder.is_dir()]
    if missing:
        return missing
    entries, problems = load_entries(knowledge)
    if not entries and not problems:
        problems.append(Problem(str(knowledge), None, "no knowledge entries in this folder"))
    problems += lint_entries(entries, knowledge / "_sources")
    problems += lint_labels(entries, knowledge)
    concepts, wordlist_problems = load_wordlist(knowledge)
    problems += wordlist_problems + lint_outside(entries, concepts)
    found, flow_problems = lint_flows(flows, {e.id for e in entries})
    problems += flow_problems
    if not found and not flow_problems:
        problems.append(Problem(str(flows), None, "no flows in this folder"))
    problems += lint_i18n(i18n or data_dir("i18n"), Path(__file__).resolve().parents[1])
    return problems
