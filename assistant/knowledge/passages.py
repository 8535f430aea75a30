"""Source passages: every paragraph of the documents in ``knowledge/_sources`` with its line range.

Staff search them where no curated entry holds an answer ("what did the 2023-24 plan say about
..."). A passage is one paragraph, or a few short ones of the same section, with the nearest
heading above it. Its ``ref`` (``seeds/002_...txt:120-135``) is the citation an entry would use.

The plans were extracted from PDF: some are double-spaced (an empty line after every line,
paragraphs ended by a line holding only spaces), words are broken by hyphens at line ends, and
page furniture ("Side3/7") stands between paragraphs. The facts file is Markdown, where a
paragraph is a top-level bullet with the bullets under it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from assistant.knowledge.analysis import STOPWORDS, words
from assistant.knowledge.normalize import fold

MIN_CHARS = 280
"""Shorter paragraphs are joined with the next one of the same section."""
MAX_CHARS = 1000
"""Longer runs of lines are cut at a sentence end."""
MAX_HEADING = 100
_JUNK = re.compile(r"^\s*(side\s*\d+\s*(/\s*\d+)?|\d+|-{3,}|_{3,}|\*{3,})\s*$", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(\d+(\.\d+)*\.?|[A-ZÆØÅ]\.)\s+\S")
_SECTION = re.compile(r"^\s*\d+\.\d+(\.\d+)*\.?\s+[A-ZÆØÅ]")
"""A numbered section heading of two levels or more ("3.3 Lejre Kommune i tal")."""
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*([-*•\uf0b7]|\d+\.)\s")
_PRIVATE = re.compile("[\ue000-\uf8ff]")
"""Private-use characters: the PDF's bullet glyphs (Wingdings), shown as bullets."""
_URL = re.compile(r"https?://[^\s)\]>\"']+")
_TAGS = re.compile(r"</?[a-z]+>")


@dataclass(frozen=True)
class Passage:
    id: str
    """``file:start-end``: the passage's own citation (also its ``ref``)."""
    file: str
    start: int
    end: int
    heading: str
    text: str
    lang: str
    url: str | None = None
    """The first URL a facts passage gives as its source."""

    @property
    def ref(self) -> str:
        return self.id


@dataclass
class _Block:
    rows: list[tuple[int, str]]
    """(line number, line) of the text lines, blank lines left out."""
    heading: bool = False

    @property
    def start(self) -> int:
        return self.rows[0][0]

    @property
    def end(self) -> int:
        return self.rows[-1][0]

    @property
    def lines(self) -> list[str]:
        return [line for _n, line in self.rows]


def source_files(folder: Path) -> list[Path]:
    """The documents under ``folder`` (``knowledge/_sources``), in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".txt", ".md")
                  and p.name.lower() != "readme.md")


def load_passages(folder: Path) -> list[Passage]:
    out: list[Passage] = []
    for path in source_files(folder):
        text = path.read_text(encoding="utf-8")
        out.extend(split(text, path.relative_to(folder).as_posix()))
    return out


def language(text: str) -> str:
    """"da" or "en", whichever's function words the document uses more."""
    da = {fold(w) for w in "og at det er til på ikke som med for af den".split()}
    en = {fold(w) for w in "and the is to of in that for with are not".split()}
    counts = {"da": 0, "en": 0}
    for word in words(text[:20000]):
        folded = fold(word)
        if folded in da:
            counts["da"] += 1
        elif folded in en:
            counts["en"] += 1
    return "en" if counts["en"] > counts["da"] else "da"


def split(text: str, name: str) -> list[Passage]:
    """The passages of one document (``name`` is its path inside ``_sources``)."""
    lines = text.split("\n")
    lang = language(text)
    markdown = name.endswith(".md")
    blocks = _markdown_blocks(lines) if markdown else _text_blocks(lines)
    out: list[Passage] = []
    heading = ""
    pending: list[_Block] = []

    def flush() -> None:
        if pending:
            out.append(_passage(name, lang, heading, pending))
            pending.clear()

    for block in blocks:
        if block.heading:
            flush()
            heading = _clean_heading(block.lines[0])
            continue
        for piece in _cut(block):
            pending.append(piece)
            if sum(len(" ".join(b.lines)) for b in pending) >= MIN_CHARS:
                flush()
    flush()
    return out


def _is_heading_line(line: str) -> bool:
    stripped = _bulleted(line).strip()
    if not stripped or len(stripped) > MAX_HEADING or _JUNK.match(stripped):
        return False
    if _MD_HEADING.match(stripped):
        return True
    if stripped[-1] in ".,;:-–" or stripped.startswith(("-", "•", "\uf0b7", "*")):
        return False
    first = stripped[0]
    return first.isupper() or first.isdigit() or first == "<"


def _text_blocks(lines: list[str]) -> list[_Block]:
    """Paragraphs of a PDF extraction: runs of lines between separators; a short first line
    without a full stop, standing alone or numbered ("1.3 Implementering"), is a heading."""
    empty = sum(1 for line in lines if line == "")
    # a double-spaced extraction keeps the page's short lines; a file whose paragraphs are
    # long lines has an empty line after each paragraph instead
    double_spaced = empty > 0.4 * len(lines) and max(map(len, lines), default=0) < 200
    blocks: list[_Block] = []
    current: list[tuple[int, str]] = []

    def close() -> None:
        if not current:
            return
        # a section number inside the run ("3.3 Lejre Kommune i tal") starts a new section
        cuts = [n for n, (_no, line) in enumerate(current)
                if n and _SECTION.match(line) and _is_heading_line(line)]
        for start, stop in zip([0, *cuts], [*cuts, len(current)], strict=True):
            part = current[start:stop]
            first = part[0][1]
            if _is_heading_line(first) and (len(part) == 1 or _NUMBERED.match(first)):
                blocks.append(_Block(part[:1], heading=True))
                part = part[1:]
            if part:
                blocks.append(_Block(list(part)))
        current.clear()

    previous_empty = False
    for number, line in enumerate(lines, 1):
        if line.strip() == "":
            separator = not double_spaced or line != "" or previous_empty
            previous_empty = line == ""
            if separator:
                close()
            continue
        previous_empty = False
        if _JUNK.match(line):
            close()
            continue
        current.append((number, line))
    close()
    return _rejoin(blocks)


def _rejoin(blocks: list[_Block]) -> list[_Block]:
    """Paragraphs the extraction broke in two (a page break inside a sentence: the first part
    ends without a full stop, the second starts in lower case) made whole again."""
    out: list[_Block] = []
    for block in blocks:
        if out and not block.heading and not out[-1].heading:
            last = out[-1].lines[-1].rstrip()
            first = block.lines[0].lstrip()
            if last and last[-1] not in ".!?:;\"”»" and first[:1].islower():
                out[-1] = _Block(out[-1].rows + block.rows)
                continue
        out.append(block)
    return out


def _markdown_blocks(lines: list[str]) -> list[_Block]:
    """Headings; paragraphs; a top-level bullet with what is indented under it."""
    blocks: list[_Block] = []
    current: list[tuple[int, str]] = []

    def close() -> None:
        if current:
            blocks.append(_Block(list(current)))
            current.clear()

    for number, line in enumerate(lines, 1):
        if not line.strip() or _JUNK.match(line):
            close()
        elif _MD_HEADING.match(line):
            close()
            blocks.append(_Block([(number, line)], heading=True))
        else:
            if line.startswith(("- ", "* ")) or line.startswith(">"):
                close()
            current.append((number, line))
    close()
    return blocks


def _cut(block: _Block) -> Iterable[_Block]:
    """``block`` in pieces of at most MAX_CHARS, cut after lines that end a sentence."""
    piece: list[tuple[int, str]] = []
    size = 0
    for number, line in block.rows:
        piece.append((number, line))
        size += len(line)
        if size >= MAX_CHARS and line.rstrip().endswith((".", ":", "%")):
            yield _Block(piece)
            piece, size = [], 0
    if piece:
        yield _Block(piece)


def _clean_heading(line: str) -> str:
    m = _MD_HEADING.match(line.strip())
    text = m["text"] if m else line
    return " ".join(_TAGS.sub("", text).replace("**", "").split())


def _passage(name: str, lang: str, heading: str, blocks: list[_Block]) -> Passage:
    start, end = blocks[0].start, blocks[-1].end
    text = "\n".join(_join(b.lines) for b in blocks)
    url = _URL.search(text)
    return Passage(id=f"{name}:{start}-{end}", file=name, start=start, end=end,
                   heading=heading, text=text, lang=lang,
                   url=url.group(0).rstrip(".,;") if url else None)


def _bulleted(line: str) -> str:
    return _PRIVATE.sub("•", line)


def _join(lines: list[str]) -> str:
    """One paragraph's lines run together (a bullet starts a line of its own), with words
    broken at a line end joined again."""
    out = ""
    for raw in map(_bulleted, lines):
        line = " ".join(_TAGS.sub("", raw).replace("\t", " ").replace("*", "").split())
        if not line:
            continue
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[:1].islower():
            out = out[:-1] + line
        elif out and _BULLET.match(raw):
            out += "\n" + line
        elif out:
            out += " " + line
        else:
            out = line
    return out


def passage_is_searchable(passage: Passage) -> bool:
    """A passage needs some content words to be worth indexing (not a page of figures)."""
    return sum(1 for w in words(passage.text) if fold(w) not in STOPWORDS and w.isalpha()) >= 4
