"""Localised text: every user-facing string in the core is a mapping language -> text.

Carrying all languages at once lets the interpreter view show the citizen's language beside
Danish without asking the core twice, and lets a language switch re-render the same step.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGS: tuple[str, ...] = ("da", "en", "uk")
DEFAULT_LANG = "da"
LANG_NAMES: dict[str, str] = {"da": "Dansk", "en": "English", "uk": "Українська"}

Text = Mapping[str, str]


def same(text: str) -> dict[str, str]:
    """The same string in every language (a name, a number, a user's own words)."""
    return dict.fromkeys(LANGS, text)


def pick(text: Text, lang: str) -> str:
    """The text in ``lang``, falling back to Danish, then to any language present."""
    if lang in text:
        return text[lang]
    if DEFAULT_LANG in text:
        return text[DEFAULT_LANG]
    return next(iter(text.values()), "")


def join(*parts: Text, sep: str = " ") -> dict[str, str]:
    """Join localised parts language by language."""
    return {lang: sep.join(pick(p, lang) for p in parts if pick(p, lang)) for lang in LANGS}
