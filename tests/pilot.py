"""Small helpers for driving the TUI as a person would."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Input


class FakeClock:
    """A clock for the kiosk's countdowns that moves only when a test moves it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def settle(pilot: Pilot) -> None:
    """Let the app finish what the last action started: its workers (turns, PIN checks,
    queries run in threads) and what their results start in turn."""
    app = pilot.app
    for _ in range(50):
        await pilot.pause()
        running = [worker for worker in app.workers if worker.is_running]
        if not running:
            await pilot.pause()
            if not any(worker.is_running for worker in app.workers):
                return
            continue
        await app.workers.wait_for_complete(running)
    raise AssertionError("the app is still busy")


async def until(pilot: Pilot, seen: Callable[[], object], what: str) -> None:
    """Let the app go on until ``seen()`` holds, as a person waits for the screen to show what
    they did (at most 200 of Textual's pauses). A single pause is not enough on a busy
    machine: Textual takes the process for idle when another process has the CPU, and a
    hidden bar's place is then given up a little later."""
    for _ in range(200):
        if seen():
            return
        await pilot.pause()
    assert seen(), what


async def tap(pilot: Pilot, selector: str) -> None:
    """Click a widget (once the app is done with what came before) and let the app finish
    reacting."""
    await settle(pilot)
    pilot.app.screen.query_one(selector).scroll_visible(animate=False, immediate=True)
    await pilot.pause()  # as a person scrolls to an option before tapping it
    await pilot.click(selector)
    await settle(pilot)


async def submit(pilot: Pilot, text: str) -> None:
    """Type ``text`` into the screen's input and press enter."""
    await settle(pilot)
    pilot.app.screen.query_one("#entry, Input", Input).value = text
    await pilot.press("enter")
    await settle(pilot)


def screen_lines(pilot: Pilot) -> list[str]:
    """The terminal's lines as a person sees them now (what is scrolled away is not there)."""
    return [strip.text for strip in pilot.app.screen._compositor.render_strips()]


def booking_code(text: str) -> str | None:
    """The booking code a confirmation card shows large (framed, its characters spaced)."""
    import re

    found = re.search(r"┃ ((?:[A-Z2-9] ){6})┃", text)
    return found[1].replace(" ", "") if found else None
