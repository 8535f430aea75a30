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
from collections.abc import Callable, Container, Iterable, Mapping
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from assistant.knowledge.normalize import fold

LANGS = ("da", "en", "uk")
FORMAT = 3
"""Bump when what a cached computation means changes: old cache files are then not read."""
CACHE_ENV = "ASSISTANT_CACHE_DIR"

log = logging.getLogger(__name__)
_WORD = re.compile(r"[^\W_]+(?:(?<=[а-яіїєґ])['’ʼ](?=[а-яіїєґ])[^\W_]+)*")
"""A word: letters and digits; a Ukrainian word keeps its apostrophe ("сім'я", "п’ять"), as
the lemmatiser knows it, instead of falling apart into "сім" (seven) and "я" (I)."""

_STOP = """
hvad er hvordan hvor hvem hvornår hvorfor kan jeg mig min mit mine du dig din dit dine det den
de en et at og i på til om for med af har have havde skal skulle vil ville gerne vide noget der
som man få får fik ved være været er var bliver blive blev hvis eller fra ikke nu så sig jer vi
os deres hvilke hvilken hvilket mon må gør gøre betyder alle alt da dem denne dette efter ej end
før han hans hende hendes her hver ingen intet kom kun kunne meget mellem men mod måske ned nogen
nogle når også over samme selv sin sine sit sådan sådanne sådant under ud uden vores vor vort dog
jo ind op fordi ja både selvom ham hun anden
tak venligst hej hilsen
what is a an the how do does did i me my can could to for of in on about get whats tell and or
are be been it its with who whom when where want wants need please you your know which why am
will would should there this that these those as at but by if into no not such their then they
was were has have had any some so than too very just also our we us he she him her them from
what's i'm
please hi hello thanks thank
що таке як де хто коли чи я мені мій моя моє мої можу можна про для в у на з із зі і й та це є
треба потрібно хочу мене які який яка яке бути а але чому скільки ви вам вас ваш ваша ваше мати
мене мною ми нам нас наш він вона воно вони його її їх їм ним нею до від по за під над при після
собою же ж би б не ні так тут там то той те ця цей ці все всі вже ще також або якщо щоб бо
якого якої яких якому якій якою тільки лише наскільки щас шо теж весь свій себе собі мій
той цей котрий може можуть можемо можеш отримати отримувати одержати стати робити зробити
будь ласка привіт дякую
что чтобы пожалуйста спасибо здравствуйте можно нужно надо это как где когда почему мне меня
"""
# dictionary forms of the function words above, for words that only their lemma shows to be
# one ("була" -> "бути", "fik" -> "få", "does" -> "do")
_STOP_LEMMAS = """
være blive have få gøre kunne skulle ville måtte
be have do get can could will would shall should may might must
бути мати могти який цей той весь свій
"""
FILLERS: frozenset[str] = frozenset(fold(w) for w in """
præcis præcist egentlig egentligt exactly actually precisely саме точно власне
""".split())
"""Words that only stress what they stand next to ("hvor meget præcis", "скільки саме
грошей"): function words, and no part of a phrase that asks for a detail."""
STOPWORDS: frozenset[str] = frozenset(fold(w) for w in _STOP.split() + _STOP_LEMMAS.split()
                                      ) | FILLERS
"""Function words of the three languages, folded; dropped from texts and questions."""


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    """:func:`fold` of one word from :func:`words`, remembered (texts repeat their words)."""
    return fold(word)


def words(text: str) -> list[str]:
    """The words of ``text`` as typed (the words of :func:`norm`): letters kept, punctuation
    gone."""
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold().replace("’", "'")
                         .replace("ʼ", "'"))


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


UK_STOPWORDS: frozenset[str] = frozenset(
    fold(w) for w in _STOP.split() + _STOP_LEMMAS.split() if is_cyrillic(w))
"""The Ukrainian ones among them (a Ukrainian question typed in Latin letters shows itself by
them: :mod:`assistant.knowledge.translit`)."""


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


_MEMO: dict[str, Any] = {}


def cached(name: str, inputs: Any, compute: Callable[[], Any], code: str) -> Any:
    """``compute()``, a JSON value that depends on ``inputs`` (JSON too) and the source file
    ``code`` alone, from this process's memo, the cache folder (a file named by a hash of
    both) or computed and kept there. A folder that cannot be written only costs the time."""
    digest = hashlib.sha256(f"{FORMAT}|{name}|".encode())
    digest.update(_source_digest(code))
    digest.update(json.dumps(inputs, ensure_ascii=False, sort_keys=True).encode())
    key = f"{name}-{digest.hexdigest()[:24]}"
    if key in _MEMO:
        return _MEMO[key]
    folder = cache_dir()
    path = folder / f"{key}.json" if folder else None
    value = None
    if path is not None and path.is_file():
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("ignoring an unreadable cache file %s", path)
    if value is None:
        value = compute()
        if path is not None:
            _write(path, json.dumps(value, ensure_ascii=False, sort_keys=True,
                                    separators=(",", ":")))
            _prune(path.parent, name)
    _MEMO[key] = value
    return value


KEEP = 8
"""Cache files kept per kind of computation: a content change leaves its old ones behind."""


def _prune(folder: Path, name: str) -> None:
    """Remove all but the KEEP newest cache files of ``name``."""
    try:
        found = sorted(folder.glob(f"{name}-*.json"), key=lambda p: p.stat().st_mtime,
                       reverse=True)
        for old in found[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # another process pruned it first, or the folder is read-only


@lru_cache(maxsize=8)
def _source_digest(code: str) -> bytes:
    """A hash of the module that computes a cached value: changing it changes the key."""
    return hashlib.sha256(Path(code).read_bytes()).digest()


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only home still searches, only slower to start
        log.info("cache not written (%s)", exc)


class Lemmas:
    """Folded lemmas for the words of one index, the question-side form table, and the
    compounds among the index's lemmas."""

    def __init__(self, tables: dict[str, Any]) -> None:
        self.index: dict[str, dict[str, str]] = tables["index"]
        self.forms: dict[str, list[str]] = tables["forms"]
        self.compounds: dict[str, tuple[str, str]] = {
            lemma: (parts[0], parts[1]) for lemma, parts in tables["compounds"].items()}

    @classmethod
    def for_words(cls, vocabulary: Mapping[str, Iterable[str]]) -> Lemmas:
        """Tables for ``vocabulary`` (language -> words as :func:`words` gives them), cached
        (:func:`cached`) or from simplemma."""
        by_lang = {lang: sorted(set(vocabulary.get(lang, ()))) for lang in LANGS}
        inputs = {"simplemma": version("simplemma"), "words": by_lang}
        return cls(cached("lemmas", inputs, lambda: cls.compute(by_lang), __file__))

    @staticmethod
    def compute(by_lang: Mapping[str, list[str]]) -> dict[str, Any]:
        from simplemma import lemmatize
        from simplemma.strategies import DEFAULT_DICTIONARY_FACTORY

        index: dict[str, dict[str, str]] = {}
        held: dict[str, set[str]] = defaultdict(set)
        """dictionary language -> the lemmas (as simplemma gives them) the index holds"""
        for lang in LANGS:
            table: dict[str, str] = {}
            for word in by_lang.get(lang, ()):
                if word.isdigit():
                    table[word] = word
                    continue
                dict_lang = lemma_language(word, lang)
                lemma = lemmatize(word, lang=dict_lang)
                table[word] = fold(lemma) or fold(word)
                held[dict_lang].add(lemma)
            index[lang] = table
        forms: dict[str, set[str]] = defaultdict(set)
        factory = DEFAULT_DICTIONARY_FACTORY  # the one lemmatize() loaded: read from disk once
        for lang in LANGS:
            wanted = held[lang]
            if not wanted:
                continue
            for form, lemma in factory.get_dictionary(lang).items():
                if lemma in wanted:
                    folded_form, folded_lemma = fold(form), fold(lemma)
                    if folded_form and folded_form != folded_lemma and " " not in folded_form:
                        forms[folded_form].add(folded_lemma)
        # compounds: Latin lemmas made of two Danish ones (compound_parts)
        danish = {lemma for lang, table in index.items() for word, lemma in table.items()
                  if lemma_language(word, lang) == "da"}
        latin = {lemma for table in index.values() for word, lemma in table.items()
                 if not is_cyrillic(word)}
        compounds = {lemma: parts for lemma in sorted(latin)
                     if (parts := compound_parts(lemma, danish))}
        return {"index": index, "forms": {f: sorted(ls) for f, ls in sorted(forms.items())},
                "compounds": compounds}

    def of(self, word: str, lang: str) -> str:
        """The folded lemma of an index word (as :func:`words` gives it) in ``lang`` text."""
        found = self.index.get(lang, {}).get(word)
        return found if found is not None else fold_word(word)

    def of_question_word(self, folded: str) -> tuple[str, ...]:
        """The folded lemmas a question's (folded) word may stand for; () if none is known."""
        return self.forms.get(folded, ())
