"""The site file: YAML checked against sites/site.schema.json and for what a schema cannot
say (hours that close before they open, a competence no meeting type has), every problem
named with file:line. Staff come from a CSV file beside it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
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
    problems = [ContentError(path, _line(doc, list(err.absolute_path)),
                             f"{'.'.join(str(p) for p in err.absolute_path) or 'file'}: "
                             f"{err.message}")
                for err in sorted(Draft202012Validator(schema()).iter_errors(data),
                                  key=lambda e: [str(p) for p in e.absolute_path])]
    if problems:
        raise SiteError(problems)
    spec = SiteSpec(path, data)

    def fail(where: list[Any], message: str) -> None:
        problems.append(ContentError(path, _line(doc, where), message))

    for day, span in data.get("hours", {}).items():
        opens, closes = span.split("-")
        if opens >= closes:
            fail(["hours", day], f"hours.{day}: closes ({closes}) before it opens ({opens})")
        spec.hours[WEEKDAYS.index(day)] = (opens, closes)
    for i, item in enumerate(data.get("closing_days", [])):
        try:
            day = dt.date.fromisoformat(item["date"])
        except ValueError:
            fail(["closing_days", i], f"closing_days: {item['date']!r} is not a date")
            continue
        if day in spec.closing_days:
            fail(["closing_days", i], f"closing_days: {day} is given twice")
        spec.closing_days[day] = str(item.get("reason", ""))
    codes: set[str] = set()
    for i, item in enumerate(data["meeting_types"]):
        if item["code"] in codes:
            fail(["meeting_types", i], f"meeting_types: {item['code']} is given twice")
        codes.add(item["code"])
    if "staff" in data:
        spec.staff = _staff_csv(path.parent / data["staff"], problems)
    if problems:
        raise SiteError(problems)
    return spec


def _staff_csv(path: Path, problems: list[ContentError]) -> list[StaffRow]:
    """Staff from ``path``: a header ``initials,name,languages,competences``, one person a
    row; languages and competences comma-separated inside the field."""
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
        else:
            seen.add(row.initials)
            rows.append(row)
    return rows
