"""Ukrainian typed in Latin letters finds what the same question in Cyrillic finds, and an
English or Danish question (slips and all) is read exactly as before
(Index.latin_ukrainian, assistant/knowledge/translit.py)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from assistant.knowledge import quality as Q
from assistant.knowledge.base import KnowledgeBase

TODAY = dt.date(2026, 11, 24)
QUESTIONS = Path(__file__).parent / "data" / "questions"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load(today=lambda: TODAY)


PAIRS = [
    # the official romanisation (KMU 2010), Danish words as they are
    ("Koly treba zareiestruvatysia na jobnet.dk pislia zvilnennia? Mene zvilnyly v "
     "piatnytsiu, a v ponedilok sviato.",
     "Коли треба зареєструватися на jobnet.dk після звільнення? Мене звільнили в п'ятницю, "
     "а в понеділок свято.", "meld_dig_ledig"),
    ("Chy potriben dozvil na robotu, yakshcho ya otrymav dozvil na prozhyvannia za osoblyvym "
     "zakonom?",
     "Чи потрібен дозвіл на роботу, якщо я отримав дозвіл на проживання за особливим "
     "законом?", "saerloven_arbejde"),
    ("Chy ye bezkoshtovni uroky danskoi movy dlia ukraintsiv?",
     "Чи є безкоштовні уроки данської мови для українців?", "saerloven_danskundervisning"),
    ("Ya zakhvoriv i ne mozhu pratsiuvaty. Koly treba povidomyty pro khvorobu?",
     "Я захворів і не можу працювати. Коли треба повідомити про хворобу?", "sygeopfoelgning"),
    # informal: j for й, "ja"
    ("Chy mozhna otrymaty hroshi na povernennja dodomu v Ukrainu, jakshcho ja khochu "
     "povernutysja?",
     "Чи можна отримати гроші на повернення додому в Україну, якщо я хочу повернутися?",
     "repatriering_satser"),
]


@pytest.mark.parametrize(("latin", "cyrillic", "entry"), PAIRS, ids=[
    "jobnet", "saerloven-work-permit", "danish-lessons", "sickness", "repatriation-informal"])
def test_a_question_in_latin_letters_finds_what_it_finds_in_cyrillic(
        kb: KnowledgeBase, latin: str, cyrillic: str, entry: str) -> None:
    typed, original = kb.search(latin), kb.search(cyrillic)
    assert typed.outcome == original.outcome
    assert [h.id for h in typed.hits] == [h.id for h in original.hits]
    assert typed.hits[0].id == entry


def test_danish_words_in_the_question_stay_as_they_are(kb: KnowledgeBase) -> None:
    read = kb.index.latin_ukrainian(PAIRS[0][0])
    assert read.startswith("коли treba зареєструватися na jobnet.dk після")


@pytest.mark.parametrize("latin", ["Skilky koshtuie kurs danskoi movy?",
                                   "Skil'ky koshtuje kurs dans'koji movy?"])
def test_asking_for_an_amount_in_latin_letters_is_read_as_in_cyrillic(
        kb: KnowledgeBase, latin: str) -> None:
    cyrillic = "Скільки коштує курс данської мови?"
    assert kb.index.asked(latin) == kb.index.asked(cyrillic)
    assert "amount" in kb.index.asked(latin)[0]
    typed, original = kb.search(latin), kb.search(cyrillic)
    assert (typed.outcome, typed.missing) == (original.outcome, original.missing)


@pytest.mark.parametrize("latin", ["skilky koshtuje perekladach",
                                   "skilky koshtuie perekladach?"])
def test_a_short_question_whose_words_are_ukrainian_as_typed_is_read_as_ukrainian(
        kb: KnowledgeBase, latin: str) -> None:
    """A tester typed "skilky koshtuje perekladach" (how much is an interpreter) and got
    nothing: two of its three words are Ukrainian words' Latin spellings the search reads as
    typed, so only "skilky" was left to show the question Ukrainian, and one word was too
    few. It finds the interpreter entry as the Cyrillic question does."""
    typed, original = kb.search(latin), kb.search("скільки коштує перекладач")
    assert typed.outcome == original.outcome == "suggest"
    assert [h.id for h in typed.hits] == [h.id for h in original.hits]
    assert typed.hits[0].id == "tolk"
    assert kb.reads_as_latin_ukrainian(latin)


ENGLISH_AND_DANISH = [
    "How do I regsiter for dagpenge?",
    "were can I read about my plan",
    "what hapens to my sickness benefit if I travel",
    "Can I get kontanthjælp wile studying?",
    "who desides about repatriation",
    "hvornar mister jeg mine dagpenge",
    "hvordan soger jeg sygedagpenge",
    "kan jeg fa hjaelp til danskundervisnig",
    "Hvad betyder særloven for min arbejdstiladelse?",
    "skal jeg betale skat af børnepengene",
    "jeg er sygemeldt og kan ikke komme til samtalen, hvad gør jeg",
    "Do I need a work permit under the Ukrainian special act?",
]


@pytest.mark.parametrize("question", ENGLISH_AND_DANISH)
def test_an_english_or_danish_question_is_read_as_typed(kb: KnowledgeBase, question: str) -> None:
    assert kb.index.latin_ukrainian(question) == question


def test_no_english_or_danish_project_question_is_rewritten(kb: KnowledgeBase) -> None:
    questions = [q.q for q in Q.load_project(QUESTIONS) if q.lang in ("da", "en")]
    assert len(questions) > 100
    assert [q for q in questions if kb.index.latin_ukrainian(q) != q] == []


def _slip(word: str, rnd: random.Random) -> str:
    """``word`` with a typing slip: two letters swapped, one dropped or one doubled."""
    if len(word) < 4:
        return word
    i = rnd.randrange(1, len(word) - 1)
    return rnd.choice([word[:i] + word[i + 1] + word[i] + word[i + 2:],
                       word[:i] + word[i + 1:], word[:i] + word[i] + word[i:]])


def test_english_and_danish_project_questions_with_slips_are_not_rewritten(
        kb: KnowledgeBase) -> None:
    rnd = random.Random(7)
    questions = [q.q for q in Q.load_project(QUESTIONS) if q.lang in ("da", "en")]
    slipped = []
    for question in questions:
        for _ in range(3):
            typed = question.split()
            for n in rnd.sample(range(len(typed)), min(3, len(typed))):
                typed[n] = _slip(typed[n], rnd)
            slipped.append(" ".join(typed))
    assert [q for q in slipped if kb.index.latin_ukrainian(q) != q] == []
