"""The two-language (interpreter) view: each fact faces its Danish twin on the same screen row
(a summary's fields, a long answer's paragraphs), however much more one language wraps; and
the line that says more is above or below fits on one row at 80 columns."""

from __future__ import annotations

import pytest

from assistant.channels.tui.kiosk import KioskApp

from .conftest import NOW
from .pilot import screen_lines, settle, submit

SIZES = [(80, 24), (120, 40)]
FIELDS = {"uk": ["Зустріч", "Як", "Мова", "Час", "Ім'я", "Телефон"],
          "en": ["Meeting", "How", "Language", "Time", "Name", "Phone"]}
DANISH = ["Møde", "Hvordan", "Sprog", "Tid", "Navn", "Telefon"]
QUESTION = {"uk": "що таке voksenlærling", "en": "what is voksenlaerling"}


def facing(lines: list[str], left: str, right: str, width: int) -> bool | None:
    """Whether the screen row that starts ``left`` in the citizen's column shows ``right`` in
    the Danish one; None when ``left`` is not on screen."""
    for line in lines:
        at = line.find(left)
        if 0 <= at < width // 2:
            return line.find(right, width // 2) >= 0
    return None


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@pytest.mark.parametrize("lang", ["uk", "en"])
async def test_each_summary_field_faces_its_danish_twin(content, store, lang, size) -> None:
    app = KioskApp(content, store, lang=lang, bilingual=True, now=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for typed in ("1", "5", "1", "3", "1", "Olha Petrenko", "+380 50 123 4567"):
            await submit(pilot, typed)
        await pilot.wait_for_scheduled_animations()
        await settle(pilot)
        for field, twin in zip(FIELDS[lang], DANISH, strict=True):
            assert await paged_to(pilot, f"- {field}:", f"- {twin}:", size[0]), field


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@pytest.mark.parametrize("lang", ["uk", "en"])
async def test_a_long_answers_paragraphs_start_on_the_same_row(content, store, lang,
                                                               size) -> None:
    app = KioskApp(content, store, lang=lang, bilingual=True)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await submit(pilot, QUESTION[lang])
        await pilot.wait_for_scheduled_animations()
        await settle(pilot)
        answer = "#transcript .card Line.-side-{n}, #transcript Line.card.-side-{n}"
        sides = [[text for line in app.screen.query(answer.format(n=n))
                  for text in "".join(piece for piece, _ in line.parts).split("\n") if text]
                 for n in (0, 1)]
        assert len(sides[0]) == len(sides[1])
        paragraphs = [(left, right) for left, right in zip(*sides, strict=True)
                      if len(left) > 60]
        assert len(paragraphs) >= 3
        for left, right in paragraphs:
            assert await paged_to(pilot, left[:20], right[:20], size[0]), (left, right)


async def paged_to(pilot, left: str, right: str, width: int) -> bool | None:
    """Whether ``left`` faces ``right``, paging down the transcript from its top until
    ``left`` is on screen."""
    pilot.app.screen.query_one("#transcript").scroll_home(animate=False, immediate=True)
    await pilot.pause()
    for _ in range(20):
        found = facing(screen_lines(pilot), left, right, width)
        if found is not None:
            return found
        await pilot.press("pagedown")
        await pilot.pause()
    return None


@pytest.mark.parametrize("lang", ["uk", "en"])
async def test_the_more_above_and_below_line_is_not_cut_at_80_columns(content, store,
                                                                       lang) -> None:
    app = KioskApp(content, store, lang=lang, bilingual=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await submit(pilot, QUESTION[lang])
        await pilot.wait_for_scheduled_animations()
        await settle(pilot)
        await pilot.press("pagedown")
        await pilot.pause()
        await pilot.pause()
        # both arrows in both languages: the line is whole, down to its last Danish word
        hint = [line for line in screen_lines(pilot) if "▼" in line and "/" in line]
        assert hint and "▲" in hint[0], screen_lines(pilot)
        assert hint[0].rstrip().endswith(("Mere nedenfor", "Mere nedenfor – rul ned"))


async def test_side_by_side_rows_keep_names_masked_and_markup_as_typed(content, store) -> None:
    """A summary's rows mask the name and phone once the booking is done, in both columns,
    and a name written as markup is shown as typed, not styled."""
    app = KioskApp(content, store, lang="uk", bilingual=True, now=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for typed in ("1", "7", "3", "1", "[b]Olha[/b] Petrenko", "22334455"):
            await submit(pilot, typed)
        shown = "\n".join(str(line.render()) for line in app.screen.query("#transcript Static"))
        assert "- Ім'я: [b]Olha[/b] Petrenko" in shown and "- Navn: [b]Olha[/b]" in shown
        await submit(pilot, "1")
        await submit(pilot, "меню")
        shown = "\n".join(str(line.render()) for line in app.screen.query("#transcript Static"))
        for private in ("Olha", "Petrenko", "22334455", "22 33 44 55"):
            assert private not in shown
        assert "- Ім'я: " in shown and "- Navn: " in shown
