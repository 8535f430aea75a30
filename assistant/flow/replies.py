"""Natural replies to a question: "jeg er 42 år", "1 og 3", "dansk og it", "ledig", "tre",
"three", "три". Numbers are read inside a sentence and written as words (Danish, English and
Ukrainian, from num2words), options by their words in any language.

Nothing is guessed. A reply that names two different answers to a one-answer question is
:class:`Ambiguous` (the user is asked which), a word shared by several options names none of
them on its own, and a reply with a negation ("ikke ledig", "не працюю") that the option does
not itself hold is not read at all.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from assistant.flow.model import Option
from assistant.text import LANGS
from assistant.validators import NO, YES

MAX_NUMBER = 130
"""Numbers written as words are read up to this (ages, months, the options of a step)."""

_WORD = re.compile(r"\d+|[^\W\d_]+(?:'[^\W\d_]+)*")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "‘": "'"})

# Function words: they name no option ("er" is in "Jeg er ledig", "am" in "I am unemployed").
# A short list of our own: the stop-word lists of libraries hold "ja", "no", "work", "first",
# "it" and Ukrainian numbers, all of which name options here.
QUESTION_WORDS = frozenset("""
hvordan hvorfor hvad hvornår hvem hvilken hvilke hvis hvor
how why what when who which if where does do
як чому що коли хто який яка які якщо де чи
""".split())
"""Words a question about a thing starts with ("hvordan flytter jeg min tid?"): such a reply
asks the knowledge base, it is not a request to do the thing."""
MAX_REQUEST_WORDS = 12
"""A typed request to start a flow is short ("jeg vil flytte min tid"): a longer reply is a
question or a story, for the knowledge base."""


MIN_TYPO_LENGTH = 4
"""A request's word is read with one letter wrong, missing or too many ("boke" for "booke")
only when it has at least this many letters: shorter words ("tid", "bog") are too alike."""
_PLAIN = str.maketrans({"æ": "a", "ø": "o", "å": "a", "é": "e"})
_TYPED_PLAIN = (("ae", "a"), ("oe", "o"), ("aa", "a"))


@lru_cache(maxsize=8192)
def plain(word: str) -> str:
    """``word`` as typed on a keyboard without æ, ø and å: "møde", "moede" and "mode" are all
    "mode", "bestille" stays "bestille"."""
    for typed, letter in _TYPED_PLAIN:
        word = word.replace(typed, letter)
    return word.translate(_PLAIN)


def _near(token: str, vocab: frozenset[str]) -> bool:
    """``token`` is a word of ``vocab`` typed without Danish letters, or (both of at least
    MIN_TYPO_LENGTH letters, the same first letter) with one letter wrong, missing or too
    many ("boke" for "booke", "apointment" for "appointment")."""
    from rapidfuzz.distance import Levenshtein

    typed = plain(token)
    for word in vocab:
        known = plain(word)
        if typed == known:
            return True
        if (min(len(typed), len(known)) >= MIN_TYPO_LENGTH and typed[0] == known[0]
                and Levenshtein.distance(typed, known, score_cutoff=1) <= 1):
            return True
    return False


def is_request(text: str, verbs: frozenset[str], objects: frozenset[str],
               typos: bool = False, alone: frozenset[str] = frozenset()) -> bool:
    """``text`` asks to do something: a verb and an object of ``verbs`` and ``objects`` in a
    short reply that does not start as a question, or a word of ``alone`` with nothing but
    small words ("book", "jeg vil booke"), as written. With ``typos`` a verb or an object also
    counts when typed without æ, ø and å or with one letter wrong (see :func:`_near`)."""
    tokens = words(text)
    if not tokens or len(tokens) > MAX_REQUEST_WORDS or tokens[0] in QUESTION_WORDS:
        return False
    if _asks_about_elsewhere(text, tokens):
        return False
    said = [t for t in tokens if t not in STOPWORDS]
    if len(said) == 1 and said[0] in alone:  # one word is too little to read with a slip
        return True  # ("jeg har booket" is no "booke")
    if not typos:
        found = bool(verbs.intersection(tokens)) and bool(objects.intersection(tokens))
    else:
        as_verb = {k for k, t in enumerate(said) if _near(t, verbs)}
        as_object = {k for k, t in enumerate(said) if _near(t, objects)}
        # two words: one slip may make a word look like both ("mode" is "møde" and "move")
        found = any(v != o for v in as_verb for o in as_object)
    if not found:
        return False
    # "I'm sick, what happens if I cancel my meeting?": asked about, in the verb's clause
    clauses = _clauses(text)
    return not all(_asked_how(tokens, clauses, k) for k, t in enumerate(tokens)
                   if (t in verbs if not typos else t not in STOPWORDS and _near(t, verbs)))


UNITS = frozenset("""
år året måned måneder uge uger uges ugers dag dage dages year years old month months week
weeks day days рік роки років місяць місяці місяців тиждень тижні тижнів тижня день дні днів
дня
""".split())
"""Words of age and time: a number said with one is an amount ("jeg er 2 år"), never an
option's number."""
STOPWORDS = frozenset("""
af alle at da de den der det dig din du eller en er et for fra gerne har have her hvad i ind
jeg kan med meget men mig min mit nu og om på så skal som til venligst vil være
a all am an and are at be but for from have i i'd i'll i'm in is it's me my of on or please so the
this to want we with would you
а або але в вам ви від для до є з за и й мені мене на ну по про та то у хочу це чи що я будь
ласка
år måned måneder uge uger dag dage year years month months week weeks day days
рік роки років місяць місяці місяців тиждень тижні тижнів день дні днів
""".split())
"""Units of time too: in a label they qualify ("de sidste 5 år"), in a reply they are about
something else ("jeg har arbejdet 3 år")."""
CHOOSING = frozenset("""
nummer nr mulighed valg svar vælger vælg tager tak
number no option choice answer choose pick take like thanks
номер варіант відповідь обираю вибираю оберу беру дякую будь ласка
""".split())
"""Words said around the number of an option ("nummer 3", "I choose 2", "варіант 1")."""
NEGATIONS = frozenset("""
ikke ej aldrig undtagen uden
not never except without
не ніколи крім окрім без
""".split())
"""Words that turn or narrow what follows: a reply holding one is read only when the option
it names holds that word too ("Faglært, men jeg har ikke brugt uddannelsen")."""
ELSEWHERE = frozenset({"jobnet"})
"""Where a citizen does things on their own (Jobnet): a question that names it ("kan jeg
flytte et møde på Jobnet?", "can I book a meeting on Jobnet?") asks how it is done there, for
the knowledge base (its entry on booking one's own meetings on Jobnet), not to do it here."""
_YES_NO_OPENINGS = frozenset("""
kan kunne må maa skal er har can could may is are do does чи можна
""".split())


def _asks_about_elsewhere(text: str, tokens: Sequence[str]) -> bool:
    """``text`` is a question (a question mark at its end, or a yes-or-no opening) that names
    a place of ELSEWHERE."""
    question = text.rstrip().endswith("?") or tokens[0] in _YES_NO_OPENINGS
    return question and bool(ELSEWHERE.intersection(tokens))


MAX_WORDS_AROUND = 40
"""A request said with other words around it (:func:`asks_with_words`) is read in a message
of at most this many words: a longer one is a story, for staff or the knowledge base."""
OBJECT_AFTER_VERB = 4
"""In :func:`asks_with_words`, the object is at most this many words after the verb ("move
my 10 o'clock meeting", "скасуйте, будь ласка, мій запис")."""
NOT_WANTED = NEGATIONS | frozenset("""
don't dont doesn't doesnt didn't didnt won't wont
""".split())
_BEFORE_THE_VERB = 3
"""A negation this many words or fewer before the verb, in its clause, says the thing is not
wanted ("I don't want to cancel my meeting", "jeg vil ikke flytte mit møde")."""
_OTHERS_BETWEEN = 1
"""At most this many words other than small words, numbers and ``own`` words between the verb
and the object: "move my 10 o'clock meeting", "cancel my next appointment" ("ændre mit CV
inden mødet" changes no meeting)."""
_CLAUSE_END = re.compile(r"[,.;:!?]")
HOW_WORDS = QUESTION_WORDS - {"чи"}
"""Question words that ask how, what or whether if: all but the Ukrainian "чи", which opens a
yes-or-no question as "can" does ("чи можу я перенести мою зустріч?" asks to move it)."""


def _clauses(text: str) -> list[int]:
    """The clause each of ``text``'s :func:`words` is in: a comma, a full stop, a question
    mark or the like ends one."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    clause, clauses, at = 0, [], 0
    for match in _WORD.finditer(folded):
        clause += bool(_CLAUSE_END.search(folded, at, match.start()))
        clauses.append(clause)
        at = match.end()
    return clauses


def _asked_how(tokens: Sequence[str], clauses: Sequence[int], at: int) -> bool:
    """A word of HOW_WORDS comes before the word at ``at`` in its clause ("I'm sick, what
    happens if I cancel my meeting?", "jeg vil vide, hvordan jeg flytter min tid")."""
    return any(_asks_how(tokens, k) for k in range(at) if clauses[k] == clauses[at])


def _asks_how(tokens: Sequence[str], at: int) -> bool:
    """The word at ``at`` is one of HOW_WORDS, and no "if possible" ("hvis muligt")."""
    return tokens[at] in HOW_WORDS and tokens[at + 1:at + 2] not in (["muligt"], ["possible"],
                                                                     ["можливо"])


def asks_with_words(text: str, verbs: frozenset[str], objects: frozenset[str],
                    own: frozenset[str]) -> bool:
    """``text``, a message of other words too, asks to do something to one's own thing: a
    verb of ``verbs`` followed, within OBJECT_AFTER_VERB words, by an object of ``objects``
    that a word of ``own`` makes one's own ("my meeting", "the meeting", "mit møde", "mødet",
    "мою зустріч"): "hmm actually friday doesnt suit me anymore, can i move the meeting to
    later, like the 16th?". Not when the clause of the verb asks how or says if ("how can I
    move my meeting", "hvad sker der, hvis jeg aflyser mit møde"), nor when a negation comes
    just before the verb ("I don't want to cancel my meeting"), nor in a question that opens
    with a question word ("what happens if I cancel my meeting") or names Jobnet."""
    tokens = words(text)
    if not tokens or len(tokens) > MAX_WORDS_AROUND or _asks_how(tokens, 0):
        return False
    if _asks_about_elsewhere(text, tokens):
        return False
    clauses = _clauses(text)
    for v, token in enumerate(tokens):
        if token not in verbs or _asked_how(tokens, clauses, v):
            continue
        before = [t for k, t in enumerate(tokens[:v]) if clauses[k] == clauses[v]]
        if NOT_WANTED.intersection(before[-_BEFORE_THE_VERB:]):
            continue
        after = tokens[v + 1:v + 1 + OBJECT_AFTER_VERB]
        for o, thing in enumerate(after):
            between = after[:o]
            others = [t for t in between if t not in own and t not in STOPWORDS
                      and not t.isdigit()]
            if thing in objects and (thing in own or own.intersection(between)) and \
                    len(others) <= _OTHERS_BETWEEN:
                return True
    return False


_WEAK_NUMBERS = frozenset({"en", "et", "one", "один", "одна", "одне", "одну"})
"""Number words that are also articles or pronouns ("en jobsamtale", "the one at 11"): a
number only in a reply that holds other numbers too ("en og tre")."""
_EXTRA_NUMBERS = {"da": {"en": 1, "ét": 1}, "en": {}, "uk": {"одна": 1, "одне": 1, "одну": 1,
                                                            "дві": 2}}


MAX_WORDS_AFTER_NUMBER = 3
"""A reply that starts with an option's number is that option when at most this many words
after it are not small words, words of choosing or the options' own words ("4 gerne over
telefonen"): a longer one is about something else."""


CASUAL = {"jep": "ja", "jup": "ja", "yep": "ja", "yup": "ja", "nope": "nej", "tlf": "telefon"}
"""Words typed for others (casual yes and no, "tlf" for "telefon", "tlf." too): an option is
read by the word they stand for ("jep" is "Ja, jeg har et job", "tlf" is "I telefonen")."""


NOT_KNOWN = tuple(tuple(phrase.split()) for phrase in """
ved ikke|ved det ikke|aner ikke|aner det ikke|ikke sikker|usikker|i tvivl
don't know|dont know|do not know|not sure|no idea|unsure
не знаю|незнаю|не впевнений|не впевнена|не певен|не певна
""".replace("\n", "|").strip("|").split("|"))
"""Phrases of a reply that does not know the answer ("ved ikke", "I don't know", "не знаю")."""
MAX_NOT_KNOWN_WORDS = 8


def says_not_known(text: str) -> bool:
    """``text`` is a short reply saying the writer does not know ("jeg ved det ikke", "I'm not
    sure", "не знаю"): not an answer, and no question to search for."""
    said = words(text)
    return len(said) <= MAX_NOT_KNOWN_WORDS and any(_contains(said, p) for p in NOT_KNOWN)


_PLAIN_STOPWORDS = frozenset(map(plain, STOPWORDS))
_PLAIN_CHOOSING = frozenset(map(plain, CHOOSING))
_PLAIN_NEGATIONS = frozenset(map(plain, NEGATIONS))
"""The word lists as :func:`_read` compares them: folded as :func:`plain` folds an option's
words."""


@dataclass(frozen=True)
class Ambiguous:
    """The reply names more than one of these option values, and one is wanted."""

    values: tuple[str, ...]


def words(text: str) -> list[str]:
    """The words and digit runs of ``text``, case-folded: "Jeg er 42år" -> jeg, er, 42, år."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    return _WORD.findall(folded)


@cache
def _number_table(lang: str) -> dict[tuple[str, ...], int]:
    """Every number 0..MAX_NUMBER written out in ``lang``, as its words."""
    from num2words import num2words  # only when a reply is not a plain number

    table: dict[tuple[str, ...], int] = {}
    for n in range(MAX_NUMBER + 1):
        written = tuple(w for w in words(num2words(n, lang=lang)) if w not in ("and", "og"))
        table.setdefault(written, n)
        if lang == "uk" and written[-1] in ("один", "два"):  # одна, дві (feminine)
            female = {"один": "одна", "два": "дві"}[written[-1]]
            table.setdefault((*written[:-1], female), n)
    for word, n in _EXTRA_NUMBERS[lang].items():
        table.setdefault((word,), n)
    return table


def _numbers(tokens: Sequence[str], langs: Sequence[str]) -> list[tuple[int, int, int]]:
    """(value, first token, after last token) of every number in ``tokens``: digits, or the
    longest run of words that is a number in one of ``langs``."""
    tables = [_number_table(lang) for lang in langs]
    longest = max((len(k) for t in tables for k in t), default=1)
    found: list[tuple[int, int, int]] = []
    weak: list[tuple[int, int, int]] = []
    i = 0
    while i < len(tokens):
        if tokens[i].isdigit():
            found.append((int(tokens[i]), i, i + 1))
            i += 1
            continue
        for size in range(min(longest, len(tokens) - i), 0, -1):
            run = tuple(tokens[i:i + size])
            value = next((t[run] for t in tables if run in t), None)
            if value is not None:
                (weak if size == 1 and run[0] in _WEAK_NUMBERS else found).append(
                    (value, i, i + size))
                i += size
                break
        else:
            i += 1
    return sorted(found + weak, key=lambda n: n[1]) if found else []


def whole_number(text: str) -> int | None:
    """The number a reply is, written in digits or in words of any of the three languages
    ("3", "tre", "three", "три", "to og tyve"); None if the reply is anything else."""
    tokens = words(text)
    if not tokens or len(tokens) > 6:
        return None
    if len(tokens) == 1 and tokens[0].isdigit():
        return int(tokens[0])
    for lang in LANGS:
        value = _number_table(lang).get(tuple(t for t in tokens if t not in ("and", "og")))
        if value is not None:
            return value
    return None


def numbers_in(text: str, lang: str | None) -> list[int]:
    """The numbers in a reply: digits, and numbers written in words of the conversation's
    language ("jeg er toogfyrre år" -> [42]). Words of the other languages count only as the
    whole reply ("to" is two in Danish, and a preposition in English)."""
    whole = whole_number(text)
    if whole is not None:
        return [whole]
    return [n for n, _, _ in _numbers(words(text), [lang] if lang in LANGS else [])]


def number_at(tokens: Sequence[str], at: int) -> tuple[int, int] | None:
    """The number that starts at ``tokens[at]`` and where it ends (the token after it): digits,
    or the longest run of words that is a number in any of the three languages ("to", "two",
    "два", "fourteen"); for a number between words that say what it counts ("om to uger",
    "in two weeks", "через два тижні"), where "to" can only be a number."""
    if at >= len(tokens):
        return None
    if tokens[at].isdigit():
        return int(tokens[at]), at + 1
    tables = [_number_table(lang) for lang in LANGS]
    for size in range(min(max(len(k) for t in tables for k in t), len(tokens) - at), 0, -1):
        run = tuple(tokens[at:at + size])
        value = next((t[run] for t in tables if run in t), None)
        if value is not None:
            return value, at + size
    return None


ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
            "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}
"""Ordinal words that choose an option ("the second one")."""
_ORDINAL_ENDINGS = frozenset({"st", "nd", "rd", "th", "й", "ий", "ій", "го"})
"""What follows the digits of an ordinal as :func:`words` splits it: "2nd", "2-й"."""
_ONE_CHOSEN = frozenset({"one", "ones"})
"""After an ordinal: the option it counts ("the 2nd one"), not a number."""


def _without_ordinals(tokens: list[str]) -> list[str]:
    """``tokens`` with an ordinal as its number ("the 2nd one", "the second one": the, 2):
    an ending after digits and "one" after an ordinal are left out."""
    out: list[str] = []
    ordinal = False
    for token in tokens:
        if ordinal and (token in _ORDINAL_ENDINGS or token in _ONE_CHOSEN):
            ordinal = token in _ORDINAL_ENDINGS
            continue
        ordinal = token.isdigit() or token in ORDINALS
        out.append(str(ORDINALS[token]) if token in ORDINALS else token)
    return out


def chosen_number(text: str, lang: str | None) -> int | None:
    """The one number a reply chooses ("nummer 2", "I'll take 3", "варіант 1", "the 2nd
    one"): a reply of that number and words of choosing only, not one about something else
    ("jeg har 2 børn"), nor a span of time or a week ("in two weeks", "week 1", "om 3
    dage"): a number said with a unit of time is an amount, never an option's number."""
    tokens = _without_ordinals(words(text))
    if any(t in UNITS for t in tokens):
        return None
    numbers = _numbers(tokens, [lang] if lang in LANGS else [])
    in_numbers = {k for _, first, after in numbers for k in range(first, after)}
    if len({n for n, _, _ in numbers}) != 1 or any(
            k not in in_numbers and t not in STOPWORDS and t not in CHOOSING
            for k, t in enumerate(tokens)):
        return None
    return numbers[0][0]


def picked_number(text: str, lang: str | None) -> int | None:
    """The number a reply that only picks an option picks: the number alone ("5", "fem",
    "п'ять") or said with a word of choosing ("nummer 5", "option 7", "номер 5"); None for a
    reply about something else that holds a number ("6 uger", "§ 30", "hvad er 225 timer")."""
    if any(not (c.isalnum() or c.isspace() or c in ".,!?#:;()'’-") for c in text):
        return None  # "§ 30", "5%", "2+2": not a pick
    whole = whole_number(text)
    if whole is not None:
        return whole
    if not any(t in CHOOSING for t in words(text)):
        return None
    return chosen_number(text, lang)


def _same_word(said: str, label: str) -> bool:
    """A word of the reply is a word of a label: the same, or the same stem (ledig/ledige,
    безробітна/безробітний). Never by similarity alone: "faglært" is not "ufaglært"."""
    if said == label:
        return True
    if min(len(said), len(label)) < 5:
        return False
    common = 0
    for a, b in zip(said, label, strict=False):
        if a != b:
            break
        common += 1
    return common >= max(len(said), len(label)) - 2


@cache
def _label_words(label: tuple[tuple[str, str], ...]) -> tuple[tuple[str, ...], ...]:
    """The words of each of an option's labels, folded as :func:`plain` folds them."""
    return tuple(tuple(plain(w) for w in words(text)) for _lang, text in label)


def _contains(tokens: Sequence[str], part: Sequence[str]) -> bool:
    n = len(part)
    return n > 0 and any(tuple(tokens[i:i + n]) == tuple(part)
                         for i in range(len(tokens) - n + 1))


@dataclass(frozen=True)
class _Reading:
    strong: frozenset[int]
    """Options the reply names on its own: by number, by a whole label, or by a word that
    only this option's labels hold."""
    weak: tuple[frozenset[int], ...]
    """For each word several options share: those options."""
    negations: frozenset[str]
    stray: bool
    """The reply holds a number that is no option's number."""
    wrong_number: bool = False
    """... in a reply of numbers and words of choosing ("1,5" where 5 is no option)."""


def undrawn(word: str) -> str:
    """A yes or no typed drawn out ("jaa", "yesss", "neej", "таак") as the word itself; any
    other word as it is."""
    if word in YES or word in NO:
        return word
    short = re.sub(r"(\w)\1+", r"\1", word)
    return short if short in YES or short in NO else word


def _read(options: Sequence[Option], text: str, lang: str | None) -> _Reading:
    said = [CASUAL.get(t, t) for t in map(undrawn, words(text))]
    # options are read by their words typed without æ, ø and å ("voksenlaerling"), as the
    # search reads them; numbers by the words as written ("første" has no twin)
    tokens = [plain(t) for t in said]
    labels = [_label_words(tuple(sorted(o.label.items()))) for o in options]
    label_vocab = [{w for label in ls for w in label} for ls in labels]
    strong: set[int] = set()
    used: set[int] = set()
    for i, ls in enumerate(labels):
        for label in ls:
            n = len(label)
            for start in range(len(tokens) - n + 1):
                if n and tuple(tokens[start:start + n]) == label:
                    strong.add(i)
                    used.update(range(start, start + n))
    numbers = [n for n in _numbers(said, [lang] if lang in LANGS else [])
               if not any(str(n[0]) in vocab for vocab in label_vocab)]  # "5 år" in a label
    in_numbers = {k for _, first, after in numbers for k in range(first, after)}
    # A number is an option's number in a reply of numbers and words of choosing ("nummer 3",
    # "1 og 3"), not in one about something else ("jeg har arbejdet 3 år som tømrer") ...
    other = [t for k, t in enumerate(tokens)
             if k not in used and k not in in_numbers and t not in _PLAIN_STOPWORDS and
             t not in _PLAIN_CHOOSING and t not in _PLAIN_NEGATIONS and
             not any(_same_word(t, w) for vocab in label_vocab for w in vocab)]
    # ... but one the reply starts with ("4 ...", "nummer 4 ...") and a few words follow is
    # the option's number ("4 gerne over telefonen", "2 tak, det er fint"): words that name
    # another option make two answers, asked about; a word of time makes an amount ("3 år")
    leading = (len({n for n, _, _ in numbers}) == 1
               and all(t in _PLAIN_CHOOSING for t in tokens[:numbers[0][1]])  # "nummer 4 ..."
               and len(other) <= MAX_WORDS_AFTER_NUMBER and not UNITS.intersection(said))
    about_else = bool(other) and not leading
    stray = wrong_number = False
    for value, first, after in numbers:
        if 1 <= value <= len(options) and not about_else:
            strong.add(value - 1)
        else:
            stray = True
            wrong_number = wrong_number or not about_else
        used.update(range(first, after))
    weak: list[frozenset[int]] = []
    for k, token in enumerate(tokens):
        if k in used or token in _PLAIN_STOPWORDS or token in _PLAIN_NEGATIONS:
            continue
        named = frozenset(i for i, vocab in enumerate(label_vocab)
                          if any(_same_word(token, w) for w in vocab
                                 if w not in _PLAIN_STOPWORDS))
        if len(named) == 1:
            strong |= named
        elif 1 < len(named) < len(options):
            weak.append(named)
    negations = frozenset(t for t in tokens if t in _PLAIN_NEGATIONS or t.endswith("n't"))
    return _Reading(frozenset(strong), tuple(weak), negations, stray, wrong_number)


def says_more(option: Option, text: str) -> bool:
    """Whether a reply read as ``option`` says more than the option's name: a word that is
    none of its labels' words (in any language), no number, small word or word of choosing
    ("Інше: я хочу поговорити про дозвіл" does; "noget andet tak", "4", "Інше" do not)."""
    vocab = {w for label in _label_words(tuple(sorted(option.label.items()))) for w in label}
    return any(not t.isdigit() and t not in _PLAIN_STOPWORDS and t not in _PLAIN_CHOOSING
               and not any(_same_word(t, w) for w in vocab)
               for t in map(plain, words(text)))


def names_part(text: str, label: str) -> bool:
    """Whether the words of ``text`` are ``label``'s words or a run of them ("trin for trin"
    of "Trin for trin: Voksenlærling", "Step by step please" of "Step by step: ..."), typed
    with or without æ, ø and å; small words and words of choosing around them do not count,
    and words that are only small words name nothing."""
    typed = [plain(w) for w in words(text)]
    while typed and (typed[0] in _PLAIN_STOPWORDS or typed[0] in _PLAIN_CHOOSING):
        typed.pop(0)
    while typed and (typed[-1] in _PLAIN_STOPWORDS or typed[-1] in _PLAIN_CHOOSING):
        typed.pop()
    return bool(typed) and _contains([plain(w) for w in words(label)], typed)


def _negations_allowed(reading: _Reading, options: Sequence[Option], picked: set[int]) -> bool:
    """Every negation in the reply is a word of a picked option's label."""
    vocab = {w for i in picked for label in _label_words(tuple(sorted(options[i].label.items())))
             for w in label}
    return reading.negations <= vocab


def pick_one(options: Sequence[Option], text: str,
             lang: str | None = None) -> str | Ambiguous | None:
    """The one option a reply names, :class:`Ambiguous` when it names several, or None."""
    reading = _read(options, text, lang)
    if reading.wrong_number:
        return None  # "1,5": which of them was meant is not for the assistant to guess
    named = set(reading.strong)
    if not named and reading.weak:
        shared = frozenset.intersection(*reading.weak)
        named = set(shared) if shared else set().union(*reading.weak)
        if len(named) > 1:
            return Ambiguous(tuple(options[i].value for i in sorted(named)))
    if len(named) == 1 and all(named <= w for w in reading.weak):
        if not _negations_allowed(reading, options, named):
            return None
        return options[next(iter(named))].value
    if len(named) > 1 or (named and reading.weak):
        every = named.union(*reading.weak)
        return Ambiguous(tuple(options[i].value for i in sorted(every)))
    return None


def pick_many(options: Sequence[Option], text: str,
              lang: str | None = None) -> list[str] | Ambiguous | None:
    """The options a reply names ("1 og 3", "dansk og it"), in the step's order;
    :class:`Ambiguous` when a word names several options none of the others settles."""
    reading = _read(options, text, lang)
    named = set(reading.strong)
    unsettled = [w for w in reading.weak if not w & named]
    if unsettled:
        return Ambiguous(tuple(options[i].value for i in sorted(set().union(*unsettled))))
    if not named or reading.stray or not _negations_allowed(reading, options, named):
        return None
    return [options[i].value for i in sorted(named)]
