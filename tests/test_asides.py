"""A question typed in the middle of a guide, where it answers nothing, is answered aside and
the guide goes on where it was (the transcripts question_in_guide_* show it on every channel)."""

from __future__ import annotations

from assistant.conversation import Content
from assistant.store.sessions import SessionStore

from .conftest import FIXED_OTP
from .test_booking_safety import _say, _web_at_the_code


def test_a_question_at_the_sms_code_step_is_answered_and_the_code_still_asked_for(
        content: Content, store: SessionStore) -> None:
    client, token, shown = _web_at_the_code(content, store)
    assert "6-digit code" in shown
    shown = _say(client, token, "what is voksenlærling?")
    assert "You are still in the guide \"Book a meeting\"" in shown
    assert "The code has 6 digits" not in shown
    assert "6-digit code" in shown  # the step's question again
    assert "Is this right?" in _say(client, token, FIXED_OTP)


def test_a_question_typed_without_the_danish_letters_reads_as_a_question() -> None:
    """A fast typist writes "hvornar", "ma", "far" for "hvornår", "må", "får": in the middle
    of a guide it is a question answered aside, not a wrong answer to the step."""
    from assistant import commands

    for text in ("hvornar har i abent", "ma jeg tage min mor med", "far jeg penge nu"):
        assert commands.is_question(text), text
