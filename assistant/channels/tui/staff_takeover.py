"""The staff TUI's conversation screen: what a citizen wrote and was told (CPR numbers
removed), updated by itself, and for a web or SMS conversation a box to write in, hand back
to the assistant, or close.

Every line is a ``rich.text.Text``: the citizen's words are never read as markup. Database
work runs in thread workers under the app's lock; results come back as messages.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from rich.text import Text as RichText
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from assistant.i18n import format_clock, language_name, tr
from assistant.staffdesk import Line, NotYours, QueueItem, StaffDesk, is_remote
from assistant.staffwords import kind_name, place_name, request_name, waiting_name
from assistant.text import Text, pick

POLL_SECONDS = 1.0


class StaffHost(Protocol):
    """What the screen needs of the staff app."""

    lang: str
    staff: str | None
    desk: StaffDesk
    db_lock: threading.Lock
    now: Callable[[], dt.datetime]


@dataclass
class TranscriptRead(Message):
    lines: list[Line]
    item: QueueItem | None


@dataclass
class TakeoverDone(Message):
    """A write from the screen finished: ``note`` says what happened (None: nothing to say),
    ``leave`` closes the screen."""

    note: str | None
    leave: bool = False
    error: bool = False


WHO = {"citizen": tr("Citizen"), "assistant": tr("Assistant"), "staff": tr("Staff")}


class TakeoverScreen(Screen[None]):
    DEFAULT_CSS = """
    TakeoverScreen #to-head { text-style: bold; padding: 0 1; background: $boost; }
    TakeoverScreen #to-log { height: 1fr; border: round $primary; padding: 0 1; }
    TakeoverScreen .line-citizen { color: $text; }
    TakeoverScreen .line-assistant { color: $text-muted; }
    TakeoverScreen .line-staff { text-style: bold; color: $accent; }
    TakeoverScreen .line-ended { text-style: bold reverse; }
    TakeoverScreen Horizontal { height: auto; }
    TakeoverScreen #to-text { width: 1fr; }
    """
    BINDINGS = [Binding("escape", "back", show=False)]

    def __init__(self, host: StaffHost, item: QueueItem) -> None:
        self.host = host
        self.item = item
        self.seen = 0
        self._reading = False
        super().__init__()

    def w(self, text: Text) -> str:
        return pick(text, self.host.lang)

    def compose(self) -> ComposeResult:
        yield Static(self._head(), id="to-head")
        yield VerticalScroll(id="to-log")
        chat = self._chat()
        if chat:
            with Horizontal():
                yield Input(placeholder=self.w(tr("Write to the citizen")), id="to-text",
                            max_length=1000)
                yield Button(self.w(tr("Send")), id="to-send", variant="primary")
        elif self.item.kind == "callback":
            yield Static(RichText(self.w(tr(
                "Call the citizen on {phone}, then mark the request done.",
                phone=self.item.phone or "?"))), id="to-note")
        else:
            yield Static(RichText(self.w(tr(
                "The citizen is at {place}. Go to them, then mark the request done.",
                place=place_name(self.item.place)))), id="to-note")
        with Horizontal():
            if chat:
                yield Button(self.w(tr("Hand back to the assistant")), id="to-handback")
            yield Button(self.w(tr("Close the request")), id="to-close", variant="error")
            yield Button(self.w(tr("Back to the queue")), id="to-back")

    def _chat(self) -> bool:
        """A citizen who writes with staff on the web page or by SMS."""
        return self.item.kind == "chat" and is_remote(self.item.place)

    def _head(self) -> RichText:
        item, lang = self.item, self.host.lang
        parts = [pick(kind_name(item.kind), lang), pick(place_name(item.place), lang),
                 pick(language_name(item.lang), lang),
                 pick(tr("waiting {time}", time=waiting_name(item.waiting(self.host.now()))),
                      lang)]
        if item.taken_by:
            parts.append(pick(tr("Taken by {who}", who=item.taken_by), lang))
        return RichText(" · ".join(parts))

    def on_mount(self) -> None:
        self.read()
        self.set_interval(POLL_SECONDS, self.read)
        if self._chat():
            self.query_one("#to-text", Input).focus()

    # -- reading ----------------------------------------------------------------------------

    def read(self) -> None:
        if not self._reading:
            self._reading = True
            self._read(self.seen)

    @work(thread=True, group="takeover-read")
    def _read(self, after: int) -> None:
        try:
            with self.host.db_lock:
                lines = (self.host.desk.transcript(self.item.session_id, after,
                                                   self.host.lang)
                         if self.item.session_id else [])
                if lines and self.host.staff is not None:  # no longer a new message
                    self.host.desk.seen(self.item.id, self.host.staff,
                                        max(line.seq for line in lines))
                item = self.host.desk.get(self.item.id)
        except Exception:  # the database is away a moment: the next round tries again
            lines, item = [], None
        self.post_message(TranscriptRead(lines, item))

    async def on_transcript_read(self, message: TranscriptRead) -> None:
        self._reading = False
        if message.item is not None:
            self.item = message.item
            self.query_one("#to-head", Static).update(self._head())
        fresh = [line for line in message.lines if line.seq > self.seen]
        if not fresh:
            return
        if self.seen and any(line.who == "citizen" for line in fresh):
            self.app.bell()  # the citizen wrote while the screen was open
        self.seen = max(line.seq for line in fresh)
        log = self.query_one("#to-log", VerticalScroll)
        await log.mount_all(Static(self._line(line), classes=f"line-{line.who}")
                            for line in fresh)
        log.call_after_refresh(log.scroll_end, animate=False)  # once the lines are laid out

    def _line(self, line: Line) -> RichText:
        when = format_clock(line.at, self.host.lang)
        if line.who == "ended":
            return RichText(f"{when} " + self.w(tr(
                "The citizen has ended the conversation on the web page and no longer reads "
                "what you write. The request is done.")), style="bold")
        text = RichText(f"{when} {self.w(WHO[line.who])}: ", style="bold")
        text.append(line.text)
        return text

    # -- writing ----------------------------------------------------------------------------

    @on(Input.Submitted, "#to-text")
    @on(Button.Pressed, "#to-send")
    def send(self) -> None:
        box = self.query_one("#to-text", Input)
        text = box.value.strip()
        if not text:
            return
        box.value = ""
        self._write(lambda desk, staff: desk.write(self.item.id, staff, text), None)

    @on(Button.Pressed, "#to-handback")
    def hand_back(self) -> None:
        self._write(lambda desk, staff: desk.hand_back(self.item.id, staff),
                    self.w(tr("Handed back: the assistant answers the citizen again.")),
                    leave=True)

    @on(Button.Pressed, "#to-close")
    def close_request(self) -> None:
        """Asks first, as marking done in the queue does ("No" has the focus): a closed
        request cannot be opened again, and a citizen on the web or by SMS is gone."""
        from assistant.channels.tui.staff_dialogs import Confirm

        item = self.item
        detail = self.w(request_name(item.kind, item.place, item.name, item.lang))
        self.app.push_screen(
            Confirm(self.w(tr("Mark this request done?")), detail,
                    self.w(tr("Yes, mark it done")), self.w(tr("No"))),
            lambda yes: self._write(lambda desk, staff: desk.close(item.id, staff),
                                    self.w(tr("The request is closed.")), leave=True)
            if yes else None)

    @work(thread=True, group="takeover-write")
    def _write(self, job: Callable[[StaffDesk, str], object], note: str | None,
               leave: bool = False) -> None:
        staff = self.host.staff
        if staff is None:
            return
        try:
            with self.host.db_lock:
                job(self.host.desk, staff)
        except NotYours:
            item = self.host.desk.get(self.item.id)
            if item is not None and item.status == "open":
                note = self.w(tr("Take the request first: it is still waiting in the queue."))
            elif item is not None and item.status == "done":
                note = self.w(tr("This request is done: nothing more reaches the citizen."))
            else:
                note = self.w(tr("This request is not yours: another member of staff has it."))
            self.post_message(TakeoverDone(note, error=True))
            return
        self.post_message(TakeoverDone(note, leave))

    def on_takeover_done(self, message: TakeoverDone) -> None:
        if message.note:
            self.app.notify(message.note, severity="error" if message.error else "information")
        if message.leave:
            self.dismiss(None)
        else:
            self.read()

    def action_back(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#to-back")
    def back(self) -> None:
        self.dismiss(None)
