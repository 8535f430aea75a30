"""Small helpers for driving the TUI as a person would."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input


async def tap(pilot: Pilot, selector: str) -> None:
    """Click a widget and let the app finish reacting."""
    await pilot.click(selector)
    await pilot.pause()


async def submit(pilot: Pilot, text: str) -> None:
    """Type ``text`` into the screen's input and press enter."""
    pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await pilot.pause()
