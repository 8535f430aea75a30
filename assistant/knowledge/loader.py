"""Parse and validate knowledge entries. Problems carry the file and line."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.knowledge.model import AUDIENCES, MUNICIPALITIES, Entry, Source
from assistant.paths import data_dir
from assistant.text import LANGS
from assistant.yamlsource import ContentError, Node, load_yaml

ID = re.compile(r"[a-z][a-z0-9_]{1,60}")
REF = re.compile(r"(?P<file>[\w./-]+):(?P<start>\d+)-(?P<end>\d+)")
MARKER = re.compile(r"^<!--\s*(da|en|uk)\s*-->\s*$")
MAX_BODY = 1200
REQUIRED = ("id", "topic", "audience", "municipality", "owner", "valid_from", "review_by",
            "sources", "reviewed", "title", "terms")
KEYS = {*REQUIRED, "related"}


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        """``file:line: message``, as DESIGN.md promises; a problem with a whole file (or
        folder) is given at its line 1."""
        return f"{self.path}:{self.line or 1}: {self.message}"


def parse_entry(text: str, path: Path) -> Entry:
    """One entry; raises :class:`ContentError` on the first structural problem."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ContentError(path, 1, "an entry starts with '---' and YAML front matter")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise ContentError(path, 1, "the front matter has no closing '---'") from None
    meta = load_yaml("\n".join(lines[1:end]), path, first_line=2)
    if not isinstance(meta, Node):
        raise ContentError(path, 2, "the front matter must be a mapping")

    def fail(key: str, message: str) -> ContentError:
        return ContentError(path, meta.line_of(key), message)

    for key in REQUIRED:
        if key not in meta:
            raise ContentError(path, 2, f"missing '{key}'")
    unknown = set(meta) - KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise fail(key, f"unknown key '{key}'")
    eid = str(meta["id"])
    if not ID.fullmatch(eid) or eid != path.stem:
        raise fail("id", f"id '{eid}' must match {ID.pattern} and equal the file name")
    if meta["topic"] != path.parent.name:
        raise fail("topic", f"topic '{meta['topic']}' must equal the folder name")
    if meta["audience"] not in AUDIENCES:
        raise fail("audience", f"audience must be one of {', '.join(AUDIENCES)}")
    if meta["municipality"] not in MUNICIPALITIES:
        raise fail("municipality", f"municipality must be one of {', '.join(MUNICIPALITIES)}")
    dates = {}
    for key in ("valid_from", "review_by"):
        try:
            dates[key] = dt.date.fromisoformat(str(meta[key]))
        except ValueError:
            raise fail(key, f"{key} must be a date like 2027-05-31") from None
    title = _per_lang(meta, "title", fail)
    terms_raw = meta["terms"]
    if not isinstance(terms_raw, Mapping):
        raise fail("terms", "terms must map da/en/uk to lists")
    terms: dict[str, tuple[str, ...]] = {}
    for lang in LANGS:
        items = terms_raw.get(lang)
        if not isinstance(items, list) or not items:
            raise fail("terms", f"terms is missing the {lang} list")
        terms[lang] = tuple(str(t) for t in items)
    reviewed_raw = meta["reviewed"]
    if not isinstance(reviewed_raw, Mapping) or any(
        not isinstance(reviewed_raw.get(lang), bool) for lang in LANGS
    ):
        raise fail("reviewed", "reviewed must say true or false for da, en and uk")
    sources = _sources(meta, path, fail)
    related = meta.get("related") or []
    if not isinstance(related, list):
        raise fail("related", "related must be a list of entry ids")
    body = _bodies(lines, end, path)
    return Entry(
        id=eid, topic=str(meta["topic"]), audience=str(meta["audience"]),
        municipality=str(meta["municipality"]), owner=str(meta["owner"]),
        valid_from=dates["valid_from"], review_by=dates["review_by"], title=title, body=body,
        terms=terms, sources=sources, related=tuple(str(r) for r in related),
        reviewed={lang: bool(reviewed_raw[lang]) for lang in LANGS}, path=str(path),
        lines=dict(meta.key_lines),
    )


def _per_lang(meta: Node, key: str, fail: Any) -> dict[str, str]:
    value = meta[key]
    if not isinstance(value, Mapping):
        raise fail(key, f"{key} must map da/en/uk to text")
    for lang in LANGS:
        if not isinstance(value.get(lang), str) or not value[lang].strip():
            raise fail(key, f"{key} is missing the {lang} translation")
    return {lang: value[lang].strip() for lang in LANGS}


def _sources(meta: Node, path: Path, fail: Any) -> tuple[Source, ...]:
    raw = meta["sources"]
    if not isinstance(raw, list) or not raw:
        raise fail("sources", "every entry needs at least one source")
    out = []
    for item in raw:
        if not isinstance(item, Node) or not isinstance(item.get("ref"), str):
            raise fail("sources", "each source needs 'ref: file:start-end'")
        m = REF.fullmatch(item["ref"].strip())
        if not m:
            raise ContentError(path, item.line,
                               f"source ref '{item['ref']}' must look like seeds/file.txt:10-20")
        out.append(Source(ref=item["ref"], file=m["file"], start=int(m["start"]),
                          end=int(m["end"]), url=item.get("url"), note=item.get("note"),
                          line=item.line))
    return tuple(out)


def _bodies(lines: list[str], end: int, path: Path) -> dict[str, str]:
    parts: dict[str, list[str]] = {}
    current: str | None = None
    for number in range(end + 1, len(lines)):
        m = MARKER.match(lines[number])
        if m:
            if m[1] in parts:
                raise ContentError(path, number + 1, f"the {m[1]} body appears twice")
            current = m[1]
            parts[current] = []
        elif current is not None:
            parts[current].append(lines[number])
        elif lines[number].strip():
            raise ContentError(path, number + 1, "text before the first <!-- da --> marker")
    body: dict[str, str] = {}
    for lang in LANGS:
        text = "\n".join(parts.get(lang, [])).strip()
        if not text:
            raise ContentError(path, end + 1, f"the {lang} body is missing")
        if len(text) > MAX_BODY:
            raise ContentError(path, end + 1, f"the {lang} body is longer than {MAX_BODY} chars")
        body[lang] = text
    return body


def entry_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*/*.md") if not p.parent.name.startswith("_"))


def load_entries(folder: Path | None = None) -> tuple[list[Entry], list[Problem]]:
    """Every entry that parses, and a problem for every file that does not."""
    folder = folder or data_dir("knowledge")
    entries: list[Entry] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in entry_files(folder):
        try:
            entry = parse_entry(path.read_text(encoding="utf-8"), path)
        except ContentError as exc:
            problems.append(Problem(exc.path, exc.line, exc.message))
            continue
        except UnicodeDecodeError:
            problems.append(Problem(str(path), None, "not UTF-8 text"))
            continue
        if entry.id in seen:
            problems.append(Problem(str(path), entry.lines.get("id"),
                                    f"duplicate id '{entry.id}' (also in {seen[entry.id]})"))
            continue
        seen[entry.id] = str(path)
        entries.append(entry)
    return entries, problems
