"""A citizen sees where a knowledge answer comes from: one plain line under it, in their own
language ("Kilde: Slagelse Kommunes beskæftigelsesplan 2023-24"), on every channel; never a
file name or line numbers (those are for staff)."""

from __future__ import annotations

from xml.sax.saxutils import unescape

import pytest
from starlette.testclient import TestClient
from textual.widgets import Static

from assistant.channels.sms import _text, bare, segments
from assistant.channels.tui.kiosk import KioskApp
from assistant.channels.web import make_app
from assistant.outputs import Card
from assistant.text import same

from .pilot import submit, tap
from .test_tui import all_text
from .test_web_sms import BASE, TOKEN, sms

QUESTION = {"da": "hvad er sprogcenter", "en": "what is the language centre",
            "uk": "що таке мовний центр"}
SOURCE = {"da": "Kilde: Slagelse Kommunes beskæftigelsesplan 2023-24",
          "en": "Source: Slagelse Municipality's employment plan 2023-24",
          "uk": "Джерело: план зайнятості муніципалітету Слагельсе 2023-24"}
"""The one source of the entry on the language school (sprogcenter), by its real title."""


def no_references(text: str) -> None:
    assert "seeds/" not in text and "facts/" not in text and ".txt" not in text, text


@pytest.mark.parametrize("lang", ["da", "en", "uk"])
async def test_a_citizen_at_the_kiosk_sees_the_answers_source_in_their_language(
        content, store, lang: str) -> None:
    app = KioskApp(content, store)
    async with app.run_test(size=(120, 40)) as pilot:
        await tap(pilot, f"#lang-{lang}")
        await submit(pilot, QUESTION[lang])
        shown = all_text(app)
        assert SOURCE[lang] in shown, shown
        others = [SOURCE[other] for other in SOURCE if other != lang]
        assert not any(line in shown for line in others)
        no_references(shown)
        # set apart from the answer's text: its own paragraph, in italics (and dimmed)
        card = next(w for w in app.screen.query(Static) if SOURCE[lang] in str(w.render()))
        styles = [str(span.style) for span in card.render().spans
                  if SOURCE[lang] in card.render().plain[span.start:span.end]]
        assert styles and "italic" in styles[0]
        assert f"\n\n{SOURCE[lang]}" in card.render().plain


async def test_the_interpreter_view_shows_the_source_in_both_languages(content, store) -> None:
    app = KioskApp(content, store, lang="uk", bilingual=True)
    async with app.run_test(size=(160, 50)) as pilot:
        await submit(pilot, QUESTION["uk"])
        shown = all_text(app)
        assert SOURCE["uk"] in shown and SOURCE["da"] in shown, shown


async def test_high_contrast_keeps_the_source_line_undimmed(content, store) -> None:
    app = KioskApp(content, store, lang="da", high_contrast=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await submit(pilot, QUESTION["da"])
        card = next(w for w in app.screen.query(Static) if SOURCE["da"] in str(w.render()))
        styles = [str(span.style) for span in card.render().spans]
        assert "italic" in styles and not any("dim" in s for s in styles)


@pytest.fixture
def client(content, store, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("ASSISTANT_TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", BASE)
    return TestClient(make_app(content, store), base_url=BASE)


@pytest.mark.parametrize("lang", ["da", "en", "uk"])
def test_the_web_page_gets_the_source_with_the_answer_and_after_a_reload(
        client: TestClient, lang: str) -> None:
    token = client.post("/api/sessions", json={"lang": lang}).json()["session"]
    data = client.post(f"/api/sessions/{token}/messages", json={"text": QUESTION[lang]}).json()
    cards = [item for item in data["reply"] if item["type"] == "card"]
    assert cards and cards[0]["source"] == SOURCE[lang]
    no_references(str(data["reply"]))
    history = client.get(f"/api/sessions/{token}/history").json()["turns"]
    kept = [item for turn in history for item in turn["reply"] if item["type"] == "card"]
    assert kept and kept[-1]["source"] == SOURCE[lang]


def test_the_web_page_shows_the_source_as_text_in_its_own_paragraph(client: TestClient) -> None:
    """The page writes it with textContent (escaped), as a <p class="source"> in the card,
    with the reply's language."""
    js = client.get("/static/app.js").text
    assert 'element("p", "source", item.source, lang)' in js
    assert "p.source" in client.get("/static/app.css").text


def test_an_sms_answer_carries_its_source_under_it(client: TestClient) -> None:
    """The answer with what comes after it takes two messages: the source line is where the
    answer ends, in the first or the MORE, and costs no third."""
    first = unescape(sms(client, QUESTION["da"], "SMsrc1").text)
    more = unescape(sms(client, "mere", "SMsrc2").text)
    assert "Svar MERE" not in more
    assert SOURCE["da"] in first + more, first + more
    no_references(first + more)


def test_sms_leaves_the_source_out_only_when_it_would_cost_another_message() -> None:
    source = {"da": SOURCE["da"]}
    short = [Card("x", same("Titel"), same("Kort svar."), source=source)]
    assert SOURCE["da"] in _text(short, "da")
    # a body that just fits three segments: the source line would need a MORE of its own
    body = ("Et svar. " * 60)[:3 * 153 - 40].strip()
    full = [Card("x", same("T"), same(body), source=source)]
    sent = bare(_text(full, "da"))  # the marks split_reply reads are never sent
    assert segments(sent) <= 3 and SOURCE["da"] not in sent
    # a long answer read with MORE anyway: the source comes at its end, in the last part
    long = [Card("x", same("T"), same("\n".join(["Et svar i flere dele."] * 40)),
                 source=source)]
    assert _text(long, "da").endswith(SOURCE["da"])
