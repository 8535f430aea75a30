"""What search computes once and keeps in the cache folder: read back the same, recomputed when
the file is damaged, and not piling up."""

from __future__ import annotations

import pytest

from assistant.knowledge import analysis


@pytest.fixture
def cache(tmp_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(analysis.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(analysis, "_MEMO", {})
    return tmp_path


def test_a_cached_value_is_computed_once_and_read_back_in_a_new_process(cache) -> None:
    calls = []

    def compute() -> dict:
        calls.append(1)
        return {"lemma": ["voksenlaerling"]}

    first = analysis.cached("demo", {"words": ["lærlinge"]}, compute, analysis.__file__)
    analysis._MEMO.clear()  # as a new process would start
    second = analysis.cached("demo", {"words": ["lærlinge"]}, compute, analysis.__file__)
    assert first == second == {"lemma": ["voksenlaerling"]} and len(calls) == 1
    other = analysis.cached("demo", {"words": ["ledig"]}, compute, analysis.__file__)
    assert other == first and len(calls) == 2, "other inputs are another file"


def test_a_damaged_cache_file_is_computed_again(cache) -> None:
    analysis.cached("demo", [1], lambda: [1, 2], analysis.__file__)
    (path,) = cache.glob("demo-*.json")
    path.write_text("{not json", encoding="utf-8")
    analysis._MEMO.clear()
    assert analysis.cached("demo", [1], lambda: [3], analysis.__file__) == [3]


def test_old_cache_files_do_not_pile_up(cache) -> None:
    for n in range(analysis.KEEP + 5):
        analysis.cached("demo", [n], lambda: [], analysis.__file__)
    assert len(list(cache.glob("demo-*.json"))) == analysis.KEEP


def test_the_lemma_tables_come_out_the_same_computed_or_cached(cache) -> None:
    words = {"da": ["lærlinge", "samtalerne", "vejledningssamtale", "samtale", "vejledning"],
             "en": ["meetings"], "uk": ["зустрічі"]}
    fresh = analysis.Lemmas.for_words(words)
    analysis._MEMO.clear()
    cached = analysis.Lemmas.for_words(words)
    assert (fresh.index, fresh.forms, fresh.compounds) == (cached.index, cached.forms,
                                                           cached.compounds)
    assert fresh.of("lærlinge", "da") == "laerling"
    assert fresh.of("зустрічі", "uk") == fresh.of_question_word("zustrichi")[0]
    assert fresh.compounds["vejledningssamtale"] == ("vejledning", "samtale")
