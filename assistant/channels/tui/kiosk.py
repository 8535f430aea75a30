"""The kiosk: pick a language, then the same conversation as every other channel.

After a period without input a warning counts down, then everything of the previous user is
wiped and the language screen returns (not while the citizen waits for a member of staff who
has not yet taken the request). A completed booking, check-in or callback request
starts a shorter countdown to the same wipe ("I'm not done" stops it); Finish wipes at once.
Quitting takes a staff PIN. Nothing that waits (loading, opening a conversation, a turn, the
PIN check, the abandon at a wipe) runs on Textual's UI thread.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import threading
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text as RichText
from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Static
from textual.worker import get_current_worker

from assistant.channels.tui.conversation_view import ConversationScreen
from assistant.channels.tui.messages import (
    ConversationOpened,
    ConversationShown,
    FinishRequested,
    KeepGoing,
    LanguageChosen,
    StepCompleted,
)
from assistant.channels.tui.pin import PinScreen
from assistant.channels.tui.strings import trn
from assistant.channels.tui.styles import CSS, HIGH_CONTRAST
from assistant.text import LANG_NAMES, LANGS

if TYPE_CHECKING:
    from assistant.conversation import Content, Conversation
    from assistant.store.sessions import SessionStore

__all__ = ["CSS", "ConversationScreen", "IdleWarning", "KioskApp", "LanguageScreen"]

log = logging.getLogger(__name__)


def kiosk_channel() -> str:
    """The channel this kiosk's conversations run on: "kiosk", or "web" when it is served to
    a browser (``serve --tui`` sets ASSISTANT_KIOSK_REMOTE, see web_tui.py): what needs the
    phone number proven, and whether check-in is offered, depend on it."""
    return "web" if os.environ.get("ASSISTANT_KIOSK_REMOTE") == "1" else "kiosk"


# The language screen needs none of the heavy parts (database, content, catalogs): they are
# imported and loaded in a thread while the citizen picks a language, so the first screen
# takes input as soon as Textual has drawn it.


class LanguageScreen(Screen[None]):
    BINDINGS = [Binding("down", "app.focus_next", "Next", show=False),
                Binding("up", "app.focus_previous", "Previous", show=False),
                Binding("right", "app.focus_next", "Next", show=False),
                Binding("left", "app.focus_previous", "Previous", show=False)]
    """The arrow keys move between the languages, as Tab does: a tester pressed Down twice
    and Enter for Українська and got Danish."""

    def __init__(self) -> None:
        super().__init__()
        self.typed = ""
        """What the person typed here (a tester wrote "мені потрібна зустріч" and Enter
        pressed the focused "Dansk"): Enter opens the conversation in its language with it
        as the first message. Each person gets a new screen: nothing of it is kept."""

    def compose(self) -> ComposeResult:
        with Vertical(id="languages"):
            yield Static(RichText("Vælg sprog · Choose language · Оберіть мову", justify="center"))
            yield Static(id="typed")
            yield Static(id="typed-note")
            for lang in LANGS:
                yield Button(LANG_NAMES[lang], id=f"lang-{lang}", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#typed").display = False
        self.query_one("#typed-note").display = False

    def type_key(self, event: events.Key) -> bool:
        """A letter, Backspace or Enter typed here (the app hands them on before the focused
        button sees them): whether taken."""
        if any(button.disabled for button in self.query(Button)):
            return False  # a language is being opened: the app keeps what is typed
        if event.key == "backspace" and self.typed:
            self._show(self.typed[:-1])
        elif event.key in ("enter", "ctrl+j") and self.typed.strip():
            self._send()
        elif event.is_printable and event.character and (self.typed or
                                                         not event.character.isspace()):
            self._show(self.typed + event.character)
        else:
            return False
        return True

    def _show(self, typed: str, note: bool = False) -> None:
        self.typed = typed[:500]
        box = self.query_one("#typed", Static)
        box.display = bool(self.typed)
        box.update(RichText("> " + self.typed + "▏"))
        self.query_one("#typed-note").display = note and bool(self.typed)

    def _send(self) -> None:
        """Open the conversation in the language of what was typed, with it as its first
        message; when that language cannot be told, ask (in all three) to choose one."""
        from assistant.commands import language_of, looks_danish

        lang = language_of(self.typed) or ("da" if looks_danish(self.typed) else None)
        if lang is None:
            from assistant.channels.tui.strings import tr

            said = tr("Choose a language below.")
            self.query_one("#typed-note", Static).update(
                RichText("\n".join(said[lang] for lang in LANGS), style="bold"))
            self._show(self.typed, note=True)
            return
        self._choose(lang)

    def forget(self) -> None:
        """Clear what was typed (the person left without choosing)."""
        self._show("")

    def _choose(self, lang: str) -> None:
        for button in self.query(Button):
            button.disabled = True  # one conversation per tap, however many taps
        typed, self.typed = self.typed, ""
        self._show("")
        self.post_message(LanguageChosen(lang, typed))

    @on(Button.Pressed)
    def chosen(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("lang-"):
            self._choose(event.button.id.removeprefix("lang-"))


class IdleWarning(ModalScreen[None]):
    """Shown before the wipe; any key or tap closes it and keeps the session."""

    DEFAULT_CSS = """
    IdleWarning { align: center middle; }
    IdleWarning > Static { width: 60; max-width: 100%; height: auto; border: thick $warning;
                           padding: 1 2; background: $surface; text-style: bold; }
    """

    def __init__(self, lang: str | list[str], seconds: int) -> None:
        super().__init__()
        self.langs = [lang] if isinstance(lang, str) else lang
        """The view's languages: side by side, the citizen's and Danish."""
        self.seconds = seconds
        self._answered = False
        self._entry: Input | None = None

    def compose(self) -> ComposeResult:
        yield Static(self._text(), id="idle-text")

    def _text(self) -> RichText:
        said = trn("Are you still there? The screen is cleared in {n} second. "
                   "Touch the screen or press a key to continue.",
                   "Are you still there? The screen is cleared in {n} seconds. "
                   "Touch the screen or press a key to continue.",
                   self.seconds)
        return RichText("\n\n".join(said[lang] for lang in self.langs))

    def update(self, seconds: int) -> None:
        self.seconds = seconds
        for widget in self.query("#idle-text").results(Static):
            widget.update(self._text())

    def on_key(self, event: events.Key) -> None:
        """Close, and what the citizen types goes on into the text box below."""
        event.stop()
        entry = self._entry_below()
        if entry is not None and event.is_printable and event.character:
            entry.insert_text_at_cursor(event.character)
        self._close()

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self._close()

    def _entry_below(self) -> Input | None:
        """The text box of the screen under this one, found at the first key (the screen is
        off the stack by the next)."""
        if not self._answered:
            stack = self.app.screen_stack
            below = stack[-2] if len(stack) > 1 and stack[-1] is self else None
            self._entry = next(iter(below.query("#entry").results(Input)), None) \
                if below is not None else None
        return self._entry

    def _close(self) -> None:
        """Close once: a citizen coming back types on, and the keys after the first reach
        this screen until it is gone (a second dismiss raised ScreenStackError and ended the
        kiosk with a traceback)."""
        if not self._answered:
            self._answered = True
            self.dismiss(None)


class KioskApp(App[None]):
    CSS = CSS
    TITLE = "Jobcenter"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+q", "staff_exit", "Staff", show=False, priority=True),
                Binding("ctrl+c", "staff_exit", "Staff", show=False, priority=True)]

    def __init__(self, content: Content | Callable[[], Content],
                 store: SessionStore | Callable[[], SessionStore], lang: str | None = None, *,
                 idle_seconds: float = 90, warn_seconds: int = 15, done_seconds: int = 20,
                 clock: Callable[[], float] = time.monotonic, high_contrast: bool = False,
                 bilingual: bool = False, place: str | None = None,
                 site: str | None = None,
                 now: Callable[[], dt.datetime] | None = None) -> None:
        self.clock = clock
        self.place = f"kiosk:{place[:60]}" if place else "kiosk"
        """Where staff find a citizen who asks for them (``kiosk --place``)."""
        self.now = now
        """The conversations' clock (free times, bookings); None: the real time."""
        self.last_activity = clock()
        self.warning: IdleWarning | None = None
        self.done_at: float | None = None
        """When the wipe after a completed step is due (None: no step completed)."""
        self._content = content
        self._store = store
        self._loaded = threading.Event()
        self.start_lang = lang
        self.idle_seconds = idle_seconds
        self.warn_seconds = warn_seconds
        self.done_seconds = done_seconds
        self.high_contrast = high_contrast
        self.bilingual = bilingual
        self.site_code = site
        self.site: Any = None
        """The site (jobcenter) the kiosk stands at, once loaded (None: the database has none)."""
        self.no_site = False
        self.bad_site: str | None = None
        """Why the kiosk ended at once: ``site`` is not one of the database's."""
        self.wipes = 0
        self._opening = False
        """A conversation is being opened and its screen does not take input yet."""
        self._typed: list[str] = []
        """What was typed meanwhile (characters, "\\n" for Enter), for its text box."""
        super().__init__()

    def on_mount(self) -> None:
        if self.high_contrast:
            self.register_theme(HIGH_CONTRAST)
            self.theme = HIGH_CONTRAST.name
            self.add_class("high-contrast")
        self.set_interval(1.0, self.tick)
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
            from assistant.site.registry import UnknownSite

            sites = self._store.sites()
            try:
                self.site = sites.by_code(self.site_code)
            except UnknownSite:
                self.bad_site = (f"no site {self.site_code!r} in this database (it has: "
                                 f"{', '.join(s.code for s in sites.sites)})")
                self.call_from_thread(self.exit, None, 2)
                return
            if sites.empty:
                from assistant.site.registry import no_site_text

                self.no_site = True
                said = no_site_text()
                self.call_from_thread(self.notify, "\n".join(said[lang] for lang in LANGS),
                                      severity="warning", timeout=600)
        finally:
            # Also when loading failed (the worker's error ends the app): nothing may go on
            # waiting for the load.
            self._loaded.set()

    @property
    def content(self) -> Content:
        """The content, once loaded. Waits for the loader: only call it from a worker."""
        self._loaded.wait()
        if callable(self._content):
            raise RuntimeError("the kiosk's content could not be loaded")
        return self._content

    @property
    def store(self) -> SessionStore:
        """The store, once loaded. Waits for the loader: only call it from a worker."""
        self._loaded.wait()
        if callable(self._store):
            raise RuntimeError("the kiosk's database could not be loaded")
        return self._store

    def show_start(self) -> None:
        if self.start_lang:
            self.begin(self.start_lang)
        else:
            self.push_screen(LanguageScreen())

    @on(LanguageChosen)
    def language_chosen(self, message: LanguageChosen) -> None:
        if message.typed.strip():  # typed on the language screen: the first message
            self._typed = [*message.typed, "\n", *self._typed]
        self.begin(message.lang)

    def begin(self, lang: str) -> None:
        """Open a conversation in ``lang`` (in a worker: it waits for the loader and writes
        the new session); :meth:`on_conversation_opened` shows it."""
        self._opening = True
        self._open(lang)

    @work(thread=True, exclusive=True, group="open")
    def _open(self, lang: str) -> None:
        self._loaded.wait()
        if callable(self._content) or callable(self._store) or self.bad_site:
            return  # the loader failed, and its error ends the app
        from assistant.conversation import Conversation

        convo, opening = Conversation.open(self.content, self.store,
                                           f"kiosk:{uuid.uuid4().hex}", kiosk_channel(), lang,
                                           place=self.place, site=self.site,
                                           **({"now": self.now} if self.now else {}))
        if not get_current_worker().is_cancelled:  # a later open replaces this one
            self.post_message(ConversationOpened(convo, opening, self.bilingual))

    def on_conversation_opened(self, message: ConversationOpened) -> None:
        screen = ConversationScreen(message.convo, message.opening, bilingual=message.bilingual)
        if isinstance(self.screen, LanguageScreen):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    @on(ConversationShown)
    def conversation_shown(self, message: ConversationShown) -> None:
        """The conversation takes input: what was typed while it opened goes into it."""
        if message.screen is not self.screen and message.screen not in self.screen_stack:
            return  # wiped before it was shown
        self._opening = False
        typed, self._typed = "".join(self._typed), []
        if typed:
            message.screen.type_ahead(typed)

    def _type_ahead(self, event: events.Key) -> bool:
        """While a conversation opens (the kiosk starting, a language just chosen), keep a
        typed character, Enter or Backspace for its text box: a tester typed a question as
        soon as the kiosk started, and it was lost. The Enter that chooses a language counts
        as the start of the opening: the keys typed right after it come before the choice is
        taken. Whether kept."""
        if isinstance(self.screen, ModalScreen):
            return False  # a PIN or the idle warning takes its own keys
        if not self._opening and isinstance(self.screen, LanguageScreen) \
                and self.screen.type_key(event):
            return True
        if not self._opening:
            if (isinstance(self.screen, LanguageScreen) and event.key == "enter"
                    and isinstance(self.focused, Button) and not self.focused.disabled):
                self._opening = True  # the Enter itself goes on to the button
            return False
        if event.key in ("enter", "ctrl+j"):  # typed before the terminal was raw: a newline
            self._typed.append("\n")
        elif event.key == "backspace":
            if self._typed and self._typed[-1] != "\n":
                self._typed.pop()
        elif event.is_printable and event.character:
            self._typed.append(event.character)
        else:
            return False
        return True

    # -- the wipe: idle, after a completed step, or Finish ----------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.last_activity = self.clock()
            if self.warning is not None and not self.warning.is_attached:
                self.warning = None
        if isinstance(event, events.Key) and not event.is_forwarded and self._type_ahead(event):
            return
        await super().on_event(event)

    @on(StepCompleted)
    def step_completed(self) -> None:
        self.done_at = self.clock() + self.done_seconds
        self._show_countdown(self.done_seconds)

    @on(KeepGoing)
    def keep_going(self) -> None:
        self.done_at = None

    @on(FinishRequested)
    def finish(self) -> None:
        self.wipe()

    def _conversations(self) -> list[ConversationScreen]:
        return [s for s in self.screen_stack if isinstance(s, ConversationScreen)]

    def _show_countdown(self, seconds: int | None) -> None:
        for screen in self._conversations():
            screen.show_countdown(seconds)

    def tick(self) -> None:
        """Called every second (and by tests with a fake clock): the countdown after a
        completed step, then the idle warning and wipe. (Not ``check_idle``: that name is
        Textual's, which it calls itself at any time.)"""
        if not self.screen_stack:
            return  # the app is ending (or not yet started): a last tick has nothing to do
        if not self._conversations() or not self._loaded.is_set():
            screen = self.screen
            if isinstance(screen, LanguageScreen) and screen.typed:
                if self.clock() - self.last_activity >= self.idle_seconds:
                    screen.forget()  # typed, then gone: the next person sees nothing of it
                return
            self.last_activity = self.clock()  # nothing of anyone's on screen
            return
        if self.done_at is not None:
            left = math.ceil(self.done_at - self.clock())
            if left <= 0:
                self.wipe()
                return
            self._show_countdown(left)
        idle = self.clock() - self.last_activity
        if idle < self.idle_seconds:
            if self.warning is not None:
                self.warning = None
            return
        waiting = [screen for screen in self._conversations() if screen.staff_awaited]
        if waiting and self.warning is None:
            # Told "a member of staff will come to you, please wait here": waiting is not
            # walking away. Once an idle period the queue is looked at again (off this
            # thread): the warning and the wipe come after staff take the request or end it.
            self.last_activity = self.clock()
            self._look_at_staff_wait(waiting)
            return
        left = int(self.idle_seconds + self.warn_seconds - idle)
        if left <= 0:
            self.wipe()
            return
        if self.warning is None or not self.warning.is_attached:
            self.warning = IdleWarning(self._langs(), left)
            self.push_screen(self.warning)
        else:
            self.warning.update(left)

    @work(thread=True, group="staff-wait", exclusive=True)
    def _look_at_staff_wait(self, screens: list[ConversationScreen]) -> None:
        for screen in screens:
            try:
                with screen.turn_lock:
                    screen.staff_awaited = screen.convo.waits_for_staff()
            except Exception:  # the database is down: wipe as usual, privacy first
                log.exception("could not look at the staff queue")
                screen.staff_awaited = False

    def _langs(self) -> list[str]:
        """The languages of the conversation on screen (two side by side)."""
        screens = self._conversations()
        return screens[-1].langs() if screens else ["da"]

    def wipe(self) -> None:
        """Remove every trace of the last user from the screen, then start again."""
        self.warning = None
        self.done_at = None
        self._opening, self._typed = False, []
        for screen in self._conversations():
            self._abandon(screen.convo, screen.turn_lock)
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.copy_to_clipboard("")
        self.wipes += 1
        self.last_activity = self.clock()
        self.show_start()

    @work(thread=True, group="abandon")
    def _abandon(self, convo: Conversation, turn_lock: threading.Lock) -> None:
        """Count where the user left: after any turn of theirs still running (its answer is
        shown to no one: its screen is gone)."""
        with turn_lock:
            convo.abandon()

    # -- the PIN gate -----------------------------------------------------------------------

    def action_staff_exit(self) -> None:
        def done(initials: str | None) -> None:
            if initials:
                self.exit()

        self.push_screen(PinScreen(lambda: self.store.engine, place="kiosk"), done)
