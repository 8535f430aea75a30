"""The kiosk, driven through Textual's pilot."""

from __future__ import annotations

import faulthandler

import pytest
from textual.widgets import Button, Static
from textual.worker import WorkerFailed

from assistant.channels.tui.kiosk import ConversationScreen, KioskApp, LanguageScreen

from .pilot import submit, tap


@pytest.fixture
def ends_if_hung():
    """For a test of a kiosk that once hung: should it hang again, the test run ends after
    60 s with every thread's traceback, instead of waiting for ever."""
    faulthandler.dump_traceback_later(60, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def screen_text(app: KioskApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def test_language_first_then_menu_then_a_flow(content, store) -> None:
    app = KioskApp(content, store)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, LanguageScreen)
        await tap(pilot, "#lang-uk")
        assert isinstance(app.screen, ConversationScreen)
        labels = [str(b.label) for b in app.screen.query(Button)]
        assert "1. Записатися на зустріч" in labels
        assert "Назад" in labels and "Працівник" in labels
        await tap(pilot, "#choice-5")
        assert "Скільки вам років?" in screen_text(app)
        await submit(pilot, "abc")
        assert "⚠ Будь ласка, напишіть ціле число" in screen_text(app)


async def test_a_kiosk_started_in_one_language_opens_its_menu_once_loaded(
        content, store, ends_if_hung) -> None:
    """`kiosk --lang en`: content and database load in a thread, as in the real program. It
    once waited for that thread on the event loop that starts it, and hung on a blank
    screen."""
    app = KioskApp(lambda: content, lambda: store, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        assert "1. Book a meeting" in [str(b.label) for b in app.screen.query(Button)]


async def test_user_text_is_never_parsed_as_markup(content, store) -> None:
    app = KioskApp(content, store, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await tap(pilot, "#choice-9")  # talk to staff
        await tap(pilot, "#choice-2")  # call me back
        await submit(pilot, "[bold red]Eve[/] [link=http://x]y[/link]")
        assert "[bold red]Eve[/] [link=http://x]y[/link]" in screen_text(app)


async def test_command_buttons_work_in_the_chosen_language(content, store) -> None:
    app = KioskApp(content, store, lang="da")
    async with app.run_test(size=(80, 24)) as pilot:
        await tap(pilot, "#choice-1")
        await tap(pilot, "#cmd-language")
        await tap(pilot, "#choice-2")
        labels = [str(b.label) for b in app.screen.query(Button)]
        assert "Back" in labels and "1. First meeting" in labels


async def test_a_kiosk_whose_database_cannot_be_loaded_ends_with_an_error(
        content, ends_if_hung) -> None:
    """`kiosk --lang en` on a database it cannot open: the error ends the program (so a
    supervisor can restart it); it once waited for the failed load for ever."""

    def no_database():
        raise OSError("unable to open database file")

    app = KioskApp(lambda: content, no_database, lang="en")
    with pytest.raises(WorkerFailed):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.pause()
    assert app.return_code == 1


async def test_no_idle_wipe_while_the_kiosk_is_still_loading(content, store) -> None:
    import threading

    release, now = threading.Event(), [0.0]

    def slow_store():
        release.wait(30)
        return store

    app = KioskApp(lambda: content, slow_store, lang="en", idle_seconds=5, warn_seconds=2,
                   clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        now[0] = 1000.0
        app.check_idle()
        app.check_idle()
        assert app.wipes == 0 and app.warning is None
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [type(s) for s in app.screen_stack].count(ConversationScreen) == 1
