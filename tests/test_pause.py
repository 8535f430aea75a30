"""A guide left in the middle is kept (State.paused): in the menu, its own option (under its own
number, so that no other option moves) goes on with it at its step, answers kept, until it is
begun afresh, a guide is finished or "start over" is written (the transcripts go_on_* show it on
every channel)."""

from __future__ import annotations

import uuid
from dataclasses import replace

from assistant.channels.render import render_text
from assistant.conversation import Content, Conversation, State
from assistant.outputs import Choices
from assistant.store.sessions import SessionStore

from .conftest import FIXED_OTP, NOW

OLD_SAVED = {"lang": "da", "flow": None, "awaiting": "menu", "suggestions": [],
             "channel": "kiosk", "proven": [], "booked": [3]}
"""A session's state as saved before guides could be paused: no "paused"."""

BOOKING_AT_TIME = {"flow_id": "book", "step": "slot",
                   "answers": {"meeting_type": "first_meeting", "language": "en"},
                   "history": ["meeting_type", "language"], "tries": 0, "changed": [],
                   "returning": False, "done": False, "offers": {}, "after": None}


def _open(content: Content, store: SessionStore, channel: str = "web") -> Conversation:
    convo, _ = Conversation.open(content, store, f"{channel}:{uuid.uuid4().hex}", channel, "en",
                                 now=lambda: NOW)
    return convo


def _shown(convo: Conversation, text: str) -> str:
    return render_text(convo.handle(text), "en")


def _menu(convo: Conversation) -> list[str]:
    """The labels of the menu the conversation shows now."""
    [choices] = [o for o in convo.menu() if isinstance(o, Choices)]
    return [f"{c.key}. {c.label['en']}" for c in choices.options]


def test_a_state_saved_before_pausing_existed_loads_and_is_saved_as_before() -> None:
    state = State.from_dict(OLD_SAVED)
    assert state.paused is None and state.booked == [3] and state.channel == "kiosk"
    assert state.to_dict() == OLD_SAVED


def test_a_paused_guide_is_saved_and_read_back_with_its_step_and_answers() -> None:
    state = State.from_dict({**OLD_SAVED, "paused": BOOKING_AT_TIME})
    again = State.from_dict(state.to_dict())
    assert again.paused == BOOKING_AT_TIME and again == state
    state.paused["answers"]["language"] = "da"  # the saved copy is apart from the state
    assert again.paused["answers"]["language"] == "en"


def test_a_paused_guide_survives_a_reload_from_the_store(content: Content,
                                                         store: SessionStore) -> None:
    key = f"web:{uuid.uuid4().hex}"
    convo, _ = Conversation.open(content, store, key, "web", "en", now=lambda: NOW)
    for text in ("1", "1", "2", "menu"):
        convo.handle(text)
    loaded = Conversation.load(content, store, key, now=lambda: NOW)
    assert loaded is not None
    assert _menu(loaded)[:2] == ["1. Go on with: Book a meeting", "3. Change or cancel a booking"]
    assert "Choose a time." in _shown(loaded, "1")
    assert loaded.state.paused is None
    assert loaded.state.flow["answers"] == {"meeting_type": "first_meeting", "language": "en"}


def test_no_guide_left_no_go_on_option(content: Content, store: SessionStore) -> None:
    convo = _open(content, store)
    assert _menu(convo)[0] == "1. Book a meeting"
    convo.handle("1")  # at the first question: nothing answered, nothing to keep
    convo.handle("menu")
    assert convo.state.paused is None and _menu(convo)[0] == "1. Book a meeting"


def test_starting_the_same_guide_afresh_drops_the_paused_one(content: Content,
                                                             store: SessionStore) -> None:
    convo = _open(content, store)
    for text in ("1", "1", "2", "menu"):
        convo.handle(text)
    assert "What kind of meeting do you need?" in _shown(convo, "I want to book a meeting")
    assert convo.state.paused is None
    convo.handle("menu")
    assert _menu(convo)[0] == "1. Book a meeting"


def test_start_over_drops_the_paused_guide(content: Content, store: SessionStore) -> None:
    convo = _open(content, store)
    for text in ("1", "1", "2", "menu", "5"):  # left the booking; One step up begun
        convo.handle(text)
    assert convo.state.paused is not None
    convo.handle("start over")
    convo.handle("menu")
    assert convo.state.paused is None
    assert not any("Go on with" in label for label in _menu(convo))


def test_only_the_latest_guide_left_is_kept(content: Content, store: SessionStore) -> None:
    convo = _open(content, store)
    for text in ("1", "1", "2", "menu", "5", "40", "menu"):  # then Adult apprenticeship
        convo.handle(text)
    menu = _menu(convo)
    assert menu[0] == "1. Book a meeting" and "5. Go on with: Adult apprenticeship" in menu
    assert sum("Go on with" in label for label in menu) == 1
    assert menu[-1] == "9. Talk to staff"


def test_the_staff_command_keeps_the_guide_it_leaves(content: Content,
                                                     store: SessionStore) -> None:
    convo = _open(content, store, "kiosk")
    for text in ("1", "1", "2", "staff"):
        convo.handle(text)
    assert convo.state.paused is not None and convo.state.paused["step"] == "slot"
    convo.handle("2")  # staff: a call back (a step answered), then left
    convo.handle("menu")
    assert convo.state.paused is not None and convo.state.paused["flow_id"] == "book"
    assert _menu(convo)[0] == "1. Go on with: Book a meeting"


def test_a_kiosk_wipe_drops_the_paused_guide(content: Content, store: SessionStore) -> None:
    convo = _open(content, store, "kiosk")
    for text in ("1", "1", "2", "menu"):
        convo.handle(text)
    convo.abandon()
    assert convo.state.paused is None


def test_going_on_at_the_code_step_asks_for_the_code_again_and_it_works(
        content: Content, store: SessionStore) -> None:
    convo = _open(content, store)
    for text in ("1", "2", "1", "1", "1", "Someone Else"):
        convo.handle(text)
    assert "6-digit code" in _shown(convo, "22334455")
    convo.handle("menu")
    assert _menu(convo)[0] == "1. Go on with: Book a meeting"
    shown = _shown(convo, "1")
    assert "6-digit code" in shown and "What kind of meeting" not in shown
    shown = _shown(convo, FIXED_OTP)
    assert "Is this right?" in shown and "- Name: Someone Else" in shown


def test_the_menu_keeps_its_numbers_while_a_guide_is_paused(content: Content,
                                                            store: SessionStore) -> None:
    """A citizen who learned "6 = repatriation" gets repatriation with a guide paused too, and
    the paused guide is listed once, under its own number (the tester's "7 7 menu 7 6")."""
    convo = _open(content, store)
    before = _menu(convo)
    for text in ("7", "7", "menu"):  # the Ukrainians' guide, one question answered, left
        convo.handle(text)
    menu = _menu(convo)
    assert convo.state.paused is not None and convo.state.paused["flow_id"] == "saerlov"
    assert [label.split(". ")[0] for label in menu] == [label.split(". ")[0] for label in before]
    assert [m for m, b in zip(menu, before, strict=True) if m != b] == \
        ["7. Go on with: Ukrainians - the special law"]
    assert sum("Ukrainians" in label for label in menu) == 1
    assert "Repatriation - moving home from Denmark" in _shown(convo, "6")


def test_the_paused_guide_s_own_name_goes_on_with_it(content: Content,
                                                     store: SessionStore) -> None:
    convo = _open(content, store)
    for text in ("1", "1", "2", "menu"):
        convo.handle(text)
    shown = _shown(convo, "Book a meeting")  # the words of its place in the menu
    assert "Choose a time." in shown and "What kind of meeting" not in shown
    assert convo.state.paused is None


def test_a_paused_guide_the_menu_does_not_list_goes_on_as_0(content: Content,
                                                            store: SessionStore) -> None:
    before = _menu(_open(content, store))
    unlisted = replace(content, flows={**content.flows,
                                       "book": replace(content.flows["book"], menu=False)})
    convo = _open(unlisted, store)
    convo.state.paused = dict(BOOKING_AT_TIME)
    menu = _menu(convo)
    assert menu[0] == "0. Go on with: Book a meeting"
    assert [label.split(". ", 1)[1] for label in menu[1:]] == \
        [label.split(". ", 1)[1] for label in before[1:]]
    assert "Choose a time." in _shown(convo, "0")
