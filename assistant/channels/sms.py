"""The SMS channel: one session per phone number, numbered text replies, segment-aware.

Framework-free: :func:`sms_turn` takes a message and returns the reply text; the web server
wraps it in a Twilio-compatible webhook (signature check, TwiML).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import escape

from sqlalchemy.exc import IntegrityError

from assistant.channels.render import render_sms
from assistant.channels_keys import phone_hash
from assistant.commands import language_of, normalise_command
from assistant.conversation import TURN_TRIES, Content, Conversation
from assistant.flow.replies import whole_number, words
from assistant.i18n import tr
from assistant.outputs import Card, Choices, Output, Say, from_json
from assistant.site.registry import SiteInfo
from assistant.store.models import utcnow
from assistant.store.saved import Saved
from assistant.store.sessions import SessionGone, SessionStore
from assistant.store.sms import Look, PartTaken
from assistant.validators import parse_yes_no

GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXT = set("^{}\\[~]|€")
MAX_SEGMENTS = 3
"""The segments a reply may take in GSM-7 (459 characters) before the rest waits for MORE."""
MAX_UCS2_SEGMENTS = 6
"""The segments a reply may take in UCS-2 (Cyrillic, or any character GSM-7 lacks): 402
characters, about what a GSM-7 reply holds. At 3 (201 characters) a Ukrainian list of times
showed two before MORE, where the Danish one shows all five and "later times"."""
STOP_WORDS = {
    "stop", "stopp", "stopall", "stop all", "unsubscribe", "unsubscribe me", "optout",
    "opt out", "cancel", "end", "quit", "revoke",  # the gateway's (Twilio's) own opt-out words
    "afmeld", "frameld", "hold op", "hold så op",
    "afmeld mig", "frameld mig", "stop sms", "stop beskeder", "stop messages", "stop texts",
    "стоп", "стоп смс", "зупинити", "зупини", "відписатися", "відписатись", "відписка",
    "відпишіть мене", "скасувати підписку",
    # plain opt-outs in one's own words
    "stop it", "stop sending", "stop sending me", "stop sending messages",
    "stop sending me messages", "stop texting", "stop texting me", "stop messaging me",
    "remove me", "no more messages", "no more texts", "no more sms",
    "afmelding", "fjern mig", "hold op med at skrive", "hold op med at skrive til mig",
    "stop med at skrive", "stop med at skrive til mig", "ikke flere beskeder", "ikke flere sms",
    "більше не пишіть", "більше не пишіть мені", "не пишіть мені", "відпишіть",
    "більше не надсилайте", "більше не надсилайте повідомлень",
    "більше не надсилайте мені повідомлень", "видаліть мене",
}
START_WORDS = {"start", "старт", "unstop", "tilmeld", "tilmeld mig", "підписатися"}
POLITE_WORDS = {
    "venligst", "tak", "nu", "please", "pls", "now", "thanks", "thank", "you",
    "будь", "ласка", "дякую", "зараз",
}
"""Words that may come with a STOP or START without making it a question: "stop venligst",
"Stop please!", "стоп, будь ласка". Anything else ("stop my booking?") is answered."""
LEADING_WORDS = {"nej", "no", "ні", "tak", "thanks", "дякую"}
"""Words that may come before a STOP: "nej tak stop", "no thanks, stop"."""
MORE_WORDS = {"more", "mere", "ще"}
MORE_LANGS = {"mere": "da", "more": "en", "ще": "uk"}
"""The language each MORE word is in: a MORE before any conversation opens one in it."""
ASK = "\x1e"
"""Marks, in a reply's text, the line where the question the citizen is asked begins (the
last prompt): a rest that holds it is a question not yet sent (:func:`_holds_question`)."""
KEEP = "\x1f"
"""Marks a line a part never ends with (a title, the question before its options): it goes
with at least the start of what follows it. Marks are kept in the rest for MORE, never sent."""
_MARKS = str.maketrans("", "", ASK + KEEP)


_GSM7_ALL = frozenset(GSM7 | GSM7_EXT)


def keyword(text: str, words: set[str]) -> bool:
    """Whether ``text`` is one of ``words`` (case, punctuation and emphasis aside: "Stop!",
    "STOP.", "стоп"), perhaps with a polite word or two ("stop venligst", "afmeld tak")."""
    if len(text) > 60:
        return False
    plain = _plain_words(text)
    while plain and plain[-1] in POLITE_WORDS:
        plain.pop()
    while True:  # as said, then without a leading word ("no more messages" is one whole)
        if " ".join(plain) in words:
            return True
        if not (len(plain) > 1 and (plain[0] in POLITE_WORDS or plain[0] in LEADING_WORDS)):
            break
        plain.pop(0)
    # the word said again ("STOP STOP", "stop stop stop")
    return len(plain) > 1 and len(set(plain)) == 1 and plain[0] in words


def _plain_words(text: str) -> list[str]:
    """``text``'s words, compared as commands are: full-width letters made ASCII (NFKC),
    invisible format characters ("st\u00adop", "stop\u200b") removed, and emoji, symbols and
    punctuation ("Stop 🙏", "STOP!") taken for spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join("" if unicodedata.category(c) == "Cf" else
                   " " if unicodedata.category(c)[0] in "SP" else c for c in text)
    return normalise_command(text).split()


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


def fits(text: str, max_segments: int = MAX_SEGMENTS,
         max_ucs2_segments: int = MAX_UCS2_SEGMENTS) -> bool:
    """Whether ``text`` is short enough for one reply: ``max_segments`` in GSM-7,
    ``max_ucs2_segments`` in UCS-2 (its segments hold 67 characters, not 153)."""
    return segments(text) <= (max_segments if is_gsm7(text) else max_ucs2_segments)


def split_reply(text: str, more_hint: str, max_segments: int = MAX_SEGMENTS,
                max_ucs2_segments: int = MAX_UCS2_SEGMENTS) -> tuple[str, str]:
    """The part that fits in one reply (:func:`fits`, with the hint to reply MORE), and the
    rest. Whole lines where they fit; a part never ends with a line marked KEEP (a title, a
    question before its options): that line goes to the next part, or, when the part holds
    nothing else, the start of the line after it (as many words as fit) comes along. The part
    is sent without marks (:func:`bare`); the rest keeps them, for the next MORE."""
    def over(candidate: str) -> bool:
        return not fits(bare(candidate), max_segments, max_ucs2_segments)

    if not over(text):
        return bare(text), ""
    lines = text.split("\n")
    head: list[str] = []
    for i, line in enumerate(lines):
        candidate = "\n".join([*head, line, more_hint])
        if over(candidate):
            kept = len(head)
            while kept and KEEP in head[kept - 1][:2]:  # marks only begin a line
                kept -= 1
            if 0 < kept < len(head):  # a title (or a question) goes on with what follows it
                return (bare("\n".join([*head[:kept], more_hint])),
                        "\n".join([*head[kept:], *lines[i:]]))
            if not kept:  # one very long line, or titles before it: cut it by words
                words, cut = line.split(" "), []
                for word in words:
                    if over("\n".join([*head, " ".join([*cut, word]), more_hint])):
                        break
                    cut.append(word)
                if not cut and not head:  # not even the first word fits: cut the word itself
                    word = words[0]
                    n = len(word)
                    while n > 1 and over(word[:n] + "\n" + more_hint):
                        n -= 1
                    cut, words = [word[:n]], [word[:n], word[n:], *words[1:]]
                if cut:
                    return (bare("\n".join([*head, " ".join(cut), more_hint])),
                            "\n".join([" ".join(words[len(cut):]), *lines[i + 1:]]))
            return bare("\n".join([*head, more_hint])), "\n".join(lines[i:])
        head.append(line)
    return bare(text), ""


def bare(text: str) -> str:
    """``text`` without the marks :func:`split_reply` reads (ASK, KEEP): what is sent."""
    return text.translate(_MARKS) if ASK in text or KEEP in text else text


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


_DEFAULT_PORTS = {"https": 443, "http": 80}


def url_variants(url: str) -> list[str]:
    """``url`` with and without its scheme's default port (":443" for https, ":80" for
    http): a gateway may sign either form of the one configured address."""
    parts = urlsplit(url)
    default = _DEFAULT_PORTS.get(parts.scheme)
    try:
        port = parts.port
    except ValueError:
        return [url]
    if default is None or port not in (None, default):
        return [url]
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0]
    prefix = f"{userinfo}@" if userinfo else ""
    return [urlunsplit(parts._replace(netloc=f"{prefix}{host}{suffix}"))
            for suffix in ("", f":{default}")]


def valid_signature(token: str, url: str, params: Mapping[str, str], signature: str) -> bool:
    """Whether ``signature`` is the gateway's for ``url`` (the configured public address of
    the webhook, with or without its default port) and the form ``params``."""
    if not token or not signature:
        return False
    return any([hmac.compare_digest(twilio_signature(token, variant, params), signature)
                for variant in url_variants(url)])


def twiml(text: str) -> str:
    if not text:
        return '<?xml version="1.0" encoding="UTF-8"?><Response />'
    return ('<?xml version="1.0" encoding="UTF-8"?><Response><Message>'
            f"{escape(text)}</Message></Response>")


def sms_turn(content: Content, store: SessionStore, *, phone: str, body: str, sid: str,
             lang: str = "da", now=utcnow, session: str | None = None,
             to: str | None = None, site: SiteInfo | None = None,
             observe: Callable[[Conversation, list[Output]], None] | None = None) -> str:
    """Run one SMS turn, at most once per ``sid``; returns the reply text ("" for none).
    The conversation is the number's own, or ``session`` (chat --channel sms --session);
    it is at the site whose SMS number ``to`` (the gateway's ``To``) is."""
    key, sid = phone_hash(phone), sid[:64]
    session = session or f"sms:{key}"
    reply_to = None if phone.startswith("chat:") else phone  # chat --channel sms: no number
    for attempt in range(1, TURN_TRIES + 1):
        look = store.sms.look(sid, key, session)
        if look.seen is not None:
            return look.seen
        try:
            message = Message(sid, key, body, lang, session, sender=phone, phone=reply_to,
                              site=site or store.sites().by_number(to), observe=observe)
            return _answer(content, store, message, look, now)
        except IntegrityError:
            # Another delivery of this message claimed it first: send what it sent.
            seen = store.sms.seen(sid)
            if seen is None:
                raise
            return seen
        except PartTaken:
            # Another message took the part this MORE read (another process sent it):
            # look again, and send the part after it, if there is one.
            if attempt == TURN_TRIES:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Message:
    sid: str
    key: str
    """The number, hashed."""
    body: str
    lang: str
    session: str
    """The conversation's key."""
    sender: str = ""
    """The number, as the gateway gave it: the core takes it as proof that the sender holds
    it (never stored)."""
    phone: str | None = None
    """The number to reply to outside the webhook (a member of staff writing), if any."""
    site: SiteInfo | None = None
    observe: Callable[[Conversation, list[Output]], None] | None = None
    """Told of each answered turn (metrics)."""


def _answer(content: Content, store: SessionStore, message: Message, look: Look, now) -> str:
    """The reply to a message no delivery has answered yet, and what it changes, stored."""
    sms, sid, key = store.sms, message.sid, message.key
    stopped, pending = look.contact.stopped, look.contact.pending
    body = message.body
    changes: dict[str, object] = {}
    if keyword(body, STOP_WORDS):
        sms.finish(sid, key, "", {"stopped": True, "pending": None}, claimed=False)
        return ""
    if stopped and keyword(body, START_WORDS):
        changes["stopped"] = False
        body = "menu"
    elif stopped:
        sms.finish(sid, key, "", {}, claimed=False)
        return ""
    lang = message.lang
    if look.session is not None:  # the rest is in the conversation's language
        lang = look.session.state.get("lang", lang)
    more = keyword(body, MORE_WORDS)
    if more and pending:
        head, rest = _fit(pending, lang)
        sms.next_part(sid, key, head, pending, rest or None)
        return head
    if more and look.session is None:
        # A MORE before any conversation: nothing to send yet. The menu, in the word's language.
        said = next(w for w in _plain_words(body) if w in MORE_LANGS)
        message, body = replace(message, lang=MORE_LANGS[said]), "menu"
    elif more and look.session is not None and not Conversation.resume(
            content, store, look.session, site=message.site).takes_more():
        # Nothing is left to send: say so, with the question asked (never a search for "more").
        reply, rest = _fit("\n".join([tr("That is all: there is nothing more to show.")[lang],
                                      _question_again(store, look.session, lang)]).strip(),
                           lang)
        sms.finish(sid, key, reply, {"pending": rest} if rest else {}, claimed=False)
        return reply
    if pending and _holds_question(pending) and _short_answer(body):
        # An answer to a question the citizen has not been sent yet: not taken. The next part
        # is sent, with a note to read it first.
        note = KEEP + tr("Please read this first, then answer again:")[lang]
        head, rest = _fit(f"{note}\n{pending}", lang)
        sms.next_part(sid, key, head, pending, rest or None)
        return head
    # A turn of the conversation. The message is claimed first, so a turn that books or
    # cancels is never run twice, whatever happens after (a crash, a gateway's retry).
    if not sms.claim(sid, key):
        return sms.seen(sid) or ""
    opened: list[Conversation] = []
    try:
        convo, outputs = _turn(content, store, message, look.session, body, now, opened)
    except Exception:
        # The turn failed (the conversation was busy with other messages, the database
        # failed): unless it booked or cancelled something first, it wrote nothing, so the
        # claim is given up and the gateway's retry is answered, not met with silence. (A
        # process that dies mid-turn keeps its claim: the turn may have been saved.)
        if not (opened and opened[-1].wrote_outside):
            sms.release(sid)
        raise
    reply, rest = _fit(_text(outputs, convo.lang), convo.lang)
    if rest or pending:
        changes["pending"] = rest or None
    sms.finish(sid, key, reply, changes, claimed=True)
    return reply


def _turn(content: Content, store: SessionStore, message: Message, saved: Saved | None,
          body: str, now, opened: list[Conversation]) -> tuple[Conversation, list[Output]]:
    """The conversation's turn. A conversation erased while the turn was answered (the turn
    left nothing) answers the message once more, in a new conversation; one that another
    message from the number opened meanwhile answers it there. Each conversation the turn
    runs in is appended to ``opened``."""
    for attempt in (1, 2, 3):
        if saved is not None:
            convo = Conversation.resume(content, store, saved, now=now,
                                        sender=message.sender or None, place="sms",
                                        phone=message.phone, site=message.site)
        else:  # a first message; if another opened it a moment ago, it goes on there
            convo, _ = Conversation.open(content, store, message.session, "sms",
                                         language_of(body) or message.lang, now=now,
                                         sender=message.sender or None, place="sms",
                                         phone=message.phone, site=message.site)
        opened.append(convo)
        try:
            outputs = convo.handle(body)
            if message.observe is not None:
                message.observe(convo, outputs)
            return convo, outputs
        except SessionGone:
            if attempt == 3:
                raise
            saved = None
    raise AssertionError("unreachable")


def _holds_question(rest: str) -> bool:
    """Whether the unsent ``rest`` of a reply holds the start of the question it asks."""
    return ASK in rest


def _short_answer(body: str) -> bool:
    """Whether ``body`` looks like an answer to a question, not a message of its own: a number
    ("2", "tre") or a yes or no ("ja", "no thanks"), in three words at most."""
    if len(words(body)) > 3:
        return False
    return whole_number(body) is not None or parse_yes_no(body) is not None


def _question_again(store: SessionStore, saved: Saved, lang: str) -> str:
    """The question the conversation's last reply asked (its last prompt) and its options,
    when one is open; "" for none. A heading that only says what follows ("I am not sure what
    you mean. Choose one of these:") means nothing without its options."""
    last = store.turns(saved.id, after=saved.turns - 1) if saved.turns else []
    outputs = [out for item in (json.loads(last[-1].reply) if last else [])
               if (out := from_json(item)) is not None]
    asked = [i for i, out in enumerate(outputs) if type(out) is Say and out.tone == "prompt"]
    if not asked:
        return ""
    options = outputs[asked[-1] + 1:asked[-1] + 2]
    return render_sms([outputs[asked[-1]],
                       *[out for out in options if isinstance(out, Choices)]], lang)


def _marked(outputs: list[Output], lang: str, sources: bool = True) -> str:
    """:func:`render_sms`, with the marks :func:`split_reply` reads: KEEP on a title (a card's,
    a guide's) and on a question's last line right before its options, ASK where the last
    question begins."""
    asked = max((i for i, out in enumerate(outputs) if type(out) is Say and out.tone == "prompt"),
                default=None)
    lines: list[str] = []
    for i, out in enumerate(outputs):
        text = bare(render_sms([out], lang, sources))  # nothing typed can mark a line
        if not text:
            continue
        shown = text.split("\n")
        if isinstance(out, Card) or (type(out) is Say and out.tone == "title"):
            shown[0] = KEEP + shown[0]
        elif (type(out) is Say and out.tone == "prompt" and i + 1 < len(outputs)
              and isinstance(outputs[i + 1], Choices)):
            shown[-1] = KEEP + shown[-1]
        if i == asked:
            shown[0] = ASK + shown[0]
        lines.extend(shown)
    return "\n".join(lines)


def _text(outputs: list[Output], lang: str) -> str:
    """The reply's text: with an answer's source line ("Source: ...") when it costs no
    message more than the reply without it (another part to ask MORE for, for a line the
    reader may not need: a Ukrainian SMS part holds about 200 characters, and a source line
    takes 40 to 150); else without it."""
    full = _marked(outputs, lang)
    without = _marked(outputs, lang, sources=False)
    return full if full == without or _parts(full, lang) <= _parts(without, lang) else without


def _parts(text: str, lang: str) -> int:
    """How many messages ``text`` is sent as (the first, and each MORE)."""
    count, rest = 1, _fit(text, lang)[1]
    while rest:
        count, rest = count + 1, _fit(rest, lang)[1]
    return count


def too_many_reply(store: SessionStore, phone: str, body: str) -> str:
    """What a number that sends more messages than the webhook takes is told: to wait and
    try again, in its conversation's language, else in the language the message shows
    ("привіт" is Ukrainian), else in Danish and English. Only reads the database."""
    said = tr("You have sent many messages in a short time. Please wait a minute and try "
              "again.")
    lang: str | None = None
    try:
        saved = store.load(f"sms:{phone_hash(phone)}")
    except Exception:  # the database cannot be read now: guess from the message alone
        saved = None
    if saved is not None:
        lang = saved.state.get("lang")
    lang = lang if lang in said else language_of(body[:200])
    if lang in said:
        return said[str(lang)]
    return f"{said['da']}\n{said['en']}"


def _fit(text: str, lang: str) -> tuple[str, str]:
    """What fits in the reply, and the rest for "reply MORE"."""
    return split_reply(text, tr("Reply MORE for the rest.")[lang])
