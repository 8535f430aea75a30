"""The staff TUI: PIN login, today's bookings, callbacks, knowledge search with review badges,
entries needing review, flow statistics, closing a day, the audit log, interpreter mode.

Every cell and line is a ``rich.text.Text``: citizens' words (names, notes) are never read as
markup. Database work (and the search) runs in thread workers, one at a time, and their
results are applied on the UI thread; the tables are read afresh after every write.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable
from typing import Any

from rich.text import Text as RichText
from sqlmodel import Session as DB
from sqlmodel import select
from textual import on, work
from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
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
from assistant.channels.tui.styles import CSS as KIOSK_CSS
from assistant.conversation import Content, Conversation
from assistant.i18n import TZ, local
from assistant.knowledge.base import KnowledgeBase
from assistant.knowledge.search import SearchResult
from assistant.reports import (
    bookings_on,
    close_callback,
    close_day,
    flow_statistics,
    needs_review,
    open_callbacks,
)
from assistant.staff import audit
from assistant.store.models import AuditEntry, Staff, utcnow
from assistant.store.sessions import SessionStore

T = RichText
Row = tuple[Any, ...]
COLUMNS = {
    "today": ("Tid", "Kode", "Møde", "Kanal", "Sprog", "Medarb.", "Tolk", "Tjekket ind"),
    "callbacks": ("Oprettet", "Type", "Emne", "Sprog", "Navn", "Telefon"),
    "stats": ("Forløb", "Startet", "Gennemført", "Forladt ved trin"),
    "audit": ("Tid", "Medarb.", "Handling", "Detaljer"),
}


class StaffApp(App[None]):
    CSS = KIOSK_CSS + """
    TabbedContent { height: 1fr; }
    #kb-results { height: 1fr; }
    .badge { text-style: bold reverse; }
    #close-row Input { width: 1fr; }
    """
    TITLE = "Jobcenter - medarbejder"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [("escape", "leave_conversation", "Tilbage")]

    def action_leave_conversation(self) -> None:
        if isinstance(self.screen, ConversationScreen):
            self.pop_screen()

    def __init__(self, content: Content, store: SessionStore,
                 now: Callable[[], dt.datetime] = utcnow) -> None:
        self.content = content
        self.store = store
        self.now = now
        self.staff: str | None = None
        self._db_lock = threading.Lock()
        """One database job at a time, so the tables read after a write show it."""
        super().__init__()

    def compose(self) -> ComposeResult:
        with TabbedContent(id="tabs"):
            with TabPane("I dag", id="tab-today"):
                yield DataTable(id="today", cursor_type="row")
            with TabPane("Tilbagekald", id="tab-callbacks"):
                yield DataTable(id="callbacks", cursor_type="row")
                yield Button("Markér som klaret", id="callback-done")
            with TabPane("Viden", id="tab-kb"):
                yield Input(placeholder="Søg i viden (også interne emner)", id="kb-query",
                            max_length=200)
                yield VerticalScroll(id="kb-results")
            with TabPane("Gennemsyn", id="tab-review"):
                yield VerticalScroll(id="review")
            with TabPane("Statistik", id="tab-stats"):
                yield DataTable(id="stats")
            with TabPane("Luk dag", id="tab-close"):
                yield Static(T("Luk jobcentret en hel dag: alle møder aflyses, og borgerne får "
                               "en SMS."))
                with Horizontal(id="close-row"):
                    yield Input(placeholder="ÅÅÅÅ-MM-DD", id="close-date", max_length=10)
                    yield Input(placeholder="Årsag", id="close-reason", max_length=200)
                    yield Button("Luk dagen", id="close-day", variant="error")
                yield Static("", id="close-result")
            with TabPane("Log", id="tab-audit"):
                yield DataTable(id="audit")
            with TabPane("Tolk", id="tab-interpreter"):
                yield Static(T("Start en samtale med to sprog side om side: borgerens sprog og "
                               "dansk."))
                for lang, name in (("uk", "Українська + dansk"), ("en", "English + dansk")):
                    yield Button(name, id=f"interpret-{lang}")

    def on_mount(self) -> None:
        self.push_screen(PinScreen(self.store.engine, now=self.now), self.logged_in)

    def logged_in(self, initials: str | None) -> None:
        if not initials:
            self.exit()
            return
        self.staff = initials
        self.sub_title = initials
        self.refresh_all()

    # -- reading: in a worker, applied on the UI thread ------------------------------------

    def refresh_all(self) -> None:
        self.load_review()
        self._database()

    @work(thread=True, group="staff-db")
    def _database(self, write: Callable[[], str | None] | None = None) -> None:
        """Run ``write`` (if any), then read every table, and post what was read."""
        with self._db_lock:
            note = write() if write is not None else None
            tables = self._read_tables()
        self.post_message(StaffDataLoaded(tables, note))

    def site_id(self) -> int | None:
        """The site of the member of staff logged in: they see only its bookings, callbacks
        and statistics (None: staff of no one site, who see every site's)."""
        with DB(self.store.engine) as db:
            row = db.exec(select(Staff).where(Staff.initials == (self.staff or ""))).first()
        return row.site_id if row else None

    def _read_tables(self) -> dict[str, list[Row]]:
        today = local(self.now()).date()
        site = self.site_id()
        rows = [(r.time, r.code, r.meeting, r.channel, r.language, r.staff,
                 "ja" if r.interpreter else "", "✓ ja" if r.checked_in else "nej")
                for r in bookings_on(self.store.engine, today, site)]
        callbacks = [(local(req.created_at).strftime("%d.%m %H.%M"), req.kind, req.topic,
                      req.lang, req.name or "", req.phone or "", str(req.id))
                     for req in open_callbacks(self.store.engine, site)]
        stats = [(fig.flow_id, str(fig.started), str(fig.completed),
                  ", ".join(f"{step or '-'}: {n}" for step, n in sorted(fig.left_at.items())))
                 for fig in flow_statistics(self.store.engine, today - dt.timedelta(days=30),
                                            site)]
        with DB(self.store.engine) as db:
            entries = db.exec(select(AuditEntry).order_by(AuditEntry.id.desc())  # type: ignore[union-attr]
                              .limit(200))
            log = [(local(row.at).strftime("%d.%m %H.%M"), row.staff, row.action, row.detail)
                   for row in entries]
        return {"today": rows, "callbacks": callbacks, "stats": stats, "audit": log}

    def on_staff_data_loaded(self, message: StaffDataLoaded) -> None:
        for name, rows in message.tables.items():
            table = self.query_one(f"#{name}", DataTable)
            table.clear(columns=True)
            table.add_columns(*COLUMNS[name])
            for row in rows:
                if name == "callbacks":  # the request's id is the row's key, not a column
                    table.add_row(*(T(cell) for cell in row[:-1]), key=row[-1])
                else:
                    table.add_row(*(T(cell) for cell in row))
        if message.note is not None:
            self.query_one("#close-result", Static).update(T(message.note))

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
                box.mount(Static(T(f"[needs review] {entry.id}: {entry.title['da']} "
                                   f"(review_by {entry.review_by})"), classes="badge"))
        count = sum(1 for _e, r in flagged if len(r) == 1 and r[0].startswith("translation"))
        box.mount(Static(T(f"{count} emner har oversættelser, som ingen modersmålstaler har "
                           "læst (translation not reviewed).")))

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
            audit(self.store.engine, self.staff, "kb_search", "")
        if not get_current_worker().is_cancelled:  # a later search's answer is shown
            self.post_message(SearchAnswered(result))

    def on_search_answered(self, message: SearchAnswered) -> None:
        result: SearchResult = message.result
        box = self.query_one("#kb-results", VerticalScroll)
        box.remove_children()
        today = local(self.now()).date()
        if result.outcome == "none":
            box.mount(Static(T("Intet fundet.")))
        for hit in result.hits:
            entry = hit.entry
            if entry is None:  # a source passage: no curated entry, cite it by its lines
                assert hit.passage is not None
                head = T(f"{hit.passage.heading or hit.passage.file}  ({hit.score:.0f}) ",
                         style="bold")
                head.append("[kildeuddrag / source passage]", style="reverse")
                box.mount(Static(head))
                box.mount(Static(T(hit.passage.text)))
                box.mount(Static(T("Kilde: " + hit.passage.ref)))
                continue
            badges = []
            if entry.stale(today):
                badges.append("[needs review]")
            if entry.unreviewed_languages():
                badges.append("[translation not reviewed: "
                              + ", ".join(entry.unreviewed_languages()) + "]")
            if not entry.for_citizens():
                badges.append("[staff only]")
            head = T(f"{entry.title['da']}  ({entry.id}, {hit.score:.0f}) ", style="bold")
            head.append(" ".join(badges), style="reverse")
            box.mount(Static(head))
            box.mount(Static(T(entry.body["da"])))
            box.mount(Static(T("Kilder: " + "; ".join(s.ref for s in entry.sources))))

    # -- writes -----------------------------------------------------------------------------

    @on(Button.Pressed, "#callback-done")
    def callback_done(self) -> None:
        table = self.query_one("#callbacks", DataTable)
        staff = self.staff
        if table.row_count == 0 or staff is None:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key:
            self._database(lambda: close_callback(self.store.engine, int(key), staff))

    @on(Button.Pressed, "#close-day")
    def close(self) -> None:
        result = self.query_one("#close-result", Static)
        raw = self.query_one("#close-date", Input).value.strip()
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            result.update(T("Skriv datoen som ÅÅÅÅ-MM-DD."))
            return
        staff = self.staff
        if day < self.now().astimezone(TZ).date() or staff is None:
            result.update(T("Datoen er gået."))
            return
        reason = self.query_one("#close-reason", Input).value
        result.update(T("Lukker dagen …"))

        def close_it() -> str:
            cancelled = close_day(self.store.engine, day, staff, reason, now=self.now,
                                  site_id=self.site_id())
            return f"{day.isoformat()} er lukket. {cancelled} møder aflyst, SMS sat i kø."

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
            audit(self.store.engine, self.staff, "interpreter_session", lang)
        if not get_current_worker().is_cancelled:  # one conversation for two taps
            self.post_message(ConversationOpened(convo, opening, bilingual=True))

    def on_conversation_opened(self, message: ConversationOpened) -> None:
        self.push_screen(ConversationScreen(message.convo, message.opening,
                                            bilingual=message.bilingual))

    @on(FinishRequested)
    def finish_conversation(self) -> None:
        if isinstance(self.screen, ConversationScreen):
            self.pop_screen()
