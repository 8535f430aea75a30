"""A citizen who wants out of a guide says so in their own words ("annuller", "never mind",
"я передумав", "jeg fortryder, jeg vil ikke booke alligevel") and is taken out of it, to the
menu, in their language, on the web and at the kiosk; by SMS, STOP, CANCEL and the gateway's
other opt-out words stay opt-outs. "Choose one of the numbers shown" in a guide says how to go
back or leave."""

from __future__ import annotations

import uuid

import pytest

from assistant.channels.sms import sms_turn
from assistant.conversation import Conversation, State
from assistant.outputs import Choices
from assistant.store.sessions import SessionStore

from .conftest import NOW
from .replies import said_text

LEAVING = [
    ("da", "stop"), ("da", "Stop!"), ("da", "annuller"), ("da", "fortryd"), ("da", "glem det"),
    ("da", "jeg fortryder, jeg vil ikke booke alligevel"), ("da", "jeg vil ikke alligevel"),
    ("en", "never mind"), ("en", "cancel"), ("en", "quit"), ("en", "exit"),
    ("en", "I've changed my mind"), ("en", "I don't want to book after all"),
    ("uk", "скасувати"), ("uk", "передумала"), ("uk", "я передумав"),
    ("uk", "Я передумала, не хочу записуватися"), ("uk", "стоп"),
]
STOPPED = {"da": 'Vi stopper "Book et møde".', "en": 'We stop "Book a meeting".',
           "uk": "Зупиняємо «Записатися на зустріч»."}
MENU = {"da": "Hvad vil du gerne?", "en": "What would you like to do?",
        "uk": "Що ви хочете зробити?"}
NOT_KNOWN = {"da": "Det ved jeg desværre ikke", "en": "I do not know the answer",
             "uk": "я не знаю відповіді"}


@pytest.mark.parametrize("channel", ["web", "kiosk"])
@pytest.mark.parametrize(("lang", "said"), LEAVING)
def test_words_for_leaving_a_guide_leave_it_for_the_menu(content, channel: str, lang: str,
                                                         said: str) -> None:
    convo = Conversation(content, State(lang=lang, channel=channel))
    convo.handle("1")  # "Book a meeting", at its first question
    assert convo.state.flow is not None
    reply = convo.handle(said)
    assert STOPPED[lang] in said_text(reply, lang)
    assert MENU[lang] in said_text(reply, lang) and isinstance(reply[-1], Choices)
    assert convo.state.flow is None
    assert convo.state.paused is None  # not offered to go on with: the citizen said no
    assert convo.state.awaiting == "menu"


@pytest.mark.parametrize(("lang", "said"), [("da", "stop"), ("en", "quit"), ("en", "stop"),
                                            ("uk", "передумав"), ("da", "never mind")])
def test_a_word_for_leaving_at_the_menu_shows_the_menu(content, lang: str, said: str) -> None:
    convo = Conversation(content, State(lang=lang, channel="web"))
    reply = convo.handle(said)
    assert NOT_KNOWN[lang] not in said_text(reply, lang)
    assert MENU[lang] in said_text(reply, lang) and isinstance(reply[-1], Choices)


@pytest.mark.parametrize(("lang", "said"), [("da", "aflys"), ("en", "cancel"),
                                            ("uk", "скасувати")])
def test_a_word_for_leaving_that_is_an_option_chooses_it(content, lang: str, said: str) -> None:
    """At "What would you like to do?" (change or cancel a meeting) "cancel" is the option."""
    convo = Conversation(content, State(lang=lang, channel="web"))
    convo.handle("3")  # change or cancel a booking
    convo.handle(said)
    assert convo.state.flow is not None and convo.state.flow["answers"]["what"] == "cancel"


@pytest.mark.parametrize(("lang", "back", "menu"), [("da", '"tilbage"', '"menu"'),
                                                    ("en", '"back"', '"menu"'),
                                                    ("uk", "«назад»", "«меню»")])
def test_choose_a_number_in_a_guide_says_how_to_go_back_or_leave(content, lang: str, back: str,
                                                                 menu: str) -> None:
    convo = Conversation(content, State(lang=lang, channel="web"))
    convo.handle("1")
    said = said_text(convo.handle("xyz"), lang)
    assert back in said and menu in said


def test_by_sms_stop_and_cancel_in_a_guide_still_opt_out(content, store: SessionStore) -> None:
    """The gateway's opt-out words are the SMS channel's before the conversation sees them:
    in a guide as at the menu, STOP and CANCEL stop the messages (and START brings them back);
    "annuller", no opt-out word, leaves the guide by SMS as on the web."""
    phone = "+4522334455"

    def text(body: str) -> str:
        return sms_turn(content, store, phone=phone, body=body, sid=uuid.uuid4().hex,
                        now=lambda: NOW)

    for opt_out in ("STOP", "cancel", "Quit"):
        assert "Book et møde" in text("1")
        assert text(opt_out) == ""
        assert text("1") == ""  # stopped: no reply at all
        assert "Book et møde" in text("START")
    assert "Hvilken slags møde" in text("1")
    left = text("annuller")
    assert 'Vi stopper "Book et møde".' in left and "Hvad vil du gerne?" in left
