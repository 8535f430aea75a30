"""Snapshots of the main kiosk screens (pytest-textual-snapshot) at 80x24 and 120x40, in all
three languages, and in the high-contrast theme where it matters (focus, the countdown).

After a deliberate layout change: `pytest tests/test_snapshots.py --snapshot-update`, then
read snapshot_report.html before committing the new SVGs.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from assistant.channels.tui.kiosk import KioskApp

from .conftest import NOW
from .pilot import settle

SMALL, LARGE = (80, 24), (120, 40)
LANGS = ["da", "en", "uk"]


def kiosk(content, store, lang: str | None = None, **kw) -> KioskApp:
    """A kiosk whose clock stands still: countdowns show the same number in every run."""
    return KioskApp(content, store, lang=lang, clock=lambda: 1000.0, **kw)


def typing(*lines: str):
    """A run_before that sends ``lines`` as typed text, then waits for every answer."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        for line in lines:
            if line.startswith("@"):  # a tap
                await pilot.click(line[1:])
            elif line.startswith("#"):
                pilot.app.screen.query_one(line).focus()
            else:
                pilot.app.screen.query_one("#entry", Input).value = line
                await pilot.press("enter")
            await settle(pilot)
        await pilot.wait_for_scheduled_animations()  # a new answer scrolled to its top
        await settle(pilot)
        await steady_cursor(pilot)

    return run_before


async def steady_cursor(pilot) -> None:
    """The input's cursor shown, not blinking: the same picture whenever it is taken."""
    # the screen shown (``app.query`` does not reach a screen pushed over the first one: the
    # cursor kept blinking, and a busy machine took the picture once with it, once without)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()
    focused = pilot.app.focused
    if isinstance(focused, Input):  # a blink already under way may have hidden it
        # The blur moves the focus on for a moment, and that scrolls the options to the
        # focused one: where they were scrolled is put back, as a person saw them.
        scrolled = [(w, w.scroll_y) for w in pilot.app.screen.query("#choices")]
        focused.blur()
        await pilot.pause()
        focused.focus()
        for widget, y in scrolled:
            widget.scroll_to(y=y, animate=False, immediate=True)
    await pilot.pause()


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_language_screen(snap_compare, content, store, size) -> None:
    assert snap_compare(kiosk(content, store), terminal_size=size, run_before=typing())


def test_language_screen_high_contrast(snap_compare, content, store) -> None:
    assert snap_compare(kiosk(content, store, high_contrast=True), terminal_size=SMALL,
                        run_before=typing())


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
@pytest.mark.parametrize("lang", LANGS)
def test_menu(snap_compare, content, store, lang: str, size) -> None:
    assert snap_compare(kiosk(content, store, lang), terminal_size=size, run_before=typing())


@pytest.mark.parametrize("lang", LANGS)
def test_menu_with_a_focused_option_high_contrast(snap_compare, content, store,
                                                   lang: str) -> None:
    assert snap_compare(kiosk(content, store, lang, high_contrast=True), terminal_size=SMALL,
                        run_before=typing("#choice-3"))


@pytest.mark.parametrize("lang", LANGS)
def test_voksenlaerling_question_with_an_error(snap_compare, content, store, lang: str) -> None:
    assert snap_compare(kiosk(content, store, lang), terminal_size=SMALL,
                        run_before=typing("5", "abc"))


@pytest.mark.parametrize("question", [("da", "hvad er voksenlærling"),
                                      ("en", "what is voksenlaerling"),
                                      ("uk", "що таке voksenlærling")], ids=LANGS)
def test_a_long_answer_from_its_top_with_next_steps(snap_compare, content, store,
                                                    question) -> None:
    lang, text = question
    assert snap_compare(kiosk(content, store, lang), terminal_size=SMALL,
                        run_before=typing(text))


@pytest.mark.parametrize(("lang", "size", "high_contrast"), [
    ("uk", SMALL, False), ("en", LARGE, False), ("da", SMALL, True)],
    ids=["uk-80x24", "en-120x40", "da-80x24-high-contrast"])
def test_countdown_after_a_callback_request_with_the_name_masked(
        snap_compare, content, store, lang: str, size, high_contrast: bool) -> None:
    app = kiosk(content, store, lang, high_contrast=high_contrast)
    assert snap_compare(app, terminal_size=size,
                        run_before=typing("9", "2", "Olha Petrenko", "22334455", "1", "1"))


@pytest.mark.parametrize(("size", "high_contrast"), [(SMALL, False), (LARGE, False),
                                                     (LARGE, True)],
                         ids=["80x24", "120x40", "120x40-high-contrast"])
def test_interpreter_view(snap_compare, content, store, size, high_contrast: bool) -> None:
    app = kiosk(content, store, "uk", bilingual=True, high_contrast=high_contrast)
    assert snap_compare(app, terminal_size=size, run_before=typing())


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
@pytest.mark.parametrize("lang", LANGS)
def test_booking_confirmation_card(snap_compare, content, store, monkeypatch, lang: str,
                                   size) -> None:
    """The card after a booking with an interpreter: the code large, the countdown below."""
    monkeypatch.setattr("assistant.booking.service.new_code", lambda: "K7M2QX")
    app = kiosk(content, store, lang, now=lambda: NOW)
    assert snap_compare(app, terminal_size=size, run_before=typing(
        "1", "5", "1", "3", "1", "Olha Petrenko", "+380 50 123 4567", "1"))


@pytest.mark.parametrize("high_contrast", [False, True], ids=["default", "high-contrast"])
@pytest.mark.parametrize("lang", LANGS)
def test_multiple_choice_toggles_with_one_chosen_and_done_focused(
        snap_compare, content, store, lang: str, high_contrast: bool) -> None:
    app = kiosk(content, store, lang, high_contrast=high_contrast)
    assert snap_compare(app, terminal_size=SMALL, run_before=typing(
        "4", "1", "2", "3", "1", "1", "2", "@#choice-2", "#choices-done"))


@pytest.mark.parametrize(("lang", "switch"), [("da", "українська"), ("uk", "dansk")],
                         ids=["da-to-uk", "uk-to-da"])
def test_command_buttons_after_a_language_change(snap_compare, content, store, lang: str,
                                                 switch: str) -> None:
    """The bottom buttons are laid out for the new language's labels, none cut. (The
    transcript is shown from its end: where a re-laid-out transcript scrolls is not what this
    picture is about, and under load it was taken before that scroll.)"""
    typed = typing(switch)

    async def run_before(pilot) -> None:
        await typed(pilot)
        await settle(pilot)  # the "more options" line may come or go: the transcript's size
        await steady_cursor(pilot)
        pilot.app.screen.query_one("#transcript").scroll_end(animate=False, immediate=True)
        await settle(pilot)

    assert snap_compare(kiosk(content, store, lang), terminal_size=SMALL, run_before=run_before)


def test_interpreter_view_options_face_each_other(snap_compare, content, store) -> None:
    """At 80x24 a Ukrainian option that wraps keeps the options below it facing their Danish
    twins; the commands show both languages (closed up to fit)."""
    app = kiosk(content, store, "uk", bilingual=True)
    assert snap_compare(app, terminal_size=SMALL, run_before=typing("1"))


def test_interpreter_view_booking_card_at_80x24(snap_compare, content, store,
                                                monkeypatch) -> None:
    """Side by side at 80x24 the card is seen whole: the countdown takes the command bar's
    place, with its own Finish."""
    monkeypatch.setattr("assistant.booking.service.new_code", lambda: "K7M2QX")
    app = kiosk(content, store, "uk", bilingual=True, now=lambda: NOW)
    assert snap_compare(app, terminal_size=SMALL, run_before=typing(
        "1", "5", "1", "3", "1", "Olha Petrenko", "+380 50 123 4567", "1"))


def test_language_screen_with_text_in_no_known_language(snap_compare, content, store) -> None:
    """What is typed on the language screen is shown; when its language cannot be told,
    the screen asks in all three to choose one."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(*"zxq 123", "enter")
        await settle(pilot)

    assert snap_compare(kiosk(content, store), terminal_size=SMALL, run_before=run_before)
