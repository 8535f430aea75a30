"""Short booking codes people can read aloud and type: no 0/O, 1/I/L."""

from __future__ import annotations

import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(text: str) -> str:
    """What the user typed, as a code: case, spaces and dashes ignored."""
    return "".join(text.split()).upper().replace("-", "")


def looks_like_code(text: str) -> bool:
    code = normalise_code(text)
    return len(code) == LENGTH and all(c in ALPHABET for c in code)
