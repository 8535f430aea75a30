"""The text channel: one conversation over stdin/stdout, one reply block per input line."""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from collections.abc import Callable
from typing import TextIO

from assistant.channels.render import render_sms, render_text
from assistant.conversation import Content, Conversation
from assistant.store.sessions import SessionStore


def run_chat(content: Content, store: SessionStore, *, lang: str | None, channel: str,
             session_key: str | None, stdin: TextIO = sys.stdin,
             stdout: TextIO = sys.stdout,
             now: Callable[[], dt.datetime] | None = None) -> int:
    render = render_sms if channel == "sms" else render_text
    key = session_key or f"chat:{uuid.uuid4().hex}"
    convo, opening = Conversation.open(content, store, key, channel, lang,
                                       **({"now": now} if now else {}))
    if stdin.isatty():
        stdout.write(render(opening, convo.lang) + "\n\n")
        stdout.flush()
    for line in stdin:
        outputs = convo.handle(line.rstrip("\r\n"))
        stdout.write(render(outputs, convo.lang) + "\n\n")
        stdout.flush()
    return 0
