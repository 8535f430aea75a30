"""The site file: YAML checked against sites/site.schema.json and for what a schema cannot
say (hours that close before they open, a competence no meeting type has), every problem
named with file:line. Staff come from a CSV file beside it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from assistant.paths import data_dir
from assistant.yamlsource import ContentError, Node, load_yaml

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_BYTES = 1_000_000


class SiteError(ValueError):
    """A site file (or its staff CSV) is invalid; ``problems`` name file and line."""

    def __init__(self, problems: list[ContentError]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class StaffRow:
    initials: str
    name: str
    languages: str
    competences: str


@dataclass
class SiteSpec:
    """A checked site file. ``data`` is the file as a plain dict (what `site apply` stores)."""

    path: Path
    data: dict[str, Any]
    staff: list[StaffRow] | None = None
    """None: the file names no staff CSV (staff are left as they are)."""
    hours: dict[int, tuple[str, str]] = field(default_factory=dict)
    closing_days: dict[dt.date, str] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return str(self.data["site"])

    @property
    def name(self) -> str:
        return str(self.data["name"])

    @property
    def municipality(self) -> str | None:
        return self.data.get("municipality")


@cache
def schema() -> dict[str, Any]:
    """The published JSON Schema (sites/site.schema.json)."""
    return json.loads((data_dir("sites") / "site.schema.json").read_text(encoding="utf-8"))


def example_path() -> Path:
    """The fictitious example site file that ``--demo`` applies."""
    return data_dir("sites") / "demo.yaml"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _line(doc: Any, path: list[Any]) -> int | None:
    """The line of the value at ``path`` (or the nearest mapping key above it)."""
    line = doc.line if isinstance(doc, Node) else None
    node = doc
    for step in path:
        if isinstance(node, Node) and step in node:
            line = node.line_of(str(step))
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
            if isinstance(node, Node):
                line = node.line
        else:
            break
    return line


def load_site(path: Path) -> SiteSpec:
    """Read and check the site file at ``path``; raises :class:`SiteError`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SiteError([ContentError(path, None, f"cannot read: {exc.strerror}")]) from None
    if len(raw) > MAX_BYTES:
        raise SiteError([ContentError(path, None, "a site file is at most 1 MB")])
    try:
        doc = load_yaml(raw.decode("utf-8"), path)
    except UnicodeDecodeError:
        raise SiteError([ContentError(path, None, "not UTF-8 text")]) from None
    except ContentError as exc:
        raise SiteError([exc]) from None
    if not isinstance(doc, dict):
        raise SiteError([ContentError(path, 1, "a site file is a mapping (site: ..., name: ...)")])
    data = _plain(doc)
    problems = [ContentError(path, _line(doc, list(err.absolute_path)), _advice(err))
                for err in sorted(Draft202012Validator(schema()).iter_errors(data),
                                  key=lambda e: [str(p) for p in e.absolute_path])]
    spec = SiteSpec(path, data)

    def fail(where: list[Any], message: str) -> None:
        problems.append(ContentError(path, _line(doc, where), message))

    # What a schema cannot say; a value the schema refused is skipped here (said above), so
    # every problem of the file and its staff CSV is reported at once.
    hours = data.get("hours") if isinstance(data.get("hours"), dict) else {}
    for day, span in hours.items():
        if day not in WEEKDAYS or not isinstance(span, str) or not SPAN.fullmatch(span):
            continue
        opens, closes = span.split("-")
        if opens == closes:
            fail(["hours", day], f"hours.{day}: opens and closes at the same time ({opens}); "
                                 "leave out a day the jobcenter is closed")
        elif opens > closes:
            fail(["hours", day], f"hours.{day}: closes ({closes}) before it opens ({opens})")
        spec.hours[WEEKDAYS.index(day)] = (opens, closes)
    for i, item in enumerate(_list(data, "closing_days")):
        if not isinstance(item, dict) or not isinstance(item.get("date"), str):
            continue
        try:
            day = dt.date.fromisoformat(item["date"])
        except ValueError:
            fail(["closing_days", i], f"closing_days: {item['date']!r} is not a date")
            continue
        if day in spec.closing_days:
            fail(["closing_days", i], f"closing_days: {day} is given twice")
        spec.closing_days[day] = str(item.get("reason", ""))
    codes: set[str] = set()
    books: set[str] = set()
    for i, item in enumerate(_list(data, "meeting_types")):
        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            continue
        if item["code"] in codes:
            fail(["meeting_types", i], f"meeting_types: {item['code']} is given twice")
        codes.add(item["code"])
        books.add(str(item.get("competence") or item["code"]))
    for i, item in enumerate(_list(data, "interpreters")):
        languages = item.get("languages") if isinstance(item, dict) else None
        for code in languages if isinstance(languages, list) else []:
            if isinstance(code, str) and code not in known_languages():
                fail(["interpreters", i, "languages"],
                     f"interpreters.{i}.languages: {_unknown_language(code)}")
    if isinstance(data.get("staff"), str) and data["staff"].endswith(".csv"):
        spec.staff = _staff_csv(path.parent / data["staff"], problems, books or None)
    if problems:
        raise SiteError(problems)
    return spec


SPAN = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]")
"""Opening hours of a day, as the schema has them ("09:00-15:30")."""


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _advice(err: Any) -> str:
    """A schema error as advice a person can follow (else jsonschema's own words)."""
    where = ".".join(str(p) for p in err.absolute_path) or "file"
    path = list(err.absolute_path)
    value = err.instance
    if path and path[0] == "hours" and len(path) == 2 and err.validator in ("pattern", "type"):
        return f"{where}: write times like 09:00-15:30 (opens-closes, 24-hour clock), " \
               f"not {value!r}"
    if path and path[-1] == "postcode" and err.validator == "type" and isinstance(value, int):
        return f"{where}: put the postcode in quotes, like postcode: \"{value:04d}\" " \
               "(written as a number it is not text, and a leading 0 would be lost)"
    if path and path[-1] == "postcode" and err.validator == "pattern":
        return f"{where}: a Danish postcode is 4 digits in quotes, like \"4000\""
    if path and path[-1] == "date" and err.validator in ("pattern", "type"):
        return f"{where}: write a date like \"2026-12-24\" (year-month-day, in quotes)"
    return f"{where}: {err.message}"


@cache
def known_languages() -> frozenset[str]:
    """The language codes (ISO 639) that staff and interpreters may speak: those CLDR names."""
    from babel import Locale

    return frozenset(code for code in Locale.parse("en").languages
                     if re.fullmatch(r"[a-z]{2,3}", code))


def _unknown_language(code: str) -> str:
    return f"{code!r} is not a language code we know; use codes like da, en, uk, ar (ISO 639)"


def _staff_csv(path: Path, problems: list[ContentError],
               books: set[str] | None = None) -> list[StaffRow]:
    """Staff from ``path``: a header ``initials,name,languages,competences``, one person a
    row; languages and competences comma-separated inside the field. A competence must be one
    that books a meeting type of the site (``books``; None: not checked), else the person
    could never be booked for it."""
    from assistant.staff import staff_problem

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(ContentError(path, None, f"cannot read the staff file: {exc}"))
        return []
    reader = csv.DictReader(io.StringIO(text))
    wanted = ["initials", "name", "languages", "competences"]
    if [h.strip() for h in reader.fieldnames or []] != wanted:
        problems.append(ContentError(path, 1, f"the first line must be {','.join(wanted)}"))
        return []
    rows: list[StaffRow] = []
    seen: set[str] = set()
    for record in reader:
        line = reader.line_num
        values = {k.strip(): (v or "").strip() for k, v in record.items() if k}
        row = StaffRow(values["initials"].upper(), values["name"],
                       ",".join(x.strip() for x in values["languages"].split(",") if x.strip()),
                       ",".join(x.strip() for x in values["competences"].split(",")
                                if x.strip()))
        problem = staff_problem(row.initials, row.name, row.languages, row.competences)
        if problem:
            problems.append(ContentError(path, line, problem))
        elif not row.name:
            problems.append(ContentError(path, line, "a name is needed"))
        elif row.initials in seen:
            problems.append(ContentError(path, line, f"{row.initials} is given twice"))
        elif wrong := _row_problems(row, books):
            problems.extend(ContentError(path, line, w) for w in wrong)
        else:
            seen.add(row.initials)
            rows.append(row)
    return rows


def _row_problems(row: StaffRow, books: set[str] | None) -> list[str]:
    """Languages no one knows and competences that book no meeting type, in one row."""
    import difflib

    wrong = [f"{row.initials}: {_unknown_language(code)}" for code in row.languages.split(",")
             if code not in known_languages()]
    for competence in filter(None, row.competences.split(",")):
        if books is None or competence in books:
            continue
        close = difflib.get_close_matches(competence, sorted(books), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        wrong.append(f"{row.initials}: the competence {competence!r} books none of the site's "
                     f"meeting types{hint}; they are booked by: {', '.join(sorted(books))}")
    return wrong
