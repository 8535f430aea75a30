"""The web page's conversation history: the session's stored turns, as the page shows them,
each in the language it was held in (so a reload keeps what was said, and a screen reader
reads an earlier message in its own language)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from assistant import jsoncodec
from assistant.i18n import tr
from assistant.store.models import Turn
from assistant.text import LANGS, pick

MAX_TURNS = 200
"""The most recent turns a history holds."""


def _item(stored: Mapping[str, Any], lang: str, calendar: str | None) -> dict[str, Any] | None:
    """A stored output (outputs.to_json) as the page shows it in ``lang``; None for what the
    page does not show in its history (options no longer on offer, requests to the core)."""
    kind = stored.get("type")
    if kind == "say":
        said = {"type": "say", "tone": stored.get("tone", "info"),
                "text": pick(stored.get("text", {}), lang)}
        return {**said, "lang": stored["lang"]} if stored.get("lang") in LANGS else said
    if kind == "card":
        card = {"type": "card", "id": stored.get("entry_id", ""),
                "title": pick(stored.get("title", {}), lang),
                "body": pick(stored.get("body", {}), lang)}
        source = stored.get("source")
        return {**card, "source": pick(source, lang)} if source else card
    if kind == "confirmation":
        return {"type": "confirmation", "heading": pick(stored.get("heading", {}), lang),
                "code_label": pick(tr("Code"), lang), "code": stored.get("code", ""),
                "rows": [{"label": pick(label, lang), "value": pick(value, lang)}
                         for label, value in stored.get("rows", [])],
                "notes": [pick(note, lang) for note in stored.get("notes", [])],
                "calendar": calendar,
                "calendar_label": pick(tr("Add the meeting to your calendar (.ics file)"),
                                       lang) if calendar else None}
    return None


def history(turns: Iterable[Turn], token: str, booked: Iterable[int],
            opening: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The turns (the last MAX_TURNS) as the page shows them: what the user said (an option's
    number with its label, as the page showed it) and the reply, each with its language. A
    conversation's ``opening`` (its welcome, stored outputs) comes first, in the language of
    its first turn. A confirmation links its calendar file while the booking is this
    conversation's."""
    mine = set(booked)
    shown: list[dict[str, Any]] = []
    kept = list(turns)
    rows: list[tuple[str, str, list[dict[str, Any]]]] = [
        (turn.input, turn.lang, jsoncodec.loads(turn.reply) if turn.reply else [])
        for turn in kept[-MAX_TURNS:]]
    if rows and len(kept) <= MAX_TURNS:
        rows.insert(0, ("", rows[0][1], opening))
    offered: dict[str, Any] = {}
    for said, lang, stored in rows:
        if said.strip() in offered:
            said = f"{said.strip()}. {pick(offered[said.strip()], lang)}"
        reply = []
        for out in stored:
            booking = out.get("booking_id")
            calendar = (f"/api/sessions/{token}/bookings/{booking}/calendar.ics"
                        if booking in mine else None)
            if (item := _item(out, lang, calendar)) is not None:
                reply.append(item)
        offered = {option["key"]: option.get("label", {}) for out in stored
                   if out.get("type") == "choices" for option in out.get("options", [])}
        if said or reply:
            shown.append({"said": said, "lang": lang, "reply": reply})
    return shown
