"""The conversation screen shared by the kiosk, its interpreter mode and the staff TUI.

A turn runs in a thread worker (it reads and writes the database), never on Textual's UI
thread; its outputs come back as a :class:`TurnAnswered` message. While a turn runs, the
screen shows that it is busy and the options and command buttons are disabled: a tap belongs
to the question on screen, and the second tap of a double tap must not answer the next
question. What is typed meanwhile is kept, and a line sent with Enter is answered after the
turn, in order.

All text is shown through ``rich.text.Text`` objects, never parsed as markup, so nothing a user
types can style or break the screen. Once a step is done (a booking, a check-in, a callback
request), what identifies the person (name, phone, code) is masked in what stays on screen.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import deque
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text as RichText
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalGroup, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from assistant.channels.tui.messages import (
    ConversationShown,
    FinishRequested,
    KeepGoing,
    StepCompleted,
    TurnAnswered,
)
from assistant.channels.tui.strings import tr, trn
from assistant.commands import FINISH, match_command
from assistant.flow.engine import CONFIRM
from assistant.outputs import Card, Choice, Choices, Confirmation, Done, Output, Say
from assistant.privacy import MAX_LINE_CHARS, redact_cpr
from assistant.text import Text, pick

if TYPE_CHECKING:
    from assistant.conversation import Conversation

log = logging.getLogger(__name__)

SHORT = 30
"""Rows below which the screen is short (80x24): the transcript goes without its frame."""
COMMAND_BUTTONS = ("back", "menu", "language", "staff", "help", "save")
_OPTION_KEY = re.compile(r"\s*\d{1,2}\s*")
_PRIVATE_CHARACTER = re.compile(r"\w")
_LONG_NUMBER = re.compile(r"\d(?:[\s./-]?\d){5,}")
"""Six digits or more, written with or without spaces (a phone number, a CPR number)."""


def command_label(command: str) -> Text:
    """A command button's label. The side-by-side button says what a tap does ("Two
    languages", then "One language"), not "Interpreter": a citizen read that as a way to
    ask for an interpreter."""
    labels = {"back": tr("Back"), "menu": tr("Menu"), "language": tr("Language"),
              "staff": tr("Staff"), "help": tr("Help"), "interpreter": tr("Two languages"),
              "one-language": tr("One language"), "save": tr("Save"), "finish": tr("Finish")}
    return labels[command]


def _width(label: str) -> int:
    """Cells a label's widest line takes, with the button's padding."""
    return max(cell_len(line) for line in label.splitlines()) + 2


def _set_label(button: Button, label: str) -> None:
    """A new label, laid out anew: a Button caches the width of its old label (Textual keeps
    the width per container width), so after a language change "Допомога" would be cut to the
    width "Hjælp" took."""
    if str(button.label) == label:
        return
    button.label = label
    button.clear_cached_dimensions()
    button.refresh(layout=True)


def blot(value: str) -> str:
    """``value`` with every letter and digit hidden; spaces and punctuation keep its shape."""
    return _PRIVATE_CHARACTER.sub("•", value)


def mask(text: str, private: Collection[str]) -> str:
    """``text`` with each of the ``private`` values in it blotted out (longest first). A phone
    number is found however it is written ("+4522334455", "22 33 44 55")."""
    for value in sorted(private, key=len, reverse=True):
        if value.strip():
            text = _pattern(value).sub(lambda found: blot(found[0]), text)
    return text


def _pattern(value: str) -> re.Pattern[str]:
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 6 and re.fullmatch(r"\+?[\d\s.-]+", value.strip()):
        # the national part, with any spacing: a country code may be shown or not
        return re.compile(r"[\s.-]?".join(digits[-8:]))
    return re.compile(re.escape(value))


class Line(Static):
    """A paragraph of the transcript. It keeps its text, so that what identifies a person can
    be masked in it later. What the user typed for a step that collects personal data (a
    name, a phone, a code: ``personal``) is masked whole, an option number excepted; any
    other typed line (a question) stays readable, with the private values and any long run
    of digits (a phone or CPR number written into a question) masked."""

    def __init__(self, parts: Iterable[tuple[str, str]], *, typed: bool = False,
                 personal: bool = True, classes: str = "") -> None:
        self.parts = list(parts)
        self.typed = typed
        self.personal = personal
        super().__init__(self._rich(), classes=classes)

    def _rich(self) -> RichText:
        text = RichText()
        for piece, style in self.parts:
            text.append(piece, style=style or None)
        return text

    def mask(self, private: Collection[str]) -> None:
        if self.typed and self.personal:
            prompt, typed = self.parts[0][0][:2], self.parts[0][0][2:]
            parts = self.parts if _OPTION_KEY.fullmatch(typed) else [(prompt + blot(typed), "")]
        elif self.typed:
            parts = [(_LONG_NUMBER.sub(lambda found: blot(found[0]), mask(piece, private)),
                      style) for piece, style in self.parts]
        else:
            parts = [(mask(piece, private), style) for piece, style in self.parts]
        if parts != self.parts:
            self.parts = parts
            self.update(self._rich())


def large_code(code: str) -> str:
    """A booking code framed and spaced out, three rows high: read from a step away."""
    inner = " " + " ".join(code) + " "
    return f"┏{'━' * cell_len(inner)}┓\n┃{inner}┃\n┗{'━' * cell_len(inner)}┛"


def confirmation_parts(out: Confirmation, lang: str) -> list[tuple[str, str]]:
    """A confirmation card's lines in ``lang``: the heading, the code large, then the time,
    meeting and how, and what to do next."""
    rows = [f"{pick(label, lang)}: {pick(value, lang)}" for label, value in out.rows]
    return [(pick(out.heading, lang) + "\n", "bold"), (pick(tr("Code"), lang) + ":\n", ""),
            (large_code(out.code) + "\n", "bold"), ("\n".join(rows) + "\n", ""),
            ("\n".join(pick(note, lang) for note in out.notes), "bold")]


def units(parts: list[tuple[str, str]]) -> list[tuple[list[tuple[str, str]], bool]]:
    """``parts`` (styled pieces of one message) cut into its lines, each with its styles,
    and whether a blank line came before it. Blank lines are not units: they set paragraphs
    apart."""
    found: list[tuple[list[tuple[str, str]], bool]] = []
    current: list[tuple[str, str]] = []
    blank = False
    for piece, style in parts:
        for n, segment in enumerate(piece.split("\n")):
            if n > 0:  # a line ends here
                if current:
                    found.append((current, blank))
                    current, blank = [], False
                elif found:
                    blank = True
            if segment:
                current.append((segment, style))
    if current:
        found.append((current, blank))
    return found


class CodeLine(Line):
    """A confirmation card: the code is masked in its spaced-out form too."""

    def mask(self, private: Collection[str]) -> None:
        super().mask({*private, *(" ".join(value) for value in private)})


class PressButton(Button):
    """A button that Space presses as well as Enter (Textual's Button takes Enter only)."""

    BINDINGS = [Binding("space", "press", "Press button", show=False)]


class _TellsScreen(VerticalScroll):
    """A scrolling area that tells the conversation screen (its ``HINT`` method) to say anew
    what is out of sight whenever its size, its content or its scroll changes."""

    HINT = ""

    def on_resize(self) -> None:
        self.call_after_refresh(self._tell)

    def watch_virtual_size(self) -> None:
        self.call_after_refresh(self._tell)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._tell()

    def _tell(self) -> None:
        if self.is_attached and isinstance(self.screen, ConversationScreen):
            getattr(self.screen, self.HINT)()


class OptionsArea(_TellsScreen):
    """The options' scrolling area: a change of its size, its content or its scroll tells the
    screen to say anew whether options are below the fold. With the focus on an option, Down
    and Up move to the next and previous one (scrolled into view), PageDown and PageUp
    scroll the options."""

    BINDINGS = [Binding("down", "app.focus_next", "Next", show=False),
                Binding("up", "app.focus_previous", "Previous", show=False),
                Binding("pagedown", "page_down", "Page down", show=False),
                Binding("pageup", "page_up", "Page up", show=False)]

    HINT = "hint_more_options"

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)


class Transcript(_TellsScreen):
    """The conversation's scrolling area: a change of its size, its content or its scroll
    tells the screen to say anew whether more of it is below (or above) what is seen."""

    HINT = "hint_more_text"


class ConversationScreen(Screen[None]):
    BINDINGS = [
        Binding("pagedown", "scroll_transcript('page_down')", "Page down", show=False),
        Binding("down", "more_options", "More options", show=False),
        Binding("up", "fewer_options", "Options above", show=False),
        Binding("pageup", "scroll_transcript('page_up')", "Page up", show=False),
        Binding("ctrl+end", "scroll_transcript('end')", "End", show=False),
        Binding("ctrl+home", "scroll_transcript('home')", "Start", show=False),
    ]
    """The transcript scrolls by keys while the focus stays in the input (where it is
    nearly always): the question after a long answer may be below the fold."""

    def __init__(self, convo: Conversation, opening: list[Output],
                 bilingual: bool = False) -> None:
        super().__init__()
        self.convo = convo
        self.opening = opening
        self.bilingual = bilingual
        self.turn_lock = threading.Lock()
        """Held while a thread uses ``convo`` (a turn; the abandon at a wipe)."""
        self.staff_awaited = False
        """The citizen waits for a member of staff who has not taken the request yet (as of
        the last turn, or the kiosk's last look at the queue): no idle wipe meanwhile."""
        self.busy = False
        self.waiting: deque[tuple[str, str | None]] = deque()
        """Lines sent while a turn ran (with their echo, see send), answered after it in
        order."""
        self.private: set[str] = set()
        """What completed steps showed of the person, masked once the user goes on."""
        self._turn_start: Widget | None = None
        self._read_from: float | None = None
        """Where the transcript was scrolled to show the last turn (the top of the answer);
        scrolled further down, "more above" is shown. None while a turn runs."""
        self._more_below = False
        self._more_said = ""

    def compose(self) -> ComposeResult:
        yield Transcript(id="transcript")
        yield Static(id="more-text")
        yield OptionsArea(id="choices")
        yield Static(id="more-options")
        # Not all selected when it gets the focus back: the next key would replace what
        # was typed before it (ahead of the screen, or as the idle warning closed).
        # longer than is read (a paste): the conversation says it read only the first part
        yield Input(id="entry", max_length=MAX_LINE_CHARS, select_on_focus=False)
        # The countdown after a completed step comes right after the text box, where the
        # focus nearly always is: the first Tab reaches "I'm not done" (a tester never got
        # to it through the command bar and the transcript).
        with Horizontal(id="done-bar"):
            yield Static(id="done-text")
            yield PressButton("", id="not-done", variant="primary")
            yield PressButton("", id="done-finish", variant="primary")
        with Horizontal(id="commands"):
            for command in COMMAND_BUTTONS:
                yield Button("", id=f"cmd-{command}")
            yield Button("", id="interpreter")
            yield Button("", id="finish", variant="primary")

    async def on_mount(self) -> None:
        self.query_one("#done-bar").display = False
        self.query_one("#done-finish").display = False
        self.query_one("#more-options").display = False
        self.query_one("#more-text").display = False
        self.set_class(self.size.height < SHORT, "-short")
        await self.show(self.opening)
        self.post_message(ConversationShown(self))

    def type_ahead(self, typed: str) -> None:
        """What was typed before this screen took input (``typed``, lines ended by Enter):
        each whole line is sent, in order, and the rest waits in the text box."""
        *lines, rest = typed.split("\n")
        for line in lines:
            if line.strip():
                self.typed(line)
        self.query_one("#entry", Input).insert_text_at_cursor(rest)

    def langs(self) -> list[str]:
        """The languages shown: the user's, and Danish beside it in the two-language view."""
        return self._langs()

    def _langs(self) -> list[str]:
        lang = self.convo.lang
        return [lang, "da"] if self.bilingual and lang != "da" else [lang]

    def _label(self, text: Text, sep: str = " / ") -> str:
        return sep.join(pick(text, lang) for lang in self._langs())

    def _block(self, parts: Callable[[str], list[tuple[str, str]]], classes: str,
               line: type[Line] = Line) -> Widget:
        """One message in the user's language, or side by side with Danish. Side by side,
        each paragraph and each list line (a summary's field, a card's line, a bullet) is a
        row of its own, beside the same unit in Danish and as tall as the taller of the two:
        a Ukrainian line wraps more than its Danish twin, and whole columns drifted apart
        until each row paired two different facts. When the two languages do not have as
        many units, the message is shown as two whole columns."""
        langs = self._langs()
        if len(langs) == 1:
            return line(parts(langs[0]), classes=classes)
        sides = [units(parts(lang)) for lang in langs]
        if len(sides[0]) > 1 and all(len(side) == len(sides[0]) for side in sides):
            inner = " ".join(name for name in classes.split() if name not in ("say", "card"))
            rows = []
            for row in zip(*sides, strict=True):
                gap = " -gap" if any(before for _, before in row) else ""
                rows.append(Horizontal(*(line(unit, classes=f"{inner} unit -side-{n}")
                                         for n, (unit, _) in enumerate(row)),
                                       classes=f"pair{gap}"))
            return VerticalGroup(*rows, classes=f"{classes} rows")
        return Horizontal(*(line(parts(lang), classes=f"{classes} -side-{n}")
                            for n, lang in enumerate(langs)), classes="pair")

    def _source(self, card: Card, lang: str) -> list[tuple[str, str]]:
        """The card's source line, set apart below it: a blank line, then in italics, dimmed
        but for the high-contrast theme (where dim text would lose its contrast). It says
        what it is in words ("Kilde: ..."), so it is not told apart by its look alone."""
        line = pick(card.source, lang) if card.source else ""
        if not line:
            return []
        return [("\n\n" + line, "italic" if self.app.has_class("high-contrast")
                 else "dim italic")]

    def _shown(self, outputs: list[Output]) -> list[Output]:
        """What of ``outputs`` is shown. Side by side, the Danish column already is the
        Danish copy for staff (a booking's, under "For staff (in Danish):"): that copy and
        the notice heading it are left out rather than shown in both columns."""
        if len(self._langs()) < 2:
            return outputs
        kept: list[Output] = []
        for out in outputs:
            if type(out) is Say and out.lang == "da":
                if kept and type(kept[-1]) is Say and kept[-1].tone == "notice":
                    kept.pop()
                continue
            kept.append(out)
        return kept

    # -- showing outputs ---------------------------------------------------------------------

    async def show(self, outputs: list[Output]) -> None:
        transcript = self.query_one("#transcript", VerticalScroll)
        choices = self.query_one("#choices", VerticalScroll)
        earlier = list(transcript.query(Line))
        await choices.remove_children()
        blocks: list[Widget] = []
        buttons: list[Button] = []
        completed: list[Done] = []
        answer: Widget | None = None  # a knowledge entry: read from its top
        question: Widget | None = None  # what the user is asked now: kept in view
        asked: Widget | None = None  # the question's last paragraph (a summary, a note)
        prompt: Widget | None = None  # the question's own words ("Is this right?")
        confirming = False  # a summary to confirm: it is kept in view, not the reply's top
        card: Widget | None = None  # a confirmation: side by side, shown from its top
        for out in self._shown(outputs):
            if isinstance(out, Confirmation):
                blocks.append(self._block(lambda lang, out=out: confirmation_parts(out, lang),
                                          "card confirmation", CodeLine))
                card = card or blocks[-1]
            elif isinstance(out, Say):
                prefix = "⚠ " if out.tone == "error" else ""
                blocks.append(self._block(
                    lambda lang, out=out, prefix=prefix: [(prefix + pick(out.text, lang), "")],
                    f"say {out.tone}"))
                if out.tone == "prompt":
                    question = asked = prompt = blocks[-1]
                elif question is not None and asked is not None:
                    asked = blocks[-1]  # what the question goes on with: the summary
            elif isinstance(out, Card):
                blocks.append(self._block(
                    lambda lang, out=out: [(pick(out.title, lang) + "\n", "bold"),
                                           (pick(out.body, lang), ""),
                                           *self._source(out, lang)], "card"))
                answer = answer or blocks[-1]
            elif isinstance(out, Choices) and [c.value for c in out.options] == ["menu"]:
                continue  # after a finished guide: the command bar's Menu button is that
                # option, and a second one would push the confirmation off a small screen
            elif isinstance(out, Choices) and self.bilingual:
                # Side by side in the transcript, and a key per option: labels in two
                # languages would leave the conversation no room on a small screen.
                # One row per option, so that option N faces option N however either wraps.
                blocks.append(VerticalGroup(*(self._block(
                    lambda lang, c=c: [(f"{c.key}. {pick(c.label, lang)}", "")], "option")
                    for c in out.options), classes="options"))
                question = asked = blocks[-1]
                buttons.extend(Button(choice.key, id=f"choice-{choice.key}", classes="key")
                               for choice in out.options)
            elif isinstance(out, Choices) and out.multi:
                # Toggles, answered together with Done: a tap chooses, it does not send.
                buttons.extend(self._toggle(choice) for choice in out.options)
                buttons.append(Button(self._label(tr("Done: send my choices")),
                                      id="choices-done", classes="choice done"))
            elif isinstance(out, Choices):
                buttons.extend(self._option(choice) for choice in out.options)
            elif isinstance(out, Done):
                completed.append(out)
            if isinstance(out, Choices) and any(c.value == CONFIRM for c in out.options):
                confirming = True
            if not isinstance(out, Say | Choices):
                asked = None if question is None else asked
        await transcript.mount_all(blocks)
        choices.set_class(self.bilingual, "-keys")
        await choices.mount_all(buttons)
        self._relabel()
        if completed:
            for done in completed:
                self.private.update(done.private)
            for line in earlier:  # the summary, the name and phone typed on the way
                line.mask(self.private)
            self.post_message(StepCompleted())
        first = self._turn_start or (blocks[0] if blocks else None)
        if card is not None and len(self._langs()) > 1:
            first = card  # two columns at 80x24: the card fills the screen, the "> 1" not
        # the answer to what the user typed or tapped; the opening's welcome is not one:
        # the menu under it is what the citizen came for
        reply = blocks[0] if blocks and self._turn_start is not None else None
        self._turn_start = None
        if first is not None and confirming and prompt is not None:
            # "Is this right?" and the summary under it: after a "Change: ...", the guide's
            # answers and entries come again first, tens of lines, and the summary to confirm
            # was out of sight below them (and its options). It is shown from the question,
            # what came before it above ("more above").
            self.call_after_refresh(self._scroll_into_view, first, prompt, blocks[-1], asked,
                                    None, read_from=blocks[0])
        elif first is not None:
            self.call_after_refresh(self._scroll_into_view, first,
                                    None if answer else question, blocks[-1] if blocks else None,
                                    asked, reply)
        else:
            self._read_from = self.query_one("#transcript", VerticalScroll).scroll_y
        self.call_after_refresh(self.hint_more_options)
        self.query_one("#entry", Input).focus()

    def _scroll_into_view(self, start: Widget, question: Widget | None, last: Widget | None,
                          asked: Widget | None = None, reply: Widget | None = None,
                          tries: int = 10, read_from: Widget | None = None) -> None:
        """Once laid out, show the turn from its ``start``: a long answer is read from its
        top, not its end. Only when a turn that asks something does not fit is it shown from
        further down, so that the ``question`` is in view down to what it goes on with
        (``asked``: the booking summary after "Is everything right?"), but never from below
        the first line of the ``reply`` (the turn's first paragraph after what the user
        typed) nor of the question. A reply that does not fit together with the question
        after it is read from its top: side by side at 80x24, "I do not know the answer to
        that" went above the top of the screen to keep the menu after it in view, and the
        kiosk seemed not to answer. What follows is then below the fold (PageDown; side by
        side the option keys stay under the transcript). Without a ``reply`` (a summary to
        confirm) the question is kept in view however long the turn is; what of the turn is
        above it from ``read_from`` (the turn's first paragraph) on is "more above".

        The transcript may not have been laid out anew yet (the new blocks have no place, or
        the scrollable height is still the one from before the answer, and a scroll would be
        cut short at the old end): then it is tried again after the next refresh."""
        transcript = self.query_one("#transcript", VerticalScroll)
        # the rows the transcript has without the line under it that says more is below;
        # when more is below where the turn is shown from, that line takes one of them
        seen = transcript.scrollable_content_region.height \
            + self.query_one("#more-text").region.height
        top = self._top(start, question, asked, reply, seen)
        if self._content_end() > top + seen:
            top = self._top(start, question, asked, reply, seen - 1)
        laid_out = last is None or (
            last.is_attached and last.virtual_region.height > 0
            and transcript.virtual_size.height >= last.virtual_region.bottom)
        if not laid_out and tries > 0:
            self.call_after_refresh(self._scroll_into_view, start, question, last, asked,
                                    reply, tries - 1, read_from)
            return
        transcript.scroll_to(y=top, animate=False)
        read = min(top, read_from.virtual_region.y) if read_from is not None else top
        self._read_from = min(read, transcript.max_scroll_y)
        self.hint_more_text()

    @staticmethod
    def _top(start: Widget, question: Widget | None, asked: Widget | None,
             reply: Widget | None, seen: int) -> int:
        """Where to show a turn from with ``seen`` rows (see _scroll_into_view)."""
        top = start.virtual_region.y
        if question is not None:
            end = (asked or question).virtual_region.bottom
            top = max(top, min(end - seen, question.virtual_region.y,
                               (reply or question).virtual_region.y))
        return top

    def _content_end(self) -> int:
        """The transcript's last row of text (not the blank row of its last margin)."""
        transcript = self.query_one("#transcript", VerticalScroll)
        return max((child.virtual_region.bottom for child in transcript.children
                    if child.display), default=0)

    def _option(self, choice: Choice) -> Button:
        return Button(RichText(f"{choice.key}. {pick(choice.label, self.convo.lang)}"),
                      id=f"choice-{choice.key}", classes="choice")

    def _toggle(self, choice: Choice) -> Button:
        button = Button(self._toggle_label(choice, False), id=f"choice-{choice.key}",
                        classes="choice toggle")
        button.choice = choice  # type: ignore[attr-defined]
        return button

    def _toggle_label(self, choice: Choice, on: bool) -> RichText:
        """A toggle says whether it is chosen by a mark, not by colour alone."""
        return RichText(f"{'☑' if on else '☐'} {choice.key}. "
                        f"{pick(choice.label, self.convo.lang)}")

    def _flip(self, button: Button) -> None:
        on = not button.has_class("-on")
        button.set_class(on, "-on")
        button.label = self._toggle_label(button.choice, on)  # type: ignore[attr-defined]

    def _send_toggles(self) -> None:
        chosen = [button.id.removeprefix("choice-") for button in
                  self.query("#choices .toggle.-on").results(Button) if button.id]
        self.send(", ".join(chosen) if chosen else "")

    def on_resize(self) -> None:
        self.set_class(self.size.height < SHORT, "-short")
        self._relabel()
        self._place_countdown()
        self.call_after_refresh(self.hint_more_options)

    def hint_more_options(self) -> None:
        """Under the options, when some are below the fold of their scrolling area (80x24
        in Ukrainian: 7 to 9), a line says so and which; a tap on it scrolls to them."""
        choices = self.query_one("#choices", VerticalScroll)
        hint = self.query_one("#more-options", Static)
        bottom = choices.scroll_y + choices.scrollable_content_region.height
        hidden = [button for button in choices.query(Button)  # the label cut, not its edge
                  if button.virtual_region.bottom - 1 > bottom]
        hint.display = bool(hidden) and choices.max_scroll_y > 0
        if hint.display:
            keys = [(b.id or "").removeprefix("choice-") for b in hidden
                    if (b.id or "").removeprefix("choice-").isdigit()]
            if len(keys) > 1 and int(keys[-1]) - int(keys[0]) == len(keys) - 1:
                keys = [f"{keys[0]}–{keys[-1]}"]
            which = ": " + ", ".join(keys) if keys else ""
            more = self._label(tr("More options below"))
            hint.update(RichText("▼ " + more + which + " ▼"))

    def hint_more_text(self) -> None:
        """Under the transcript, while some of it is below what is seen (a long answer read
        from its top, the booking summary's options side by side at 80x24), a line says so:
        "▼ More below – scroll down"; scrolled down from the top of the answer, it also says
        "▲ More above". Said in words and arrows, not by colour; gone at the bottom.
        Whether more is below is judged on the transcript's rows without this line, so that
        the line comes and goes once, not with the row it takes."""
        transcript = self.query_one("#transcript", VerticalScroll)
        hint = self.query_one("#more-text", Static)
        # judged on the rows the transcript has without this line: the row it takes is not
        # a reason for it (it would stay for the one row it hides itself)
        seen = transcript.scroll_y + transcript.scrollable_content_region.height \
            + hint.region.height
        below = self._content_end() > seen
        # "more above" only on a line that is there anyway: a line of its own would take the
        # transcript's last row at its end (without saying so) or move what is seen
        above = below and self._read_from is not None and transcript.scroll_y > self._read_from
        self._more_below = below
        # changed only when it changes: each update lays the screen out again (and a layout
        # while a tap lands can lose the tap)
        if hint.display != (above or below):
            hint.display = above or below
        said = self._more_text(above, below) if hint.display else ""
        if hint.display and said != self._more_said:
            hint.update(RichText(said))
        self._more_said = said

    def _more_text(self, above: bool, below: bool) -> str:
        """The line that says what is out of sight, in as many words as fit on one row:
        "– scroll down" is left out when the line is too long with it (both arrows in two
        languages at 80 columns cut it mid-word), and Danish last; never cut."""
        width = self.size.width
        tries = [(self._label, tr("More below – scroll down")), (self._label, tr("More below")),
                 (lambda text: pick(text, self.convo.lang), tr("More below"))]
        said = ""
        for label, more in tries:
            parts = []
            if above:
                parts.append("▲ " + label(tr("More above")))
            if below:
                parts.append("▼ " + label(more))
            said = "   ".join(parts)
            if cell_len(said) <= width:
                break
        return said

    def on_click(self, event: events.Click) -> None:
        if event.widget is not None and event.widget.id == "more-options":
            self.query_one("#choices", VerticalScroll).scroll_end(animate=False)
        elif event.widget is not None and event.widget.id == "more-text":
            transcript = self.query_one("#transcript", VerticalScroll)
            if self._more_below:
                transcript.scroll_page_down(animate=False)
            else:
                transcript.scroll_to(y=self._read_from or 0, animate=False)

    def _relabel(self) -> None:
        """Commands in the user's language, and also in Danish in interpreter mode (one line
        each). When both do not fit with a cell between the buttons, the buttons close up
        (``-tight``: 80 columns in Ukrainian and Danish); only when even that does not fit
        are they in the user's language alone."""
        buttons = {f"cmd-{command}": command for command in COMMAND_BUTTONS}
        buttons.update({"interpreter": "one-language" if self.bilingual else "interpreter",
                        "finish": "finish"})
        labels = {bid: self._label(command_label(command), "\n")
                  for bid, command in buttons.items()}
        widths = [_width(label) for label in labels.values()]
        tight = sum(widths) + len(widths) - 1 > self.size.width  # a cell between two
        if tight and sum(widths) > self.size.width:
            tight = False
            labels = {bid: pick(command_label(command), self.convo.lang)
                      for bid, command in buttons.items()}
        self.query_one("#commands").set_class(tight, "-tight")
        labels["not-done"] = self._label(tr("I'm not done"), "\n")
        labels["done-finish"] = self._label(command_label("finish"), "\n")
        for bid, label in labels.items():
            _set_label(self.query_one(f"#{bid}", Button), label)

    def show_countdown(self, seconds: int | None) -> None:
        """The countdown to the wipe after a completed step (None hides it). Nothing on a
        screen that is being taken down (a wipe or the app's end while the clock ticks)."""
        if not self.is_attached or not self.query("#done-text"):
            return
        bar = self.query_one("#done-bar")
        bar.display = seconds is not None
        if seconds is not None:
            text = trn("Done. To protect your data, the screen is cleared in {n} second.",
                       "Done. To protect your data, the screen is cleared in {n} seconds.",
                       seconds)
            self.query_one("#done-text", Static).update(RichText(self._label(text, "\n")))
        self._place_countdown()

    def _place_countdown(self) -> None:
        """Two languages on a short screen (80x24): the countdown, in both, takes the command
        bar's place, with its own Finish button, so that the confirmation card above it is
        seen whole (the command bar and the countdown together cut "How", "Language" and the
        notes off it)."""
        counting = bool(self.query_one("#done-bar").display)
        compact = counting and len(self._langs()) > 1 and self.size.height < SHORT
        self.set_class(compact, "-compact-countdown")
        self.query_one("#commands").display = not compact
        self.query_one("#done-finish").display = compact

    def _options_below(self) -> bool:
        return bool(self.query_one("#more-options").display)

    def action_more_options(self) -> None:
        """Down in the text box: the options below the fold ("▼ more options below: 7–9 ▼")
        come into view (a tester could reach them only by typing their number)."""
        if self._options_below():
            self.query_one("#choices", VerticalScroll).scroll_page_down(animate=False)

    def action_fewer_options(self) -> None:
        self.query_one("#choices", VerticalScroll).scroll_page_up(animate=False)

    def action_scroll_transcript(self, where: str) -> None:
        transcript = self.query_one("#transcript", VerticalScroll)
        if where == "page_down" and transcript.max_scroll_y - transcript.scroll_y <= 2 \
                and self._options_below():
            # the transcript is read to its end (but for the blank rows under its last
            # paragraph): the options
            self.action_more_options()
        elif where == "page_down":
            transcript.scroll_page_down(animate=False)
        elif where == "page_up":
            transcript.scroll_page_up(animate=False)
        elif where == "end":
            transcript.scroll_end(animate=False)
        else:
            transcript.scroll_home(animate=False)

    # -- turns -------------------------------------------------------------------------------

    def typed(self, text: str) -> None:
        """A line the user typed. The Finish button's word alone ("afslut", "завершити",
        "finish") does what the button does: the screen is wiped at once, the line with it."""
        if match_command(text) == FINISH:
            self.post_message(FinishRequested())
        else:
            self.send(text)

    def send(self, text: str, echo: str | None = None) -> None:
        """Answer ``text`` now, or after the turn that is running. The transcript shows
        ``echo`` for it (a command button's label in the user's language: "> Назад", not
        the command word "back" it sends), or else ``text``."""
        if self.busy:
            self.waiting.append((text, echo))
            return
        personal = echo is None
        if echo is None:
            # an option's number, typed or tapped, is shown with what it chose ("> 2.
            # Voksenlærling": the list goes when the answer comes, and "> 2" under "Choose one
            # of these:" said nothing), and stays when the rest is masked; a CPR number
            # typed is not shown back: the next person at the kiosk would read it
            chosen = self._option_label(text)
            personal = chosen is None
            echo = chosen or redact_cpr(text, self.convo.lang)
        self._start_turn(lambda convo: convo.handle(text), echo=echo, personal=personal)

    def _option_label(self, text: str) -> str | None:
        """The label of the option shown under the number ``text`` ("2" -> "2. Voksenlærling"),
        if it is one."""
        key = text.strip()
        if not key.isdigit() or len(key) > 3:
            return None
        for button in self.query(f"#choices #choice-{key}").results(Button):
            return str(button.label)
        return None

    def _start_turn(self, job: Callable[[Conversation], list[Output]],
                    echo: str | None = None, personal: bool = True) -> None:
        self.post_message(KeepGoing())  # a new input: the user is not done
        self.show_countdown(None)
        if self.private:
            for line in self.query_one("#transcript").query(Line):
                line.mask(self.private)
        transcript = self.query_one("#transcript", VerticalScroll)
        if echo is not None:
            self._turn_start = Line([("> " + echo, "")], typed=True,
                                    personal=personal and self.convo.asks_personal_data,
                                    classes="say user")
            transcript.mount(self._turn_start)
        transcript.mount(Line([(self._label(tr("One moment…")), "")], classes="busy-note"))
        self._read_from = None
        transcript.scroll_end(animate=False)
        self._set_busy(True)
        self._run_turn(job)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.set_class(busy, "-busy")
        for button in self.query("#choices Button, #commands Button").results(Button):
            if button.id != "finish":  # Finish always works: it wipes at once
                button.disabled = busy
        if busy:
            self.query_one("#entry", Input).focus()  # what is typed meanwhile is kept
        else:
            for note in self.query(".busy-note"):
                note.remove()

    @work(thread=True, group="turn")
    def _run_turn(self, job: Callable[[Conversation], list[Output]]) -> None:
        outputs: list[Output] | None
        try:
            with self.turn_lock:
                waited = self.convo.waits_for_staff()
                outputs = job(self.convo)
                # the wait holds from the turn that asked for a member of staff until the
                # citizen uses the kiosk again (gone on to a booking, say): then the idle
                # wipe is as usual, whatever the request's state
                self.staff_awaited = self.convo.waits_for_staff() and not waited
        except Exception:
            # The conversation answers its own errors; this is the store failing under it
            # (database down). The kiosk stays up and says so; the turn was not saved.
            log.exception("a kiosk turn failed")
            outputs = None
        self.post_message(TurnAnswered(outputs))

    async def on_turn_answered(self, message: TurnAnswered) -> None:
        outputs = message.outputs
        if outputs is None:
            outputs = [Say(tr("Sorry, something went wrong. Please try again, or write "
                              "\"staff\"."), "error")]
        self._set_busy(False)
        await self.show(outputs)
        if self.waiting:
            self.send(*self.waiting.popleft())

    @on(Input.Submitted, "#entry")
    def submitted(self, event: Input.Submitted) -> None:
        text = event.value
        event.input.value = ""
        if text.strip():
            self.typed(text)

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id or ""
        if bid in ("finish", "done-finish"):
            self.post_message(FinishRequested())
        elif bid == "not-done":
            self.post_message(KeepGoing())
            self.show_countdown(None)
            self.query_one("#entry", Input).focus()
        elif self.busy:
            return
        elif event.button.has_class("toggle"):
            self._flip(event.button)
        elif bid == "choices-done":
            self._send_toggles()
        elif bid.startswith("choice-"):
            self.send(bid.removeprefix("choice-"))
        elif bid.startswith("cmd-"):
            command = bid.removeprefix("cmd-")
            self.send(command, echo=pick(command_label(command), self.convo.lang))
        elif bid == "interpreter":
            self.bilingual = not self.bilingual
            self._start_turn(lambda convo: convo.prompt())
