"""What a reply shows, for tests that read the core's outputs."""

from __future__ import annotations

from assistant.outputs import Choices, Output, Say
from assistant.text import pick


def reply_text(outputs: list[Output], lang: str = "en") -> str:
    """A reply's sentences and its numbered options ("1. Book a meeting"), in ``lang``."""
    lines = []
    for out in outputs:
        if isinstance(out, Say):
            lines.append(pick(out.text, lang))
        elif isinstance(out, Choices):
            lines.extend(f"{c.key}. {pick(c.label, lang)}" for c in out.options)
    return "\n".join(lines)


def said_text(outputs: list[Output], lang: str) -> str:
    """A reply's sentences only (no options), in ``lang``, a line each."""
    return "\n".join(pick(out.text, lang) for out in outputs if isinstance(out, Say))
