"""One conversation: global commands, the active flow, knowledge search, persistence.

Every channel (text, SMS, web, TUI) drives a :class:`Conversation` and renders its outputs;
the same inputs give the same outputs on every channel.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from assistant import commands, next_steps
from assistant.channels_keys import SENDER, sender_mark
from assistant.flow import engine
from assistant.flow.engine import FlowState
from assistant.flow.model import Flow, Step
from assistant.flow.replies import chosen_number, names_part, picked_number, whole_number
from assistant.i18n import local, tr
from assistant.outputs import (
    Act,
    Card,
    Choice,
    Choices,
    Done,
    MeetingRequest,
    Output,
    ProofRequest,
    Say,
    ShowEntry,
    SlotRequest,
    to_json,
)
from assistant.privacy import read_input
from assistant.site.answers import local_answer
from assistant.site.registry import SiteInfo
from assistant.store.models import utcnow
from assistant.store.sessions import Saved, SessionChanged, SessionStore
from assistant.text import DEFAULT_LANG, LANG_NAMES, LANGS, Text, pick, same
from assistant.validators import Valid, not_an_answer, parse_yes_no, validate

log = logging.getLogger(__name__)

ASK = "ask"
STRICTEST_CHANNEL = "web"
STAFF_FLOW = "staff"
AFTER_FLOW = "menu"
"""The option offered when a guide is finished: the menu."""
PAUSED = "paused"
"""The menu option that goes on with the guide left in the middle (State.paused)."""
TURN_TRIES = 5
"""How often a turn is answered afresh when another turn of its conversation was saved first
(see :meth:`Conversation.handle`) before it gives up with :class:`SessionChanged`."""


class KnowledgeLike(Protocol):
    def card(self, entry_id: str, audience: str = "citizen",
             municipality: str | None = None) -> Card | None: ...

    def answer(self, question: str, lang: str,
               municipality: str | None = None) -> list[Output]: ...

    def reads_as_latin_ukrainian(self, text: str) -> bool: ...


class ActionHandler(Protocol):
    def __call__(self, act: Act, convo: Conversation) -> list[Output]: ...


class ProofHandler(Protocol):
    """Proves that the user holds a phone number (booking/proof.py): each returns whether
    the verify step is passed, and what to show."""

    def ask(self, req: ProofRequest, convo: Conversation) -> tuple[bool, list[Output]]: ...

    def check(self, req: ProofRequest, typed: str,
              convo: Conversation) -> tuple[bool, list[Output]]: ...

    def no_code(self, req: ProofRequest, convo: Conversation) -> list[Output] | None:
        """Why no code can go to the number (not a mobile number), or None."""


@dataclass
class State:
    """A session's whole state; persisted as JSON after every turn."""

    lang: str = DEFAULT_LANG
    flow: dict[str, Any] | None = None
    awaiting: str | None = None
    """"language" while the language choice is open, "menu" while the menu is shown,
    "suggest" while "did you mean" suggestions are shown."""
    suggestions: list[str] = field(default_factory=list)
    channel: str = STRICTEST_CHANNEL
    """Where the conversation runs (kiosk, text, web, sms): what needs proof depends on it.
    Sessions saved before it was kept count as the web (everything needs proof)."""
    proven: list[str] = field(default_factory=list)
    """The phone numbers (hashed) this conversation has proven to hold (booking/proof.py)."""
    staff: str | None = None
    """The initials of the member of staff who has taken the conversation over: while set,
    the citizen's messages go to that person and the assistant does not answer them."""
    staff_wait: int | None = None
    """The staff request (its id) the citizen is waiting for, until someone takes it."""
    site: str | None = None
    """The code of the site (jobcenter) the conversation began at; None: the database's
    first."""
    booked: list[int] = field(default_factory=list)
    """Bookings made or moved in this conversation (its calendar files are its own)."""
    paused: dict[str, Any] | None = None
    """The guide left in the middle ("menu", another guide begun), with its step and answers:
    its own option in the menu, under the same number, goes on with it. One only, the latest;
    dropped when that guide is begun afresh, when any guide is finished, and at "start over"."""
    ended: bool = False
    """The citizen finished the conversation on the web page ("afslut", "finish"): its page
    starts a new one, and the page's token no longer opens this one (its history, name,
    phone and booking code are not shown again on a shared device)."""

    def to_dict(self) -> dict[str, Any]:
        """A copy, apart from later changes to this state (a failed turn goes back to it)."""
        flow = FlowState.from_dict(self.flow).to_dict() if self.flow else None
        data = {"lang": self.lang, "flow": flow, "awaiting": self.awaiting,
                "suggestions": list(self.suggestions), "channel": self.channel,
                "proven": list(self.proven), "booked": list(self.booked)}
        if self.staff is not None:
            data["staff"] = self.staff
        if self.staff_wait is not None:
            data["staff_wait"] = self.staff_wait
        if self.site:
            data["site"] = self.site
        if self.paused:
            data["paused"] = FlowState.from_dict(self.paused).to_dict()
        if self.ended:
            data["ended"] = True
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> State:
        return cls(lang=data.get("lang", DEFAULT_LANG), flow=data.get("flow"),
                   awaiting=data.get("awaiting"), suggestions=list(data.get("suggestions", [])),
                   channel=str(data.get("channel", STRICTEST_CHANNEL)),
                   proven=list(data.get("proven", [])),
                   staff=data.get("staff"), staff_wait=data.get("staff_wait"),
                   site=data.get("site"),
                   booked=[int(b) for b in data.get("booked", [])][-20:],
                   paused=data.get("paused") or None, ended=bool(data.get("ended")))


@dataclass
class Content:
    """What conversations are made of: the flows and the knowledge base."""

    flows: dict[str, Flow]
    knowledge: KnowledgeLike
    actions: dict[str, ActionHandler] = field(default_factory=dict)
    offer_slots: Callable[[SlotRequest, Conversation], list[Output]] | None = None
    show_meeting: Callable[[MeetingRequest, Conversation], list[Output]] | None = None
    proof: ProofHandler | None = None

    def menu_flows(self, channel: str | None = None) -> list[Flow]:
        """The menu's guides; on ``channel``, only those offered there (a flow's
        ``only_at``: check-in is for the kiosk, never offered on the web or by SMS)."""
        return [f for f in self.flows.values() if f.menu and
                (channel is None or not f.only_at or channel in f.only_at)]


def _unproven(flow: Flow, fstate: FlowState) -> FlowState:
    """``fstate`` with its verify steps not passed: the first one passed is asked again."""
    for sid in list(fstate.answers):
        if sid in flow.steps and flow.step(sid).kind == "verify":
            fstate.answers.pop(sid)
            if sid in fstate.history:
                fstate.history = fstate.history[:fstate.history.index(sid)]
                fstate.step, fstate.returning, fstate.changed = sid, True, []
    return fstate


def _marked(data: dict[str, Any], number: str | None, mark: str | None) -> dict[str, Any]:
    """``data`` (a State's dict) with each answer that is the SMS sender's ``number`` stored
    as its ``mark`` (channels_keys.sender_mark): SMS state holds no number in clear."""
    if number is None or mark is None:
        return data
    for key in ("flow", "paused"):
        if data.get(key):
            answers = data[key]["answers"]
            data[key]["answers"] = {sid: mark if value == number else value
                                    for sid, value in answers.items()}
    return data


def _unmarked(state: State, number: str | None, mark: str | None) -> State:
    """``state`` as read from the store, each answer stored as the sender's mark the number
    again when this turn's SMS comes from that number; else (a resume code used on another
    channel or number) the answer is forgotten and its question asked again."""
    for key in ("flow", "paused"):
        data = getattr(state, key)
        if not data:
            continue
        fstate = FlowState.from_dict(data)
        for sid, value in list(fstate.answers.items()):
            if not (isinstance(value, str) and value.startswith(SENDER)):
                continue
            if value == mark and number is not None:
                fstate.answers[sid] = number
                continue
            fstate.answers.pop(sid)
            if sid in fstate.history:
                fstate.history = fstate.history[:fstate.history.index(sid)]
                fstate.step, fstate.returning, fstate.changed = sid, True, []
        setattr(state, key, fstate.to_dict())
    return state


class Conversation:
    """One user's conversation. ``store`` may be None (nothing persisted: tests, `ask`)."""

    def __init__(self, content: Content, state: State | None = None,
                 store: SessionStore | None = None, session_id: str | None = None,
                 now: Callable[[], dt.datetime] = utcnow, sender: str | None = None,
                 address: str | None = None, place: str | None = None,
                 phone: str | None = None, site: SiteInfo | None = None) -> None:
        self.content = content
        self._site = site
        self.sender = sender
        """The phone number this turn's message came from (an SMS), as the channel got it;
        never stored."""
        self.address = address
        """The address this turn came from (the web), for the bookings cap; stored only
        hashed, with a booking (booking/caps.py)."""
        self.place = place
        """Where the citizen is, for staff: ``kiosk:<name>``, ``web``, ``sms`` (None: a kiosk
        or a chat without a name)."""
        self.phone = phone
        """The number an SMS conversation replies to (never stored with the session)."""
        self.state = state or State()
        if site is not None:
            self.state.site = site.code
        self.store = store
        self.session_id = session_id
        self.version: int | None = None
        """The session's turns as stored when this conversation last read or saved it."""
        self.now = now
        self._own = self._sender_number()
        """The SMS sender's number as a booking stores it (None on other channels)."""
        self._mark = sender_mark(self._own) if self._own is not None else None
        """What the store holds for an answer that is that number (None on other channels)."""
        if self._own is not None:  # an answer stored as the number written from: the number
            self.state = _unmarked(self.state, self._own, self._mark)
        self._finished = False
        self._effects = False
        self._counts: list[tuple[str, str, str]] = []
        self.outcome = "start"
        """What the last turn was, for metrics (no personal data): flow, command, menu,
        local (a site answer), answer, suggest or none (a knowledge search), error."""
        self.searched: tuple[str, str] | None = None
        """The last turn's knowledge search: (language, answer|suggest|none), or None."""
        self.said: str | None = None
        """The last turn's input as it was stored (a CPR number masked): what a channel shows
        as the user's own line, never what was typed. None before a turn is saved."""

    def today(self) -> dt.date:
        return local(self.now()).date()

    def _stored(self) -> dict[str, Any]:
        """The state as the store keeps it: the SMS sender's number only as its mark."""
        return _marked(self.state.to_dict(), self._own, self._mark)

    @property
    def site(self) -> SiteInfo | None:
        """The jobcenter this conversation is at: the channel's (its kiosk, web page or SMS
        number), else the database's first; None on a database with no site."""
        if self._site is None and self.store is not None:
            sites = self.store.sites()
            found = sites.by_path(self.state.site) if self.state.site else None
            return found or sites.default()  # type: ignore[no-any-return]
        return self._site

    @property
    def municipality(self) -> str | None:
        """Whose knowledge entries show here (with the national ones); None: every one."""
        site = self.site
        return site.municipality if site else None

    @property
    def site_id(self) -> int | None:
        site = self.site
        return site.id if site else None

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, content: Content, store: SessionStore, key: str, channel: str,
             lang: str | None = None, **kw: Any) -> tuple[Conversation, list[Output]]:
        """Resume the session ``key`` where it stopped, or start a new one. Two first
        messages at once (two processes): one creates it, the other resumes it."""
        for _ in range(3):
            convo = cls.load(content, store, key, **kw)
            if convo is not None:
                if lang in LANGS:
                    convo.state.lang = lang
                return convo, [Say(tr("Welcome back. We continue where you stopped."),
                                   "notice"), *convo.prompt()]
            state = State(lang=lang if lang in LANGS else DEFAULT_LANG, channel=channel)
            convo = cls(content, state, store, None, **kw)
            outputs = convo.welcome()
            convo.session_id = store.create(key, channel, state.lang, convo._stored())
            if convo.session_id is not None:
                convo.version = 0
                return convo, outputs
            # created by another message a moment ago (and perhaps erased since): look again
        raise RuntimeError("a new session kept being created and erased at once")

    @property
    def wrote_outside(self) -> bool:
        """Whether the last turn wrote outside its own transaction (booked, cancelled, asked
        for a callback, saved a resume code): it must never be answered twice."""
        return self._effects

    @classmethod
    def load(cls, content: Content, store: SessionStore, key: str,
             **kw: Any) -> Conversation | None:
        """The saved session ``key``, or None if there is none."""
        saved = store.load(key)
        return cls.resume(content, store, saved, **kw) if saved else None

    @classmethod
    def resume(cls, content: Content, store: SessionStore, saved: Saved,
               **kw: Any) -> Conversation:
        """The conversation ``saved``, as read from the store."""
        convo = cls(content, State.from_dict(saved.state), store, saved.id, **kw)
        convo.version = saved.turns
        return convo

    @property
    def lang(self) -> str:
        return self.state.lang

    @property
    def asks_personal_data(self) -> bool:
        """Whether what the user types now may be personal, so that a screen can hide it once
        a step is done: typed for a step of a guide (a name, a phone number, a code, or in
        one's own words at a question with options: "мій дозвіл закінчується" at "what is it
        about?"), or for a member of staff writing with them. A question to the assistant
        outside a guide is not; an option's number is not (the screen knows it). Reads the
        state only; changes nothing."""
        if self.state.staff is not None:
            return True
        if not self.state.flow:
            return False
        fstate = FlowState.from_dict(self.state.flow)
        flow = self.content.flows.get(fstate.flow_id)
        return flow is not None and bool(fstate.step) and fstate.step in flow.steps

    def abandon(self) -> None:
        """The user walked away (kiosk wiped): count where they left, keep nothing on screen."""
        self._leave_flow("left")
        self.state.paused = None
        self._save_turn("", [], check=False)

    def waits_for_staff(self) -> bool:
        """The citizen asked for a member of staff and nobody has taken the request yet (a
        desk request at a kiosk, a chat on the web or by SMS). A request does not expire: the
        wait ends when a member of staff takes it or marks it done."""
        if self.state.staff_wait is not None:
            return True
        if self.store is None:
            return False
        from assistant.staffdesk import pending_request

        pending = pending_request(self.store, self.session_id)
        return pending is not None and pending.status == "open"

    def takes_more(self) -> bool:
        """Whether "more" is a message to answer now: later times, where a list of times
        offers them, or a message for the member of staff who has the conversation. (By SMS,
        else, it asks for the rest of a long reply.) Reads the state only."""
        if self.state.staff is not None:
            return True
        flow, fstate = self._flow()
        return bool(flow and fstate and engine.offers_later(flow, fstate))

    def remember_booking(self, booking_id: int | None) -> None:
        """This conversation made (or moved) booking ``booking_id``."""
        if booking_id is not None and booking_id not in self.state.booked:
            self.state.booked = [*self.state.booked, booking_id][-20:]

    def prompt(self) -> list[Output]:
        """What the user is being asked now, ready to show (free times offered afresh)."""
        if self.state.staff is not None:
            return [Say(tr("You are writing with a member of staff. Write your message here."),
                        "staff")]
        return self._offer_sender(self._resolve(self.current()))

    def welcome(self) -> list[Output]:
        return [Say(tr("Welcome to the jobcenter assistant. I can help you book a meeting, "
                       "find your options and answer questions."), "notice"), *self.menu()]

    # -- one turn ---------------------------------------------------------------------------

    def handle(self, raw: str) -> list[Output]:
        """Answer one input; the turn is persisted before the outputs are returned.

        Turns of one conversation are answered as if they came one at a time. When another
        turn (another thread or process) was saved after this conversation read its state,
        this turn is not saved, and is answered afresh from the state as it is now: it
        changed nothing yet, and an answer is a function of the state and the input. A turn
        that has written outside its own transaction (a booking) is never answered twice:
        it is saved as it is. After TURN_TRIES answers :class:`SessionChanged` is raised."""
        return self._afresh(lambda: self._answer(raw))

    def _afresh(self, turn: Callable[[], list[Output]]) -> list[Output]:
        """``turn``, done again from the saved state while another turn was saved first (at
        most TURN_TRIES times; then :class:`SessionChanged`)."""
        for attempt in range(1, TURN_TRIES + 1):
            try:
                return turn()
            except SessionChanged as changed:
                if attempt == TURN_TRIES:
                    raise
                self.state = _unmarked(State.from_dict(changed.saved.state), self._own,
                                       self._mark)
                self.version = changed.saved.turns
        raise AssertionError("unreachable")

    def change_language(self, lang: str) -> list[Output]:
        """The page's language menu: the conversation goes on in ``lang`` and shows again what
        it asks. Never an answer, even at a step that offers that language as an option (a
        language's name typed there is one: see _answers_current_step). The turn is saved
        with the input "🌐 <language>", which no step takes for its answer."""
        def turn() -> list[Output]:
            self._finished = self._effects = False
            self.outcome, self.searched = "command", None
            if self.state.staff is not None:  # the staff member's conversation goes on
                self.state.lang = lang
                outputs = [Say(tr("Language: {name}", name=LANG_NAMES[lang]), "notice"),
                           *self.prompt()]
            else:
                outputs = self._offer_sender(self._resolve(self._switch_language(lang)))
            self._save_turn(f"🌐 {LANG_NAMES[lang]}", outputs)
            return outputs

        return self._afresh(turn)

    def _first_words(self, text: str) -> None:
        """On the web page, by SMS and in the text channel the first message picks the
        language when it clearly is another one (the page only guessed it from the browser):
        "hello" answers in English, "привіт" in Ukrainian, and so does Ukrainian typed in
        Latin letters that the knowledge search reads as Ukrainian ("dobryi den, chy mozhu
        ya pratsiuvaty v danii?"); "hej, jeg vil gerne have hjælp" in Danish, while "what is
        løntilskud?" and one word ("hej") keep the language (the rule:
        :func:`assistant.commands.language_of`). Only the first message; the language menu
        changes it later. The kiosk asks first."""
        if self.version != 0 or self.state.channel not in ("web", "sms", "text"):
            return
        from assistant.commands import language_of

        lang = language_of(text)
        if lang is None and self.content.knowledge.reads_as_latin_ukrainian(text):
            lang = "uk"
        if lang is not None and lang in LANGS:
            self.state.lang = lang

    def _answer(self, raw: str) -> list[Output]:
        # CPR numbers masked before anything can store, log or echo the text; a long message
        # is read to MAX_INPUT_CHARS, and the user told so, on every channel (a question at
        # its end was answered from its beginning, unsaid)
        text, cpr, cut = read_input(raw)
        notices = [Say(tr("Please do not write your CPR number here. We have removed it."),
                       "notice")] if cpr else []
        if cut:
            notices.append(Say(tr("Your message was long, so only its first part was read. "
                                  "Please send the rest in a shorter message."), "notice"))
        self._finished = self._effects = False
        self.outcome, self.searched = "menu", None
        saved = self.state.to_dict()
        self._first_words(text)  # read with the Danish mask: no word of it tells a language
        if cpr and self.lang != "da":  # the mask in the conversation's language: "[CPR removed]"
            text = read_input(raw, self.lang).text
        if self.state.staff is not None and self.state.channel == "web" and \
                commands.match_command(text) == commands.FINISH:
            # "afslut" on the page ends its conversation even while a person has it (a shared
            # device): the word is in the staff transcript, with the end after it.
            self.outcome = "command"
            outputs = self._command(commands.FINISH)
            self._save_turn(text, outputs, check=not self._effects)
            return outputs
        if self.state.staff is not None:
            # A person has the conversation: the message is theirs to read (the turn is the
            # staff transcript), and the assistant does not answer it.
            self._save_turn(text, notices)
            return notices
        try:
            outputs = self._offer_sender(self._resolve(self._route(text)))
        except Exception:
            self.outcome = "error"
            # Never leave a user stuck: keep the state from before this input, say so.
            log.exception("turn failed in session %s", self.session_id)
            self.state = State.from_dict(saved)
            self._counts = []  # nor its statistics: tried again, it would count twice
            outputs = [Say(tr("Sorry, something went wrong. Please try again, or write "
                              "\"staff\"."), "error"), *self.current()]
        if self._finished and self.state.flow is None and not (
                outputs and isinstance(outputs[-1], Choices)):  # options already: the menu
            outputs.extend(self._after_flow())
        outputs[:0] = notices
        self._save_turn(text, outputs, check=not self._effects)
        return outputs

    def _effect(self) -> None:
        """The turn is about to write outside its own transaction (a booking, a callback
        request, a resume code): it will not be answered twice (see handle)."""
        self._effects = True

    def staff_turn(self, change: Callable[[State], list[Output]]) -> list[Output]:
        """A turn written from the staff side (a member of staff joins, writes, leaves):
        ``change`` changes the state and says what the citizen is shown. No input: the turn's
        input is empty. Like :meth:`handle`, done afresh when another turn came first."""
        def turn() -> list[Output]:
            outputs = change(self.state)
            self._save_turn("", outputs)
            return outputs

        return self._afresh(turn)

    def _save_turn(self, text: str, outputs: list[Output], check: bool = True) -> None:
        """Persist the turn; with ``check``, only if no other turn was saved since this
        conversation read the session (else :class:`SessionChanged`)."""
        counts, self._counts = self._counts, []
        self.said = text
        if self.store is not None and self.session_id is not None:
            self.store.record_turn(self.session_id, text, [to_json(o) for o in outputs],
                                   self._stored(), self.lang, counts=counts,
                                   day=self.now().date(), seen=self.version if check else None,
                                   site_id=self.site_id if counts else None)
            if self.version is not None:
                self.version += 1

    def current(self) -> list[Output]:
        """Show again what the user is being asked now (after a language change or resume)."""
        if self.state.awaiting == "language":
            return self._language_choices()
        if self.state.awaiting == "suggest":
            if again := self._suggestions_again():
                return again
            self.state.awaiting, self.state.suggestions = None, []
        flow, fstate = self._flow()
        if flow and fstate:
            return [Say(flow.title, "title"), *engine.prompt(flow, fstate)]
        return self.menu()

    def _numbered(self) -> list[Choice]:
        """The menu's options on every channel, numbered; each keeps its number whether or not
        a guide is paused ("6" is always the same guide). While a guide is paused, its own
        option is "Go on with: <guide>", under its own number (it is not listed twice, and no
        other option moves); a paused guide that the menu does not list goes on as "0", first."""
        flows = self.content.menu_flows()
        paused = self._paused_flow()
        kept = paused[0].id if paused else None

        def go_on(key: str) -> Choice:
            assert paused is not None
            return Choice(key, tr("Go on with: {title}", title=paused[0].title), PAUSED)

        options: list[Choice] = []
        if kept is not None and all(f.id != kept for f in flows):
            options.append(go_on("0"))
        options.extend(go_on(str(i)) if f.id == kept else Choice(str(i), f.title, f.id)
                       for i, f in enumerate(flows, 1))
        options.append(Choice(str(len(flows) + 1), tr("Ask a question"), ASK))
        options.append(Choice(str(len(flows) + 2), tr("Talk to staff"), STAFF_FLOW))
        return options

    def _labels(self, choice: Choice) -> list[str]:
        """The words that pick ``choice`` of the menu, in every language: its label, and for
        "Go on with" the paused guide's own title too (it stands in that guide's place)."""
        labels = [choice.label[lang] for lang in LANGS]
        if choice.value == PAUSED and (paused := self._paused_flow()) is not None:
            labels.extend(paused[0].title[lang] for lang in LANGS)
        return [commands.normalise_label(label) for label in labels]

    def menu(self) -> list[Output]:
        """The menu. A guide not offered on this channel (check-in, on the web and by SMS) is
        not shown, and the others keep their numbers: "3" is the same on every channel (its
        number or name typed anyway is told where it is offered)."""
        self.state.awaiting = "menu"
        offered = {f.id for f in self.content.menu_flows(self.state.channel)}
        hidden = {f.id for f in self.content.menu_flows()} - offered
        options = tuple(c for c in self._numbered() if c.value not in hidden)
        return [Say(tr("What would you like to do? Choose a number, or write your question."),
                    "prompt"), Choices(options)]

    # -- routing ----------------------------------------------------------------------------

    def _route(self, text: str) -> list[Output]:
        if not text:
            return [Say(tr("Please write something, or choose a number."), "error"),
                    *self.current()]
        if self.state.awaiting == "language":
            chosen = self._language_from(text)
            if chosen:
                return self._switch_language(chosen)
            if picked_number(text, self.lang) is not None:  # "5" under three languages
                return self._not_shown()
        lang = commands.match_language(text)
        if lang and not self._answers_current_step(text):
            return self._switch_language(lang)
        code = commands.match_resume(text)
        if code:
            return self._resume(code)
        request = commands.without_cpr(text)  # "ring mig op, mit cpr er [CPR fjernet]"
        command = commands.match_command(request)
        if command == commands.LEAVE and self._leave_word_asks_more(request):
            command = None
        if command:
            self.outcome = "command"
            return self._command(command)
        if commands.is_thanks(text):  # no answer to the step, and nothing to search for
            return [Say(tr("You are welcome."), "notice"), *self.current()]
        flow, fstate = self._flow()
        if flow and fstate:
            self.outcome = "flow"
            verify = bool(fstate.step) and flow.step(fstate.step or "").kind == "verify"
            if verify and commands.is_question(text) and not any(c.isdigit() for c in text) \
                    and not commands.asks_for_new_code(text):  # "kan I sende koden igen?"
                return self._aside(flow, text)  # no code in it: no try spent
            if verify:
                return self._proof_answer(flow, fstate, text)
            if self._without_code(flow, fstate, text):
                return self._no_code(flow, fstate)
            if self._menu_words_as_text(flow, fstate, text):
                return [Say(not_an_answer(), "error"), *engine.prompt(flow, fstate)]
            if (phone := self._phone_step(flow, fstate)) is not None:
                said = None if any(c.isdigit() for c in text) else parse_yes_no(text)
                if said is False:  # not the number written from: the number to use
                    return [Say(tr("Write the phone number to use: 8 digits, or + and the "
                                   "country code for a foreign number."), "prompt")]
                text = phone[1] if said else text
            turn = engine.answer(flow, fstate, text, self.today(), self.lang)
            if (commands.is_question(text) and not turn.valid) or (
                    turn.read and commands.asks_what(text)):
                return self._aside(flow, text)
            return self._flow_turn(flow, turn)
        if self.state.awaiting == "menu" or (self.state.awaiting is None and text.isdigit()):
            picked = self._menu_pick(text)
            if picked:
                return self._start(picked)
            if self.state.awaiting == "menu" and picked_number(text, self.lang) is not None:
                return self._not_shown()  # "15": no option of the menu, and no question
        number = None
        if self.state.awaiting == "suggest":  # "2", "tre", "three", "три", "nummer 2"
            number = whole_number(text)
            if number is None:
                number = chosen_number(text, self.lang)
        if number is not None:
            if 1 <= number <= len(self.state.suggestions):
                return self._suggestion(self.state.suggestions[number - 1])
            if self.state.suggestions == [AFTER_FLOW]:  # a number of the menu, as before
                self.state.awaiting = "menu"
                if (picked := self._menu_pick(text)) is not None:
                    return self._start(picked)
            if picked_number(text, self.lang) is not None:
                return self._not_shown()  # "5" under 3 options: never searched as a question
        if self.state.awaiting == "suggest" and \
                (named := self._suggestion_named(text)) is not None:
            return self._suggestion(named)  # "trin for trin": the option, not a search
        about = commands.callback_request(request)
        if about is not None:  # "call me back about my benefits": the call, and what about
            self.outcome = "command"
            return self._start_callback(about)
        asked = engine.requested(self.content.flows.values(), request)
        if asked:  # "flyt mit møde", "cancel my meeting": a request, not a question
            return self._start(asked[0].id, asked[1].answers)
        return self._ask_knowledge(text)

    def _not_shown(self) -> list[Output]:
        """A number (alone, or "nummer 5") that is no option shown: said so, and the options
        shown again, so that a number is never searched for as a question."""
        self.outcome = "menu"
        return [Say(tr("Please choose one of the numbers shown."), "error"), *self.current()]

    def _aside(self, flow: Flow, text: str) -> list[Output]:
        """A question typed in the middle of a guide, where it answers nothing ("hvad er
        dagpenge?" where a meeting type is asked): answered when the site file or the knowledge
        base is sure of the answer, and the guide's question is asked again with its place and
        answers kept (an aside is not a failed try). When not sure, it names the entries the
        search found (as plain lines: numbers pick the step's options), says how to read one
        ("menu", and ask again: the guide is kept, see State.paused), and asks the guide's
        question again."""
        fstate = FlowState.from_dict(self.state.flow or {})  # as it was before this input
        kind, outputs = self._look_up(text)
        last = outputs[-1] if outputs else None
        found = last if kind in ("local", "answer") else None
        titles = [dict(c.label) for c in last.options
                  if not c.value.startswith(next_steps.FLOW)] if isinstance(last, Choices) else []
        if found is None and titles:
            listed = {lang: "\n".join("- " + pick(title, lang) for title in titles)
                      for lang in LANGS}
            return [Say(tr("That looks like a question. I found this about it:"), "notice"),
                    Say(listed, "info"),
                    Say(tr("To read one, write \"menu\" and ask again: your answers here are "
                           "kept. Or answer the question below to go on."), "notice"),
                    *engine.prompt(flow, fstate)]
        if found is None:
            return [Say(tr("That looks like a question. I can answer it when you leave this "
                           "guide: write \"menu\", then your question; your answers here are "
                           "kept. Or answer the question below to go on."), "notice"),
                    *engine.prompt(flow, fstate)]
        self.outcome = "answer"
        return [found, Say(tr("You are still in the guide \"{title}\". Answer the question "
                              "below to go on, or write \"menu\" to leave it.",
                              title=flow.title), "notice"), *engine.prompt(flow, fstate)]

    @staticmethod
    def _without_code(flow: Flow, fstate: FlowState, text: str) -> bool:
        """At a step that asks for a booking code, ``text`` says there is none, or that it is
        forgotten ("jeg har ingen kode", "forgot", "я не маю коду"), and is no code itself."""
        from assistant.booking.codes import looks_like_code

        step = flow.step(fstate.step) if fstate.step else None
        return step is not None and step.kind == "input" and step.validate == "code" \
            and not looks_like_code(text) and commands.has_no_booking_code(text)

    def _menu_words_as_text(self, flow: Flow, fstate: FlowState, text: str) -> bool:
        """At a free-text step (a name), ``text`` is one of the menu's options ("Book a
        meeting", "Ask a question", in any language): the menu's words, not an answer. The
        validator refuses commands and buttons' words (validators._text, _name); the menu's options
        are the content's, known here."""
        step = flow.step(fstate.step) if fstate.step else None
        if step is None or step.kind != "input" or \
                (step.validate or "text") not in ("text", "name"):
            return False
        folded = commands.normalise_command(text)
        return any(folded in self._labels(choice) for choice in self._numbered())

    def _no_code(self, flow: Flow, fstate: FlowState) -> list[Output]:
        """No booking code: staff can find the meeting (the assistant looks meetings up only
        by their code, and never asks for a CPR number). At check-in, also the desk. The
        question is asked again, its tries not spent, for one who finds the code after all."""
        if any(step.action == "checkin" for step in flow.steps.values()):
            said = tr("If you do not have your booking code, a member of staff can find your "
                      "meeting and check you in. Write \"staff\" to get help now, or ask at "
                      "the desk.")
        else:
            said = tr("If you do not have your booking code, a member of staff can help you. "
                      "Write \"staff\" to get help.")
        return [Say(said, "notice"), *engine.prompt(flow, fstate)]

    def _look_up(self, text: str) -> tuple[str, list[Output]]:
        """What the site file (hours, address, phone: "local") or else the knowledge base
        ("answer", "suggest" or "none", counted as a search) says to ``text``."""
        local = local_answer(text, self.site, self.today())
        if local is not None:
            return "local", [local]
        outputs = self.content.knowledge.answer(text, self.lang, municipality=self.municipality)
        last = outputs[-1] if outputs else None
        kind = ("answer" if isinstance(last, Card) else
                "suggest" if isinstance(last, Choices) else "none")
        self.searched = (self.lang, kind)
        return kind, outputs

    def _ask_knowledge(self, text: str) -> list[Output]:
        self.state.awaiting, self.state.suggestions = None, []
        self.outcome, outputs = self._look_up(text)
        if self.outcome == "local":
            return [*outputs, *self.menu()]
        last = outputs[-1] if outputs else None
        if isinstance(last, Choices):  # not sure: a person is one of the options
            staff = next_steps.FLOW + STAFF_FLOW
            options = list(last.options)
            # ... and so is the guide through the first ("I'd like to become an adult
            # apprentice": the voksenlærling guide, not only three voksenlærling entries)
            first = options[0].value.removeprefix(next_steps.ENTRY) if options else ""
            guides = sorted(next_steps.guides_through(first, self.content, self.state.channel),
                            key=lambda flow: sum(step.entry is not None
                                                 for step in flow.steps.values()))
            for flow in guides[:1]:  # the guide most about it: the fewest entries besides
                if all(c.value != next_steps.FLOW + flow.id for c in options):
                    options.append(Choice("", next_steps.guide_label(flow),
                                          next_steps.FLOW + flow.id))
            if all(c.value != staff for c in options):
                options.append(Choice("", tr("Talk to staff"), staff))
            last = Choices(tuple(Choice(str(n), c.label, c.value)
                                 for n, c in enumerate(options, 1)))
            outputs[-1] = last
            self.state.awaiting = "suggest"
            self.state.suggestions = [c.value for c in last.options]
        elif isinstance(last, Card):
            outputs.extend(self._next_steps(last))
        elif (waiting := self._waiting_for_staff()) is not None:
            # what someone waiting for staff types ("Olena Kovalenko", "are you there?") is
            # for the person coming, not a question the assistant cannot answer (no menu after
            # it: by SMS that is another message to pay for, for nothing)
            return [waiting]
        else:
            outputs.extend(self.menu())
        return outputs

    def _waiting_for_staff(self) -> Say | None:
        """When the citizen waits for a member of staff (to come to the kiosk, or to write on
        the web page or by SMS): a reminder of that."""
        from assistant.staffdesk import pending_request, place_of, still_waiting

        if self.store is None:
            return None
        pending = pending_request(self.store, self.session_id)
        return still_waiting(pending, place_of(self)) if pending is not None else None

    def _suggestion_labels(self, value: str) -> list[Text]:
        """The name a numbered suggestion is shown by: an entry's title, "Talk to staff", a
        guide's title, or "Step by step: <title>" for a guide that shares its title with an
        entry it goes through or one shown beside it (next_steps tells them apart so)."""
        name = value.removeprefix(next_steps.FLOW)
        if name == STAFF_FLOW:
            return [tr("Talk to staff")]
        if not value.startswith(next_steps.FLOW):
            card = self._entry_card(value)
            return [card.title] if card is not None else []
        flow = self.content.flows.get(name)
        if flow is None:
            return []
        entries = [*(s.entry for s in flow.steps.values() if s.entry),
                   *(v for v in self.state.suggestions if not v.startswith(next_steps.FLOW))]
        titles = {t for card in map(self._entry_card, entries) if card is not None
                  for t in card.title.values()}
        return [next_steps.guide_label(flow) if titles & set(flow.title.values())
                else flow.title]

    def _entry_card(self, value: str) -> Card | None:
        return self.content.knowledge.card(value.removeprefix(next_steps.ENTRY),
                                           municipality=self.municipality)

    def _suggestion_named(self, text: str) -> str | None:
        """While numbered suggestions are shown: the one whose name the words typed are, or a
        clear part of, in any language ("trin for trin", "Step by step" for "Trin for trin:
        Voksenlærling"); None when they name none of them, or several ("voksenlærling" under
        the guide and an entry both named so: searched as a question, as before)."""
        named = {value for value in self.state.suggestions if value != AFTER_FLOW
                 and any(names_part(text, label[lang])
                         for label in self._suggestion_labels(value) for lang in LANGS)}
        return named.pop() if len(named) == 1 else None

    def _suggestions_again(self) -> list[Output]:
        """The numbered suggestions still open, shown again in the current language (after a
        resume or a language change), so that a number still picks what it picked before;
        nothing when one of them can no longer be shown (then the menu is)."""
        options = []
        for number, value in enumerate(self.state.suggestions, 1):
            name = value.removeprefix(next_steps.FLOW)
            if value == AFTER_FLOW:
                return []
            if name == STAFF_FLOW:
                label = tr("Talk to staff")
            elif value.startswith(next_steps.FLOW) and name in self.content.flows:
                label = self.content.flows[name].title
            elif (card := self.content.knowledge.card(value.removeprefix(next_steps.ENTRY),
                                                      municipality=self.municipality)):
                label = card.title
            else:
                return []
            options.append(Choice(str(number), label, value))
        return [Say(tr("What would you like to do now? Choose a number, or write another "
                       "question."), "prompt"), Choices(tuple(options))] if options else []

    def _suggestion(self, value: str) -> list[Output]:
        """A numbered suggestion picked: ``flow:<id>``, or an entry (``entry:<id>`` or, as
        sessions saved before next steps hold them, the bare id)."""
        self.state.awaiting, self.state.suggestions = None, []
        if value == AFTER_FLOW:
            return self.menu()
        if value.startswith(next_steps.FLOW):
            return self._start(value.removeprefix(next_steps.FLOW))
        card = self.content.knowledge.card(value.removeprefix(next_steps.ENTRY),
                                           municipality=self.municipality)
        if card is None:
            return [Say(tr("I do not have that information right now. A member of staff can "
                           "help."), "notice"), *self.menu()]
        return [card, *self._next_steps(card)]

    def _next_steps(self, card: Card) -> list[Output]:
        """After a knowledge answer: what the user may want next, as numbered options."""
        options = next_steps.next_steps(card, self.content, self.municipality,
                                        self.state.channel)
        self.state.awaiting, self.state.suggestions = "suggest", [c.value for c in options]
        return [Say(tr("What would you like to do now? Choose a number, or write another "
                       "question."), "prompt"), Choices(options)]

    def _leave_word_asks_more(self, text: str) -> bool:
        """A word that leaves a guide ("cancel", "aflys") is more than that here: an option of
        the question asked in the guide ("Cancel the meeting"), or, outside a guide, the
        request of one ("aflys" starts the guide that cancels a meeting)."""
        flow, fstate = self._flow()
        if flow and fstate:
            return engine.names_option(flow, fstate, text, self.lang)
        return engine.requested(self.content.flows.values(), text) is not None

    def _answers_current_step(self, text: str) -> bool:
        """A language name that is also an option of the current step is an answer."""
        flow, fstate = self._flow()
        if not (flow and fstate and fstate.step):
            return False
        step = flow.step(fstate.step)
        folded = commands.normalise_command(text)
        return any(commands.normalise_label(o.label[lang]) == folded
                   for o in step.options for lang in LANGS)

    def _command(self, command: str) -> list[Output]:
        flow, fstate = self._flow()
        if command == commands.HELP:
            extra = engine.help_for(flow, fstate) if flow and fstate else []
            asked = self.current()
            if self.state.channel == "sms" and self.state.awaiting == "menu" and not extra:
                # The menu is one SMS by itself: with the words it would take two, and
                # "talk to staff" would wait behind MORE. The words say how to reach staff.
                asked = [Say(tr("Write \"menu\" to see everything I can help with."), "info")]
            return [*extra, Say(tr(
                "You can write these words at any time: \"back\" (previous question), "
                "\"start over\" (this guide from the beginning), \"menu\", \"save\" (a code to "
                "continue later), \"language\", \"staff\" (talk to a person), \"help\"."),
                "info"), *asked]
        if command == commands.GREETING:
            return [Say(tr("Hello! I am the jobcenter's assistant."), "notice"),
                    *self.current()]
        if command == commands.ABOUT:
            return [Say(tr("I am the jobcenter's assistant, a computer program. I answer "
                           "questions about work, education and the jobcenter, and I help you "
                           "book a meeting. Write \"staff\" to talk to a person."), "notice"),
                    *self.current()]
        if command == commands.SAVE:
            return self._save()
        if command == commands.LANGUAGE:
            self.state.awaiting = "language"
            return self._language_choices()
        if command == commands.MENU:
            self._leave_flow("left", pause=True)
            return self.menu()
        if command == commands.FINISH:
            # The kiosk's Finish button, typed: the kiosk wipes its screen before asking the
            # core. The web page ends the conversation (its page starts a new one); by SMS
            # (one conversation per number) the menu, as "menu" gives it.
            self._leave_flow("left", pause=True)
            ended = self._end_on_the_page() if self.state.channel == "web" else []
            return [Say(tr("Thank you for using the jobcenter assistant."),
                        "notice"), *self.menu(), *ended]
        if command == commands.LEAVE:
            # "annuller", "never mind": out of the guide, its answers not kept (unlike "menu",
            # which keeps them to go on with)
            if flow and fstate:
                self._leave_flow("left")
                return [Say(tr("We stop \"{flow}\". Your answers there are not kept.",
                               flow=flow.title), "notice"), *self.menu()]
            return [Say(tr("There is nothing to stop. You are at the menu."), "notice"),
                    *self.menu()]
        if command == commands.STAFF:
            self._leave_flow("left", pause=True)
            return self._start(STAFF_FLOW)
        if command == commands.CALLBACK:
            self._leave_flow("left", pause=True)
            return self._start_callback()
        if command == commands.RESTART:
            self.state.paused = None
            if flow and fstate:  # only this flow: say which, and how to reach the rest
                self._count(flow.id, "restarted", fstate.step or "")
                return [Say(tr("We start \"{flow}\" again from the beginning. To choose something "
                               "else, write \"menu\".", flow=flow.title), "notice"),
                        *self._start(flow.id)]
            return self.menu()
        # back
        if flow and fstate:
            return self._flow_turn(flow, engine.back(flow, fstate))
        return self.menu()

    def _end_on_the_page(self) -> list[Output]:
        """The web page's conversation ends ("afslut"): its token opens nothing of it again.
        A member of staff who has it, or is asked for, no longer has anyone to write to: the
        request is done (it leaves the queue) and the transcript says the citizen ended it
        (``Done("ended")``)."""
        self.state.ended = True
        self.state.staff = self.state.staff_wait = None
        if self.store is None:
            return []
        from assistant.staffdesk import citizen_ended

        if not citizen_ended(self.store, self.session_id):
            return []
        self._effect()  # a request was closed: this turn is not answered twice
        return [Done("ended")]

    def _start_callback(self, about: str = "") -> list[Output]:
        """The staff flow at its callback option ("ring mig op", "call me back"). ``about``:
        what the request said the call is about ("about my benefits"), the answer to the
        question that takes one's own words (the topic), which is then not asked."""
        started = self._start(STAFF_FLOW)
        flow, fstate = self._flow()
        if not (flow and fstate and fstate.step):
            return started
        values = [option.value for option in flow.step(fstate.step).options]
        if "callback" not in values:
            return started
        topic = next((step.id for step in flow.steps.values()
                      if any(option.words for option in step.options)), None)
        if about and topic is not None:
            engine.give(flow, fstate, topic, about, self.today(), self.lang)
        turn = engine.answer(flow, fstate, str(values.index("callback") + 1), self.today(),
                             self.lang)
        return [Say(flow.title, "title"), *self._flow_turn(flow, turn)]

    def _save(self) -> list[Output]:
        flow, fstate = self._flow()
        if self.store is None or not (flow and fstate):
            return [Say(tr("There is nothing to save here yet. Saving works inside a guided "
                           "flow."), "notice"), *self.current()]
        self._effect()
        code = self.store.save_progress(self._stored(), self.now())
        self._count(flow.id, "saved", fstate.step or "")
        return [Say(tr("Your answers are saved. Your code is {code}. To continue on any kiosk, "
                       "by SMS or on the web page, write: resume {code}. The code works once "
                       "and for 7 days.", code=code), "notice"), Done("saved", (code,)),
                *self.current()]

    def _resume(self, code: str) -> list[Output]:
        saved = None
        if self.store is not None:
            self._effect()
            saved = self.store.take_progress(code, self.now())
        if saved is None:
            return [Say(tr("That code is not valid. It may have been used already, or it is "
                           "older than 7 days."), "error"), *self.current()]
        here = self.state
        self.state = _unmarked(State.from_dict(saved), self._own, self._mark)
        # proof belongs to this conversation, not to the one that saved the answers
        self.state.channel, self.state.proven = here.channel, list(here.proven)
        self._reprove()
        return [Say(tr("Welcome back. We continue where you stopped."), "notice"),
                *self.current()]

    def _language_choices(self) -> list[Output]:
        """The languages to choose from, asked in all three languages (who asks to change it
        may not read the one in use), the conversation's own first."""
        options = tuple(Choice(str(i), same(LANG_NAMES[lang]), lang)
                        for i, lang in enumerate(LANGS, 1))
        ask = tr("Choose your language.")
        asked = {lang: "\n".join(ask[other] for other in (lang, *(o for o in LANGS if o != lang)))
                 for lang in LANGS}
        return [Say(asked, "prompt"), Choices(options)]

    def _language_from(self, text: str) -> str | None:
        stripped = text.strip()
        named = commands.match_language(stripped) or (stripped if stripped in LANGS else None)
        if named:  # "dansk", "en" (English, not the Danish "one")
            return named
        number = picked_number(stripped, self.lang)  # "2", "to", "nummer 2"
        return LANGS[number - 1] if number is not None and 1 <= number <= len(LANGS) else None

    def _switch_language(self, lang: str) -> list[Output]:
        self.state.lang = lang
        if self.state.awaiting == "language":
            self.state.awaiting = None
        return [Say(tr("Language: {name}", name=LANG_NAMES[lang]), "notice"), *self.current()]

    def _menu_pick(self, text: str) -> str | None:
        number = picked_number(text, self.lang)  # "tre", "three", "три", "nummer 3"
        folded = str(number) if number is not None else commands.normalise_command(text)
        for choice in self._numbered():
            if folded == choice.key or folded in self._labels(choice):
                return choice.value
        return None

    def _start(self, flow_id: str, answers: Mapping[str, str] | None = None) -> list[Output]:
        if flow_id == PAUSED:
            return self._go_on()
        if flow_id == ASK:
            self.state.flow, self.state.awaiting = None, None
            return [Say(tr("Write your question in a few words."), "prompt")]
        flow = self._at_site(self.content.flows.get(flow_id))
        if flow is None:
            return [Say(tr("That is not available here. Please ask a member of staff."),
                        "error"), *self.menu()]
        if flow.only_at and self.state.channel not in flow.only_at:
            self.state.flow = None
            return [Say(tr("{title}: you can do this at the kiosk in the jobcenter, or a member "
                           "of staff can help you at the desk.", title=flow.title), "notice"),
                    *self.menu()]
        if flow.id == STAFF_FLOW:
            from assistant.actions import no_staff_here

            if (nobody := no_staff_here(self)) is not None:
                return nobody
        if self.state.flow and FlowState.from_dict(self.state.flow).flow_id != flow.id:
            self._leave_flow("left", pause=True)  # another guide begun: the one left is kept
        if self.state.paused and FlowState.from_dict(self.state.paused).flow_id == flow.id:
            self.state.paused = None  # begun afresh
        turn = (engine.begin_with(flow, answers, self.today(), self.lang) if answers else
                engine.begin(flow))
        self._count(flow.id, "started")
        self.state.awaiting = None
        return self._flow_turn(flow, turn)

    def _flow_turn(self, flow: Flow, turn: engine.Turn) -> list[Output]:
        self.state.flow = turn.state.to_dict()
        outputs = list(turn.outputs)
        if not turn.valid:
            self._count(flow.id, "invalid", turn.state.step or "")
        if turn.state.done:
            if not any(isinstance(out, Act) for out in outputs):
                self._count(flow.id, "completed")  # else when its action did it: completed()
            self.state.flow = None
            if flow.id != STAFF_FLOW:  # asking for a person keeps the guide asked from
                self.state.paused = None
            self._finished = True
        return outputs

    def _sender_number(self) -> str | None:
        """The number this turn's SMS came from, as a booking stores it (+45...), when it is
        one; None on every other channel."""
        if not self.sender:
            return None
        result = validate("phone", self.sender, {}, self.today())
        return str(result.value) if isinstance(result, Valid) else None

    def _phone_step(self, flow: Flow, fstate: FlowState) -> tuple[Step, str] | None:
        """By SMS, at a question for a phone number: the step, and the number the message
        came from, which is offered instead of being asked for (the web and the kiosk ask).
        "yes" takes it; it is proven as any number the SMS comes from (booking/proof.py),
        so no code is sent; another number written is taken, and proven with a code, as
        before."""
        if not fstate.step:
            return None
        step = flow.step(fstate.step)
        if step.kind != "input" or step.validate != "phone":
            return None
        number = self._sender_number()
        return (step, number) if number is not None else None

    def _offer_sender(self, outputs: list[Output]) -> list[Output]:
        """``outputs`` with the phone question, by SMS, offering the number written from
        (only its last 2 digits shown): "Use the number you write from, ending in 55?"."""
        if not self.sender or not self.state.flow:  # not by SMS, or in no guide: nothing
            return outputs
        flow, fstate = self._flow()
        phone = self._phone_step(flow, fstate) if flow and fstate else None
        if phone is None:
            return outputs
        step, number = phone
        offer = Say(tr("Use the number you write from, ending in {digits}? Reply YES, or "
                       "write another number.", digits=number[-2:]), "prompt")
        return [offer if isinstance(out, Say) and out.tone == "prompt" and out.text == step.text
                else out for out in outputs]

    def _proof_answer(self, flow: Flow, fstate: FlowState, text: str) -> list[Output]:
        """The answer at a verify step: the code (or not) that proves the phone number."""
        if self.content.proof is None:
            return [Say(tr("This cannot be done here yet. Please ask a member of staff."),
                        "notice")]
        request = engine.prompt(flow, fstate)[-1]
        assert isinstance(request, ProofRequest)
        if (refused := self._not_textable(request)) is not None:
            return self._resolve(refused)
        passed, outputs = self.content.proof.check(request, text, self)
        self._effect()  # a try was counted, a code spent or sent: never answered twice
        if not passed:
            self._count(flow.id, "invalid", fstate.step or "")
            return outputs
        return [*outputs, *self._flow_turn(flow, engine.proven(flow, fstate))]

    def _not_textable(self, req: ProofRequest) -> list[Output] | None:
        """At a verify step whose number can have no code (not a mobile number, where a code
        is needed: booking/proof.py no_code): why, and the phone question asked again (by SMS
        offering the number written from), so no path ("send again", a code typed, the
        number changed at the summary, a guide gone on with) texts it a code; None when a
        code may go."""
        assert self.content.proof is not None
        said = self.content.proof.no_code(req, self)
        if said is None:
            return None
        flow, fstate = self._flow()
        phone = flow.step(req.step_id).spec.get("phone") if flow and fstate and \
            fstate.step == req.step_id else None
        if flow is None or fstate is None or not isinstance(phone, str) or \
                phone not in flow.steps:
            return said
        self._count(flow.id, "invalid", req.step_id)
        turn = engine.ask_again(flow, fstate, phone)
        self.state.flow = turn.state.to_dict()
        return [*said, *turn.outputs]

    def _reprove(self) -> None:
        """Resumed from a code saved elsewhere: a verify step already passed counts only for
        numbers this conversation has proven (none, when just opened)."""
        flow, fstate = self._flow()
        if flow and fstate:
            self.state.flow = _unproven(flow, fstate).to_dict()
        if (paused := self._paused_flow()) is not None:
            self.state.paused = _unproven(*paused).to_dict()

    def _after_flow(self) -> list[Output]:
        """A guide is finished (a meeting booked, a result shown): what next, as an option
        like every other turn's (a button on the web and at the kiosk, "1" by SMS). Only the
        menu's button, not the menu: the confirmation stays in view on a small screen."""
        self.state.awaiting, self.state.suggestions = "suggest", [AFTER_FLOW]
        return [Say(tr("Write \"menu\" to see everything I can help with."), "info"),
                Choices((Choice("1", tr("Menu"), AFTER_FLOW),))]

    def _leave_flow(self, event: str, pause: bool = False) -> None:
        """The guide is left; with ``pause``, kept to go on with from the menu (State.paused)
        when the user was in the middle of it (past its first question). Talking to staff is
        not kept: it is always in the menu, and would push out the guide it was asked from."""
        flow, fstate = self._flow()
        if flow and fstate:
            self._count(flow.id, event, fstate.step or "")
            if pause and fstate.step and not fstate.done and fstate.history and \
                    flow.id != STAFF_FLOW:
                self.state.paused = fstate.to_dict()
        self.state.flow = None

    def _paused_flow(self) -> tuple[Flow, FlowState] | None:
        """The guide left in the middle, if it can be gone on with here (the flow and its step
        still exist, and it is offered on this channel)."""
        if not self.state.paused:
            return None
        fstate = FlowState.from_dict(self.state.paused)
        flow = self._at_site(self.content.flows.get(fstate.flow_id))
        if flow is None or not fstate.step or fstate.step not in flow.steps or (
                flow.only_at and self.state.channel not in flow.only_at):
            self.state.paused = None
            return None
        return flow, fstate

    def _go_on(self) -> list[Output]:
        """The menu's "Go on with": the paused guide at the step where it was left, its
        answers kept, the step's question asked again (a code step sends or takes its code as
        when first reached; a number this conversation has proven needs no new code)."""
        paused = self._paused_flow()
        self.state.paused, self.state.awaiting, self.state.suggestions = None, None, []
        if paused is None:
            return self.menu()
        flow, fstate = paused
        self.state.flow = fstate.to_dict()
        return [Say(flow.title, "title"), *engine.prompt(flow, fstate)]

    def _at_site(self, flow: Flow | None) -> Flow | None:
        """``flow`` as this conversation's site offers it: a step that asks for the meeting
        type offers the site's meeting types, in the site file's order (see site_options)."""
        site = self.site
        if flow is None or site is None or site.meeting_types is None:
            return flow
        from assistant.booking.conversation import site_options

        return site_options(flow, site.meeting_types)

    def _flow(self) -> tuple[Flow | None, FlowState | None]:
        if not self.state.flow:
            return None, None
        fstate = FlowState.from_dict(self.state.flow)
        flow = self._at_site(self.content.flows.get(fstate.flow_id))
        if flow is None or (fstate.step is not None and fstate.step not in flow.steps):
            self.state.flow = None  # the flow changed under a saved session: start clean
            return None, None
        return flow, fstate

    def _resolve(self, outputs: list[Output]) -> list[Output]:
        """Turn engine requests (show an entry, run an action) into things to show."""
        resolved: list[Output] = []
        for out in outputs:
            if isinstance(out, ShowEntry):
                card = self.content.knowledge.card(out.entry_id,
                                                   municipality=self.municipality)
                resolved.append(card if card else Say(tr(
                    "I do not have that information right now. A member of staff can help."),
                    "notice"))
            elif isinstance(out, SlotRequest):
                if self.content.offer_slots is None:
                    resolved.append(Say(tr("This cannot be done here yet. Please ask a member "
                                           "of staff."), "notice"))
                else:
                    offered = self._resolve(self.content.offer_slots(out, self))
                    first = offered[0] if offered else None
                    # no times as asked (none free, another kind of meeting, a date too far
                    # ahead), or the flow was left: the time question no longer applies
                    # (what is offered instead says what to do, with its own question)
                    gone = first.tone in ("error", "notice") or self.state.flow is None \
                        if isinstance(first, Say) else False
                    if gone and resolved and \
                            isinstance(resolved[-1], Say) and resolved[-1].tone == "prompt":
                        resolved.pop()
                    resolved.extend(offered)
            elif isinstance(out, MeetingRequest):
                if self.content.show_meeting is not None:
                    resolved.extend(self.content.show_meeting(out, self))
            elif isinstance(out, ProofRequest):
                if self.content.proof is None:
                    resolved.append(Say(tr("This cannot be done here yet. Please ask a member "
                                           "of staff."), "notice"))
                    continue
                if (refused := self._not_textable(out)) is not None:
                    resolved.extend(self._resolve(refused))
                    continue
                passed, said = self.content.proof.ask(out, self)
                if not passed:
                    self._effect()  # a code was sent: this turn is not answered twice
                resolved.extend(said)
                flow, fstate = self._flow()
                if passed and flow and fstate and fstate.step == out.step_id:
                    resolved.extend(self._resolve(self._flow_turn(flow,
                                                                  engine.proven(flow, fstate))))
            elif isinstance(out, Act):
                handler = self.content.actions.get(out.action)
                if handler is None:
                    resolved.append(Say(tr("This cannot be done here yet. Please ask a member "
                                           "of staff."), "notice"))
                else:
                    self._effect()
                    resolved.extend(self._resolve(handler(out, self)))
            else:
                resolved.append(out)
        return resolved

    def completed(self, act: Act) -> None:
        """``act`` did what its guide is for (a meeting booked, moved or cancelled, a
        check-in, a request for staff queued): the guide is counted as completed, once. An
        action refused, or one that sends the user back into the guide (a time just taken),
        does not call this: the guide, gone through again, is counted when it is done."""
        self._count(act.flow_id, "completed")

    def _count(self, flow_id: str, event: str, step_id: str = "") -> None:
        """Statistics are saved with the turn, in the same transaction."""
        self._counts.append((flow_id, event, step_id))
