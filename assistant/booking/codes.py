"""Short booking codes people can read aloud and type: no 0/O, 1/I/L."""

from __future__ import annotations

import secrets
import unicodedata

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 6

CYRILLIC_LOOKALIKES = str.maketrans({
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "І": "I",
    "а": "A", "в": "B", "е": "E", "к": "K", "м": "M", "н": "H", "о": "O", "р": "P", "с": "C",
    "т": "T", "у": "Y", "х": "X", "і": "I",
})
"""Cyrillic letters that look like Latin ones: a code read from a paper or an SMS and typed on
a Ukrainian keyboard (Н for H, К for K, С for C) is the same code."""


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(text: str) -> str:
    """What the user typed, as a code: case, spaces and dashes ignored, full-width characters
    and Cyrillic look-alike letters read as the Latin ones."""
    text = unicodedata.normalize("NFKC", text).translate(CYRILLIC_LOOKALIKES)
    return "".join(text.split()).upper().replace("-", "")


def looks_like_code(text: str) -> bool:
    code = normalise_code(text)
    return len(code) == LENGTH and all(c in ALPHABET for c in code)
