"""The kiosk's Finish button typed as a word ("afslut", "finish", "I'm done", "завершити"). At
the kiosk the screen wipes, as the button does (tests/test_kiosk.py); the web page and SMS have
no Finish button: the word gives the menu, as "menu" does, with a thank-you line, never "I do
not know the answer to that". On the web it also ends the conversation: its page starts a new
one (tests/test_web_sms.py)."""

from __future__ import annotations

import pytest

from assistant.conversation import Conversation, State
from assistant.outputs import Choices, Say

WORDS = [("da", "afslut"), ("da", "Jeg er færdig"), ("en", "Finish"), ("en", "I'm done"),
         ("uk", "Завершити"), ("uk", "я закінчила"),
         # a goodbye is done too ("farvel" in a guide said "please choose a number")
         ("da", "Farvel"), ("en", "bye"), ("uk", "до побачення"),
         # ... with thanks or courtesy words round it
         ("da", "ok farvel"), ("da", "tak for hjælpen, hav en god dag"),
         ("en", "thank you so much, goodbye"), ("uk", "дякую, до побачення")]
THANKS = {"da": "Tak fordi du brugte jobcentrets assistent.",
          "en": "Thank you for using the jobcenter assistant.",
          "uk": "Дякуємо, що скористалися помічником центру зайнятості."}
GO_ON = {"da": "Fortsæt:", "en": "Go on with:", "uk": "Продовжити:"}


def said(outputs: list, lang: str) -> list[str]:
    return [o.text[lang] for o in outputs if isinstance(o, Say)]


def options(outputs: list, lang: str) -> list[str]:
    return [c.label[lang] for o in outputs if isinstance(o, Choices) for c in o.options]


@pytest.mark.parametrize("channel", ["web", "sms"])
@pytest.mark.parametrize(("lang", "word"), WORDS)
def test_the_finish_word_on_the_web_or_by_sms_gives_the_menu(content, channel: str,
                                                             lang: str, word: str) -> None:
    convo = Conversation(content, State(lang=lang, channel=channel))
    convo.handle("1")  # book a meeting: the meeting type is asked
    convo.handle("1")  # first meeting: a further question
    outputs = convo.handle(word)
    assert said(outputs, lang)[0] == THANKS[lang]
    assert convo.state.flow is None and convo.state.awaiting == "menu"
    assert options(outputs, lang)[0].startswith(GO_ON[lang]), "the guide is kept, as at Menu"
    assert convo.lang == lang
    assert convo.state.ended is (channel == "web"), "by SMS the number's conversation goes on"


@pytest.mark.parametrize(("lang", "text"), [
    ("da", "hvornår skal jeg afslutte mit forløb"), ("en", "I'm done with my course, what now"),
    ("uk", "як завершити навчання")])
def test_the_finish_word_inside_a_sentence_is_no_command(content, lang: str, text: str) -> None:
    outputs = Conversation(content, State(lang=lang, channel="web")).handle(text)
    assert THANKS[lang] not in said(outputs, lang)
