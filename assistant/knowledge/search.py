"""Ranked search over the knowledge base: curated entries, and for staff the source passages.

How a question is read (every term is a folded lemma, :mod:`assistant.knowledge.analysis`):
1. Each content word becomes a *slot* (:mod:`assistant.knowledge.bm25f`): its lemmas in
   whichever of da/en/uk know the form. A Danish compound the texts lack stands for its two
   parts, each counting half ("jobrotationsvikaren" -> "jobrotation", "vikar").
   The curated word list (:mod:`assistant.knowledge.wordlist`, ``knowledge/_glossary``) adds
   the words of the same concept in the other languages, at ``WORDLIST_WEIGHT``: "committee"
   and "комітет" also look for "udvalg"; a phrase ("disability pension") stands for its concept
   in each of its words.
2. A Danish word typed without æ, ø or å ("mode", "soge") is read as the word it stands for
   (:meth:`Index.accented`). The typo layer (rapidfuzz): a word still unknown is corrected
   against the index vocabulary and the word list (same first letter, similar length, ratio
   >= ``WORD_SIM``), weighted by similarity. A Ukrainian question typed in Latin letters
   ("Koly treba zareiestruvatysia ... pislia zvilnennia?") is first written in Cyrillic where
   the search cannot read its words as typed (:meth:`Index.latin_ukrainian`,
   :mod:`assistant.knowledge.translit`); :meth:`Index.slots` and :meth:`Index.asked` read the
   same rewritten question.
3. BM25F ranks the entries (title, terms and body, all three languages), and a score is the
   share of what the question could earn (0-100): a word the index has never seen weighs as
   much as its heaviest word, so "order me a pizza" cannot score well on "order" alone. The
   share of the question named by an entry's own title and terms (*key*, idf-weighted) then
   reorders the best ``CANDIDATES``: ``KEY_WEIGHT`` of the final score.
4. For staff, BM25F ranks the source passages (heading and text) with the question's words,
   their word-list translations and those of the glossary learnt from the entries
   (:mod:`assistant.knowledge.glossary`), so an English or Ukrainian question also finds the
   Danish plans.
The outcome (:func:`decide`): "answer" when one entry is clearly best (and, for staff, no
passage rivals it); "suggest" when entries or passages pass their thresholds; else "none".
Passages never make an answer; a staff suggestion keeps room for them after its first entry.
A question that names a subject outside the sources gets no entry; a question that asks for a
detail the sources lack for its subject (the word list's ``missing`` files: "how much" about
dagpenge, the jobcentre's phone number; staff only the contact details, :data:`STAFF_DETAILS`)
gets only entries and passages that give such a detail and name another subject of the question
(:meth:`Index.gives`); the words that ask for it are read without æ/ø/å and with a slip as the
others are, and a question that asks for it and names no subject ("how much money will I get")
gets none. A question that asks for a figure of a year ("how many repatriated in 2023") gets
none when neither the best entry nor, for staff, the best two paragraphs speak of that year
(``counts.yaml``; a plan period "2023-24" speaks of both years). A question that names every
subject of one the sources say they do not answer (``unknown.yaml``: Ukrainians under the
special act and repatriation) is one outside the sources.
The thresholds were calibrated on the dev half of the blind question set (tests/data/blind) and
the project's own questions; the test half is only measured (bench/search.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import product

import numpy as np
from rapidfuzz import fuzz, process

from assistant.knowledge.analysis import (
    FILLERS,
    MIN_PART,
    STOPWORDS,
    UK_STOPWORDS,
    Lemmas,
    compound_parts,
    content_words,
    fold_word,
    is_cyrillic,
    lemma_language,
    words,
)
from assistant.knowledge.bm25f import FieldIndex, Slot
from assistant.knowledge.glossary import Glossary
from assistant.knowledge.model import Entry
from assistant.knowledge.normalize import fold
from assistant.knowledge.passages import Passage
from assistant.knowledge.translit import read_latin_ukrainian
from assistant.knowledge.wordlist import Concept
from assistant.knowledge.wordlist import vocabulary as wordlist_vocabulary
from assistant.text import LANGS

ANSWER_AT = 65.0
"""A top entry at least this high, clear of the runner-up, is an answer."""
MARGIN = 12.0
SUGGEST_AT = 40.0
"""Below this no entry is suggested."""
PASSAGE_AT = 15.0
"""Below this no passage is shown."""
KEY_WEIGHT = 0.35
"""How much the share of the question named by an entry's title and terms counts."""
TITLE_WEIGHT = 0.15
"""How much the share of the entry's title that the question names counts."""
CANDIDATES = 40
"""Entries ranked by BM25F that the key share then reorders."""
RANKED_PASSAGES = 20
NAMED_AT = 10.0
KNOWN_AT = 30.0
"""... and one whose title and terms name one word, when every word of the question is known."""
"""An entry whose title and terms name two of the question's words is suggested from here."""
PASSAGE_WORDS = 2.0
PASSAGE_ROOM = 1
"""Places kept for passages (when some are found) after a suggestion's entries."""
STRONG_AT = 40.0
STRONG_KEY_AT = 50.0
"""When passages are found, an entry after the first keeps its place before them only when it
scores STRONG_AT or its title and terms name STRONG_KEY_AT of the question; the other places
go to the passages (staff asking for a plan's figure are better served by its paragraph than
by a loosely related entry)."""
TIED_WITHIN = 2.0
"""... and so does an entry that scores within this of the first: the search cannot tell which
of the two the question is about ("share on public support per the service check": Lejre's
figures or mploy's)."""
ANSWER_KEY_AT = 30.0
SPECIFIC_AT = 0.05
"""An entry answers a question asking for a detail the sources lack for its subject only when
its title or terms name another of the question's words that names a subject: one found in at
most this share of the entries ("uddannelsesløft", not "year" or "child")."""
SUBJECT_AT = 0.2
"""A question asking for an amount names no subject at all when each of its other words is
found in more than this share of the entries ("how much money will I get": "get", "receive");
the sources have no amount for that ("per month" or "repatriate" name one)."""
RIVAL_MARGIN = 20.0
RIVAL_KEY_AT = 50.0
"""A passage that holds RIVAL_KEY_AT of the question and scores within RIVAL_MARGIN of the best
entry makes the entry a suggestion, not the answer: the source may hold what the entry lacks."""
PASSAGE_KEY_AT = 30.0
WORDLIST_WEIGHT = 0.8
"""What a word of the same concept in the word list earns, as a share of the word itself."""
WORDLIST_PHRASE_WEIGHT = 0.5
"""... and each word of a phrase that names the concept ("disability pension")."""
WORD_SIM = 84.0
"""rapidfuzz ratio a misspelt word needs to count as a vocabulary word."""
SHORT_WORD = 2
"""A word this short that is a Danish function word typed without æ, ø or å ("fa", "pa") is
read as that, even when some text holds it as typed (an abbreviation, a name)."""
INVERTED_SUBJECTS = frozenset({"jeg", "du", "man", "vi", "i", "de", "han", "hun"})
"""Danish subject pronouns: a word just before one is a verb (a question's word order)."""
MIN_TYPO_LENGTH = 5
MIN_ASKING_TYPO_LENGTH = 4
ASKING_HEAD = 4
"""A Danish asking word that ends a compound is read in it when it has this many letters
("dagpengesatsen" asks for a rate; "dyr" is not read in "eventyr")."""
"""An asking word may be shorter ("peng" for "penge"): it only counts in a phrase that asks
for an amount about a subject the word list names."""
TITLE_REPEAT = 3
TERMS_REPEAT = 3
HEADING_REPEAT = 2
K1 = 1.2
B = 0.75
PASSAGE_B = 0.5
LATIN_UK_LETTERS = 5
"""A Latin word this long that is a Ukrainian word's Latin spelling shows a question
Ukrainian (:meth:`Index._typed_ukrainian`)."""
MAX_WORDS = 40
"""Longer questions are cut: a story around one key word still has the word in 40."""
MAX_CHARS = 1000
"""... and so is anything longer than this (hostile input), before it is read at all."""
DETAILS = {
    "amount": re.compile(r"\d\s*(%|kr\b|kroner|dkk|procent|pct|per cent|percent|відсот|грн|"
                         r"крон)|\b(dkk|kr\.?)\s*\d", re.IGNORECASE),
    "contact": re.compile(r"\+?\d\d[\d ]{5,}\d|@\w"),
}
"""What an entry's body holds when it gives a detail of a kind: an amount (a figure in kroner
or percent) or a contact (a phone number or an e-mail address)."""
STAFF_DETAILS = {"amount"}
"""Details that staff questions may ask for whatever the word list says: the plans' budgets and
counts are amounts the sources do give (a staff question "how much" about dagpenge asks for
them). No source gives an office's phone number or address to staff either, so a staff question
asking for one gets only the entries and passages that give one."""


@dataclass(frozen=True)
class Hit:
    entry: Entry | None
    score: float
    passage: Passage | None = None

    @property
    def kind(self) -> str:
        return "entry" if self.entry is not None else "passage"

    @property
    def id(self) -> str:
        if self.entry is not None:
            return self.entry.id
        assert self.passage is not None
        return self.passage.id


@dataclass(frozen=True)
class SearchResult:
    query: str
    outcome: str
    """"answer" (one confident entry), "suggest" (candidates) or "none"."""
    hits: tuple[Hit, ...]
    missing: str = ""
    """With "none": the detail asked for that the sources lack ("amount", "contact"), if
    that is why."""


class Index:
    """Built once per process from the entries (and passages); searching does not touch the
    disk."""

    def __init__(self, entries: Iterable[Entry], passages: Iterable[Passage] = (),
                 concepts: Iterable[Concept] = ()) -> None:
        self.entries: list[Entry] = list(entries)
        self.passages: list[Passage] = list(passages)
        self.by_id = {e.id: i for i, e in enumerate(self.entries)}
        # every field's content words once: (language, words, repeat) per field
        entry_fields = [
            [*((lang, content_words(e.title[lang]), TITLE_REPEAT) for lang in e.title),
             *((lang, content_words(" ".join(e.terms.get(lang, ()))), TERMS_REPEAT)
               for lang in e.terms),
             *((lang, content_words(e.body[lang]), 1) for lang in e.body)]
            for e in self.entries
        ]
        passage_fields = [
            [(p.lang, content_words(p.heading), HEADING_REPEAT),
             (p.lang, content_words(p.text), 1)]
            for p in self.passages
        ]
        vocabulary: dict[str, set[str]] = defaultdict(set)
        for fields in (*entry_fields, *passage_fields):
            for lang, found, _repeat in fields:
                vocabulary[lang].update(found)
        self.lemmas = Lemmas.for_words(vocabulary)
        self.compounds = self.lemmas.compounds

        def lemmatized(fields: list[tuple[str, list[str], int]]) -> list[tuple[list[str], int]]:
            of, compounds = self.lemmas.of, self.compounds
            out = []
            for lang, found, repeat in fields:
                terms = [t for t in (of(w, lang) for w in found) if t not in STOPWORDS]
                # a compound also stands for its parts: "vejledningssamtale" is a "samtale"
                terms += [part for t in terms if t in compounds for part in compounds[t]]
                out.append((terms, repeat))
            return out

        self.municipalities = {fold(e.municipality) for e in self.entries} - {"national"}
        texts = [" ".join([*e.title.values(), *e.body.values()]) for e in self.entries]
        self.entry_text = [fold(text) for text in texts]
        self.entry_years = [years_of(text) for text in texts]
        self.entry_named_years = [year_parts(text)[0] for text in texts]
        self.passage_years = [years_of(f"{p.heading} {p.text}") for p in self.passages]
        self.entry_index = FieldIndex([lemmatized(f) for f in entry_fields], K1, B)
        self.key_index = FieldIndex([[(terms, 1) for terms, repeat in lemmatized(f)
                                      if repeat > 1] for f in entry_fields])
        self.passage_index = FieldIndex([lemmatized(f) for f in passage_fields], K1, PASSAGE_B)
        vocab = set(self.entry_index.vocab) | set(self.passage_index.vocab)
        self.vocab = vocab
        self._read_wordlist(list(concepts))
        by_length: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word in sorted(vocab | set(self.concept_words)):
            by_length[(word[0], len(word))].append(word)
        self.by_length = dict(by_length)
        self.ukrainian = self._ukrainian_terms()
        self.glossary = Glossary(self.entries, self)
        self.titles = [[frozenset(self.terms(e.title[lang], lang)) for lang in e.title]
                       for e in self.entries]
        # what an entry is about in a word: its titles' words and its terms of one word ("a
        # new residence card", "opholdskort"; not "name" of "name on the mailbox")
        self.heads = [frozenset(t for lang in e.title for t in self.terms(e.title[lang], lang))
                      | frozenset(t for lang, terms in e.terms.items() for term in terms
                                  if len(found := self.terms(term, lang)) == 1 for t in found)
                      for e in self.entries]
        self.phrases: dict[str, set[int]] = defaultdict(set)
        for i, entry in enumerate(self.entries):
            texts = [*entry.title.values(), *(t for terms in entry.terms.values() for t in terms)]
            # ... also as typed without æ, ø or å ("hjalp til uddannelse")
            keys = {fold(t) for t in texts} | {fold(t.translate(UNACCENTED)) for t in texts}
            for key in keys:
                parts = key.split()
                if len(parts) > 1 and any(w in STOPWORDS for w in parts):
                    self.phrases[key].add(i)

    def _read_wordlist(self, concepts: list[Concept]) -> None:
        """The word list as index terms: each concept's words and phrases as folded lemmas
        (:attr:`concept_words`: a word -> its concepts; :attr:`concept_phrases`: a phrase's
        first word -> (the phrase, its concept)), and what each concept looks for
        (:attr:`concept_targets`: index terms with their weights)."""
        self.wordlist_lemmas = Lemmas.for_words(wordlist_vocabulary(concepts))
        of = self.wordlist_lemmas.of
        self.concept_words: dict[str, set[int]] = defaultdict(set)
        self.concept_phrases: dict[str, list[tuple[tuple[str, ...], int]]] = defaultdict(list)
        self.concept_targets: list[dict[str, float]] = []
        self.outside = {n for n, concept in enumerate(concepts) if concept.outside}
        self.missing = {n: concept.missing for n, concept in enumerate(concepts)
                        if concept.missing}
        self.general = {n for n, concept in enumerate(concepts) if concept.general}
        # each unknown question: its subjects, a concept each
        unknowns: dict[str, list[int]] = defaultdict(list)
        for n, concept in enumerate(concepts):
            if concept.unknown:
                unknowns[concept.unknown].append(n)
        self.unknowns = dict(unknowns)
        self._read_asking([c for c in concepts if c.asks])
        for n, concept in enumerate(concepts):
            targets: dict[str, float] = {}
            if concept.asks:
                self.concept_targets.append(targets)
                continue
            for lang, terms in concept.terms.items():
                for term in terms:
                    lemmas = tuple(t for t in (of(w, lemma_language(w, lang))
                                               for w in content_words(term))
                                   if t not in STOPWORDS)
                    if not lemmas:
                        continue
                    if len(lemmas) == 1:
                        self.concept_words[lemmas[0]].add(n)
                    else:
                        self.concept_phrases[lemmas[0]].append((lemmas, n))
                    weight = WORDLIST_WEIGHT if len(lemmas) == 1 else (
                        WORDLIST_WEIGHT * WORDLIST_PHRASE_WEIGHT)
                    if concept.outside or concept.missing or concept.unknown:
                        continue  # names a subject; looks for nothing
                    for lemma in lemmas:
                        if lemma in self.vocab:
                            targets[lemma] = max(targets.get(lemma, 0.0), weight)
            self.concept_targets.append(targets)
        self.concept_words = dict(self.concept_words)
        self.concept_phrases = dict(self.concept_phrases)

    def _read_asking(self, concepts: list[Concept]) -> None:
        """The words that ask for a detail (``asking`` of a ``missing`` word list), as
        sequences of folded lemmas, function words kept ("hvor meget", "how much")."""
        vocab: dict[str, set[str]] = {lang: set() for lang in LANGS}
        for concept in concepts:
            for lang, terms in concept.terms.items():
                for term in terms:
                    vocab[lang].update(words(term))
        self.asking_lemmas = Lemmas.for_words(vocab)
        of = self.asking_lemmas.of
        self.asking: list[tuple[tuple[str, ...], str]] = sorted({
            (tuple(of(w, lemma_language(w, lang)) for w in words(term)), concept.asks)
            for concept in concepts for lang, terms in concept.terms.items() for term in terms})
        # their words as the typo layer and the unaccented reading look them up
        self.asking_words = {w for phrase, _kind in self.asking for w in phrase}
        self.asking_words |= {fold_word(w) for lang_words in vocab.values() for w in lang_words}
        # the Danish ones that end a compound ("dagpengesatsen", "kursusprisen")
        self.asking_heads = {w for phrase, _kind in self.asking if len(phrase) == 1
                             for w in phrase if len(w) >= ASKING_HEAD and w.isalpha()
                             and w in {fold_word(v) for v in vocab["da"]}}
        by_length: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word in sorted(self.asking_words):
            by_length[(word[0], len(word))].append(word)
        self.asking_by_length = dict(by_length)

    def asked(self, query: str) -> tuple[set[str], set[str]]:
        """The details ``query`` asks for ("amount", "contact") and the (folded) words that
        ask for them: each of the question's words stands for itself and its lemmas."""
        return self._asked(self.latin_ukrainian(query))

    def _asked(self, query: str) -> tuple[set[str], set[str]]:
        """:meth:`asked` of a question already read (:meth:`latin_ukrainian`)."""
        # a word that only stresses ("скільки саме грошей", "how much exactly") does not part
        # the words of an asking phrase
        typed = [w for w in words(query)[:MAX_WORDS] if fold_word(w) not in FILLERS]
        found = [self._asking_reads(fold_word(w)) for w in typed]
        kinds: set[str] = set()
        asking: set[str] = set()
        for start in range(len(found)):
            for phrase, kind in self.asking:
                end = start + len(phrase)
                if end <= len(found) and all(phrase[k] in found[start + k]
                                             for k in range(len(phrase))):
                    kinds.add(kind)
                    asking.update(fold_word(w) for w in typed[start:end])
        return kinds, asking

    def _asking_reads(self, word: str) -> set[str]:
        """What a question's word stands for among the asking words: itself and its lemmas,
        or, when none of them is one, the asking words it stands for typed without æ, ø or å
        or with a slip ("peng" is "penge", "mutch" is "much"), as the rest of the question is
        read (:meth:`accented`, :meth:`similar`)."""
        reads = {word, *self.asking_lemmas.of_question_word(word)}
        if reads & self.asking_words or word.isdigit():
            return reads
        reads.update(self.accented(word, self._asking_known))
        if not reads & self.asking_words:
            reads.update(term for _sim, term in self.similar(
                word, pool=self.asking_by_length, min_length=MIN_ASKING_TYPO_LENGTH))
        if not reads & self.asking_words and not is_cyrillic(word):
            for cut in range(MIN_PART, len(word) - ASKING_HEAD + 1):  # the longest head first
                head = {word[cut:], *self.asking_lemmas.of_question_word(word[cut:])}
                if head & self.asking_heads:
                    return reads | head
        return reads

    # -- Ukrainian typed in Latin letters -------------------------------------------------

    def _ukrainian_terms(self) -> set[str]:
        """The folded Cyrillic words of the texts, the word list and the asking words, their
        lemmas, and the Ukrainian function words: what a Latin word read back into Cyrillic
        may be (:meth:`latin_ukrainian`)."""
        found = set(UK_STOPWORDS)
        for lemmas in (self.lemmas, self.wordlist_lemmas, self.asking_lemmas):
            for word, lemma in lemmas.index.get("uk", {}).items():
                if is_cyrillic(word):
                    found.update((fold_word(word), lemma))
        return found

    def latin_ukrainian(self, query: str) -> str:
        """``query`` with its Ukrainian words typed in Latin letters ("Koly treba
        zareiestruvatysia na jobnet.dk pislia zvilnennia?") written in Cyrillic, as the
        search reads a question (:func:`~assistant.knowledge.translit.read_latin_ukrainian`):
        only in a question where two words the search cannot read as typed
        (:meth:`_reads_as_typed`) are Ukrainian words it knows (:attr:`ukrainian`), each
        such word as the first of its Cyrillic spellings that is one; a word with no such
        spelling is left as typed when the typo layer reads it, else written as a slip of
        a known Ukrainian word if it is one. So a word that is a slip as typed but exactly a
        Ukrainian word in Cyrillic ("zvilnennia", "звільнення") is read as the Ukrainian
        word. Any other question is returned as it is (the same object), and so is one longer
        than MAX_CHARS (:meth:`rank` cuts first). :meth:`rank` reads a question once."""
        if len(query) > MAX_CHARS:
            return query
        return read_latin_ukrainian(query, readable=self._reads_as_typed,
                                    known=self._ukrainian_known,
                                    slip=lambda word: bool(self.similar(word)),
                                    near=self._ukrainian_near,
                                    typed_ukrainian=self._typed_ukrainian)

    def _reads_as_typed(self, word: str) -> bool:
        """Whether :meth:`slots` or :meth:`asked` read a (folded) Latin word without the
        typo layer: a function word, an index or word-list term, a form of one, an asking
        word, one typed without æ, ø or å, an -s form or a compound."""
        if word in STOPWORDS or word.isdigit():
            return True
        terms = {word, self.lemmas.of(word, "da"), *self.lemmas.of_question_word(word),
                 *self.wordlist_lemmas.of_question_word(word),
                 *self.asking_lemmas.of_question_word(word)}
        if any(t in self.vocab or t in self.concept_words or t in self.asking_words
               or t in STOPWORDS for t in terms):
            return True
        def known(form: str) -> list[str]:
            return [form] if form in STOPWORDS else self._known(form) or self._asking_known(form)

        return bool(self.accented(word, known) or self.singular(word) or self.split(word))

    @cached_property
    def ukrainian_forms(self) -> frozenset[str]:
        """:attr:`ukrainian` and every (folded) form of a lemma in it that the question-side
        tables know: one look-up per Cyrillic spelling tried. Worked out for the first
        question that needs it (some 50 ms), not when the index is built."""
        found = set(self.ukrainian)
        for lemmas in (self.lemmas, self.wordlist_lemmas, self.asking_lemmas):
            found.update(form for form, of in lemmas.forms.items()
                         if any(lemma in self.ukrainian for lemma in of))
        return frozenset(found)

    def _ukrainian_known(self, spelling: str) -> bool:
        """Whether a Cyrillic spelling is a Ukrainian word the search knows (folded, or a
        form of a lemma it holds)."""
        return fold_word(spelling) in self.ukrainian_forms

    def _typed_ukrainian(self, word: str) -> bool:
        """Whether a Latin word the search reads as typed is the Latin spelling of a
        Ukrainian word it knows, and of no Danish or English one ("perekladach",
        "koshtuje"): words of LATIN_UK_LETTERS letters or more, so that short ones shared
        with Danish and English ("tak", "do", "pro") show nothing."""
        return (len(word) >= LATIN_UK_LETTERS and word not in STOPWORDS
                and word in self.ukrainian_latin)

    @cached_property
    def ukrainian_latin(self) -> frozenset[str]:
        """The Latin spellings (as folded) of the Ukrainian words the search knows that are
        no Latin word of the texts (:meth:`_typed_ukrainian`)."""
        latin = {word for lemmas in (self.lemmas, self.wordlist_lemmas, self.asking_lemmas)
                 for lang in ("da", "en") for word in lemmas.index.get(lang, {})
                 if not is_cyrillic(word)}
        return frozenset(self.ukrainian_forms - {fold_word(word) for word in latin})

    def _ukrainian_near(self, spelling: str) -> bool:
        """Whether a Cyrillic spelling is a slip of a Ukrainian word the index knows."""
        return any(term in self.ukrainian for _sim, term in self.similar(fold_word(spelling)))

    def _asking_known(self, form: str) -> list[str]:
        return [t for t in dict.fromkeys((form, *self.asking_lemmas.of_question_word(form)))
                if t in self.asking_words]

    def title_fit(self, entry: int, named: set[str]) -> float:
        """The largest share of one of the entry's titles (any language) that ``named``
        holds."""
        return max((len(title & named) / len(title) for title in self.titles[entry] if title),
                   default=0.0)

    def terms_of(self, texts: dict[str, str]) -> list[str]:
        """Index terms of a text given in several languages."""
        return [term for lang, text in texts.items() for term in self.terms(text, lang)]

    def terms(self, text: str, lang: str) -> list[str]:
        """Index terms of ``text`` in ``lang``: folded lemmas, stopwords left out."""
        of = self.lemmas.of
        return [t for t in (of(word, lang) for word in content_words(text)) if t not in STOPWORDS]

    # -- questions --------------------------------------------------------------------------

    def slots(self, query: str) -> list[Slot]:
        return self._slots(self.latin_ukrainian(query))

    def _slots(self, query: str) -> list[Slot]:
        """:meth:`slots` of a question already read (:meth:`latin_ukrainian`)."""
        out: list[Slot] = []
        seen: set[str] = set()
        read: list[tuple[str, Slot, set[str]]] = []
        typed = words(query)[:MAX_WORDS]
        for n, word in enumerate(typed):
            folded = fold_word(word)
            if folded in STOPWORDS or (len(folded) < 2 and not folded.isdigit()):
                continue
            if n + 1 < len(typed) and fold_word(typed[n + 1]) in INVERTED_SUBJECTS and \
                    self.accented(folded, lambda form: [form] if form in STOPWORDS else []):
                continue  # a verb before its subject, typed without æ, ø or å: "far jeg"
                # is "får jeg" (not "father I"), "gor man" "gør man"
            candidates = {folded, *self.lemmas.of_question_word(folded),
                          *self.wordlist_lemmas.of_question_word(folded)}
            lang_guess = lemma_language(word, "da")
            candidates.add(self.lemmas.of(word, lang_guess))
            if candidates & STOPWORDS and not candidates - STOPWORDS - {folded}:
                continue  # a function word that only its lemma shows to be one ("була")
            if (len(folded) <= SHORT_WORD or not any(
                    c in self.vocab or c in self.concept_words for c in candidates)) and (
                    self.accented(folded, lambda form: [form] if form in STOPWORDS else [])):
                continue  # one typed without æ, ø or å ("gore", "pa", "ma"; "fa" even where
                # a text has "fa" of its own)
            if not any(c in self.vocab or c in self.concept_words
                       for c in candidates if c != folded):
                candidates |= self.singular(folded)
            read.append((folded, Slot(folded), candidates - STOPWORDS))
        concepts = self._concepts_named(read)
        for n, (folded, slot, candidates) in enumerate(read):
            if folded in seen:
                continue
            seen.add(folded)
            for term in candidates:
                if term in self.vocab:
                    slot.add(term, 1.0)
            named = concepts[n] | {c for t in candidates for c in self.concept_words.get(t, ())}
            slipped: set[int] = set()
            if (slot.terms or named) and folded not in self.vocab and \
                    folded not in self.concept_words and not folded.isdigit():
                # a word known only by a lemma of its own that is a word typed without æ, ø or
                # å ("hjalp", helped, is "hjælp", help) is read as that word
                respelt = self.accented(folded, self._as_typed)
                if respelt:
                    slot.terms.clear()
                    named = set()
                for term in respelt:
                    if term in self.vocab:
                        slot.add(term, 1.0)
                    named |= self.concept_words.get(term, set())
            if not slot.terms and not named and not folded.isdigit():
                for term in self.accented(folded):
                    if term in self.vocab:
                        slot.add(term, 1.0)
                    named |= self.concept_words.get(term, set())
            if not slot.terms and not named and not folded.isdigit():
                parts = self.split(folded)
                if parts:
                    out.extend(Slot(part, {part: 1.0}, weight=0.5) for part in parts)
                    continue
                for sim, term in self.similar(folded):
                    if term in self.vocab:
                        slot.add(term, sim / 100.0)
                    for concept in self.concept_words.get(term, ()):
                        self._add_concept(slot, concept, sim / 100.0)
                        slot.outside = slot.outside or concept in self.outside
                        slipped.add(concept)
            for concept in named:
                self._add_concept(slot, concept, 1.0)
            slot.outside = slot.outside or bool(named & self.outside)
            # a subject named with a slip ("sygedagpnge") lacks the detail as much
            subjects = named | slipped
            slot.concepts = subjects
            slot.missing = {self.missing[c] for c in subjects if c in self.missing}
            slot.general = bool(slot.missing) and all(
                c in self.general for c in subjects if c in self.missing)
            out.append(slot)
        # a question the sources say they do not answer, named by all of its subjects, is
        # one outside them ("repatriation support" for "Ukrainians under the special act")
        for parts in self.unknowns.values():
            naming = [[slot for slot in out if subject in slot.concepts] for subject in parts]
            if all(naming):
                for slot in (slot for found in naming for slot in found):
                    slot.outside = True
        return out

    def _concepts_named(self, read: list[tuple[str, Slot, set[str]]]) -> list[set[int]]:
        """For each word of the question, the concepts of the word list's phrases it stands
        in ("disability pension", "центр зайнятості")."""
        found: list[set[int]] = [set() for _ in read]
        # a word the index and the word list do not know stands for what it is typed for
        # without æ, ø or å or with a slip ("mødepligtt", "мовна шкла")
        reads = [candidates if folded.isdigit() or any(
                     c in self.vocab or c in self.concept_words for c in candidates)
                 else candidates | set(self.accented(folded))
                 | {term for _sim, term in self.similar(folded)}
                 for folded, _slot, candidates in read]
        for start, candidates in enumerate(reads):
            for term in candidates:
                for phrase, concept in self.concept_phrases.get(term, ()):
                    end = start + len(phrase)
                    if end <= len(read) and all(
                            phrase[k] in reads[start + k] for k in range(1, len(phrase))):
                        for position in range(start, end):
                            found[position].add(concept)
        return found

    def _add_concept(self, slot: Slot, concept: int, sure: float) -> None:
        for term, weight in self.concept_targets[concept].items():
            slot.add(term, weight * sure)

    def singular(self, word: str) -> set[str]:
        """Index terms an -s form the lemmatiser leaves alone stands for: an English plural
        of a name ("ukrainians", "jobcentres") or a Danish genitive ("kommunens")."""
        if len(word) < 5 or not word.endswith("s"):
            return set()
        found: set[str] = set()
        for stem in {word[:-1], word[:-2] if word.endswith("es") else "",
                     word[:-3] + "y" if word.endswith("ies") else ""} - {""}:
            found.update(self._known(stem))
        return found

    def accented(self, word: str, known: Callable[[str], list[str]] | None = None
                 ) -> list[str]:
        """Index terms and word-list words a Danish word typed without æ, ø or å stands for:
        "mode" is "møde" (folded "moede"), "soge" is "søge", "boligstotte" is "boligstøtte"
        (a subject outside the sources). Each o may be an ø and
        each a an æ or å; words with more than three such letters are left to the typo
        layer. ``known`` says what a respelling stands for (:meth:`_known` unless given)."""
        known = known or self._known
        slots = [i for i, ch in enumerate(word) if ch in "ao"]
        if not slots or len(slots) > 3:
            return []
        found: list[str] = []
        for choice in product(*(("a", "ae", "aa") if word[i] == "a" else ("o", "oe")
                                for i in slots)):
            if all(len(c) == 1 for c in choice):
                continue  # the word as typed
            letters = list(word)
            for i, c in zip(slots, choice, strict=True):
                letters[i] = c
            variant = "".join(letters)
            found += [term for term in known(variant) if term not in found]
        return found

    def _known(self, form: str) -> list[str]:
        """``form`` and its lemmas that the index or the word list holds, function words
        left out: what a respelling of a question's word stands for."""
        terms = (form, *self.lemmas.of_question_word(form),
                 *self.wordlist_lemmas.of_question_word(form))
        return [t for t in dict.fromkeys(terms) if (t in self.vocab or t in self.concept_words)
                and t not in STOPWORDS]

    def _as_typed(self, form: str) -> list[str]:
        """``form`` itself when the index or the word list holds it (not by a lemma)."""
        return [form] if (form in self.vocab or form in self.concept_words) and \
            form not in STOPWORDS else []

    def split(self, word: str) -> tuple[str, str] | None:
        """A question's compound that the index lacks, as two index terms ("sygedagpenge-
        perioden" -> "sygedagpenge", "periode")."""
        lemmas = self.lemmas

        def lemma(part: str) -> str | None:
            if part in self.vocab:
                return part
            return next((t for t in lemmas.of_question_word(part) if t in self.vocab), None)

        class Known:
            def __contains__(self, part: object) -> bool:
                return isinstance(part, str) and lemma(part) is not None

        parts = compound_parts(word, Known())
        if parts is None:
            return None
        modifier, head = (lemma(p) for p in parts)
        return (modifier, head) if modifier and head else None

    def similar(self, word: str, limit: int = 3,
                pool: dict[tuple[str, int], list[str]] | None = None,
                min_length: int = MIN_TYPO_LENGTH) -> list[tuple[float, str]]:
        """Vocabulary words close to ``word``, best first: the same first letter (a typo
        rarely hits it), a similar length, and a rapidfuzz ratio of at least WORD_SIM.
        ``pool``: other words to look in, by first letter and length (the asking words)."""
        if len(word) < min_length:
            return []
        pool = self.by_length if pool is None else pool
        slack = max(1, len(word) * (100 - int(WORD_SIM)) // 100 + 1)
        found: list[tuple[float, str]] = []
        for length in range(max(1, len(word) - slack), len(word) + slack + 1):
            candidates = pool.get((word[0], length))
            if not candidates:
                continue
            for term, sim, _k in process.extract(word, candidates, scorer=fuzz.ratio,
                                                  score_cutoff=WORD_SIM, limit=limit):
                found.append((sim, term))
        found.sort(key=lambda pair: (-pair[0], pair[1]))
        return found[:limit]

    def entry_scores(self, query: str, slots: list[Slot] | None = None) -> np.ndarray:
        slots = self.slots(query) if slots is None else slots
        scores = self.entry_index.score(slots) * 100.0
        # a term that the stopword filter would cut down ("min plan", "et trin op") counts in
        # full when the question writes it out
        full = fold(query).split()
        for n in range(2, min(5, len(full)) + 1):
            for start in range(len(full) - n + 1):
                for owner in self.phrases.get(" ".join(full[start:start + n]), ()):
                    scores[owner] = max(scores[owner], 100.0)
        return scores

    def passage_scores(self, slots: list[Slot]) -> np.ndarray:
        return self.passage_index.score(self.glossary.expand(slots)) * 100.0

    def rank(self, query: str, audience: str = "citizen", today: dt.date | None = None,
             top: int = 3, municipality: str | None = None) -> Ranking:
        """The candidates for ``query``, before any threshold, best first: up to CANDIDATES
        entries the audience may see and, for staff, RANKED_PASSAGES passages (or ``top``).
        The outcome is read from them all, so it does not depend on how many are shown."""
        today = today or dt.date.today()
        query = self.latin_ukrainian(query[:MAX_CHARS])
        slots = self._slots(query)
        if not slots:
            return Ranking((), ())
        scores = self.entry_scores(query, slots)
        # staff asking about one municipality's plans ("Lejre's 2019 plan") are not answered
        # with another's figures (a citizen's "we live in Lejre" may be answered by a national
        # scheme that an entry tells as Slagelse's: FGU)
        places = {m for m in self.municipalities if any(m in slot.terms for slot in slots)}
        place = next(iter(places)) if len(places) == 1 and audience == "staff" else None
        order = [int(i) for i in _ranked(scores, CANDIDATES)
                 if self._visible(self.entries[i], audience, today)
                 and local_to(self.entries[i], municipality)
                 and local_to(self.entries[i], place)]
        keys = self.key_index.coverage(slots, order)
        # the entry's own title and terms naming the question's words decide among
        # candidates that the bodies rank alike
        # ... and an entry whose title the question names in full is what it asks about,
        # rather than one whose title names more ("voksenlærling" vs "voksenlærling: the
        # subsidy and the 6-month rule")
        named = {t for slot in slots for t, w in slot.terms.items() if w >= 0.85}
        mixed = {i: (1 - KEY_WEIGHT - TITLE_WEIGHT) * float(scores[i])
                 + KEY_WEIGHT * 100 * keys[i][0] + TITLE_WEIGHT * 100 * self.title_fit(i, named)
                 for i in order}
        order.sort(key=lambda i: (-round(mixed[i], 1), self.entries[i].id))
        if len(slots) == 1 and len(query.split()) == 1:
            # a question of one word asks about what an entry is about in that word (its
            # title's words, a term of one word: "repatrieringsstøtte"), before an entry
            # that names it only inside a longer term ("betale repatrieringsstøtte tilbage")
            word = set(slots[0].terms)
            order.sort(key=lambda i: not word & self.heads[i])
        entries = tuple(Candidate(i, round(mixed[i], 1), round(100 * keys[i][0], 1),
                                  keys[i][1]) for i in order)
        passages: tuple[Candidate, ...] = ()
        if audience == "staff" and self.passages:
            expanded = self.glossary.expand(slots)
            found = self.passage_index.score(expanded) * 100.0
            best = _ranked(found, max(top, RANKED_PASSAGES))
            held = self.passage_index.coverage(expanded, best)
            passages = tuple(Candidate(i, round(float(found[i]), 1), round(100 * held[i][0], 1),
                                       held[i][1]) for i in best)
        outside = [slot for slot in slots if slot.outside]
        if outside and passages:
            # the sources do not cover the subject: a paragraph that does not name it (all of
            # its words) only shares the question's other words
            expanded = self.glossary.expand(outside)
            held = self.passage_index.coverage(expanded, [c.index for c in passages])
            need = sum(slot.weight for slot in outside)
            passages = tuple(c for c in passages if held[c.index][1] >= need)
        kinds, asking = self._asked(query)
        # the other words: what names a subject that may have the detail
        rest = [slot for slot in slots if not slot.missing and slot.word not in asking
                and not slot.word.isdigit() and self.specific(slot)]
        # a benefit in general ("how much is the benefit") lacks it when the question names
        # no particular subject ("... when I return to Syria" may be the repatriation rates)
        missing = kinds & {kind for slot in slots for kind in slot.missing
                           if not slot.general or not rest}
        # ... and so does a question that asks for it and names nothing else ("hvor mange
        # penge får jeg?", "скільки грошей я буду отримувати?")
        if not any(self.specific(slot, SUBJECT_AT) for slot in slots
                   if slot.word not in asking and not slot.word.isdigit()):
            missing |= kinds & DETAILS.keys()
        if audience == "staff":
            missing -= STAFF_DETAILS
        if missing:
            entries = tuple(c for c in entries if self.gives(c.index, missing, rest))
            passages = tuple(c for c in passages
                             if self.passage_gives(c.index, missing, rest))
        # a figure of a year ("how many repatriated in 2023", "the rate from 1 July 2025"):
        # when neither the best entry nor (for staff) the best paragraph speaks of that year,
        # the sources have no such figure and the question gets none, not last plan's figure
        alone, spanned = year_parts(query)  # "2023", and what a period asked about spans
        named_years = alone | spanned
        spoken = [*(self.entry_years[c.index] for c in entries[:1]),
                  *(self.passage_years[c.index] for c in passages[:2])]
        if named_years and kinds & FIGURES and spoken and not any(
                named_years <= years for years in spoken):
            entries, passages, missing = (), (), {"year"}
        # the year and the municipality a question names ("... in Lejre in 2023"): an entry
        # that speaks of neither may be about the subject but cannot be sure to answer it
        # (a year only as the end of a period, "no table for 2024-2026 was found", is not one
        # the entry speaks of surely)
        held = not entries or (
            alone <= self.entry_named_years[entries[0].index]
            and spanned <= self.entry_years[entries[0].index]
            and all(place in self.entry_text[entries[0].index] for place in places))
        # ... and a question of one word ("name", "made") is only answered by an entry about
        # it, not by one with a term of many words that holds it ("name on the mailbox")
        if entries and len(slots) == 1:
            held = held and bool(set(slots[0].terms) & self.heads[entries[0].index])
        return Ranking(entries, passages, sum(1 for slot in slots if not slot.terms),
                       any(slot.outside for slot in slots), min(missing, default=""), held)

    def specific(self, slot: Slot, at: float = SPECIFIC_AT) -> bool:
        """Whether a question's word names a subject rather than a circumstance: no reading
        of it ("year", "søge", "ukrainer") stands in more than ``at`` of the entries."""
        index = self.entry_index
        share = [index.share(term) for term, w in slot.terms.items() if w >= WORDLIST_WEIGHT]
        return bool(share) and max(share) <= at

    def gives(self, entry: int, kinds: set[str], rest: list[Slot]) -> bool:
        """Whether an entry may answer a question that asks for a detail (``kinds``) the
        word list says the sources lack for its subject: only when its body gives such a
        detail (:data:`DETAILS`) and its title or terms name one of the question's ``rest``
        of words, a subject that has it ("the dagpenge rate during uddannelsesløft")."""
        if not any(DETAILS[kind].search(text) for kind in kinds
                   for text in self.entries[entry].body.values()):
            return False
        return bool(rest) and self.key_index.coverage(rest, [entry])[entry][1] > 0

    def passage_gives(self, passage: int, kinds: set[str], rest: list[Slot]) -> bool:
        """:meth:`gives` for a source passage: its text gives such a detail and holds one of
        the question's ``rest`` of words."""
        if not any(DETAILS[kind].search(self.passages[passage].text) for kind in kinds):
            return False
        expanded = self.glossary.expand(rest) if rest else []
        return bool(rest) and self.passage_index.coverage(expanded, [passage])[passage][1] > 0

    def search(self, query: str, *, audience: str = "citizen", today: dt.date | None = None,
               top: int = 3, municipality: str | None = None) -> SearchResult:
        """``municipality``: only its entries and national ones (a site's); None: all."""
        top = max(top, 1)
        ranking = self.rank(query, audience, today, top, municipality)
        outcome, entries, passages = decide(ranking, top)
        hits = [Hit(self.entries[c.index], c.score) for c in entries]
        hits += [Hit(None, c.score, self.passages[c.index]) for c in passages]
        return SearchResult(query, outcome, tuple(hits),
                            ranking.missing if outcome == "none" else "")

    @staticmethod
    def _visible(entry: Entry, audience: str, today: dt.date) -> bool:
        if audience == "staff":
            return True
        return entry.for_citizens() and not entry.stale(today)


YEAR = re.compile(r"\b(?:19|20)\d\d\b")
UNACCENTED = str.maketrans("æøåÆØÅ", "aoaAOA")
YEARS = re.compile(r"\b((?:19|20)\d\d)\s*[-–/]\s*((?:19|20)?\d\d)\b")
FIGURES = {"amount", "count"}
"""The details that are figures of a year: an amount or rate, a count, share or target."""


def years_of(text: str) -> frozenset[str]:
    """The years a text speaks of: each one named, and those a period spans ("2023-24",
    "2021/2022", "2024-2026")."""
    found = set(YEAR.findall(text))
    for first, last in YEARS.findall(text):
        start = int(first)
        end = int(last) if len(last) == 4 else int(first[:2] + last)
        if 0 < end - start < 10:
            found.update(str(year) for year in range(start, end + 1))
    return frozenset(found)


def year_parts(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The years a text names on their own, and the other years its periods span (a period
    "2023-24" is 2023 and 2024, neither of them named alone)."""
    alone = frozenset(YEAR.findall(YEARS.sub(" ", text)))
    return alone, years_of(text) - alone


def local_to(entry: Entry, municipality: str | None) -> bool:
    """Whether ``entry`` shows at a site of ``municipality`` (None: a site that shows all)."""
    return municipality is None or entry.municipality in ("national", municipality)


def _ranked(scores: np.ndarray, n: int) -> list[int]:
    """Indices of the ``n`` highest non-zero scores, best first (ties: lower index first)."""
    nonzero = np.flatnonzero(scores)
    if nonzero.size == 0:
        return []
    if nonzero.size > n:
        part = np.argpartition(-scores[nonzero], n - 1)[:n]
        nonzero = nonzero[part]
    return sorted((int(i) for i in nonzero), key=lambda i: (-float(scores[i]), i))


@dataclass(frozen=True)
class Candidate:
    index: int
    score: float
    """BM25F, as the share of what the question could earn (0-100)."""
    key: float
    """Entries: the share of the question's words (idf-weighted) in the title and terms;
    passages: the share anywhere in the passage (0-100)."""
    words: float = 0.0
    """How many of the question's words those are."""


@dataclass(frozen=True)
class Ranking:
    entries: tuple[Candidate, ...]
    passages: tuple[Candidate, ...]
    unknown: int = 0
    """How many of the question's words the search could not read at all (no lemma, typo,
    compound or translation in any index): often what an out-of-scope question is about."""
    outside: bool = False
    """The question names a subject no source covers (the word list's outside subjects)."""
    missing: str = ""
    """The detail the question asks for ("amount", "contact") that the sources do not give
    for its subject (a ``missing`` word list); the entries that lack it are left out. "year":
    a figure of a year that neither the best entry nor the best paragraph speaks of."""
    held: bool = True
    """The first entry's text holds every year (not only as the end of a period) and
    municipality the question names, and a question of one word names its title or one of its
    terms of one word."""


def decide(ranking: Ranking, top: int) -> tuple[str, list[Candidate], list[Candidate]]:
    """The outcome and what is shown, entries first, then passages.

    An entry is shown when its title or terms name one of the question's words and it scores
    SUGGEST_AT, or they name two and it scores NAMED_AT. The best entry is the answer when it
    also scores ANSWER_AT, leads the runner-up by MARGIN and its title and terms name
    ANSWER_KEY_AT of the question, no passage rivals it (RIVAL_MARGIN), its text holds the
    year and the municipality the question names, if any, and a question of one word names
    its title or one of its terms of one word; then it is the only entry shown. A
    passage is shown when it scores PASSAGE_AT and holds PASSAGE_KEY_AT of the question in
    PASSAGE_WORDS words or more; when one is, the last PASSAGE_ROOM places (all but the
    answer's) are kept for passages, and so are the places of entries after the first that are
    neither strong (STRONG_AT) nor tied with it (TIED_WITHIN). A question that names a subject
    outside the sources (the word list's ``outside: true`` file) gets no entry, and only the
    passages that name the subject (:meth:`Index.rank`)."""
    entries = [c for c in ranking.entries if (c.score >= SUGGEST_AT and c.words >= 1)
               or (c.score >= NAMED_AT and c.words >= 2)
               or (c.score >= KNOWN_AT and c.words >= 1 and ranking.unknown == 0)]
    if ranking.outside:
        entries = []  # what it asks about is in no entry: one that shares its other words
        # would be a wrong answer; staff still get the sources' paragraphs that name it
    outcome = "none"
    if entries:
        first = entries[0]
        runner_up = next((c.score for c in ranking.entries if c is not first), 0.0)
        rival = next((p for p in ranking.passages[:1] if p.score >= PASSAGE_AT
                      and p.key >= RIVAL_KEY_AT and p.score > first.score - RIVAL_MARGIN), None)
        answer = (first is ranking.entries[0] and first.score >= ANSWER_AT
                  and first.score - runner_up >= MARGIN and first.key >= ANSWER_KEY_AT
                  and rival is None and ranking.held)
        outcome = "answer" if answer else "suggest"
        if answer:
            entries = entries[:1]
    passages = [c for c in ranking.passages if c.score >= PASSAGE_AT
                and c.key >= PASSAGE_KEY_AT and c.words >= PASSAGE_WORDS]
    if passages:
        room = 1 if outcome == "answer" or top == 1 else max(1, top - PASSAGE_ROOM)
        entries = entries[:1] + [c for c in entries[1:] if c.score >= STRONG_AT
                                 or c.key >= STRONG_KEY_AT
                                 or c.score >= entries[0].score - TIED_WITHIN][:room - 1]
        passages = passages[:top - len(entries)]
    else:
        entries = entries[:top]
    if outcome == "none" and passages:
        outcome = "suggest"
    return outcome, entries, passages

