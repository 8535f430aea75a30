"""Staff requests and taking over a conversation: the staff side of the core.

A staff request is a citizen asking for a person: a desk request at a kiosk, a callback, or a
chat on the web page or by SMS. Requests wait in a queue (oldest first) until a member of
staff takes one; taking is one conditional update, so of two members of staff who take the
same request at once exactly one gets it, on any number of processes.

Taking a chat request takes the conversation over: its state says who has it
(``State.staff``), the citizen's messages go to that person's transcript and the assistant
does not answer them. What the member of staff writes reaches the citizen on their own
channel: the web page reads the conversation's new turns, an SMS conversation gets the text
through the outbox. The citizen is told, in their language, when the person joins and leaves.
Handing back lets the assistant answer again; closing ends the conversation's takeover too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, or_, true, update
from sqlalchemy.engine import Engine
from sqlmodel import Session as DB
from sqlmodel import select

from assistant import jsoncodec
from assistant.booking.caps import origin_of
from assistant.conversation import Content, Conversation, State
from assistant.i18n import tr
from assistant.outputs import Card, Choices, Output, Say, from_json
from assistant.privacy import clean_input, redact_cpr
from assistant.staff import audit
from assistant.store.models import CallbackRequest, Outbox, Staff, Turn, utcnow
from assistant.store.sessions import SessionStore
from assistant.text import pick, same

KINDS = ("desk", "callback", "chat")
MAX_REPLY = 1000
"""The longest message a member of staff sends at once (characters)."""


class NotYours(PermissionError):
    """The request is not (or no longer) taken by this member of staff."""


@dataclass(frozen=True)
class QueueItem:
    """One staff request as the queue shows it."""

    id: int
    kind: str
    place: str
    lang: str
    topic: str
    name: str
    phone: str
    since: dt.datetime
    status: str
    taken_by: str | None
    session_id: str | None
    unread: bool = False
    """The citizen wrote since the member of staff who took it last looked."""
    note: str = ""
    """What it is about in the citizen's own words ("something else": CPR numbers masked)."""

    def waiting(self, now: dt.datetime) -> dt.timedelta:
        return max(now - self.since, dt.timedelta(0))


@dataclass(frozen=True)
class Line:
    """One line of a conversation's transcript: who said it (citizen, assistant, staff), or
    ``ended`` (no text): the citizen ended the conversation on the web page."""

    seq: int
    who: str
    text: str
    at: dt.datetime


def place_of(convo: Conversation) -> str:
    return convo.place or "kiosk"


def is_remote(place: str) -> bool:
    """A citizen who is not at the jobcenter: a person writes with them where they are."""
    return place in ("web", "sms")


def still_waiting(pending: QueueItem, place: str) -> Say:
    """What a citizen whose request for staff is pending is told when they write again (ask
    for staff again, or type something the assistant cannot answer): at the jobcenter, once
    someone has taken it, that the person is on the way; else that they are in the queue."""
    if pending.status == "taken" and not is_remote(place):
        return Say(tr("A member of staff is on the way to you. Please wait here."), "notice")
    return Say(tr("You are already in the queue. A member of staff has been told. "
                  "Please wait."), "notice")


def pending_request(store: SessionStore, session_id: str | None) -> QueueItem | None:
    """The request of conversation ``session_id`` that is still open or taken, or None."""
    if session_id is None:
        return None
    with DB(store.engine) as db:
        row = db.exec(select(CallbackRequest).where(
            CallbackRequest.session_id == session_id, CallbackRequest.kind != "callback",
            CallbackRequest.status != "done").order_by(CallbackRequest.id)).first()
        return _item(row) if row is not None else None


def citizen_ended(store: SessionStore, session_id: str | None) -> bool:
    """The citizen ended conversation ``session_id`` (on the web page): its request for staff,
    waiting or taken, is done, so that nobody waits for or writes to a page that is gone.
    Whether there was one."""
    if session_id is None:
        return False
    with DB(store.engine) as db:
        done = db.exec(update(CallbackRequest).where(  # type: ignore[call-overload]
            CallbackRequest.session_id == session_id, CallbackRequest.kind != "callback",
            CallbackRequest.status != "done").values(status="done"))
        db.commit()
    return bool(done.rowcount)


def request_staff(convo: Conversation, topic: str) -> int | None:
    """Put the citizen of ``convo`` in the staff queue (a desk request at a kiosk, a chat on
    the web page or by SMS); returns the request's id (None: nothing stored). A conversation
    has one request at a time: asking again while it waits or is taken returns that one."""
    if convo.store is None:
        return None
    pending = pending_request(convo.store, convo.session_id)
    if pending is not None:
        return pending.id
    place = place_of(convo)
    row = convo.store.add_callback(
        kind="chat" if is_remote(place) else "desk", topic=topic[:40], lang=convo.lang,
        session_id=convo.session_id, place=place[:80], site_id=convo.site_id,
        origin=origin_of(convo.address), phone=convo.phone if place == "sms" else None)
    return row.id


def _item(row: CallbackRequest, unread: bool = False) -> QueueItem:
    assert row.id is not None
    return QueueItem(id=row.id, kind=row.kind, place=row.place or "kiosk", lang=row.lang,
                     topic=row.topic, name=row.name or "",
                     phone=row.phone if row.kind == "callback" and row.phone else "",
                     since=row.created_at,
                     status=row.status, taken_by=row.taken_by, session_id=row.session_id,
                     unread=unread, note=row.note or "")


class StaffDesk:
    """The staff queue and takeover, over one store (see the module's docstring)."""

    def __init__(self, content: Content, store: SessionStore,
                 now: Callable[[], dt.datetime] = utcnow) -> None:
        self.content, self.store, self.now = content, store, now

    @property
    def engine(self) -> Engine:
        return self.store.engine

    def queue(self, site_id: int | None = None) -> list[QueueItem]:
        """Every request not done yet, oldest first: of the site ``site_id`` (and of no
        site) if given."""
        here = or_(CallbackRequest.site_id == site_id,  # type: ignore[arg-type]
                   CallbackRequest.site_id.is_(None)) if site_id is not None else true()  # type: ignore[union-attr]
        with DB(self.engine) as db:
            rows = list(db.exec(select(CallbackRequest).where(CallbackRequest.status != "done",
                                                              here)
                                .order_by(CallbackRequest.created_at, CallbackRequest.id)))
            taken = {row.session_id for row in rows
                     if row.status == "taken" and row.kind == "chat" and row.session_id}
            last = dict(db.exec(select(Turn.session_id, func.max(Turn.seq)).where(  # type: ignore[call-overload]
                Turn.session_id.in_(taken), Turn.input != "")  # type: ignore[attr-defined]
                .group_by(Turn.session_id)).all()) if taken else {}
            return [_item(row, unread=row.session_id in taken
                          and last.get(row.session_id, 0) > (row.seen_turn or 0))
                    for row in rows]

    def get(self, request_id: int) -> QueueItem | None:
        with DB(self.engine) as db:
            row = db.get(CallbackRequest, request_id)
            return _item(row) if row is not None else None

    def take(self, request_id: int, staff: str) -> bool:
        """Take an open request; False when someone else took it first (or it is done). A
        chat's conversation is taken over, and the citizen told that a person has joined. A
        conversation that another member of staff already has is not taken."""
        before = self.get(request_id)
        if before is not None and before.kind == "chat" and before.session_id is not None:
            saved = self.store.load_by_id(before.session_id)
            holder = State.from_dict(saved.state).staff if saved is not None else None
            if holder is not None and holder != staff[:8]:
                return False
        with DB(self.engine) as db:
            taken = db.exec(update(CallbackRequest).where(  # type: ignore[call-overload]
                CallbackRequest.id == request_id, CallbackRequest.status == "open")
                .values(status="taken", taken_by=staff[:8], taken_at=self.now(),
                        seen_turn=self._last_turn(db, before)))
            db.commit()
        if taken.rowcount != 1:
            return False
        audit(self.engine, staff, "request_taken", request=request_id)
        item = self.get(request_id)
        if item is not None and item.kind == "chat":
            name = self._name(staff)

            def join(state: State) -> list[Output]:
                if state.ended:  # the citizen ended it on the page a moment before
                    return []
                state.staff, state.staff_wait = staff[:8], None
                return [Say(tr("{name} from the jobcenter has joined the conversation. You are "
                               "now writing with a person.", name=name), "staff")]

            self._staff_turn(item, join)
        return True

    def seen(self, request_id: int, staff: str, seq: int) -> None:
        """The member of staff who took the request has seen its conversation up to turn
        ``seq``: the queue no longer marks a new message before it."""
        with DB(self.engine) as db:
            db.exec(update(CallbackRequest).where(  # type: ignore[call-overload]
                CallbackRequest.id == request_id, CallbackRequest.taken_by == staff[:8],
                or_(CallbackRequest.seen_turn.is_(None),  # type: ignore[union-attr]
                    CallbackRequest.seen_turn < seq))  # type: ignore[operator]
                .values(seen_turn=seq))
            db.commit()

    def write(self, request_id: int, staff: str, text: str) -> None:
        """Send the citizen what a member of staff wrote (CPR numbers removed), on the
        citizen's channel; only by the one who took the request."""
        text = clean_input(text).strip()
        if not text:
            return
        item = self._mine(request_id, staff)
        self._staff_turn(item, lambda state: [  # masked in the language the citizen reads
            Say(same(redact_cpr(text, state.lang)[:MAX_REPLY].strip()), "staff")])
        audit(self.engine, staff, "request_reply", request=request_id)

    def hand_back(self, request_id: int, staff: str) -> None:
        """The assistant answers again; the citizen is told the person has left."""
        item = self._mine(request_id, staff)

        def leave(state: State) -> list[Output]:
            state.staff = state.staff_wait = None
            convo = Conversation(self.content, state, now=self.now)
            return [Say(tr("The member of staff has left the conversation. The assistant "
                           "answers you again."), "staff"), *convo.current()]

        if item.kind == "chat":
            self._staff_turn(item, leave)
        self._done(request_id, staff, "request_handed_back")

    def close(self, request_id: int, staff: str) -> bool:
        """The request is done: a chat's citizen is told the person has left and the
        conversation starts again from the menu. An open request may be closed by anyone
        (a callback made, a citizen gone); a taken one only by the one who took it."""
        item = self.get(request_id)
        if item is None or item.status == "done":
            return False
        if item.status == "taken" and item.taken_by != staff[:8]:
            raise NotYours(request_id)

        def leave(state: State) -> list[Output]:
            state.staff = state.staff_wait = None
            state.flow, state.awaiting, state.suggestions = None, None, []
            convo = Conversation(self.content, state, now=self.now)
            return [Say(tr("The member of staff has closed the conversation. Thank you for "
                           "writing."), "staff"), *convo.menu()]

        if item.kind == "chat" and item.status == "taken":
            self._staff_turn(item, leave)
        elif item.kind == "chat":  # nobody came: the citizen is told, and no longer waits
            self._staff_turn(item, self._not_taken)
        return self._done(request_id, staff, "request_closed")

    def transcript(self, session_id: str, after: int = 0, lang: str | None = None
                   ) -> list[Line]:
        """What the citizen wrote and was told, oldest first, CPR numbers removed. ``lang``:
        the assistant's lines in that language (the staff member's: a Danish-only member of
        staff reads what a Ukrainian citizen was told in Danish); None: as the citizen read
        them. The citizen's and the staff's own words stay as written."""
        with DB(self.engine) as db:
            turns = list(db.exec(select(Turn).where(Turn.session_id == session_id,
                                                    Turn.seq > after).order_by(Turn.seq)))
        lines: list[Line] = []
        for turn in turns:
            if turn.input:
                lines.append(Line(turn.seq, "citizen", redact_cpr(turn.input, turn.lang),
                                  turn.created_at))
            for item in jsoncodec.loads(turn.reply):
                if item.get("type") == "done" and item.get("kind") == "ended":
                    lines.append(Line(turn.seq, "ended", "", turn.created_at))
                    continue
                out = from_json(item)
                if out is not None:
                    who = "staff" if isinstance(out, Say) and out.tone == "staff" else "assistant"
                    shown = turn.lang if who == "staff" or lang is None else lang
                    lines.append(Line(turn.seq, who, redact_cpr(plain([out], shown), shown),
                                      turn.created_at))
        return lines

    # -- inside -----------------------------------------------------------------------------

    def _not_taken(self, state: State) -> list[Output]:
        """A waiting chat marked done without being taken: what the citizen can do now."""
        state.staff_wait = None
        convo = Conversation(self.content, state, now=self.now)
        return [Say(tr("Sorry, no member of staff can write with you right now. You can book "
                       "a meeting, or ask at the desk in the jobcenter."), "staff"),
                *convo.current()]

    @staticmethod
    def _last_turn(db: DB, item: QueueItem | None) -> int:
        if item is None or item.session_id is None:
            return 0
        last = db.exec(select(func.max(Turn.seq)).where(Turn.session_id == item.session_id)).one()
        return int(last or 0)

    def _name(self, staff: str) -> str:
        with DB(self.engine) as db:
            row = db.exec(select(Staff).where(Staff.initials == staff)).first()
            return row.name if row is not None and row.name else staff

    def _mine(self, request_id: int, staff: str) -> QueueItem:
        item = self.get(request_id)
        if item is None or item.status != "taken" or item.taken_by != staff[:8]:
            raise NotYours(request_id)
        return item

    def _done(self, request_id: int, staff: str, action: str) -> bool:
        """The request is done, and with it any other request its conversation still has
        (made twice before one request per conversation was kept)."""
        item = self.get(request_id)
        with DB(self.engine) as db:
            done = db.exec(update(CallbackRequest).where(  # type: ignore[call-overload]
                CallbackRequest.id == request_id, CallbackRequest.status != "done")
                .values(status="done"))
            if item is not None and item.session_id is not None and item.kind != "callback":
                db.exec(update(CallbackRequest).where(  # type: ignore[call-overload]
                    CallbackRequest.session_id == item.session_id,
                    CallbackRequest.kind != "callback", CallbackRequest.status != "done")
                    .values(status="done"))
            db.commit()
        audit(self.engine, staff, action, request=request_id)
        return bool(done.rowcount)

    def _staff_turn(self, item: QueueItem, change: Callable[[State], list[Output]]) -> None:
        """A turn of the request's conversation from the staff side; an SMS citizen gets
        what it says through the outbox."""
        if item.session_id is None:
            return
        saved = self.store.load_by_id(item.session_id)
        if saved is None:  # erased meanwhile
            return
        convo = Conversation.resume(self.content, self.store, saved, now=self.now)
        outputs = convo.staff_turn(change)
        if item.place == "sms":
            phone = self._phone(item.id)
            body = plain(_for_sms(outputs), convo.lang)
            if phone and body:
                with DB(self.engine) as db:
                    db.add(Outbox(phone=phone, lang=convo.lang, kind="staff", body=body,
                                  due_at=self.now()))
                    db.commit()

    def _phone(self, request_id: int) -> str | None:
        with DB(self.engine) as db:
            row = db.get(CallbackRequest, request_id)
            return row.phone if row is not None else None


def _for_sms(outputs: list[Output]) -> list[Output]:
    """What an SMS from the staff side holds: what staff say; a menu only as the word
    that shows it (the whole menu would be a long text, sent unasked)."""
    if not any(isinstance(out, Choices) for out in outputs):
        return outputs
    said: list[Output] = [out for out in outputs if isinstance(out, Say) and out.tone == "staff"]
    return [*said, Say(tr("Write \"menu\" to see everything I can help with."), "info")]




def plain(outputs: list[Output], lang: str) -> str:
    """Outputs as plain lines (for the transcript and for an SMS sent from the outbox)."""
    lines: list[str] = []
    for out in outputs:
        if isinstance(out, Say):
            lines.append(pick(out.text, lang))
        elif isinstance(out, Choices):
            lines.extend(f"{c.key} {pick(c.label, lang)}" for c in out.options)
        elif isinstance(out, Card):
            lines.append(pick(out.title, lang))
    return "\n".join(line for line in lines if line.strip())
