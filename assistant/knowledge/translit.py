"""Ukrainian typed in Latin letters, read back into Cyrillic for search.

Some Ukrainians have no Cyrillic keyboard and type Ukrainian in Latin letters, mostly in the
official romanisation (KMU 2010: zh = ж, kh = х, ts = ц, ch = ч, sh = ш, shch = щ, ye/ie = є,
yi/i = ї, yu/iu = ю, ya/ia = я, y = и and й, i = і and й, h = г, g = ґ; the soft sign and the
apostrophe dropped), or informally (j for й, ja/ju/je/ji, w for в, x and h for х, g for г,
the apostrophe kept: "p'iatnytsiu").

:func:`cyrillic_candidates` reverses the romanisation of one word into a bounded list of
Cyrillic spellings, the likeliest first (an ambiguous letter gives variants: "y" is и or й).
Search terms are folded (:func:`~assistant.knowledge.normalize.fold`), and folding drops the
soft sign and the apostrophe and writes и and і, г and ґ alike, so the candidates differ in
their folded form only; the romanisation's lost letters cost nothing ("zvilnennia" ->
"звілнення", folded as "звільнення" is).

:func:`read_latin_ukrainian` rewrites a question: a Latin word the search cannot read as typed
becomes the first of its candidates the search knows as a Ukrainian word, in a question where
at least :data:`MIN_WORDS` such words do (so an English or Danish question with a slip is left
as typed). What the search can read is the caller's business (the callbacks); this module
holds no index and does no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from itertools import combinations, product

from assistant.knowledge.normalize import fold

MAX_CANDIDATES = 48
"""Cyrillic spellings tried per word at most."""
MAX_CHANGES = 3
"""... each with at most this many letters read otherwise than their likeliest reading."""
MAX_LENGTH = 30
"""Longer Latin words are not read as Ukrainian (hostile input, pasted links)."""
MIN_WORDS = 2
"""A question is read as Ukrainian only when this many of its Latin words are Ukrainian words
(as typed, none of them a word the search knows)."""
NEAR_TRIES = 3
"""Candidates of a word with no known spelling that the (costly) near reading is tried on."""

# Latin letter groups -> their Cyrillic readings, likeliest first. A reading that folds like
# an earlier one is left out: тс folds as ц ("ts"), шч as щ, ґ as г, ь and the apostrophe
# as nothing.
_GROUPS: dict[str, tuple[str, ...]] = {
    "shch": ("щ",),
    "zgh": ("зг",),
    "zh": ("ж",),
    "kh": ("х",),
    "ch": ("ч",),
    "sh": ("ш",),
    "ts": ("ц",),
    "ye": ("є", "ие"),
    "ie": ("є", "іе"),
    "je": ("є",),
    "yi": ("ий", "ї"),
    "ji": ("ї",),
    "yu": ("ю", "иу"),
    "iu": ("ю", "іу"),
    "ju": ("ю",),
    "ya": ("я", "иа"),
    "ia": ("я", "іа"),
    "ja": ("я",),
    "a": ("а",),
    "b": ("б",),
    "c": ("ц", "к"),
    "d": ("д",),
    "e": ("е", "є"),
    "f": ("ф",),
    "g": ("г",),
    "h": ("г", "х"),
    "i": ("і", "ї", "й"),
    "j": ("й",),
    "k": ("к",),
    "l": ("л",),
    "m": ("м",),
    "n": ("н",),
    "o": ("о",),
    "p": ("п",),
    "q": ("к",),
    "r": ("р",),
    "s": ("с",),
    "t": ("т",),
    "u": ("у",),
    "v": ("в",),
    "w": ("в",),
    "x": ("х", "кс"),
    "y": ("и", "й"),
    "z": ("з",),
}
_AFTER_VOWEL_I = ("й", "ї", "і")
"""An i after a vowel is more often й or ї ("krai", "Ukraina") than і."""
_VOWELS = set("aeiouy")
_LONGEST = max(len(group) for group in _GROUPS)
_APOSTROPHES = "'’ʼ`"
_NO_APOSTROPHES = str.maketrans("", "", _APOSTROPHES)
LATIN_WORD = re.compile(r"[a-z]+(?:['’ʼ`][a-z]+)*")
"""A Latin word as typed (after NFC and casefolding), an apostrophe inside kept ("p'iat")."""


def segments(word: str) -> list[tuple[str, ...]]:
    """The Cyrillic readings of ``word``'s letter groups, left to right, the longest group
    first ("shchastia" -> щ, а, с, т, я/іа); an apostrophe reads as nothing. ``word`` is
    lower-case Latin (:data:`LATIN_WORD`); [] when it holds anything else."""
    word = word.translate(_NO_APOSTROPHES)
    out: list[tuple[str, ...]] = []
    at = 0
    while at < len(word):
        for size in range(min(_LONGEST, len(word) - at), 0, -1):
            group = word[at:at + size]
            if group in _GROUPS:
                readings = _GROUPS[group]
                if group == "i" and at > 0 and word[at - 1] in _VOWELS:
                    readings = _AFTER_VOWEL_I
                out.append(readings)
                at += size
                break
        else:
            return []
    return out


def cyrillic_candidates(word: str, limit: int = MAX_CANDIDATES) -> list[str]:
    """Cyrillic spellings ``word`` (lower-case Latin) may stand for, the likeliest first: every
    group read its likeliest way, then with one group read otherwise, then two, up to
    MAX_CHANGES; at most ``limit``, no two folding alike.

    >>> cyrillic_candidates("zvilnennia")[0]
    'звілнення'
    >>> "новий" in cyrillic_candidates("novyi")
    True
    """
    options = segments(word) if len(word) <= MAX_LENGTH else []
    if not options:
        return []
    ambiguous = [n for n, readings in enumerate(options) if len(readings) > 1]
    first = [readings[0] for readings in options]
    found: dict[str, str] = {}
    for changes in range(min(MAX_CHANGES, len(ambiguous)) + 1):
        for where in combinations(ambiguous, changes):
            for picks in product(*(range(1, len(options[n])) for n in where)):
                letters = list(first)
                for n, pick in zip(where, picks, strict=True):
                    letters[n] = options[n][pick]
                # folded piece by piece (fold maps letter by letter): fold() on every
                # spelling costs more than the rest of the search of such a question
                found.setdefault("".join(map(_folded, letters)), "".join(letters))
                if len(found) >= limit:
                    return list(found.values())
    return list(found.values())


_FOLDED = {reading: fold(reading) for readings in (*_GROUPS.values(), _AFTER_VOWEL_I)
           for reading in readings}
_folded = _FOLDED.__getitem__


def reading(word: str, known: Callable[[str], bool]) -> str | None:
    """The first of ``word``'s Cyrillic candidates that ``known`` accepts, or None."""
    return next((c for c in cyrillic_candidates(word) if known(c)), None)


def read_latin_ukrainian(text: str, *, readable: Callable[[str], bool],
                         known: Callable[[str], bool],
                         slip: Callable[[str], bool] = lambda word: False,
                         near: Callable[[str], bool] = lambda word: False,
                         typed_ukrainian: Callable[[str], bool] = lambda word: False,
                         min_words: int = MIN_WORDS) -> str:
    """``text`` with its Ukrainian words typed in Latin letters written in Cyrillic, or
    ``text`` itself (the same object) when it has none.

    A Latin word is a candidate when ``readable`` (a cheap test: the search reads the word as
    typed, folded and without apostrophes) says no. ``text`` is read as Ukrainian when at
    least ``min_words`` candidates have a Cyrillic spelling that ``known`` accepts (a Ukrainian
    word or function word the search knows); then each such word is written so. A candidate
    with no known spelling is left as typed when ``slip`` accepts it (the search reads it as
    a slip of a word it knows), else written as the first of its first NEAR_TRIES spellings
    that ``near`` accepts (a slip of a known Ukrainian word, e.g. an informal "e" for є),
    else left as typed. A word the search reads as typed because it is a Ukrainian word's
    Latin spelling (``typed_ukrainian``: "perekladach", as перекладач folds) counts towards
    ``min_words`` too: "skilky koshtuje perekladach" has one word to rewrite and two that
    show the question Ukrainian. A word the search reads that is typed with an apostrophe (for the
    soft sign: "dans'koji") is written without it, so that it is read as one word. The
    result is NFC and casefolded, as the search reads a question."""
    typed = unicodedata.normalize("NFC", text).casefold()
    unread: list[tuple[re.Match[str], str]] = []
    joined: list[tuple[re.Match[str], str]] = []
    latin = 0
    for match in LATIN_WORD.finditer(typed):
        word = match.group().translate(_NO_APOSTROPHES)
        if len(word) < 2 or not _alone(typed, match):
            continue
        if not readable(word):
            unread.append((match, word))
            continue
        latin += typed_ukrainian(word)
        if word != match.group():
            joined.append((match, word))
    if not unread or len(unread) + latin < min_words:
        return text  # most questions: no spelling is worked out at all
    found = [(match, word, reading(word, known)) for match, word in unread]
    if sum(1 for _m, _w, spelling in found if spelling) + latin < min_words:
        return text
    # a word typed with an apostrophe for the soft sign is read as one word ("dans'koji")
    rewritten = list(joined)
    for match, word, spelling in found:
        if spelling is None and not slip(word):
            spelling = next((c for c in cyrillic_candidates(word)[:NEAR_TRIES] if near(c)),
                            None)
        if spelling is not None:
            rewritten.append((match, spelling))
    out: list[str] = []
    end = 0
    for match, written in sorted(rewritten, key=lambda pair: pair[0].start()):
        out += [typed[end:match.start()], written]
        end = match.end()
    out.append(typed[end:])
    return "".join(out)


def _alone(text: str, match: re.Match[str]) -> bool:
    """Whether the Latin letters of ``match`` are a whole word, not part of one with other
    letters or digits ("kontanthjælp", "uge3")."""
    before = text[match.start() - 1] if match.start() else " "
    after = text[match.end()] if match.end() < len(text) else " "
    return not (before.isalnum() or after.isalnum())
