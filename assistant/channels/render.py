"""Plain-text rendering of outputs, shared by the text channel, SMS and logs."""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.outputs import Card, Choices, Output, Say
from assistant.text import pick

_GSM_FRIENDLY = str.maketrans({
    "“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "–": "-", "—": "-", "…": "...",
    "\u00a0": " ", "«": '"', "»": '"',
})
_NOT_GSM_FRIENDLY = re.compile("[" + "".join(map(chr, _GSM_FRIENDLY)) + "]")


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def render_text(outputs: Iterable[Output], lang: str) -> str:
    """One reply block: no empty lines inside, so a blank line can end the block."""
    lines: list[str] = []
    for out in outputs:
        if isinstance(out, Say):
            prefix = "! " if out.tone == "error" else ""
            body = _lines(pick(out.text, lang))
            if body:
                lines.append(prefix + body[0])
                lines.extend(body[1:])
        elif isinstance(out, Choices):
            lines.extend(f"  {c.key}. {pick(c.label, lang)}" for c in out.options)
        elif isinstance(out, Card):
            lines.append(f"== {pick(out.title, lang)} ==")
            lines.extend(_lines(pick(out.body, lang)))
            lines.extend(_lines(pick(out.source, lang)) if out.source else [])
    return "\n".join(lines)


def render_sms(outputs: Iterable[Output], lang: str, sources: bool = True) -> str:
    """What an SMS reply holds: plain characters, numbered options, nothing decorative.
    ``sources``: an answer's source line under it (the SMS channel leaves it out when it
    would cost the reader another message)."""
    lines: list[str] = []
    for out in outputs:
        if isinstance(out, Say):
            lines.extend(_lines(pick(out.text, lang)))
        elif isinstance(out, Choices):
            lines.extend(f"{c.key} {pick(c.label, lang)}" for c in out.options)
        elif isinstance(out, Card):
            lines.append(pick(out.title, lang).upper() if lang != "uk" else pick(out.title, lang))
            lines.extend(_lines(pick(out.body, lang)))
            if sources and out.source:
                lines.extend(_lines(pick(out.source, lang)))
    text = "\n".join(lines)
    # translate() looks every character up in a dict; the search runs in C and mostly fails.
    return text.translate(_GSM_FRIENDLY) if _NOT_GSM_FRIENDLY.search(text) else text
