"""Dialogs of the staff TUI: a confirmation before anything that cannot be undone."""

from __future__ import annotations

from rich.text import Text as RichText
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class Confirm(ModalScreen[bool]):
    """Ask before a destructive action: True when confirmed. Escape and "No" say no; the
    "No" button has the focus, so a stray Enter does nothing destructive."""

    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical { width: 70; max-width: 100%; height: auto; border: thick $error;
                         background: $surface; padding: 1 2; }
    Confirm #confirm-question { text-style: bold; margin-bottom: 1; }
    Confirm Horizontal { height: auto; align-horizontal: right; }
    Confirm Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "no", show=False)]

    def __init__(self, question: str, detail: str, yes: str, no: str) -> None:
        self.question, self.detail, self.yes, self.no = question, detail, yes, no
        super().__init__()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(RichText(self.question), id="confirm-question")
            yield Static(RichText(self.detail), id="confirm-detail")
            with Horizontal():
                yield Button(self.no, id="confirm-no", variant="primary")
                yield Button(self.yes, id="confirm-yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def action_no(self) -> None:
        self.dismiss(False)
