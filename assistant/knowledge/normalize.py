"""Text folding for search: one comparable form for Danish, English and Ukrainian input.

``norm`` keeps letters as typed (NFC, casefold; æ, ø, å and Cyrillic intact). ``fold`` maps
that onto plain Latin: Danish æ/ø/å become ae/oe/aa (what people type without a Danish
keyboard), and Cyrillic is transliterated so that "дагпенге" meets "dagpenge" and a Latin
word with a Cyrillic look-alike letter ("vоksen" with a Cyrillic о) meets its real spelling.
"""

from __future__ import annotations

import re
import unicodedata

_DANISH = {"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "è": "e", "ü": "u", "ö": "oe", "ä": "ae"}
# Cyrillic -> Latin, chosen so that Danish words written in Ukrainian letters fold onto their
# Danish spelling (г -> g, not h; и -> i) rather than a formal transliteration.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "je", "ж": "zh",
    "з": "z", "и": "i", "і": "i", "ї": "ji", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "ju", "я": "ja", "ы": "y", "э": "e",
    "ё": "jo", "ъ": "", "'": "", "’": "", "ʼ": "",
}
_TABLE = str.maketrans({**_DANISH, **_CYRILLIC})
_NON_WORD = re.compile(r"[^\w]+|_")


def norm(text: str) -> str:
    """NFC, casefolded, punctuation to spaces; letters otherwise kept as typed."""
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def fold(text: str) -> str:
    """:func:`norm`, then Danish and Cyrillic letters folded onto plain Latin."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = text.replace("’", "").replace("ʼ", "").replace("'", "")
    return " ".join(_NON_WORD.sub(" ", text.translate(_TABLE)).split())
