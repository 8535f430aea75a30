"""Language analysis for search: words, stopwords and lemmas in Danish, English and Ukrainian.

Every index term is a *folded lemma*: the word's dictionary form from ``simplemma`` (in the
language of the text it stands in), then :func:`~assistant.knowledge.normalize.fold`, so that
"lærlinge", "laerlinge" and "лерлінге" all meet "laerling".

simplemma's dictionaries take seconds to load (about 3 s for Danish alone), too slow for a
kiosk that starts up. So :class:`Lemmas` loads them only to compute two small tables for the
words of one knowledge base, and keeps those tables in a cache file named by a hash of its
inputs (the words, simplemma's version and this module's format). The tables are:
- the lemma of every word the index holds, per language;
- for questions: every form that simplemma's dictionaries know of a lemma the index holds
  ("betalte" -> "betale"). A form of a lemma the index does not hold cannot match anything,
  so the table is complete for search; a word it lacks goes to the typo layer.
The result depends only on the inputs, so a cached and a fresh table are the same.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Container, Iterable, Mapping
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from assistant.knowledge.normalize import fold

LANGS = ("da", "en", "uk")
FORMAT = 1
"""Bump when the tables' meaning changes: old cache files are then not read."""
CACHE_ENV = "ASSISTANT_CACHE_DIR"

log = logging.getLogger(__name__)
_WORD = re.compile(r"[^\W_]+")

_STOP = """
hvad er hvordan hvor hvem hvornår hvorfor kan jeg mig min mit mine du dig din dit dine det den
de en et at og i på til om for med af har have havde skal skulle vil ville gerne vide noget der
som man få får fik ved være været er var bliver blive blev hvis eller fra ikke nu så sig jer vi
os deres hvilke hvilken hvilket mon må gør gøre betyder alle alt da dem denne dette efter ej end
før han hans hende hendes her hver ingen intet kom kun kunne meget mellem men mod måske ned nogen
nogle når også over samme selv sin sine sit sådan sådanne sådant under ud uden vores vor vort dog
jo ind op fordi ja både selvom ham hun anden
what is a an the how do does did i me my can could to for of in on about get whats tell and or
are be been it its with who whom when where want wants need please you your know which why am
will would should there this that these those as at but by if into no not such their then they
was were has have had any some so than too very just also our we us he she him her them from
what's i'm
що таке як де хто коли чи я мені мій моя моє мої можу можна про для в у на з із зі і й та це є
треба потрібно хочу мене які який яка яке бути а але чому скільки ви вам вас ваш ваша ваше мати
мене мною ми нам нас наш він вона воно вони його її їх їм ним нею до від по за під над при після
же ж би б не ні так тут там то той те ця цей ці все всі вже ще також або якщо щоб бо
якого якої яких якому якій якою тільки лише наскільки щас шо теж весь свій себе собі мій
той цей котрий
"""
# dictionary forms of the function words above, for words that only their lemma shows to be
# one ("була" -> "бути", "fik" -> "få", "does" -> "do")
_STOP_LEMMAS = """
være blive have få gøre kunne skulle ville måtte
be have do get can could will would shall should may might must
бути мати могти який цей той весь свій
"""
STOPWORDS: frozenset[str] = frozenset(fold(w) for w in _STOP.split() + _STOP_LEMMAS.split())
"""Function words of the three languages, folded; dropped from texts and questions."""


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    """:func:`fold` of one word from :func:`words`, remembered (texts repeat their words)."""
    return fold(word)


def words(text: str) -> list[str]:
    """The words of ``text`` as typed (the words of :func:`norm`): letters kept, punctuation
    gone."""
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold())


def content_words(text: str) -> list[str]:
    """:func:`words` without the stopwords."""
    return [w for w in words(text) if fold_word(w) not in STOPWORDS]


MIN_PART = 4
"""The shortest word a compound splits into."""


def compound_parts(word: str, known: Container[str]) -> tuple[str, str] | None:
    """A Danish compound's modifier and head, both ``known`` words (folded lemmas): the split
    with the longest head, a linking s or e dropped ("vejledningssamtale" -> "vejledning",
    "samtale"; "sygedagpengeperiode" -> "sygedagpenge", "periode"). None if it has none."""
    if len(word) < 2 * MIN_PART or not word.isalpha():
        return None
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        head = word[cut:]
        if head not in known:
            continue
        modifier = word[:cut]
        if modifier in known:
            return modifier, head
        if modifier[-1] in "se" and len(modifier) > MIN_PART and modifier[:-1] in known:
            return modifier[:-1], head
    return None


def is_cyrillic(word: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in word)


def lemma_language(word: str, lang: str) -> str:
    """The dictionary to read ``word`` with: a Latin word in Ukrainian text is a Danish term
    ("dagpenge"); a Cyrillic word is Ukrainian whatever the text."""
    if is_cyrillic(word):
        return "uk"
    return "da" if lang == "uk" else lang


def cache_dir() -> Path | None:
    """Where the tables are kept: $ASSISTANT_CACHE_DIR, else the user's cache folder."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return None
    return Path(user_cache_dir("jobcenter-assistant", appauthor=False))


class Lemmas:
    """Folded lemmas for the words of one index, and the question-side form table."""

    _memo: dict[str, Lemmas] = {}

    def __init__(self, index: Mapping[str, Mapping[str, str]],
                 forms: Mapping[str, Iterable[str]]) -> None:
        self.index = {lang: dict(table) for lang, table in index.items()}
        self.forms = {form: tuple(lemmas) for form, lemmas in forms.items()}

    @classmethod
    def for_words(cls, vocabulary: Mapping[str, Iterable[str]]) -> Lemmas:
        """Tables for ``vocabulary`` (language -> words as :func:`words` gives them), from the
        process's memo, the cache file, or simplemma (then written to the cache)."""
        by_lang = {lang: sorted(set(vocabulary.get(lang, ()))) for lang in LANGS}
        key = cls.key(by_lang)
        if key in cls._memo:
            return cls._memo[key]
        lemmas = cls._read(key)
        if lemmas is None:
            lemmas = cls.compute(by_lang)
            cls._write(key, lemmas)
        cls._memo[key] = lemmas
        return lemmas

    @staticmethod
    def key(by_lang: Mapping[str, list[str]]) -> str:
        digest = hashlib.sha256()
        digest.update(f"{FORMAT}|simplemma {version('simplemma')}|".encode())
        digest.update(json.dumps(by_lang, ensure_ascii=False, sort_keys=True).encode())
        return digest.hexdigest()[:24]

    @classmethod
    def compute(cls, by_lang: Mapping[str, list[str]]) -> Lemmas:
        from simplemma import lemmatize
        from simplemma.strategies import DefaultDictionaryFactory

        index: dict[str, dict[str, str]] = {}
        held: dict[str, set[str]] = defaultdict(set)
        for lang in LANGS:
            table: dict[str, str] = {}
            for word in by_lang.get(lang, ()):
                if word.isdigit():
                    table[word] = word
                    continue
                dict_lang = lemma_language(word, lang)
                lemma = fold(lemmatize(word, lang=dict_lang)) or fold(word)
                table[word] = lemma
                held[dict_lang].add(lemma)
            index[lang] = table
        forms: dict[str, set[str]] = defaultdict(set)
        factory = DefaultDictionaryFactory()
        for lang in LANGS:
            wanted = held[lang]
            if not wanted:
                continue
            for form, lemma in factory.get_dictionary(lang).items():
                folded_lemma = fold(lemma)
                if folded_lemma in wanted:
                    folded_form = fold(form)
                    if folded_form and folded_form != folded_lemma and " " not in folded_form:
                        forms[folded_form].add(folded_lemma)
        return cls(index, {form: sorted(lemmas) for form, lemmas in sorted(forms.items())})

    @classmethod
    def _path(cls, key: str) -> Path | None:
        folder = cache_dir()
        return folder / f"lemmas-{key}.json" if folder else None

    @classmethod
    def _read(cls, key: str) -> Lemmas | None:
        path = cls._path(key)
        if path is None or not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(data["index"], data["forms"])
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("ignoring an unreadable lemma cache %s", path)
            return None

    @classmethod
    def _write(cls, key: str, lemmas: Lemmas) -> None:
        path = cls._path(key)
        if path is None:
            return
        text = json.dumps({"index": lemmas.index, "forms": lemmas.forms}, ensure_ascii=False,
                          sort_keys=True, separators=(",", ":"))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".lemmas-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, path)
        except OSError as exc:  # a read-only home still searches, only slower to start
            log.info("lemma cache not written (%s)", exc)

    def compounds(self) -> dict[str, tuple[str, str]]:
        """Every Latin index lemma that is a compound of two Danish index lemmas, with its
        parts (:func:`compound_parts`)."""
        danish = {lemma for lang, table in self.index.items() for word, lemma in table.items()
                  if lemma_language(word, lang) == "da"}
        latin = {lemma for table in self.index.values() for word, lemma in table.items()
                 if not is_cyrillic(word)}
        out = {}
        for lemma in sorted(latin):
            parts = compound_parts(lemma, danish)
            if parts:
                out[lemma] = parts
        return out

    def of(self, word: str, lang: str) -> str:
        """The folded lemma of an index word (as :func:`words` gives it) in ``lang`` text."""
        found = self.index.get(lang, {}).get(word)
        return found if found is not None else fold_word(word)

    def of_question_word(self, folded: str) -> tuple[str, ...]:
        """The folded lemmas a question's (folded) word may stand for; () if none is known."""
        return self.forms.get(folded, ())
