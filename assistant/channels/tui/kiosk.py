"""The kiosk: pick a language, then the same conversation as every other channel.

All text is shown through ``rich.text.Text`` objects, never parsed as markup, so nothing a
user types can style or break the screen.
"""

from __future__ import annotations

import uuid

from rich.text import Text as RichText
from textual import on
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from assistant.conversation import Content, Conversation
from assistant.i18n import tr
from assistant.outputs import Card, Choices, Output, Say
from assistant.store.sessions import SessionStore
from assistant.text import LANG_NAMES, LANGS, pick

CSS = """
Screen { align: center middle; }
#languages { width: 60; height: auto; }
#languages Button { width: 100%; height: 3; margin: 1 0; }
#transcript { height: 1fr; border: round $accent; padding: 0 1; }
#transcript .say { margin: 0 0 1 0; }
#transcript .error { text-style: bold; }
#transcript .card { border: tall $success; padding: 0 1; margin: 0 0 1 0; }
#choices { height: auto; max-height: 50%; }
#choices Button { width: 100%; margin: 0 0 1 0; }
#commands { height: 1; margin: 1 0 0 0; }
#commands Button { width: 1fr; min-width: 8; }
#entry { margin: 0; }
"""

COMMAND_BUTTONS = ("back", "menu", "language", "staff", "help")


class LanguageScreen(Screen[str]):
    def compose(self) -> ComposeResult:
        with Vertical(id="languages"):
            yield Static(RichText("Vælg sprog · Choose language · Оберіть мову", justify="center"))
            for lang in LANGS:
                yield Button(LANG_NAMES[lang], id=f"lang-{lang}", variant="primary")

    @on(Button.Pressed)
    def chosen(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("lang-"):
            self.dismiss(event.button.id.removeprefix("lang-"))


class ConversationScreen(Screen[None]):
    def __init__(self, convo: Conversation, opening: list[Output]) -> None:
        super().__init__()
        self.convo = convo
        self.opening = opening

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="transcript")
        yield Vertical(id="choices")
        yield Input(id="entry", max_length=500)
        with Horizontal(id="commands"):
            for command in COMMAND_BUTTONS:
                yield Button(command, id=f"cmd-{command}", compact=True)

    async def on_mount(self) -> None:
        await self.show(self.opening)

    async def show(self, outputs: list[Output]) -> None:
        lang = self.convo.lang
        transcript = self.query_one("#transcript", VerticalScroll)
        choices = self.query_one("#choices", Vertical)
        await choices.remove_children()
        for out in outputs:
            if isinstance(out, Say):
                text = pick(out.text, lang)
                if out.tone == "error":
                    text = "⚠ " + text
                transcript.mount(Static(RichText(text), classes=f"say {out.tone}"))
            elif isinstance(out, Card):
                body = RichText(pick(out.title, lang) + "\n", style="bold")
                body.append(pick(out.body, lang))
                transcript.mount(Static(body, classes="card"))
            elif isinstance(out, Choices):
                for choice in out.options:
                    choices.mount(Button(RichText(f"{choice.key}. {pick(choice.label, lang)}"),
                                         id=f"choice-{choice.key}", compact=True))
        for command in COMMAND_BUTTONS:
            self.query_one(f"#cmd-{command}", Button).label = _command_label(command, lang)
        transcript.scroll_end(animate=False)
        self.query_one("#entry", Input).focus()

    async def send(self, text: str) -> None:
        transcript = self.query_one("#transcript", VerticalScroll)
        await transcript.mount(Static(RichText("> " + text), classes="say user"))
        await self.show(self.convo.handle(text))

    @on(Input.Submitted, "#entry")
    async def submitted(self, event: Input.Submitted) -> None:
        text = event.value
        event.input.value = ""
        if text.strip():
            await self.send(text)

    @on(Button.Pressed)
    async def pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id or ""
        if bid.startswith("choice-"):
            await self.send(bid.removeprefix("choice-"))
        elif bid.startswith("cmd-"):
            await self.send(bid.removeprefix("cmd-"))


def _command_label(command: str, lang: str) -> str:
    labels = {"back": tr("Back"), "menu": tr("Menu"), "language": tr("Language"),
              "staff": tr("Talk to staff"), "help": tr("Help")}
    return labels[command][lang]


class KioskApp(App[None]):
    CSS = CSS
    TITLE = "Jobcenter"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, content: Content, store: SessionStore, lang: str | None = None) -> None:
        super().__init__()
        self.content = content
        self.store = store
        self.start_lang = lang

    def on_mount(self) -> None:
        if self.start_lang:
            self.begin(self.start_lang)
        else:
            self.push_screen(LanguageScreen(), self.begin)

    def begin(self, lang: str | None) -> None:
        convo, opening = Conversation.open(self.content, self.store,
                                           f"kiosk:{uuid.uuid4().hex}", "kiosk", lang)
        self.push_screen(ConversationScreen(convo, opening))
