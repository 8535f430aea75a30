"""Catalogs, CLDR plurals and locale-aware dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.i18n import TZ, at_clock, format_when, plural_category, tr, trn
from assistant.knowledge.lint import lint_i18n

ROOT = Path(__file__).resolve().parents[1]
WIPED = ("Done. To protect your data, the screen is cleared in {n} second.",
         "Done. To protect your data, the screen is cleared in {n} seconds.")


@pytest.mark.parametrize(("n", "category", "word"), [
    (1, "one", "секунду"),
    (2, "few", "секунди"),
    (5, "many", "секунд"),
    (11, "many", "секунд"),
    (21, "one", "секунду"),
    (22, "few", "секунди"),
    (25, "many", "секунд"),
])
def test_ukrainian_plurals(n: int, category: str, word: str) -> None:
    assert plural_category(n, "uk") == category
    assert f"{n} {word}." in trn(*WIPED, n)["uk"]


def test_danish_and_english_plurals() -> None:
    assert "1 sekund." in trn(*WIPED, 1)["da"]
    assert "2 sekunder." in trn(*WIPED, 2)["da"]
    assert "1 second." in trn(*WIPED, 1)["en"]
    assert "21 seconds." in trn(*WIPED, 21)["en"]
    with pytest.raises(TypeError):
        trn(*WIPED, 1.5)  # type: ignore[arg-type]


def test_dates_in_each_locale_s_own_format() -> None:
    when = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)  # 10.30 in Copenhagen
    text = format_when(when)
    assert text["da"] == "tirsdag den 24. november 2026 kl. 10.30"
    assert text["en"] == "Tuesday, 24 November 2026 at 10:30"
    assert text["uk"] == "вівторок, 24 листопада 2026\u202fр. о 10:30"  # CLDR: narrow NBSP


@pytest.mark.parametrize(("hour", "minute", "ukrainian"), [
    (11, 0, "об 11:00"), (11, 15, "об 11:15"), (11, 59, "об 11:59"), (10, 30, "о 10:30"),
    (10, 59, "о 10:59"), (12, 0, "о 12:00"), (1, 0, "о 01:00"), (21, 0, "о 21:00")])
def test_ukrainian_says_ob_before_eleven_and_o_before_every_other_hour(
        hour: int, minute: int, ukrainian: str) -> None:
    """"об одинадцятій", "о десятій": a meeting at 11.15 read "о 11:15" in every Ukrainian
    sentence that gives a time (the booking's time, the list of times, check-in)."""
    when = dt.datetime(2026, 11, 24, hour, minute, tzinfo=TZ)
    assert at_clock(when)["uk"] == at_clock(when.time())["uk"] == ukrainian
    assert format_when(when)["uk"].endswith(f"р. {ukrainian}")
    assert format_when(when, in_sentence=True)["uk"].endswith(f"р. {ukrainian}")
    clock = f"{hour:02d}:{minute:02d}"
    assert at_clock(when)["en"] == f"at {clock}" and at_clock(when)["da"] == \
        f"kl. {clock.replace(':', '.')}"
    checked_in = tr("Your meeting is {at_time}. You are checked in. We will come to you at "
                    "that time.", at_time=at_clock(when))
    assert checked_in["uk"].startswith(f"Ваша зустріч {ukrainian}. ")
    assert checked_in["en"].startswith(f"Your meeting is at {clock}. ")


@pytest.mark.parametrize(("day", "ukrainian"), [
    (23, "у понеділок, 23 листопада"), (24, "у вівторок, 24 листопада"),
    (25, "у середу, 25 листопада"), (26, "у четвер, 26 листопада"),
    (27, "у пʼятницю, 27 листопада"), (28, "у суботу, 28 листопада"),
    (29, "у неділю, 29 листопада"),
])
def test_a_date_inside_a_ukrainian_sentence_takes_its_preposition(day: int,
                                                                   ukrainian: str) -> None:
    when = dt.datetime(2026, 11, day, 9, 30, tzinfo=dt.UTC)
    alone, inside = format_when(when), format_when(when, in_sentence=True)
    assert inside["uk"].startswith(ukrainian) and inside["uk"].endswith("р. о 10:30")
    assert not alone["uk"].startswith("у ")
    assert (inside["da"], inside["en"]) == (alone["da"], alone["en"])
    sentence = tr("Your meeting is {when}. You can check in on the day of the meeting.",
                  when=inside)["uk"]
    assert sentence.startswith(f"Ваша зустріч відбудеться {ukrainian} 2026")


def test_every_message_is_translated_and_compiled_catalogs_are_fresh() -> None:
    assert lint_i18n(ROOT / "i18n", ROOT / "assistant") == []


def test_a_compiled_catalog_that_lags_its_po_file_is_stale(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(ROOT / "i18n", tmp_path / "i18n")
    po = tmp_path / "i18n" / "da" / "LC_MESSAGES" / "assistant.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "Send"' in text
    po.write_text(text.replace('msgstr "Send"', 'msgstr "Afsend"'), encoding="utf-8")
    problems = lint_i18n(tmp_path / "i18n", ROOT / "assistant")
    assert [(Path(p.path).parts[-3], p.message) for p in problems] == [
        ("da", "compiled catalog is missing or stale (run pybabel compile)")]


def test_translation_fills_fields_per_language() -> None:
    text = tr("Language: {name}", name={"da": "Dansk", "en": "Danish", "uk": "Данська"})
    assert text == {"da": "Sprog: Dansk", "en": "Language: Danish", "uk": "Мова: Данська"}


def test_every_tr_literal_in_the_code_is_in_the_catalog() -> None:
    """pybabel does not look inside f-strings: a tr("...") there is never translated (it
    happened to two staff badges). Every literal tr() call's text is in the template."""
    import re

    from babel.messages.pofile import read_po

    root = Path(__file__).parent.parent
    with open(root / "i18n" / "assistant.pot", "rb") as f:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f)}
    call = re.compile(r"""\btr\(\s*(['"])((?:(?!\1).)+)\1\s*[,)]""")
    missing = [(path.name, m.group(2)) for path in (root / "assistant").rglob("*.py")
               for m in call.finditer(path.read_text(encoding="utf-8"))
               if m.group(2) not in known]
    assert missing == []
