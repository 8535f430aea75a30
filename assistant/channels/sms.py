"""The SMS channel: one session per phone number, numbered text replies, segment-aware.

Framework-free: :func:`sms_turn` takes a message and returns the reply text; the web server
wraps it in a Twilio-compatible webhook (signature check, TwiML).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
from collections.abc import Mapping
from functools import lru_cache
from xml.sax.saxutils import escape

from assistant.channels.render import render_sms
from assistant.channels_keys import phone_hash
from assistant.commands import language_of
from assistant.conversation import TURN_TRIES, Content, Conversation, Withdrawn
from assistant.i18n import tr
from assistant.outputs import Output
from assistant.store.driver import Statement
from assistant.store.models import utcnow
from assistant.store.sessions import SessionGone, SessionStore
from assistant.store.sms_state import Claim, Look, PartTaken

GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXT = set("^{}\\[~]|€")
MAX_SEGMENTS = 3
STOP_WORDS = {"stop", "stopp", "стоп"}
START_WORDS = {"start", "старт"}
MORE_WORDS = {"more", "mere", "ще"}


_GSM7_ALL = frozenset(GSM7 | GSM7_EXT)


def is_gsm7(text: str) -> bool:
    return _GSM7_ALL.issuperset(text)


def segments(text: str) -> int:
    """How many SMS segments ``text`` needs: GSM-7 160/153, otherwise UCS-2 70/67. A
    two-unit character (a GSM-7 extension such as €, a UCS-2 surrogate pair such as an
    emoji) is never split between two segments, so it may leave one a unit short."""
    if not text:
        return 1
    if is_gsm7(text):  # an extension character takes two septets (escape + character)
        single, part = 160, 153
        if GSM7_EXT.isdisjoint(text):
            return 1 if len(text) <= single else math.ceil(len(text) / part)
        units = [2 if c in GSM7_EXT else 1 for c in text]
    else:
        single, part = 70, 67
        if len(text.encode("utf-16-le")) == 2 * len(text):  # no surrogate pairs
            return 1 if len(text) <= single else math.ceil(len(text) / part)
        units = [2 if ord(c) > 0xFFFF else 1 for c in text]
    if sum(units) <= single:
        return 1
    count, used = 1, 0
    for size in units:
        if used + size > part:
            count, used = count + 1, 0
        used += size
    return count


def split_reply(text: str, more_hint: str, max_segments: int = MAX_SEGMENTS) -> tuple[str, str]:
    """The part that fits in ``max_segments`` (with the hint to reply MORE), and the rest."""
    if segments(text) <= max_segments:
        return text, ""
    lines = text.split("\n")
    head: list[str] = []
    for i, line in enumerate(lines):
        candidate = "\n".join([*head, line, more_hint])
        if segments(candidate) > max_segments:
            if not head:  # one very long line: cut it by words
                words, cut = line.split(" "), []
                for word in words:
                    if segments(" ".join([*cut, word]) + "\n" + more_hint) > max_segments:
                        break
                    cut.append(word)
                if not cut:  # not even the first word fits: cut the word itself
                    word = words[0]
                    n = len(word)
                    while n > 1 and segments(word[:n] + "\n" + more_hint) > max_segments:
                        n -= 1
                    cut, words = [word[:n]], [word[:n], word[n:], *words[1:]]
                rest = " ".join(words[len(cut):])
                return " ".join(cut) + "\n" + more_hint, "\n".join([rest, *lines[i + 1:]])
            return "\n".join([*head, more_hint]), "\n".join(lines[i:])
        head.append(line)
    return text, ""


def twilio_signature(token: str, url: str, params: Mapping[str, str]) -> str:
    """Twilio's X-Twilio-Signature: HMAC-SHA1 over the URL and the sorted form fields."""
    data = url + "".join(f"{k}{params[k]}" for k in sorted(params))
    mac = _keyed(token).copy()
    mac.update(data.encode("utf-8"))
    return base64.b64encode(mac.digest()).decode()


@lru_cache(maxsize=4)
def _keyed(token: str) -> hmac.HMAC:
    """The HMAC keyed with ``token``, to copy: keying it costs more than the message does."""
    return hmac.new(token.encode(), digestmod=hashlib.sha1)


def valid_signature(token: str, url: str, params: Mapping[str, str], signature: str) -> bool:
    if not token or not signature:
        return False
    if hmac.compare_digest(twilio_signature(token, url, params), signature):
        return True
    if url.startswith("https://") and ":443/" in url:  # Twilio may sign without the port
        return hmac.compare_digest(
            twilio_signature(token, url.replace(":443/", "/", 1), params), signature)
    return False


def twiml(text: str) -> str:
    if not text:
        return '<?xml version="1.0" encoding="UTF-8"?><Response />'
    return ('<?xml version="1.0" encoding="UTF-8"?><Response><Message>'
            f"{escape(text)}</Message></Response>")


def sms_turn(content: Content, store: SessionStore, *, phone: str, body: str, sid: str,
             lang: str = "da", now=utcnow, session: str | None = None) -> str:
    """Run one SMS turn, at most once per ``sid``; returns the reply text ("" for none).
    The conversation is the number's own, or ``session`` (chat --channel sms --session)."""
    key, sid = phone_hash(phone), sid[:64]
    session = session or f"sms:{key}"
    gone = 0
    for attempt in range(1, TURN_TRIES + 1):
        look = store.sms.look(sid, key, session)
        if look.seen is not None:
            return look.seen
        claim = Claim(store.sms, sid, key)
        try:
            reply, changes = _reply(content, store, key, body, lang, now, look, claim, session)
            if changes is not None:
                store.sms.finish(claim, reply, key, changes)
            return reply
        except (Withdrawn, store.driver.integrity_error):
            # Another delivery of this message claimed it first: send what it sent.
            seen = None if claim.made else store.sms.seen(sid)
            if seen is None:
                raise
            return seen
        except SessionGone:
            # The conversation was erased while this turn was answered, and the turn left
            # nothing: answer the message once more, in a new conversation.
            gone += 1
            if gone == 2:
                raise
        except PartTaken:
            # Another message took the part this MORE read (another process sent it):
            # look again, and send the part after it, if there is one.
            if attempt == TURN_TRIES:
                raise
    raise AssertionError("unreachable")


def _reply(content: Content, store: SessionStore, key: str, body: str, lang: str, now,
           look: Look, claim: Claim, session: str) -> tuple[str, dict[str, object] | None]:
    """The reply, and the changes to the number's STOP/MORE state; no changes (None) when
    the conversation's turn has stored the reply and the changes with itself."""
    stopped, pending = look.contact.stopped, look.contact.pending
    word = body.strip().casefold()
    changes: dict[str, object] = {}
    if word in STOP_WORDS:
        return "", {"stopped": True, "pending": None}
    if word in START_WORDS and stopped:
        changes["stopped"] = False
        body = "menu"
    elif stopped:
        return "", {}
    if word in MORE_WORDS and pending:
        if look.session is not None:  # the rest is in the conversation's language
            lang = look.session.state.get("lang", lang)
        head, rest = _fit(pending, lang)
        store.sms.next_part(claim, head, key, pending, rest or None)
        return head, None

    def before_effects() -> None:
        if not claim.make():
            raise Withdrawn(claim.sid)

    if look.session is not None:
        convo = Conversation.resume(content, store, look.session, now=now)
    else:
        before_effects()  # opening a conversation stores it
        convo, _ = Conversation.open(content, store, session, "sms",
                                     language_of(body) or lang, now=now)
    convo.before_effects = before_effects
    reply = ""

    def finishing(outputs: list[Output]) -> list[Statement]:
        """The reply's statements, for the outputs of the turn as it is saved (a turn that
        is answered afresh calls this again, see Conversation.handle)."""
        nonlocal reply
        reply, rest = _fit(render_sms(outputs, convo.lang), convo.lang)
        pending_now = {"pending": rest or None} if rest or pending else {}
        return store.sms.finishing(claim, reply, key, {**changes, **pending_now})

    convo.handle(body, also=finishing)  # the turn and the reply to retries commit together
    return reply, None


def _fit(text: str, lang: str) -> tuple[str, str]:
    """What fits in the reply, and the rest for "reply MORE"."""
    return split_reply(text, tr("Reply MORE for the rest.")[lang])
