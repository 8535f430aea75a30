"""The staff PIN gate: a modal that answers with the staff member's initials, or None.

The check (scrypt, and the database's record of failed attempts) runs in a thread worker; the
form is disabled and says so while it runs."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text as RichText
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from assistant.channels.tui.messages import PinChecked

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class PinScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    PinScreen { align: center middle; }
    PinScreen > Vertical { width: 50; max-width: 100%; height: auto; border: thick $warning;
                           padding: 1 2; background: $surface; }
    PinScreen Input { margin: 1 0 0 0; }
    PinScreen Input:focus { border: heavy $accent; }
    PinScreen #pin-error { color: $error; text-style: bold; }
    PinScreen Button:focus { border: heavy $accent; text-style: bold underline; }
    """
    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, engine: Engine | Callable[[], Engine],
                 now: Callable[[], dt.datetime] = _utcnow, place: str = "staff") -> None:
        """``engine`` may be a function that gives it: it is called in the worker (the
        kiosk's database may still be loading). ``place`` is where the PIN is typed,
        "staff" or "kiosk": failed tries are counted per place (see staff.login)."""
        super().__init__()
        self.engine = engine
        self.now = now
        self.place = place

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(RichText("Medarbejder-login · Staff login"))
            yield Input(placeholder="Initialer / initials", id="initials", max_length=8)
            yield Input(placeholder="PIN", id="pin", password=True, max_length=12)
            yield Static("", id="pin-error")
            yield Button("OK", id="pin-ok", variant="primary")

    @on(Input.Submitted, "#initials")
    def next_field(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    @on(Button.Pressed, "#pin-ok")
    def submit(self) -> None:
        initials = self.query_one("#initials", Input).value
        pin_input = self.query_one("#pin", Input)
        pin = pin_input.value
        pin_input.value = ""
        self._busy(True)
        self.query_one("#pin-error", Static).update(RichText("Kontrollerer … · Checking …"))
        self._check(initials, pin)

    def _busy(self, busy: bool) -> None:
        for widget in self.query("Input, Button"):
            widget.disabled = busy

    @work(thread=True, exclusive=True, group="pin")
    def _check(self, initials: str, pin: str) -> None:
        from assistant.staff import login

        try:
            engine = self.engine() if callable(self.engine) else self.engine
            result = login(engine, initials, pin, now=self.now, place=self.place)
        except Exception:
            log.exception("the PIN check failed")
            self.post_message(PinChecked(None, failed=True))
            return
        initials_ok = result.staff.initials if result.staff is not None else None
        wait = int(result.wait.total_seconds()) if result.wait else 0
        self.post_message(PinChecked(initials_ok, wait))

    def on_pin_checked(self, message: PinChecked) -> None:
        if message.initials is not None:
            self.dismiss(message.initials)
            return
        self._busy(False)
        if message.failed:
            text = "Kan ikke kontrollere PIN nu · Cannot check the PIN now"
        else:
            text = "Forkerte initialer eller PIN · Wrong initials or PIN"
            if message.wait_seconds:
                text += f" - vent {message.wait_seconds} s · wait"
        self.query_one("#pin-error", Static).update(RichText(text))
        self.query_one("#pin", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
