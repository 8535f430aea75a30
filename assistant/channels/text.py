"""The text channel: one conversation over stdin/stdout, one reply block per input line."""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from collections.abc import Callable
from typing import TextIO

from assistant.channels.render import render_text
from assistant.channels.sms import sms_turn
from assistant.conversation import Content, Conversation
from assistant.site.registry import SiteInfo
from assistant.store.sessions import SessionStore


def run_chat(content: Content, store: SessionStore, *, lang: str | None, channel: str,
             session_key: str | None, stdin: TextIO = sys.stdin,
             stdout: TextIO = sys.stdout,
             now: Callable[[], dt.datetime] | None = None, site: SiteInfo | None = None) -> int:
    if channel == "sms":
        return _run_sms(content, store, lang=lang, session_key=session_key, stdin=stdin,
                        stdout=stdout, now=now, site=site)
    key = session_key or f"chat:{uuid.uuid4().hex}"
    convo, opening = Conversation.open(content, store, key, channel, lang, site=site,
                                       **({"now": now} if now else {}))
    if stdin.isatty():
        stdout.write(render_text(opening, convo.lang) + "\n\n")
        stdout.flush()
    for line in stdin:
        outputs = convo.handle(line.rstrip("\r\n"))
        stdout.write(render_text(outputs, convo.lang) + "\n\n")
        stdout.flush()
    return 0


def _run_sms(content: Content, store: SessionStore, *, lang: str | None,
             session_key: str | None, stdin: TextIO, stdout: TextIO,
             now: Callable[[], dt.datetime] | None, site: SiteInfo | None = None) -> int:
    """Each line as one text message from one number, through the SMS channel itself: the
    reply block is exactly the SMS reply (cut to fit, with "reply MORE"; empty after STOP)."""
    key = session_key or f"chat:{uuid.uuid4().hex}"  # the same session as --channel text's
    for n, line in enumerate(stdin):
        reply = sms_turn(content, store, phone=f"chat:{key}", body=line.rstrip("\r\n"),
                         sid=f"chat-{uuid.uuid4().hex}-{n}", lang=lang or "da", session=key,
                         site=site,
                         **({"now": now} if now else {}))
        stdout.write(reply + "\n\n")
        stdout.flush()
    return 0
