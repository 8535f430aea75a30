"""What a citizen is told an answer comes from: ``knowledge/_sources/labels.yaml`` names each
source file (and, for the public facts, each web site) in da, en and uk, and
:meth:`SourceLabels.line` makes the line shown under an answer ("Source: Slagelse
Municipality's employment plan 2023-24"). No file names, line numbers or review marks: those
are for staff."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from assistant.i18n import trn
from assistant.knowledge.loader import Problem
from assistant.knowledge.model import Entry, Source
from assistant.text import LANGS, Text
from assistant.yamlsource import ContentError, Node, load_yaml

FILE = "_sources/labels.yaml"
MAX_LABEL = 90
SHOWN = 2
"""At most this many sources are named in the line; the rest are counted ("and 2 others")."""


@dataclass(frozen=True)
class SourceLabels:
    files: Mapping[str, Text] = field(default_factory=dict)
    """Source file (as entries cite it, ``seeds/002_....txt``) -> its name per language."""
    by_url: frozenset[str] = frozenset()
    """Files named by the web site of the URL cited with them (the public facts)."""
    sites: Mapping[str, Text] = field(default_factory=dict)
    """Web site (``uim.dk``, without ``www.``) -> its name per language."""

    def label(self, source: Source) -> Text | None:
        """The name of ``source`` per language; None if the file has none."""
        if source.file in self.by_url:
            site = site_of(source.url or "")
            if not site:
                return None
            return self.sites.get(site) or dict.fromkeys(LANGS, site)
        return self.files.get(source.file)

    def _rank(self, source: Source) -> int:
        """0 for a document, 1 for a public site named in the file, 2 for a bare address."""
        if source.file not in self.by_url:
            return 0
        return 1 if site_of(source.url or "") in self.sites else 2

    def line(self, entry: Entry) -> Text:
        """The line under ``entry``'s answer: its sources' names, each once; the documents
        first, then the public sites named here, then the other sites, each in the order
        cited; empty if none has a name (kb lint reports that)."""
        names: list[Text] = []
        for source in sorted(entry.sources, key=self._rank):
            name = self.label(source)
            if name is not None and name not in names:
                names.append(name)
        if not names:
            return {}
        shown = {lang: "; ".join(name[lang] for name in names[:SHOWN]) for lang in LANGS}
        if len(names) > SHOWN:
            shown = trn("{sources} and {n} other", "{sources} and {n} others",
                        len(names) - SHOWN, sources=shown)
        return trn("Source: {sources}", "Sources: {sources}", len(names), sources=shown)


def site_of(url: str) -> str:
    """The web site of ``url``: its host without ``www.`` ("" for no host)."""
    host = (urlsplit(url.strip()).hostname or "").lower()
    return host.removeprefix("www.")


def parse_labels(text: str, path: Path | str) -> SourceLabels:
    """The labels file; raises :class:`ContentError` (file and line) on the first problem."""
    data = load_yaml(text, path)
    if not isinstance(data, Node) or not isinstance(data.get("files"), Node):
        raise ContentError(path, 1, "the labels file is a mapping with a 'files' mapping")
    unknown = sorted(set(data) - {"files", "sites"})
    if unknown:
        raise ContentError(path, data.line_of(unknown[0]), f"unknown key '{unknown[0]}'")
    files: dict[str, Text] = {}
    by_url: set[str] = set()
    for name, value in data["files"].items():
        line = data["files"].line_of(name)
        if isinstance(value, Node) and value.get("by_url") is True and len(value) == 1:
            by_url.add(str(name))
        else:
            files[str(name)] = _names(value, path, line, str(name))
    sites_raw = data.get("sites") or Node()
    if not isinstance(sites_raw, Node):
        raise ContentError(path, data.line_of("sites"), "'sites' maps web sites to names")
    sites = {str(site).removeprefix("www."): _names(value, path, sites_raw.line_of(site),
                                                    str(site))
             for site, value in sites_raw.items()}
    return SourceLabels(files, frozenset(by_url), sites)


def _names(value: object, path: Path | str, line: int, what: str) -> Text:
    if not isinstance(value, Mapping) or set(value) != set(LANGS):
        raise ContentError(path, line, f"'{what}' needs a name in da, en and uk "
                           "(or, for a file, 'by_url: true')")
    for lang in LANGS:
        name = value[lang]
        if not isinstance(name, str) or not name.strip():
            raise ContentError(path, line, f"'{what}' has no {lang} name")
        if len(name) > MAX_LABEL or "\n" in name:
            raise ContentError(path, line, f"the {lang} name of '{what}' is longer than "
                               f"{MAX_LABEL} characters or more than one line")
    return {lang: value[lang].strip() for lang in LANGS}


def load_labels(knowledge: Path) -> SourceLabels:
    """``knowledge/_sources/labels.yaml``; raises :class:`ContentError` if it is missing or
    wrong."""
    path = knowledge / FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise ContentError(path, None, "missing: every source file needs a name for "
                           "citizens here") from None
    return parse_labels(text, path)


def lint_labels(entries: Iterable[Entry], knowledge: Path) -> list[Problem]:
    """The labels file's own problem, or one for each entry source that has no name."""
    try:
        labels = load_labels(knowledge)
    except ContentError as exc:
        return [Problem(exc.path, exc.line, exc.message)]
    except UnicodeDecodeError:
        return [Problem(str(knowledge / FILE), None, "not UTF-8 text")]
    problems: list[Problem] = []
    for entry in entries:
        for source in entry.sources:
            if labels.label(source) is None:
                problems.append(Problem(entry.path, source.line, f"source file '{source.file}' "
                                        f"has no name for citizens in {FILE}"))
    return problems
