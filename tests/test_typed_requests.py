"""Check-in asked for in one's own words ("tjek ind", "check in", "я прийшов на зустріч")
starts check-in at the kiosk only: on the web and by SMS the reply says it is done at the kiosk
(a code alone there would check in someone who is not in the jobcenter)."""

from __future__ import annotations

import pytest

from assistant.conversation import Conversation, State

from .replies import said_text

ASKED = [("da", "tjek ind"), ("da", "jeg skal tjekke ind"), ("en", "check in"),
         ("en", "I'm here for my meeting"), ("uk", "відмітитися"),
         ("uk", "я прийшов на зустріч")]
CODE_QUESTION = {"da": "Skriv din bookingkode.", "en": "Write your booking code.",
                 "uk": "Напишіть код бронювання."}
AT_THE_KIOSK = {"da": "ved skærmen i jobcentret", "en": "at the kiosk in the jobcenter",
                "uk": "на кіоску в центрі зайнятості"}


@pytest.mark.parametrize(("lang", "text"), ASKED)
def test_check_in_asked_for_in_own_words_starts_it_at_the_kiosk(content, lang: str,
                                                                text: str) -> None:
    shown = said_text(Conversation(content, State(lang=lang, channel="kiosk")).handle(text), lang)
    assert CODE_QUESTION[lang] in shown


@pytest.mark.parametrize("channel", ["web", "sms"])
@pytest.mark.parametrize(("lang", "text"), ASKED)
def test_check_in_asked_for_on_the_web_or_by_sms_is_told_to_be_at_the_kiosk(
        content, channel: str, lang: str, text: str) -> None:
    convo = Conversation(content, State(lang=lang, channel=channel))
    shown = said_text(convo.handle(text), lang)
    assert AT_THE_KIOSK[lang] in shown and CODE_QUESTION[lang] not in shown
    assert convo.state.flow is None
