"""Progress saved on one channel resumes on another, once, with a one-time code."""

from __future__ import annotations

import datetime as dt
import re

from assistant.channels.tui.kiosk import KioskApp
from assistant.conversation import Conversation
from assistant.outputs import Say
from assistant.text import pick

from .conftest import NOW
from .pilot import submit, tap
from .test_tui import all_text


def says(outputs, lang: str) -> str:
    return "\n".join(pick(o.text, lang) for o in outputs if isinstance(o, Say))


def test_save_at_the_kiosk_resume_by_sms_once(content, store) -> None:
    kiosk, _ = Conversation.open(content, store, "kiosk:1", "kiosk", "uk", now=lambda: NOW)
    assert "нічого зберігати" in says(kiosk.handle("зберегти"), "uk")
    kiosk.handle("5")
    kiosk.handle("40")
    saved = says(kiosk.handle("зберегти"), "uk")
    code = re.search(r"продовжити ([A-Z2-9]{6})", saved)[1]
    sms, _ = Conversation.open(content, store, "sms:abc", "sms", "da", now=lambda: NOW)
    out = sms.handle(f"fortsæt {code.lower()}")
    assert sms.lang == "uk" and "Що зараз найкраще описує вашу ситуацію?" in says(out, "uk")
    assert sms.state.flow["answers"] == {"age": 40}
    web, _ = Conversation.open(content, store, "web:x", "web", "en", now=lambda: NOW)
    assert "That code is not valid" in says(web.handle(f"resume {code}"), "en")


CYRILLIC = str.maketrans("ABEKMHOPCTYX", "АВЕКМНОРСТУХ")


def test_a_resume_code_typed_with_cyrillic_look_alike_letters_resumes(content, store) -> None:
    kiosk, _ = Conversation.open(content, store, "kiosk:c", "kiosk", "uk", now=lambda: NOW)
    kiosk.handle("5")
    kiosk.handle("40")
    code = ""
    while not set(code) & set("ABEKMHPCTYX"):  # a code with look-alike letters in it
        code = re.search(r"продовжити ([A-Z2-9]{6})", says(kiosk.handle("зберегти"), "uk"))[1]
    typed = code.translate(CYRILLIC).lower()
    assert typed != code.lower()
    sms, _ = Conversation.open(content, store, "sms:c", "sms", "uk", now=lambda: NOW)
    out = sms.handle(f"продовжити {typed}")
    assert "Що зараз найкраще описує вашу ситуацію?" in says(out, "uk"), (code, typed)


def test_codes_expire_after_seven_days(content, store) -> None:
    convo, _ = Conversation.open(content, store, "k2", "kiosk", "en", now=lambda: NOW)
    convo.handle("5")
    code = re.search(r"resume ([A-Z2-9]{6})", says(convo.handle("save"), "en"))[1]
    later = NOW + dt.timedelta(days=8)
    other, _ = Conversation.open(content, store, "k3", "kiosk", "en", now=lambda: later)
    assert "not valid" in says(other.handle(f"resume {code}"), "en")


async def test_the_kiosk_save_button_shows_a_code(content, store) -> None:
    app = KioskApp(content, store, lang="da")
    async with app.run_test(size=(80, 24)) as pilot:
        await tap(pilot, "#choice-5")
        await submit(pilot, "40")
        await tap(pilot, "#cmd-save")
        assert re.search(r"fortsæt [A-Z2-9]{6}", all_text(app))


def test_resuming_at_a_time_question_offers_the_free_times_again(content, store) -> None:
    from assistant.outputs import Choices

    convo, _ = Conversation.open(content, store, "slot-resume", "web", "en", now=lambda: NOW)
    for raw in ["1", "2", "1", "1"]:
        convo.handle(raw)
    again, opening = Conversation.open(content, store, "slot-resume", "web", now=lambda: NOW)
    choices = [o for o in opening if isinstance(o, Choices)]
    assert choices and "2026" in pick(choices[0].options[0].label, "en")
    assert "Your meeting is booked." not in says(again.handle("1"), "en")
