"""Where the content folders (knowledge, flows, i18n) live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder ``name`` ("knowledge", "flows" or "i18n").

    A wheel carries the folders under ``assistant/_data/``; a checkout (editable install or
    running from the source tree) has them beside the package.
    """
    packaged = _HERE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _HERE.parent / name
