"""The staff TUI: PIN login, the queue of staff requests (it updates by itself), bookings by
name, phone, code and day, knowledge search with review badges, entries needing review, flow
statistics, closing a day, the audit log, interpreter mode.

Everything is in words in the staff member's language (da, en or uk; their first language,
or ``staff --lang``), never stored codes. Every cell and line is a ``rich.text.Text``:
citizens' words (names, notes) are never read as markup. Database work (and the search) runs
in thread workers, one at a time, and their results are applied on the UI thread; the
tables are read afresh after every write, and the queue every second.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text as RichText
from sqlmodel import Session as DB
from sqlmodel import select
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from assistant.channels.tui.conversation_view import ConversationScreen
from assistant.channels.tui.messages import (
    ConversationOpened,
    FinishRequested,
    SearchAnswered,
    StaffDataLoaded,
)
from assistant.channels.tui.pin import PinScreen
from assistant.channels.tui.staff_dialogs import Confirm
from assistant.channels.tui.staff_takeover import TakeoverScreen
from assistant.channels.tui.styles import CSS as KIOSK_CSS
from assistant.conversation import Content, Conversation
from assistant.i18n import TZ, format_clock, format_day, language_name, local, tr, trn
from assistant.knowledge.base import KnowledgeBase
from assistant.knowledge.search import SearchResult
from assistant.reports import (
    close_day,
    find_bookings,
    flow_statistics,
    needs_review,
    parse_day,
)
from assistant.staff import audit
from assistant.staffdesk import QueueItem, StaffDesk, is_remote
from assistant.staffwords import (
    audit_action_name,
    audit_detail,
    channel_words,
    flow_name,
    kind_name,
    kind_short,
    language_short,
    languages_name,
    meeting_words,
    place_name,
    place_short,
    request_name,
    status_name,
    step_name,
    topic_name,
    waiting_name,
    waiting_short,
    yes_no,
)
from assistant.store.models import AuditEntry, Staff, utcnow
from assistant.store.sessions import SessionStore
from assistant.text import LANGS, Text, pick

T = RichText
Row = tuple[Any, ...]
POLL_SECONDS = 1.0
"""How often the queue is read: a new request shows within two seconds."""

COLUMNS: dict[str, tuple[Text, ...]] = {
    "queue": (tr("New"), tr("Status"), tr("Waiting"), tr("What"), tr("Where"),
              tr("Language"), tr("About"), tr("Name"), tr("Phone")),
    "today": (tr("Day"), tr("Time"), tr("Code"), tr("Name"), tr("Phone"), tr("Meeting"),
              tr("How"), tr("Language"), tr("Staff"), tr("Interpreter"), tr("Checked in")),
    "stats": (tr("Guide"), tr("Started"), tr("Completed"), tr("Left at")),
    "audit": (tr("Time"), tr("Staff"), tr("Action"), tr("Details")),
}
NOTE_SHOWN = 60
"""How much of a request's note (the citizen's own words) the queue's topic column shows."""
QUEUE_COMPACT_HEADERS: tuple[Text, ...] = (
    tr("New"), tr("Status"), tr("Waiting"), tr("What"), tr("Where"), tr("Lang."), tr("About"),
    tr("Name"), tr("Phone"))
"""The queue's column headers when its full words do not fit (80 columns): short ones."""
QUEUE_SHRINK = (6, 7, 4, 3, 1, 2)
"""The queue's columns shrunk first, long values cut with "…", when the table is too wide:
About, Name, Where, What, Status, Waiting. New, Language and Phone (a number cut is no
number) keep their width."""
QUEUE_MIN_FULL = {6: 15, 7: 10}
"""How narrow the columns may get before the queue changes to its short words."""
QUEUE_MIN_COMPACT = {6: 8, 7: 6, 4: 6, 3: 6, 1: 6, 2: 5}
SCROLLBAR = 2
"""Room kept for the queue's scroll bar, shown once the requests fill its height."""


def fit_widths(naturals: list[int], mins: dict[int, int], room: int) -> tuple[list[int], bool]:
    """Column widths whose sum fits ``room``: the ``naturals``, those in QUEUE_SHRINK's order
    narrowed down to their minimum (never below ``naturals``); and whether they fit."""
    widths = list(naturals)
    over = sum(widths) - room
    for i in QUEUE_SHRINK:
        if over <= 0:
            break
        cut = min(over, max(widths[i] - mins.get(i, widths[i]), 0))
        widths[i] -= cut
        over -= cut
    return widths, over <= 0


def cut(text: RichText, width: int) -> RichText:
    """``text`` at most ``width`` cells wide, ending in "…" when it was longer."""
    if text.cell_len <= width:
        return text
    shorter = text.copy()
    shorter.truncate(max(width - 1, 0))
    shorter.rstrip()
    shorter.append("…")
    return shorter


class QueueTable(DataTable):  # type: ignore[type-arg]
    """The staff queue: Enter on the highlighted row takes its request, as "Take" does. A
    mouse click only highlights a row: DataTable's own "select" (its Enter) is also sent by a
    click on the row already highlighted, so the queue takes a request on its own key, never
    on that."""

    BINDINGS = [Binding("enter", "take", "Take", show=False)]

    class TakeAsked(Message):
        """Enter was pressed on the queue's highlighted row."""

    def action_take(self) -> None:
        if self.row_count:
            self.post_message(self.TakeAsked())


@dataclass
class QueueRead(Message):
    items: list[QueueItem]


@dataclass
class StaffKnown(Message):
    """Who logged in: their initials and the language their screens use."""

    initials: str
    lang: str


class StaffApp(App[None]):
    CSS = KIOSK_CSS + """
    TabbedContent { height: 1fr; }
    #kb-results { height: 1fr; }
    .badge { text-style: bold reverse; }
    #close-row Input, #booking-row Input { width: 1fr; }
    #close-result { text-style: bold; padding: 1 0; }
    #queue-note { padding: 0 1; }
    #queue-note.new { background: $warning; color: $text; text-style: bold; }
    .buttons { height: auto; }
    """
    TITLE = "Jobcenter"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [("escape", "leave_conversation", "Back")]

    def __init__(self, content: Content, store: SessionStore,
                 now: Callable[[], dt.datetime] = utcnow, lang: str | None = None,
                 poll_seconds: float = POLL_SECONDS) -> None:
        self.content = content
        self.store = store
        self.now = now
        self.fixed_lang = lang if lang in LANGS else None
        self.lang = self.fixed_lang or "da"
        """The staff screens' language: ``lang``, or the first language of whoever logs in."""
        self.poll_seconds = poll_seconds
        self.staff: str | None = None
        self._site: tuple[str | None, int | None] | None = None
        """The logged-in member of staff's initials and site (see site_id)."""
        self.desk = StaffDesk(content, store, now=now)
        self.db_lock = threading.Lock()
        """One database job at a time, so the tables read after a write show it."""
        self.known: set[int] | None = None
        """The queue's requests seen so far (None: not read yet)."""
        self.fresh: set[int] = set()
        """Requests that came while the screen was open, not yet taken: marked as new."""
        self.unread: set[int] = set()
        """This member of staff's conversations the citizen wrote in since they looked."""
        self.queue_items: list[QueueItem] = []
        self._reading_queue = False
        self._queue_shown: tuple[list[tuple[QueueItem, bool, str]], int] | None = None
        self.booking_filter: tuple[dt.date | None, str, str | None] = (None, "", None)
        """The booking search (day, words, a problem with the day), read on the UI thread."""
        super().__init__()

    def w(self, text: Text) -> str:
        """``text`` in the staff member's language."""
        return pick(text, self.lang)

    def action_leave_conversation(self) -> None:
        if isinstance(self.screen, ConversationScreen):
            self.pop_screen()

    def compose(self) -> ComposeResult:
        w = self.w
        with TabbedContent(id="tabs"):
            with TabPane(w(tr("Queue")), id="tab-queue"):
                yield Static("", id="queue-note")
                yield QueueTable(id="queue", cursor_type="row")
                with Horizontal(classes="buttons"):
                    yield Button(w(tr("Take")), id="req-take", variant="primary")
                    yield Button(w(tr("Open the conversation")), id="req-open")
                    yield Button(w(tr("Mark done")), id="req-done", variant="error")
            with TabPane(w(tr("Bookings")), id="tab-today"):
                with Horizontal(id="booking-row"):
                    yield Input(placeholder=w(tr("Name, phone or code")), id="booking-query",
                                max_length=100)
                    yield Input(placeholder=w(tr("Day, e.g. 24.11.2026 (empty: every day)")),
                                id="booking-day", max_length=10)
                    yield Button(w(tr("Search")), id="booking-search")
                yield Static("", id="booking-note")
                yield DataTable(id="today", cursor_type="row")
            with TabPane(w(tr("Knowledge")), id="tab-kb"):
                yield Input(placeholder=w(tr("Search the knowledge (staff entries too)")),
                            id="kb-query", max_length=200)
                yield VerticalScroll(id="kb-results")
            with TabPane(w(tr("Review")), id="tab-review"):
                yield VerticalScroll(id="review")
            with TabPane(w(tr("Statistics")), id="tab-stats"):
                yield DataTable(id="stats")
            with TabPane(w(tr("Close a day")), id="tab-close"):
                yield Static(T(w(tr("Close the jobcenter for a whole day: every meeting that "
                                    "day is cancelled, and the citizens get an SMS."))))
                with Horizontal(id="close-row"):
                    yield Input(placeholder=w(tr("Date, e.g. 24.11.2026")), id="close-date",
                                max_length=10)
                    yield Input(placeholder=w(tr("Reason")), id="close-reason", max_length=200)
                    yield Button(w(tr("Close the day")), id="close-day", variant="error")
                yield Static("", id="close-result")
            with TabPane(w(tr("Log")), id="tab-audit"):
                yield DataTable(id="audit")
            with TabPane(w(tr("Interpreter")), id="tab-interpreter"):
                yield Static(T(w(tr("Start a conversation in two languages side by side: the "
                                    "citizen's language and Danish."))))
                for lang in ("uk", "en"):
                    yield Button(f"{language_name(lang)[lang]} + {language_name('da')[lang]}",
                                 id=f"interpret-{lang}")

    def on_mount(self) -> None:
        self.push_screen(PinScreen(self.store.engine, now=self.now), self.logged_in)

    def logged_in(self, initials: str | None) -> None:
        if not initials:
            self.exit()
            return
        self._who(initials)

    @work(thread=True, group="staff-db")
    def _who(self, initials: str) -> None:
        with self.db_lock, DB(self.store.engine) as db:
            row = db.exec(select(Staff).where(Staff.initials == initials)).first()
            spoken = [code for code in (row.languages if row else "").split(",") if code in LANGS]
        self.post_message(StaffKnown(initials, self.fixed_lang or (spoken or ["da"])[0]))

    async def on_staff_known(self, message: StaffKnown) -> None:
        self.staff = message.initials
        self.sub_title = message.initials
        if message.lang != self.lang:
            self.lang = message.lang
            await self.recompose()
        self.refresh_all()
        self.read_queue()
        self.set_interval(self.poll_seconds, self.read_queue)

    # -- the queue: read every second, in a worker --------------------------------------------

    def read_queue(self) -> None:
        if self.staff is not None and not self._reading_queue:
            self._reading_queue = True
            self._read_queue()

    @work(thread=True, group="queue")
    def _read_queue(self) -> None:
        try:
            with self.db_lock:
                items = self.desk.queue(self.site_id())
        except Exception:  # the database is away a moment: the next round tries again
            items = None
        if items is None:
            self.call_from_thread(setattr, self, "_reading_queue", False)
            return
        self.post_message(QueueRead(items))

    def on_queue_read(self, message: QueueRead) -> None:
        self._reading_queue = False
        items = message.items
        ids = {item.id for item in items}
        new = [] if self.known is None else [i for i in items if i.id not in self.known]
        self.known = ids if self.known is None else self.known | ids
        self.fresh = {i for i in self.fresh | {item.id for item in new} if i in ids}
        self.fresh -= {item.id for item in items if item.status != "open"}
        unread = {item.id for item in items if item.unread and item.taken_by == self.staff}
        wrote = unread - self.unread
        self.unread = unread
        self.queue_items = items
        self._show_queue()
        if wrote and not new:
            self.bell()
            latest = next(item for item in items if item.id in wrote)
            self.notify(self.w(tr("New message from a citizen: {where}, {language}",
                                  where=place_name(latest.place),
                                  language=language_name(latest.lang))),
                        title=self.w(tr("Queue")), severity="warning", timeout=8)
        if new:
            self.bell()
            latest = new[-1]
            self.notify(self.w(tr("New request: {what}, {where}, {language}",
                                  what=kind_name(latest.kind), where=place_name(latest.place),
                                  language=language_name(latest.lang))),
                        title=self.w(tr("Queue")), severity="warning", timeout=8)

    def on_resize(self) -> None:
        if self.staff is not None and self.queue_items:
            self._show_queue()  # the queue's columns fit the new width

    def _queue_rows(self, compact: bool) -> list[list[RichText]]:
        """The queue's cells, in full words or (``compact``) short ones, for 80 columns."""
        now, w, rows = self.now(), self.w, []
        for item in self.queue_items:
            new = "✉" if item.unread else "●" if item.id in self.fresh else ""
            if new and not compact:
                new += " " + w(tr("New message") if item.unread else tr("New"))
            topic = w(topic_name(item.topic, self.content.flows)) + (
                f": {item.note[:NOTE_SHOWN]}" if item.note else "")
            cells = [w(status_name(item.status, item.taken_by)),
                     w((waiting_short if compact else waiting_name)(item.waiting(now))),
                     w((kind_short if compact else kind_name)(item.kind)),
                     w((place_short if compact else place_name)(item.place)),
                     w((language_short if compact else language_name)(item.lang)),
                     topic, item.name, item.phone]
            rows.append([T(new, style="bold reverse" if new else ""),
                         *(T(" ".join(c.split())) for c in cells)])
        return rows

    def _queue_layout(self) -> tuple[list[RichText], list[list[RichText]], list[int], int]:
        """The queue's headers, rows, column widths and cell padding that fit the screen's
        width: the full words where they fit (long topics and names cut with "…"), else
        short headers and words with one space between columns (80 columns)."""
        width = self.size.width - SCROLLBAR
        for compact in (False, True):
            headers = [T(self.w(c)) for c in (QUEUE_COMPACT_HEADERS if compact
                                              else COLUMNS["queue"])]
            rows = self._queue_rows(compact)
            naturals = [max([h.cell_len, *(row[i].cell_len for row in rows)])
                        for i, h in enumerate(headers)]
            mins = {i: max(m, headers[i].cell_len) for i, m in
                    (QUEUE_MIN_COMPACT if compact else QUEUE_MIN_FULL).items()}
            padding = 0 if compact else 1
            room = width - len(headers) * (1 if compact else 2)
            widths, fits = fit_widths(naturals, mins, room)
            if fits or compact:
                return headers, rows, widths, padding
        raise AssertionError("unreachable")

    def _show_queue(self) -> None:
        now = self.now()
        shown = [(item, item.id in self.fresh, self.w(waiting_name(item.waiting(now))))
                 for item in self.queue_items]
        if (shown, self.size.width) == self._queue_shown:
            return  # nothing changed: the table (and where the cursor is) stays as it is
        self._queue_shown = (shown, self.size.width)
        table = self.query_one("#queue", DataTable)
        keep = None
        if table.row_count:
            keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        table.clear(columns=True)
        headers, rows, widths, padding = self._queue_layout()
        table.cell_padding = padding
        gap = " " if padding == 0 else ""  # one space between short columns
        for header, width in zip(headers, widths, strict=True):
            table.add_column(T(gap) + header, width=width + len(gap))
        for item, row in zip(self.queue_items, rows, strict=True):
            table.add_row(*(T(gap) + cut(c, width) for c, width in zip(row, widths, strict=True)),
                          key=str(item.id))
        if keep is not None and str(keep) in {str(i.id) for i in self.queue_items}:
            table.move_cursor(row=table.get_row_index(keep))
        note = self.query_one("#queue-note", Static)
        waiting = sum(1 for i in self.queue_items if i.status == "open")
        note.update(T((self.w(trn("{n} request is waiting.", "{n} requests are waiting.",
                                  waiting)) if self.queue_items
                       else self.w(tr("Nobody is waiting.")))
                      + (" " + self.w(tr("New ones are marked.")) if self.fresh else "")
                      + (" " + self.w(tr("A citizen has written to you.")) if self.unread
                         else "")))
        note.set_class(bool(self.fresh or self.unread), "new")

    def _selected(self) -> QueueItem | None:
        table = self.query_one("#queue", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((i for i in self.queue_items if str(i.id) == key), None)

    @on(TabbedContent.TabActivated, "#tabs")
    def tab_opened(self, event: TabbedContent.TabActivated) -> None:
        """A tab opened shows what is true now (the bookings tab kept the list read at login:
        a booking made since was missing), and its search box has the focus."""
        pane = event.pane.id
        if pane in ("tab-today", "tab-stats", "tab-audit") and self.staff is not None:
            self.booking_filter = self._booking_filter()
            self._database()
        focus = {"tab-kb": "#kb-query", "tab-today": "#booking-query"}.get(pane or "")
        if focus is not None:
            self.query_one(focus, Input).focus()

    @on(Button.Pressed, "#req-take")
    @on(QueueTable.TakeAsked)
    def take(self) -> None:
        item = self._selected()
        if item is not None:
            self._take(item.id)

    @work(thread=True, group="staff-db")
    def _take(self, request_id: int) -> None:
        staff = self.staff
        if staff is None:
            return
        with self.db_lock:
            won = self.desk.take(request_id, staff)
            item = self.desk.get(request_id)
        self.call_from_thread(self._taken, won, item)

    def _taken(self, won: bool, item: QueueItem | None) -> None:
        if not won or item is None:
            who = item.taken_by if item is not None and item.taken_by else "?"
            self.notify(self.w(tr("Someone else has this request: {who}.", who=who)),
                        severity="error")
        else:
            self.fresh.discard(item.id)
            self.notify(self.w(tr("You have the request: {what}, {where}.",
                                  what=kind_name(item.kind), where=place_name(item.place))))
            if item.session_id:
                self.push_screen(TakeoverScreen(self, item), lambda _: self.read_queue())
        self.read_queue()

    @on(Button.Pressed, "#req-open")
    def open_conversation(self) -> None:
        item = self._selected()
        if item is None:
            return
        if not item.session_id:
            self.notify(self.w(tr("This request has no conversation.")), severity="warning")
            return
        self.fresh.discard(item.id)
        self.push_screen(TakeoverScreen(self, item), lambda _: self.read_queue())

    @on(Button.Pressed, "#req-done")
    def mark_done(self) -> None:
        item = self._selected()
        if item is None:
            return
        question = self.w(tr("Mark this request done?"))
        detail = self.w(request_name(item.kind, item.place, item.name, item.lang))
        if item.kind == "chat" and item.status == "open" and is_remote(item.place):
            detail += "\n" + self.w(tr("The citizen will be told that no one can write with "
                                       "them now, and that they can book a meeting or ask at "
                                       "the desk."))
        self.push_screen(Confirm(question, detail, self.w(tr("Yes, mark it done")),
                                 self.w(tr("No"))),
                         lambda yes: self._done(item.id) if yes else None)

    @work(thread=True, group="staff-db")
    def _done(self, request_id: int) -> None:
        staff = self.staff
        if staff is None:
            return
        try:
            with self.db_lock:
                self.desk.close(request_id, staff)
            note, severity = self.w(tr("The request is marked done.")), "information"
        except PermissionError:
            note, severity = self.w(tr("This request is not yours: another member of staff "
                                       "has it.")), "error"
        self.call_from_thread(self.notify, note, severity=severity)
        self.call_from_thread(self.read_queue)
        self.call_from_thread(self._database)

    # -- the other tables: in a worker, applied on the UI thread ----------------------------

    def refresh_all(self) -> None:
        self.load_review()
        self.booking_filter = self._booking_filter()
        self._database()

    @work(thread=True, group="staff-db")
    def _database(self, write: Callable[[], str | None] | None = None) -> None:
        """Run ``write`` (if any), then read every table, and post what was read."""
        with self.db_lock:
            note = write() if write is not None else None
            tables = self._read_tables()
        self.post_message(StaffDataLoaded(tables, note))

    def _booking_filter(self) -> tuple[dt.date | None, str, str | None]:
        """The booking search's day and words, and what is wrong with the day (or None)."""
        query = self.query_one("#booking-query", Input).value.strip()
        raw = self.query_one("#booking-day", Input).value.strip()
        day = parse_day(raw) if raw else None
        if raw and day is None:
            return None, query, self.w(tr("Write the day like 24.11.2026."))
        if not raw and not query:
            day = local(self.now()).date()
        return day, query, None

    def site_id(self) -> int | None:
        """The site of the member of staff logged in: they see only its bookings, callbacks
        and statistics (None: staff of no one site, who see every site's). Read once per
        login, not on every round of the queue."""
        if self._site is None or self._site[0] != self.staff:
            with DB(self.store.engine) as db:
                row = db.exec(select(Staff).where(Staff.initials == (self.staff or ""))).first()
            self._site = (self.staff, row.site_id if row else None)
        return self._site[1]

    def _read_tables(self) -> dict[str, list[Row]]:
        w, lang = self.w, self.lang
        today = local(self.now()).date()
        site = self.site_id()
        day, query, _problem = self.booking_filter
        cancelled = w(tr("Cancelled"))  # outside the f-string: pybabel finds it
        bookings = [(format_day(local(b.start).date(), lang), format_clock(b.start, lang),
                     f"{b.code} ✗ {cancelled}" if b.cancelled else b.code,
                     b.name, b.phone, w(meeting_words(b.meeting_type)),
                     w(channel_words(b.channel)), w(language_name(b.meeting_lang)), b.staff,
                     w(yes_no(b.interpreter)), "✓ " + w(yes_no(True)) if b.checked_in
                     else w(yes_no(False)))
                    for b in find_bookings(self.store.engine, day, query, site)]
        flows = self.content.flows
        stats = [(w(flow_name(fig.flow_id, flows)), str(fig.started), str(fig.completed),
                  ", ".join(f"{w(step_name(fig.flow_id, step, flows))}: {n}"
                            for step, n in sorted(fig.left_at.items())))
                 for fig in flow_statistics(self.store.engine, today - dt.timedelta(days=30),
                                            site)]
        with DB(self.store.engine) as db:
            entries = db.exec(select(AuditEntry).order_by(AuditEntry.id.desc())  # type: ignore[union-attr]
                              .limit(200))
            log = [(local(row.at).strftime("%d.%m %H.%M"), row.staff,
                    w(audit_action_name(row.action)),
                    w(audit_detail(row.action, row.params, row.detail)))
                   for row in entries]
        return {"today": bookings, "stats": stats, "audit": log}

    def on_staff_data_loaded(self, message: StaffDataLoaded) -> None:
        for name, rows in message.tables.items():
            table = self.query_one(f"#{name}", DataTable)
            table.clear(columns=True)
            table.add_columns(*(self.w(c) for c in COLUMNS[name]))
            for row in rows:
                table.add_row(*(T(cell) for cell in row))
        day, query, problem = self.booking_filter
        found = len(message.tables.get("today", []))
        where = self.w(tr("every day")) if day is None else format_day(day, self.lang)
        self.query_one("#booking-note", Static).update(T(problem or self.w(trn(
            "{n} booking, {where}", "{n} bookings, {where}", found, where=where))
            + (f" · “{query}”" if query else "")))
        if message.note is not None:
            self.query_one("#close-result", Static).update(T(message.note))
            self.notify(message.note, title=self.w(tr("Close a day")), timeout=10)

    @on(Input.Submitted, "#booking-query")
    @on(Input.Submitted, "#booking-day")
    @on(Button.Pressed, "#booking-search")
    def search_bookings(self) -> None:
        self.booking_filter = self._booking_filter()
        self._database()

    def load_review(self) -> None:
        """Entries needing review: from the knowledge in memory, no database."""
        kb = self.content.knowledge
        assert isinstance(kb, KnowledgeBase)
        box = self.query_one("#review", VerticalScroll)
        box.remove_children()
        today = local(self.now()).date()
        flagged = needs_review(kb.entries.values(), today)
        for entry, reasons in flagged:
            if any(r == "needs review" for r in reasons):
                line = T(self.w(tr("Needs review")) + " ", style="bold reverse")
                line.append(f" {self.w(entry.title)} ")
                if entry.review_by:
                    line.append(self.w(tr("(check by {day})", day={
                        lang: format_day(entry.review_by, lang) for lang in LANGS})))
                box.mount(Static(line))
        count = sum(1 for _e, r in flagged if len(r) == 1 and r[0].startswith("translation"))
        box.mount(Static(T(self.w(trn(
            "{n} entry has translations no native speaker has checked.",
            "{n} entries have translations no native speaker has checked.", count)))))

    # -- the knowledge search ---------------------------------------------------------------

    @on(Input.Submitted, "#kb-query")
    def search(self, event: Input.Submitted) -> None:
        self._search(event.value)

    @work(thread=True, exclusive=True, group="kb-search")
    def _search(self, query: str) -> None:
        kb = self.content.knowledge
        assert isinstance(kb, KnowledgeBase)
        result = kb.search(query, audience="staff", top=5)
        if self.staff:
            audit(self.store.engine, self.staff, "kb_search")
        if not get_current_worker().is_cancelled:  # a later search's answer is shown
            self.post_message(SearchAnswered(result))

    def on_search_answered(self, message: SearchAnswered) -> None:
        result: SearchResult = message.result
        w = self.w
        box = self.query_one("#kb-results", VerticalScroll)
        box.remove_children()
        today = local(self.now()).date()
        if result.outcome == "none":
            box.mount(Static(T(w(tr("Nothing found.")))))
        for hit in result.hits:
            entry = hit.entry
            if entry is None:  # a source passage: no curated entry, cite it by its lines
                assert hit.passage is not None
                head = T(f"{hit.passage.heading or hit.passage.file} ", style="bold")
                marker = w(tr("Source passage"))  # outside the f-string: pybabel finds it
                head.append(f"[{marker}]", style="reverse")
                box.mount(Static(head))
                box.mount(Static(T(hit.passage.text)))
                box.mount(Static(T(w(tr("Source: {ref}", ref=hit.passage.ref)))))
                continue
            badges = []
            if entry.stale(today):
                badges.append(f"[{w(tr('Needs review'))}]")
            if entry.unreviewed_languages():
                badges.append("[" + w(tr("Translation not checked: {languages}",
                                         languages=languages_name(
                                             entry.unreviewed_languages()))) + "]")
            if not entry.for_citizens():
                staff_only = w(tr("Staff only"))
                badges.append(f"[{staff_only}]")
            head = T(f"{w(entry.title)} ", style="bold")
            head.append(" ".join(badges), style="reverse")
            box.mount(Static(head))
            box.mount(Static(T(w(entry.body))))
            box.mount(Static(T(w(tr("Sources: {refs}",
                                    refs="; ".join(s.ref for s in entry.sources))))))

    # -- closing a day ----------------------------------------------------------------------

    @on(Button.Pressed, "#close-day")
    def close(self) -> None:
        result = self.query_one("#close-result", Static)
        raw = self.query_one("#close-date", Input).value.strip()
        day = parse_day(raw)
        if day is None:
            result.update(T(self.w(tr("Write the date like 24.11.2026."))))
            return
        staff = self.staff
        if day < self.now().astimezone(TZ).date() or staff is None:
            result.update(T(self.w(tr("That date has passed."))))
            return
        reason = self.query_one("#close-reason", Input).value
        when = format_day(day, self.lang)

        def answered(yes: bool | None) -> None:
            if yes:
                self._close(day, staff, reason)
            else:
                result.update(T(self.w(tr("Nothing was changed."))))

        self.push_screen(
            Confirm(self.w(tr("Close the jobcenter on {day}?", day=when)),
                    self.w(tr("Every meeting that day is cancelled and the citizens get an "
                              "SMS. This cannot be undone.")),
                    self.w(tr("Yes, close the day")), self.w(tr("No"))), answered)

    def _close(self, day: dt.date, staff: str, reason: str) -> None:
        self.query_one("#close-result", Static).update(T(self.w(tr("Closing the day …"))))
        when = {lang: format_day(day, lang) for lang in LANGS}

        def close_it() -> str:
            cancelled = close_day(self.store.engine, day, staff, reason, now=self.now,
                                  site_id=self.site_id())
            return self.w(trn("{day} is closed. {n} meeting cancelled, the SMS is queued.",
                              "{day} is closed. {n} meetings cancelled, the SMS are queued.",
                              cancelled, day=when))

        self._database(close_it)

    # -- interpreter mode -------------------------------------------------------------------

    @on(Button.Pressed, "#interpret-uk")
    @on(Button.Pressed, "#interpret-en")
    def interpret(self, event: Button.Pressed) -> None:
        self._interpret((event.button.id or "").removeprefix("interpret-"))

    @work(thread=True, exclusive=True, group="open")
    def _interpret(self, lang: str) -> None:
        convo, opening = Conversation.open(self.content, self.store,
                                           f"interpreter:{uuid.uuid4().hex}", "kiosk", lang)
        if self.staff:
            audit(self.store.engine, self.staff, "interpreter_session", lang=lang)
        if not get_current_worker().is_cancelled:  # one conversation for two taps
            self.post_message(ConversationOpened(convo, opening, bilingual=True))

    def on_conversation_opened(self, message: ConversationOpened) -> None:
        self.push_screen(ConversationScreen(message.convo, message.opening,
                                            bilingual=message.bilingual))

    @on(FinishRequested)
    def finish_conversation(self) -> None:
        if isinstance(self.screen, ConversationScreen):
            self.pop_screen()
