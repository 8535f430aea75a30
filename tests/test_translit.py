"""Ukrainian typed in Latin letters read back into Cyrillic (assistant/knowledge/translit.py),
without an index: what the search knows is given as plain sets."""

from __future__ import annotations

import pytest

from assistant.knowledge.normalize import fold
from assistant.knowledge.translit import (
    MAX_CANDIDATES,
    cyrillic_candidates,
    read_latin_ukrainian,
    reading,
    segments,
)


@pytest.mark.parametrize(("latin", "cyrillic"), [
    ("koly", "коли"),                            # y is и
    ("zvilnennia", "звілнення"),                 # ia is я; the soft sign is lost
    ("zareiestruvatysia", "зареєструватися"),    # ie is є
    ("piatnytsiu", "пятницю"),                   # ts is ц, iu is ю; the apostrophe is lost
    ("novyi", "новий"),                          # yi is ий
    ("shchastia", "щастя"),
    ("zhyttia", "життя"),
    ("khvoryi", "хворий"),
])
def test_the_official_romanisation_reads_back_first(latin: str, cyrillic: str) -> None:
    assert cyrillic_candidates(latin)[0] == cyrillic


@pytest.mark.parametrize(("latin", "cyrillic"), [
    ("zarejestruvatysja", "зареєструватися"),    # j-forms: je, ja
    ("wid", "від"),                              # w is в
    ("xochu", "хочу"),                           # x is х
    ("hochu", "хочу"),                           # h is г or х
    ("yizha", "їжа"),                            # yi is also ї
    ("ukraina", "україна"),                      # i is also ї
    ("krai", "край"),                            # ... and й
    ("sotsialnyi", "соціалний"),                 # ia is also і + а
    ("informatsii", "інформації"),
    ("p'iatnytsiu", "пятницю"),                  # an apostrophe kept as typed
    ("p’iatnytsiu", "пятницю"),
])
def test_other_readings_are_among_the_candidates(latin: str, cyrillic: str) -> None:
    assert cyrillic in cyrillic_candidates(latin)


def test_the_likeliest_spellings_come_first_and_none_fold_alike() -> None:
    found = cyrillic_candidates("zvilnennia")
    assert found[0] == "звілнення"
    assert len({fold(c) for c in found}) == len(found)
    # the spellings with one letter read otherwise come before those with two
    assert found.index("звїлнення") < found.index("звїлнєння")


def test_the_candidates_are_bounded() -> None:
    assert len(cyrillic_candidates("yiyiyiyiyiyiyiyiyiyi")) <= MAX_CANDIDATES
    assert len(cyrillic_candidates("informatsii", limit=5)) == 5
    assert cyrillic_candidates("a" * 31) == []


@pytest.mark.parametrize("word", ["særloven", "uge3", "", "jobnet.dk"])
def test_a_word_that_is_not_plain_latin_has_no_candidates(word: str) -> None:
    assert cyrillic_candidates(word) == []


def test_segments_take_the_longest_letter_group() -> None:
    assert segments("shchastia") == [("щ",), ("а",), ("с",), ("т",), ("я", "іа")]
    assert segments("zhaba")[0] == ("ж",)


def test_reading_is_the_first_known_candidate() -> None:
    known = {"україна", "країна"}
    assert reading("ukraina", known.__contains__) == "україна"
    assert reading("ukraina", set().__contains__) is None


# -- a question ------------------------------------------------------------------------------

KNOWN = {"коли", "після", "зареєструватися", "звільнення", "скільки", "коштує"}
READABLE = {"jobnet", "dk", "treba", "na", "mene", "kontanthjaelp", "how", "do", "register",
            "for", "dagpenge", "kurs"}


def known(spelling: str) -> bool:
    """As the index knows words: folded (the soft sign and the apostrophe dropped)."""
    return fold(spelling) in {fold(w) for w in KNOWN}


def read(text: str, **kw) -> str:
    return read_latin_ukrainian(text, readable=READABLE.__contains__, known=known, **kw)


def test_a_latin_ukrainian_question_is_written_in_cyrillic() -> None:
    assert read("Koly treba zareiestruvatysia na jobnet.dk pislia zvilnennia?") == (
        "коли treba зареєструватися na jobnet.dk після звілнення?")


def test_an_amount_question_reads_its_asking_words() -> None:
    assert read("Skilky koshtuie kurs?") == "скілки коштує kurs?"


def test_words_the_search_reads_stay_as_typed() -> None:
    assert read("Koly kontanthjælp pislia zvilnennia") == "коли kontanthjælp після звілнення"


@pytest.mark.parametrize("text", [
    "How do I regsiter for dagpenge?",          # unknown words, none Ukrainian
    "Koly do I register for dagpenge?",         # one Ukrainian word is not enough
    "hvornår skal jeg melde mig ledig",         # no unknown Latin word at all
])
def test_a_question_with_fewer_than_two_ukrainian_words_is_returned_as_it_is(text: str) -> None:
    assert read(text) is text


def test_an_unknown_word_is_kept_or_read_as_a_slip() -> None:
    text = "koly pislia ponedilok sviato"
    assert read(text) == "коли після ponedilok sviato"
    assert read(text, slip=lambda word: word == "sviato",
                near=lambda spelling: True) == "коли після понеділок sviato"
    assert read(text, near=lambda spelling: spelling == "свято") == (
        "коли після ponedilok свято")


def test_only_whole_latin_words_are_read() -> None:
    assert read("koly pislia særzvilnennia") == "коли після særzvilnennia"
    assert read("koly pislia zvilnennia2") == "коли після zvilnennia2"


def test_a_word_typed_with_an_apostrophe_is_read_as_one_word() -> None:
    readable = (READABLE | {"danskoji"}).__contains__
    assert read_latin_ukrainian("skil'ky koshtuie kurs dans'koji", readable=readable,
                                known=known) == "скілки коштує kurs danskoji"
    # ... only in a question that is read as Ukrainian
    assert read_latin_ukrainian("what's dans'koji", readable=readable, known=known) == (
        "what's dans'koji")
