"""The staff TUI: PIN login, today's bookings, callbacks, knowledge search with review badges,
entries needing review, flow statistics, closing a day, the audit log, interpreter mode.

Every cell and line is a ``rich.text.Text``: citizens' words (names, notes) are never read as
markup.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from rich.text import Text as RichText
from sqlmodel import Session as DB
from sqlmodel import select
from textual import on
from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Input, Static, TabbedContent, TabPane

from assistant.channels.tui.kiosk import CSS as KIOSK_CSS
from assistant.channels.tui.kiosk import ConversationScreen
from assistant.channels.tui.pin import PinScreen
from assistant.conversation import Content, Conversation
from assistant.i18n import TZ, local
from assistant.knowledge.base import KnowledgeBase
from assistant.reports import (
    bookings_on,
    close_callback,
    close_day,
    flow_statistics,
    needs_review,
    open_callbacks,
)
from assistant.staff import audit
from assistant.store.models import AuditEntry, utcnow
from assistant.store.sessions import SessionStore

T = RichText


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

    def refresh_all(self) -> None:
        self.load_today()
        self.load_callbacks()
        self.load_review()
        self.load_stats()
        self.load_audit()

    def load_today(self) -> None:
        table = self.query_one("#today", DataTable)
        table.clear(columns=True)
        table.add_columns("Tid", "Kode", "Møde", "Kanal", "Sprog", "Medarb.", "Tolk", "Tjekket ind")
        for row in bookings_on(self.store.engine, local(self.now()).date()):
            table.add_row(T(row.time), T(row.code), T(row.meeting), T(row.channel),
                          T(row.language), T(row.staff), T("ja" if row.interpreter else ""),
                          T("✓ ja" if row.checked_in else "nej"))

    def load_callbacks(self) -> None:
        table = self.query_one("#callbacks", DataTable)
        table.clear(columns=True)
        table.add_columns("Oprettet", "Type", "Emne", "Sprog", "Navn", "Telefon")
        for req in open_callbacks(self.store.engine):
            when = local(req.created_at).strftime("%d.%m %H.%M")
            table.add_row(T(when), T(req.kind), T(req.topic), T(req.lang), T(req.name or ""),
                          T(req.phone or ""), key=str(req.id))

    def load_review(self) -> None:
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

    def load_stats(self) -> None:
        table = self.query_one("#stats", DataTable)
        table.clear(columns=True)
        table.add_columns("Forløb", "Startet", "Gennemført", "Forladt ved trin")
        since = local(self.now()).date() - dt.timedelta(days=30)
        for fig in flow_statistics(self.store.engine, since):
            left = ", ".join(f"{step or '-'}: {n}" for step, n in sorted(fig.left_at.items()))
            table.add_row(T(fig.flow_id), T(str(fig.started)), T(str(fig.completed)), T(left))

    def load_audit(self) -> None:
        table = self.query_one("#audit", DataTable)
        table.clear(columns=True)
        table.add_columns("Tid", "Medarb.", "Handling", "Detaljer")
        with DB(self.store.engine) as db:
            rows = db.exec(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(200))  # type: ignore[union-attr]
            for row in rows:
                table.add_row(T(local(row.at).strftime("%d.%m %H.%M")), T(row.staff),
                              T(row.action), T(row.detail))

    @on(Input.Submitted, "#kb-query")
    def search(self, event: Input.Submitted) -> None:
        kb = self.content.knowledge
        assert isinstance(kb, KnowledgeBase)
        box = self.query_one("#kb-results", VerticalScroll)
        box.remove_children()
        result = kb.search(event.value, audience="staff", top=5)
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
        if self.staff:
            audit(self.store.engine, self.staff, "kb_search", "")

    @on(Button.Pressed, "#callback-done")
    def callback_done(self) -> None:
        table = self.query_one("#callbacks", DataTable)
        if table.row_count == 0 or self.staff is None:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key:
            close_callback(self.store.engine, int(key), self.staff)
            self.load_callbacks()
            self.load_audit()

    @on(Button.Pressed, "#close-day")
    def close(self) -> None:
        result = self.query_one("#close-result", Static)
        raw = self.query_one("#close-date", Input).value.strip()
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            result.update(T("Skriv datoen som ÅÅÅÅ-MM-DD."))
            return
        if day < self.now().astimezone(TZ).date() or self.staff is None:
            result.update(T("Datoen er gået."))
            return
        reason = self.query_one("#close-reason", Input).value
        cancelled = close_day(self.store.engine, day, self.staff, reason, now=self.now)
        result.update(T(f"{day.isoformat()} er lukket. {cancelled} møder aflyst, SMS sat i kø."))
        self.refresh_all()

    @on(Button.Pressed, "#interpret-uk")
    @on(Button.Pressed, "#interpret-en")
    def interpret(self, event: Button.Pressed) -> None:
        lang = (event.button.id or "").removeprefix("interpret-")
        convo, opening = Conversation.open(self.content, self.store,
                                           f"interpreter:{uuid.uuid4().hex}", "kiosk", lang)
        if self.staff:
            audit(self.store.engine, self.staff, "interpreter_session", lang)
        self.push_screen(ConversationScreen(convo, opening, bilingual=True))
