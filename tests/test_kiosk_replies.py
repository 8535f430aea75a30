"""The conversation core's input handling, at the kiosk: a Ukrainian citizen books with a
+380 number and an interpreter, answers in words, and cancels with a code typed in Cyrillic."""

from __future__ import annotations

from sqlmodel import Session as DB
from sqlmodel import select
from textual.widgets import Button

from assistant.channels.tui.kiosk import KioskApp
from assistant.store.models import Booking, Outbox

from .conftest import FIXED_OTP
from .pilot import booking_code, submit, tap
from .test_tui import all_text


def on_screen(app: KioskApp) -> str:
    """The conversation and the buttons offered now."""
    return all_text(app) + "\n" + "\n".join(str(b.label) for b in app.screen.query(Button))

LOOK_ALIKES = str.maketrans("ABEKMHPCTYX", "АВЕКМНРСТУХ")


async def test_a_ukrainian_booking_and_cancel_at_the_kiosk(content, store) -> None:
    app = KioskApp(content, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await tap(pilot, "#lang-uk")
        await submit(pilot, "один")  # the menu's first choice, in words
        assert "Яка зустріч вам потрібна?" in on_screen(app)
        await submit(pilot, "п'ять")
        await submit(pilot, "у центрі")
        assert "Зрозуміло: У центрі зайнятості" in on_screen(app)
        await submit(pilot, "українська")
        assert "(з перекладачем)" in on_screen(app)
        await submit(pilot, "1")
        await submit(pilot, "Ольга Петренко")
        await submit(pilot, "+380 50 123 4567")
        shown = on_screen(app)
        assert "- Телефон: +380 50 123 4567" in shown
        assert ", з перекладачем (українська)" in shown
        await submit(pilot, "так")
        shown = on_screen(app)
        assert "Мова: українська, з перекладачем" in shown
        code = booking_code(shown)
        assert code and f"Kode: {code}" in shown, "the Danish copy for staff"

        await submit(pilot, "меню")
        await submit(pilot, "три")
        await submit(pilot, "скасувати")
        await submit(pilot, code.translate(LOOK_ALIKES).lower())
        assert "З яким номером телефону ви бронювали?" in on_screen(app)
        await submit(pilot, "+380501234567")
        assert "Ми надіслали SMS з кодом із 6 цифр на цей номер." in on_screen(app)
        await submit(pilot, FIXED_OTP)  # the code the SMS held: the number is the citizen's
        await submit(pilot, "так, скасувати")
        assert f"(код {code}) скасовано" in on_screen(app)
    with DB(store.engine) as db:
        booking = db.exec(select(Booking)).one()
        phones = {o.phone for o in db.exec(select(Outbox))}
    assert booking.status == "cancelled" and phones == {"+380501234567"}


async def test_a_multiple_choice_step_is_a_set_of_toggles_sent_with_done(content,
                                                                          store) -> None:
    app = KioskApp(content, store, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        for raw in ["4", "1", "2", "3", "1", "1", "no"]:
            await submit(pilot, raw)
        assert "Would you like to get better at any of these?" in on_screen(app)
        await tap(pilot, "#choice-2")
        await tap(pilot, "#choice-3")
        await tap(pilot, "#choice-2")
        await tap(pilot, "#choice-3")
        await tap(pilot, "#choice-2")
        labels = [str(b.label) for b in app.screen.query("#choices Button")]
        assert labels[:3] == ["☐ 1. Danish", "☑ 2. Maths", "☐ 3. IT"], "a mark, not colour"
        assert "become an adult apprentice" not in on_screen(app), "a tap sends nothing"
        await tap(pilot, "#choice-3")
        assert labels[-1] == "Done: send my choices"
        await tap(pilot, "#choices-done")
        shown = on_screen(app)
        assert "> 2, 3" in shown and "you may be able to become an adult apprentice" in shown


async def test_an_age_in_a_sentence_answers_a_question_of_age_ranges(content, store) -> None:
    app = KioskApp(content, store, lang="da")
    async with app.run_test(size=(80, 24)) as pilot:
        for raw in ["4", "1", "2"]:
            await submit(pilot, raw)
        assert "Hvor gammel er du?" in on_screen(app)
        await submit(pilot, "jeg er 42 år")
        shown = on_screen(app)
        assert "Hvilken ydelse får du?" in shown, "42 is in '30 år eller mere'"
        assert "Vælg venligst et af de viste numre." not in shown


async def test_a_typed_request_to_move_or_cancel_starts_the_change_flow(content,
                                                                          store) -> None:
    app = KioskApp(content, store, lang="da")
    async with app.run_test(size=(80, 24)) as pilot:
        await submit(pilot, "jeg vil flytte min tid")
        shown = on_screen(app)
        assert "Skriv din bookingkode. Den har 6 tegn." in shown
        assert "Hvad vil du gøre?" not in shown, "the request said it: move"
        await submit(pilot, "menu")
        await submit(pilot, "українська")
        await submit(pilot, "скасувати зустріч")
        assert "Напишіть код бронювання. Він має 6 символів." in on_screen(app)
