"""Snapshots of the key kiosk screens in all three languages (pytest-textual-snapshot).

After a deliberate layout change: `pytest tests/test_snapshots.py --snapshot-update`, then
read snapshot_report.html before committing the new SVGs.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from assistant.channels.tui.kiosk import KioskApp


async def _steady(pilot) -> None:
    for widget in pilot.app.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


def test_language_screen(snap_compare, content, store) -> None:
    assert snap_compare(KioskApp(content, store), terminal_size=(80, 24), run_before=_steady)


@pytest.mark.parametrize("lang", ["da", "en", "uk"])
def test_menu(snap_compare, content, store, lang: str) -> None:
    assert snap_compare(KioskApp(content, store, lang=lang), terminal_size=(80, 24),
                        run_before=_steady)


@pytest.mark.parametrize("lang", ["da", "en", "uk"])
def test_voksenlaerling_question_with_an_error(snap_compare, content, store, lang: str) -> None:
    async def run_before(pilot) -> None:
        await pilot.click("#choice-5")
        await pilot.pause()
        pilot.app.screen.query_one(Input).value = "abc"
        await pilot.press("enter")
        await _steady(pilot)

    assert snap_compare(KioskApp(content, store, lang=lang), terminal_size=(80, 24),
                        run_before=run_before)


def test_interpreter_view(snap_compare, content, store) -> None:
    assert snap_compare(KioskApp(content, store, lang="uk", bilingual=True),
                        terminal_size=(120, 30), run_before=_steady)
