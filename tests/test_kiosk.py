"""The kiosk, driven through Textual's pilot."""

from __future__ import annotations

from textual.widgets import Button, Input, Static

from assistant.channels.tui.kiosk import ConversationScreen, KioskApp, LanguageScreen


def screen_text(app: KioskApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def test_language_first_then_menu_then_a_flow(content, store) -> None:
    app = KioskApp(content, store)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, LanguageScreen)
        await pilot.click("#lang-uk")
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        labels = [str(b.label) for b in app.screen.query(Button)]
        assert "1. Записатися на зустріч" in labels
        assert "Назад" in labels and "Працівник" in labels
        await pilot.click("#choice-5")
        await pilot.pause()
        assert "Скільки вам років?" in screen_text(app)
        app.screen.query_one(Input).value = "abc"
        await pilot.press("enter")
        await pilot.pause()
        assert "⚠ Будь ласка, напишіть ціле число" in screen_text(app)


async def test_user_text_is_never_parsed_as_markup(content, store) -> None:
    app = KioskApp(content, store, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#choice-9")  # talk to staff
        await pilot.pause()
        await pilot.click("#choice-2")  # call me back
        await pilot.pause()
        app.screen.query_one(Input).value = "[bold red]Eve[/] [link=http://x]y[/link]"
        await pilot.press("enter")
        await pilot.pause()
        assert "[bold red]Eve[/] [link=http://x]y[/link]" in screen_text(app)


async def test_command_buttons_work_in_the_chosen_language(content, store) -> None:
    app = KioskApp(content, store, lang="da")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#choice-1")
        await pilot.pause()
        await pilot.click("#cmd-language")
        await pilot.pause()
        await pilot.click("#choice-2")
        await pilot.pause()
        labels = [str(b.label) for b in app.screen.query(Button)]
        assert "Back" in labels and "1. First meeting" in labels
