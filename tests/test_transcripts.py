"""Transcripts: input lines and the reply fragments a user must see, run through the text
channel exactly as `jobcenter-assistant chat` runs them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from assistant.channels.text import run_chat
from assistant.conversation import Content
from assistant.store.sessions import SessionStore

from .conftest import NOW

FOLDER = Path(__file__).parent / "transcripts"
FILES = sorted(FOLDER.glob("*.yaml"))


def run_transcript(content: Content, store: SessionStore, script: dict) -> list[str]:
    lines = "".join(turn["say"] + "\n" for turn in script["turns"])
    out = io.StringIO()
    code = run_chat(content, store, lang=script.get("lang"), channel=script.get("channel", "text"),
                    session_key=None, stdin=io.StringIO(lines), stdout=out, now=lambda: NOW)
    assert code == 0
    blocks = out.getvalue().split("\n\n")
    assert blocks[-1] == ""
    return blocks[:-1]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_transcript(path: Path, content: Content, store: SessionStore) -> None:
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    blocks = run_transcript(content, store, script)
    assert len(blocks) == len(script["turns"]), "one reply block per input line"
    for number, (turn, block) in enumerate(zip(script["turns"], blocks, strict=True), 1):
        for fragment in turn.get("expect", []):
            where = f"turn {number} ({turn['say']!r})"
            assert fragment in block, f"{where}: {fragment!r} missing:\n{block}"
        for fragment in turn.get("reject", []):
            assert fragment not in block, f"turn {number}: {fragment!r} unexpectedly in\n{block}"


def test_there_are_transcripts_in_every_language() -> None:
    langs = {yaml.safe_load(p.read_text(encoding="utf-8"))["lang"] for p in FILES}
    assert langs == {"da", "en", "uk"}
