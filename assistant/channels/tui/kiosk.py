"""The kiosk: pick a language, then the same conversation as every other channel.

All text is shown through ``rich.text.Text`` objects, never parsed as markup, so nothing a
user types can style or break the screen. After a period without input a warning counts
down, then everything of the previous user is wiped and the language screen returns.
Quitting takes a staff PIN.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text as RichText
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Static

from assistant.channels.tui.pin import PinScreen
from assistant.outputs import Card, Choices, Output, Say
from assistant.text import LANG_NAMES, LANGS, Text, pick

if TYPE_CHECKING:
    from assistant.conversation import Content, Conversation
    from assistant.store.sessions import SessionStore

# The language screen needs none of the heavy parts (database, content, catalogs): they are
# imported and loaded in a thread while the citizen picks a language, so the first screen
# takes input as soon as Textual has drawn it.


def tr(msgid: str, **kwargs: object) -> dict[str, str]:
    from assistant.i18n import tr as translate

    return translate(msgid, **kwargs)


def trn(singular: str, plural: str, n: int, **kwargs: object) -> dict[str, str]:
    from assistant.i18n import trn as translate

    return translate(singular, plural, n, **kwargs)

CSS = """
Screen { align: center middle; }
#languages { width: 60; height: auto; }
#languages Button { width: 100%; height: 3; margin: 1 0; }
#transcript { height: 1fr; border: round $accent; padding: 0 1; }
#transcript .say { margin: 0 0 1 0; }
#transcript .error { text-style: bold; }
#transcript .card { border: tall $success; padding: 0 1; margin: 0 0 1 0; }
#transcript .pair { height: auto; }
#transcript .pair > Static { width: 1fr; padding: 0 1 0 0; }
#choices { height: auto; max-height: 60%; }
#choices Button { width: 100%; margin: 0; }
#choices Button:even { background: $boost; }
#commands { height: 1; margin: 1 0 0 0; }
#commands Button { width: 1fr; min-width: 8; }
#entry { margin: 0; }
.high-contrast Screen { background: black; }
.high-contrast #transcript { border: heavy white; }
"""

COMMAND_BUTTONS = ("back", "menu", "language", "staff", "help", "save")


def _command_label(command: str, lang: str) -> str:
    labels = {"back": tr("Back"), "menu": tr("Menu"), "language": tr("Language"),
              "staff": tr("Staff"), "help": tr("Help"), "interpreter": tr("Interpreter"),
              "save": tr("Save")}
    return labels[command][lang]


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


class IdleWarning(ModalScreen[None]):
    """Shown before the wipe; any key or tap closes it and keeps the session."""

    DEFAULT_CSS = """
    IdleWarning { align: center middle; }
    IdleWarning > Static { width: 60; height: auto; border: thick $warning; padding: 1 2;
                           background: $surface; text-style: bold; }
    """

    def __init__(self, lang: str, seconds: int) -> None:
        super().__init__()
        self.lang = lang
        self.seconds = seconds

    def compose(self) -> ComposeResult:
        yield Static(self._text(), id="idle-text")

    def _text(self) -> RichText:
        return RichText(trn("Are you still there? The screen is cleared in {n} second. "
                            "Touch the screen or press a key to continue.",
                            "Are you still there? The screen is cleared in {n} seconds. "
                            "Touch the screen or press a key to continue.",
                            self.seconds)[self.lang])

    def update(self, seconds: int) -> None:
        self.seconds = seconds
        for widget in self.query("#idle-text").results(Static):
            widget.update(self._text())

    def on_key(self, event: events.Key) -> None:
        self.dismiss(None)

    def on_click(self, event: events.Click) -> None:
        self.dismiss(None)


class ConversationScreen(Screen[None]):
    def __init__(self, convo: Conversation, opening: list[Output],
                 bilingual: bool = False) -> None:
        super().__init__()
        self.convo = convo
        self.opening = opening
        self.bilingual = bilingual

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="transcript")
        yield VerticalScroll(id="choices")
        yield Input(id="entry", max_length=500)
        with Horizontal(id="commands"):
            for command in COMMAND_BUTTONS:
                yield Button(command, id=f"cmd-{command}", compact=True)
            yield Button("Tolk", id="interpreter", compact=True)

    async def on_mount(self) -> None:
        await self.show(self.opening)

    def _langs(self) -> list[str]:
        lang = self.convo.lang
        return [lang, "da"] if self.bilingual and lang != "da" else [lang]

    def _block(self, text: Text, classes: str, prefix: str = "") -> Static | Horizontal:
        langs = self._langs()
        if len(langs) == 1:
            return Static(RichText(prefix + pick(text, langs[0])), classes=classes)
        return Horizontal(*(Static(RichText(prefix + pick(text, lang)), classes=classes)
                            for lang in langs), classes="pair")

    async def show(self, outputs: list[Output]) -> None:
        transcript = self.query_one("#transcript", VerticalScroll)
        choices = self.query_one("#choices", VerticalScroll)
        await choices.remove_children()
        langs = self._langs()
        for out in outputs:
            if isinstance(out, Say):
                prefix = "⚠ " if out.tone == "error" else ""
                await transcript.mount(self._block(out.text, f"say {out.tone}", prefix))
            elif isinstance(out, Card):
                cards = []
                for lang in langs:
                    body = RichText(pick(out.title, lang) + "\n", style="bold")
                    body.append(pick(out.body, lang))
                    cards.append(Static(body, classes="card"))
                await transcript.mount(cards[0] if len(cards) == 1 else
                                       Horizontal(*cards, classes="pair"))
            elif isinstance(out, Choices):
                for choice in out.options:
                    label = " / ".join(pick(choice.label, lang) for lang in langs)
                    await choices.mount(Button(RichText(f"{choice.key}. {label}"),
                                               id=f"choice-{choice.key}", compact=True))
        for command in COMMAND_BUTTONS:
            self.query_one(f"#cmd-{command}", Button).label = " / ".join(
                _command_label(command, lang) for lang in langs)
        self.query_one("#interpreter", Button).label = _command_label("interpreter",
                                                                      self.convo.lang)
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
        elif bid == "interpreter":
            self.bilingual = not self.bilingual
            await self.show(self.convo.prompt())


class KioskApp(App[None]):
    CSS = CSS
    TITLE = "Jobcenter"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+q", "staff_exit", "Staff", show=False, priority=True),
                Binding("ctrl+c", "staff_exit", "Staff", show=False, priority=True)]

    def __init__(self, content: Content | Callable[[], Content],
                 store: SessionStore | Callable[[], SessionStore], lang: str | None = None, *,
                 idle_seconds: float = 90, warn_seconds: int = 15,
                 clock: Callable[[], float] = time.monotonic, high_contrast: bool = False,
                 bilingual: bool = False) -> None:
        self.clock = clock
        self.last_activity = clock()
        self.warning: IdleWarning | None = None
        self._content = content
        self._store = store
        self._loaded = threading.Event()
        self.start_lang = lang
        self.idle_seconds = idle_seconds
        self.warn_seconds = warn_seconds
        self.high_contrast = high_contrast
        self.bilingual = bilingual
        self.wipes = 0
        super().__init__()

    def on_mount(self) -> None:
        if self.high_contrast:
            self.theme = "textual-dark"
            self.add_class("high-contrast")
        self.set_interval(1.0, self.check_idle)
        if callable(self._content) or callable(self._store):
            self.run_worker(self._load, thread=True, exclusive=True, group="load")
        else:
            self._loaded.set()
        self.show_start()

    def _load(self) -> None:
        # The conversation core (and SQLAlchemy under it) is imported here, in the loader's
        # thread, and nowhere else before the load is done: two threads importing SQLAlchemy
        # at once can each find the other's module half-built (ImportError at random).
        try:
            import assistant.conversation  # noqa: F401

            if callable(self._content):
                self._content = self._content()
            if callable(self._store):
                self._store = self._store()
        finally:
            # Also when loading failed (the worker's error ends the app): nothing may go on
            # waiting for the load.
            self._loaded.set()

    @property
    def content(self) -> Content:
        self._loaded.wait()
        if callable(self._content):
            raise RuntimeError("the kiosk's content could not be loaded")
        return self._content

    @property
    def store(self) -> SessionStore:
        self._loaded.wait()
        if callable(self._store):
            raise RuntimeError("the kiosk's database could not be loaded")
        return self._store

    def show_start(self) -> None:
        if self.start_lang and not self._loaded.is_set():
            # Not begin() here: it would wait for the loader on the event loop, and the loader's
            # thread is only started by that loop (the kiosk hung on a blank screen).
            self.run_worker(self._begin_when_loaded(self.start_lang), group="start")
        elif self.start_lang:
            self.begin(self.start_lang)
        else:
            self.push_screen(LanguageScreen(), self.begin)

    async def _begin_when_loaded(self, lang: str) -> None:
        await asyncio.to_thread(self._loaded.wait)
        self.begin(lang)

    def begin(self, lang: str | None) -> None:
        content, store = self.content, self.store  # waits for the loader: see _load
        from assistant.conversation import Conversation

        convo, opening = Conversation.open(content, store,
                                           f"kiosk:{uuid.uuid4().hex}", "kiosk", lang)
        self.push_screen(ConversationScreen(convo, opening, bilingual=self.bilingual))

    # -- idle wipe --------------------------------------------------------------------------

    def on_event(self, event: events.Event):  # type: ignore[override]
        if isinstance(event, events.Key | events.MouseDown):
            self.last_activity = self.clock()
            if self.warning is not None and not self.warning.is_attached:
                self.warning = None
        return super().on_event(event)

    def check_idle(self) -> None:
        """Called every second (and by tests with a fake clock)."""
        stack = self.screen_stack
        if not stack or isinstance(stack[-1], LanguageScreen) or not self._loaded.is_set():
            self.last_activity = self.clock()  # nothing of anyone's on screen
            return
        idle = self.clock() - self.last_activity
        if idle < self.idle_seconds:
            if self.warning is not None:
                self.warning = None
            return
        left = int(self.idle_seconds + self.warn_seconds - idle)
        if left <= 0:
            self.wipe()
            return
        lang = self._lang()
        if self.warning is None or not self.warning.is_attached:
            self.warning = IdleWarning(lang, left)
            self.push_screen(self.warning)
        else:
            self.warning.update(left)

    def _lang(self) -> str:
        for screen in self.screen_stack:
            if isinstance(screen, ConversationScreen):
                return screen.convo.lang
        return "da"

    def wipe(self) -> None:
        """Remove every trace of the last user from the screen, then start again."""
        self.last_activity = self.clock()  # first: popping screens may run check_idle again
        self.warning = None
        for screen in self.screen_stack:
            if isinstance(screen, ConversationScreen):
                screen.convo.abandon()
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.copy_to_clipboard("")
        self.wipes += 1
        self.last_activity = self.clock()
        self.show_start()

    # -- the PIN gate -----------------------------------------------------------------------

    def action_staff_exit(self) -> None:
        def done(initials: str | None) -> None:
            if initials:
                self.exit()

        self.push_screen(PinScreen(self.store.engine), done)
