"""The staff PIN gate: a modal that answers with the staff member's initials, or None."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text as RichText
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class PinScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    PinScreen { align: center middle; }
    PinScreen > Vertical { width: 50; height: auto; border: thick $warning; padding: 1 2;
                           background: $surface; }
    PinScreen Input { margin: 1 0 0 0; }
    PinScreen #pin-error { color: $error; text-style: bold; }
    """
    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, engine: Engine, now: Callable[[], dt.datetime] = _utcnow) -> None:
        super().__init__()
        self.engine = engine
        self.now = now

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
        from assistant.staff import login

        initials = self.query_one("#initials", Input).value
        pin_input = self.query_one("#pin", Input)
        result = login(self.engine, initials, pin_input.value, now=self.now)
        pin_input.value = ""
        if result.staff is not None:
            self.dismiss(result.staff.initials)
            return
        message = "Forkert PIN · Wrong PIN"
        if result.wait:
            message += f" - vent {int(result.wait.total_seconds())} s · wait"
        self.query_one("#pin-error", Static).update(RichText(message))

    def action_cancel(self) -> None:
        self.dismiss(None)
