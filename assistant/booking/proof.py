"""Proof that a person holds a phone number, before anything is done with a booking made with
it. Core code: a channel only says which channel it is and, for SMS, the number a message
came from (``Conversation.sender``).

A number is proven in a conversation
- by SMS, when the message comes from that number itself;
- by a one-time code sent to it by SMS through the outbox: 6 digits, valid for 10 minutes
  and 5 tries; after the fifth wrong try that conversation gets no new code for the number
  for 15 minutes (the lock is the conversation's, so a stranger's wrong tries never lock the
  number's holder out). Asked for again ("send the code again", "jeg har ikke fået nogen
  kode"), a new code is sent within the same caps. At most 5 codes an hour go to one
  number, 10 an hour from one address, and one conversation may have codes sent to at most
  3 different numbers. Codes go to mobile numbers only (libphonenumber's type: never
  premium-rate, shared-cost, VoIP, satellite or other non-geographic numbers): such a
  number is refused at the verify step and the phone question is asked again (no_code).
  Codes are stored as salted hashes only.
What needs proof: looking up, moving or cancelling a booking (``manage``) on every channel;
a new booking (``book``) on the web and by SMS, not at the kiosk (``kiosk``, and
``chat --channel text``, which behaves as it): there the citizen is in the jobcenter, and the
receipt SMS tells the number's owner.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session as DB

from assistant import commands
from assistant.booking.caps import origin_of
from assistant.channels_keys import phone_hash
from assistant.i18n import tr, trn
from assistant.outputs import Output, ProofRequest, Say
from assistant.store.models import Outbox, PhoneProof
from assistant.validators import Valid, is_mobile, validate

if TYPE_CHECKING:
    from assistant.conversation import Conversation

DIGITS = 6
VALID_FOR = dt.timedelta(minutes=10)
TRIES = 5
WAIT_MINUTES = 15
WAIT = dt.timedelta(minutes=WAIT_MINUTES)
CODES_PER_HOUR = 5
CODES_PER_ADDRESS_PER_HOUR = 10
"""Codes asked for from one address (the web) in an hour, to any numbers: one client cannot
have the system text many numbers."""
NUMBERS_PER_CONVERSATION = 3
"""Different numbers one conversation may have codes texted to ("back" and a new number)."""
RESEND_AFTER = dt.timedelta(minutes=1)
"""A code asked for again within this time (a language change, "help") is not sent again;
one the user asks for ("send the code again") is, within the caps."""
NO_PROOF_FOR_NEW_BOOKINGS = ("kiosk", "text")
"""Channels used in the jobcenter itself: a new booking needs no proof there."""
OTP_KIND = "otp"
"""The outbox kind of a code's SMS. Its body starts with the code (the logging gateway logs
it, so a demo without an SMS gateway still works)."""
_TYPED_CODE = re.compile(r"\d{6}")
_CODE_IN_TEXT = re.compile(r"(?<!\d)\d{6}(?!\d)")
_BETWEEN_DIGITS = re.compile(r"(?<=\d)[\s-]+(?=\d)")


def typed_code(typed: str) -> str | None:
    """The 6-digit code in a reply: the reply itself ("993116", "993 116", "993-116"), or the
    one group of 6 digits in a sentence ("kode 993116", "код: 993116", "code is 993 116");
    None when there is none, or several (which one was meant is not guessed)."""
    text = unicodedata.normalize("NFKC", typed)
    code = "".join(text.split()).replace("-", "")
    if _TYPED_CODE.fullmatch(code):
        return code
    found = _CODE_IN_TEXT.findall(_BETWEEN_DIGITS.sub("", text))
    return found[0] if len(found) == 1 else None


def new_code() -> str:
    """A random 6-digit code (tests replace this with a fixed one)."""
    return f"{secrets.randbelow(10 ** DIGITS):0{DIGITS}d}"


def _hash(salt: str, number: str, code: str) -> str:
    return hashlib.sha256(f"{salt}|{number}|{code}".encode()).hexdigest()


def _aware(when: dt.datetime) -> dt.datetime:
    """SQLite gives datetimes back without their zone (they are stored as UTC)."""
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Sent:
    """A code is on its way (or was sent a moment ago)."""


@dataclass(frozen=True)
class Wait:
    """No code now: too many wrong tries (``tries``) or too many codes an hour, to the
    number or (``address``) from the address."""

    tries: bool
    address: bool = False
    conversation: bool = False
    """Codes have gone to as many different numbers as one conversation may have."""


@dataclass(frozen=True)
class NotMobile:
    """No code: the number is not a mobile number (:func:`assistant.validators.is_mobile`)."""


@dataclass(frozen=True)
class Wrong:
    left: int


@dataclass(frozen=True)
class Expired:
    """No live code for this conversation and number (too old, or none was sent)."""


Checked = bool | Wrong | Expired | Wait


class PhoneProofs:
    """The codes of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _blocked(self, db: DB, session_id: str, number: str, now: dt.datetime) -> bool:
        """Whether this conversation spent a code's tries for ``number`` in the last 15
        minutes. Only its own: other conversations (the number's holder) still get codes."""
        return db.exec(select(func.count()).select_from(PhoneProof).where(  # type: ignore[call-overload]
            PhoneProof.phone_hash == number, PhoneProof.session_id == session_id,
            PhoneProof.blocked_until > now)).one()[0] > 0

    def send(self, session_id: str, phone: str, lang: str, now: dt.datetime,
             address: str | None = None, text: bool = True,
             again: bool = False) -> Sent | Wait | NotMobile:
        """Send a new code to ``phone`` for this conversation, unless one went a moment ago
        (``again``: the user asked for a new code, so one goes even then); the caps and the
        wait after wrong tries hold all the same. The code's row and its SMS are written in
        one transaction. ``address`` is where the request came from (the web), hashed for the
        per-address cap. ``text=False``: the number is refused (it cannot book), so no SMS
        goes; the request is still counted against the caps, as a code already spent. A
        number that is not a mobile number gets no code and counts for nothing: every path
        to a code (a verify step reached, "send again", an old code replaced) comes here."""
        if not is_mobile(phone):
            return NotMobile()
        number = phone_hash(phone)
        origin = origin_of(address)
        with DB(self.engine) as db:
            if self._blocked(db, session_id, number, now):
                return Wait(tries=True)
            live = db.exec(select(PhoneProof.created_at).where(  # type: ignore[call-overload]
                PhoneProof.phone_hash == number, PhoneProof.session_id == session_id,
                PhoneProof.used.is_(False), PhoneProof.expires_at > now,  # type: ignore[attr-defined]
                PhoneProof.tries < TRIES).order_by(PhoneProof.id.desc())).first()  # type: ignore[union-attr]
            if live is not None and not again and _aware(live[0]) > now - RESEND_AFTER:
                return Sent()
            others = db.exec(select(func.count(func.distinct(PhoneProof.phone_hash))).where(  # type: ignore[call-overload]
                PhoneProof.session_id == session_id, PhoneProof.phone_hash != number)).one()[0]
            if others >= NUMBERS_PER_CONVERSATION:
                return Wait(tries=False, conversation=True)
            recent = db.exec(select(func.count()).select_from(PhoneProof).where(  # type: ignore[call-overload]
                PhoneProof.phone_hash == number,
                PhoneProof.created_at > now - dt.timedelta(hours=1))).one()[0]
            if recent >= CODES_PER_HOUR:
                return Wait(tries=False)
            if origin is not None and db.exec(select(func.count()).select_from(PhoneProof).where(  # type: ignore[call-overload]
                    PhoneProof.origin == origin,
                    PhoneProof.created_at > now - dt.timedelta(hours=1))).one()[0] \
                    >= CODES_PER_ADDRESS_PER_HOUR:
                return Wait(tries=False, address=True)
            db.exec(update(PhoneProof).where(  # type: ignore[call-overload]
                PhoneProof.phone_hash == number, PhoneProof.session_id == session_id,
                PhoneProof.used.is_(False)).values(used=True))  # type: ignore[attr-defined]
            code, salt = new_code(), secrets.token_hex(16)
            db.add(PhoneProof(phone_hash=number, session_id=session_id,
                              code_hash=_hash(salt, number, code), salt=salt, created_at=now,
                              expires_at=now + VALID_FOR, origin=origin, used=not text))
            if not text:
                db.commit()
                return Sent()
            body = tr("{code} is your code for the jobcenter assistant. It works for 10 "
                      "minutes. Do not give it to anyone.", code=code)[lang]
            db.add(Outbox(phone=phone, lang=lang, kind=OTP_KIND, body=body, due_at=now))
            db.commit()
        return Sent()

    def check(self, session_id: str, phone: str, typed: str, now: dt.datetime) -> Checked:
        """Is ``typed`` this conversation's live code for ``phone``? A right code is spent,
        and its SMS leaves the outbox; a wrong one uses a try, the fifth ends the code and
        this conversation's codes for the number for 15 minutes."""
        number = phone_hash(phone)
        with DB(self.engine) as db:
            if self._blocked(db, session_id, number, now):
                return Wait(tries=True)
            row = db.exec(select(PhoneProof).where(  # type: ignore[call-overload]
                PhoneProof.phone_hash == number, PhoneProof.session_id == session_id,
                PhoneProof.used.is_(False), PhoneProof.tries < TRIES,
                PhoneProof.expires_at > now).order_by(PhoneProof.id.desc())).first()
            if row is None:
                return Expired()
            proof: PhoneProof = row[0]
            if hmac.compare_digest(proof.code_hash, _hash(proof.salt, number, typed)):
                spent = db.exec(update(PhoneProof).where(  # type: ignore[call-overload]
                    PhoneProof.id == proof.id, PhoneProof.used.is_(False))  # type: ignore[attr-defined]
                    .values(used=True))
                db.exec(delete(Outbox).where(  # type: ignore[call-overload]
                    Outbox.phone == phone, Outbox.kind == OTP_KIND))
                db.commit()
                return spent.rowcount == 1
            tries = db.exec(update(PhoneProof).where(  # type: ignore[call-overload]
                PhoneProof.id == proof.id).values(tries=PhoneProof.tries + 1)
                .returning(PhoneProof.tries)).one()[0]
            if tries >= TRIES:
                db.exec(update(PhoneProof).where(  # type: ignore[call-overload]
                    PhoneProof.id == proof.id).values(blocked_until=now + WAIT))
            db.commit()
            return Wait(tries=True) if tries >= TRIES else Wrong(TRIES - tries)


# -- in a conversation --------------------------------------------------------------------


def _number(raw: str | None, convo: Conversation) -> str | None:
    """A phone number as the booking stores it (+45...), or None if ``raw`` is not one."""
    if not raw:
        return None
    result = validate("phone", raw, {}, convo.today())
    return str(result.value) if isinstance(result, Valid) else None


def same_number(raw: str, phone: str, convo: Conversation) -> bool:
    """Whether ``raw`` (a sender, as typed or as the gateway gives it) is the number
    ``phone``."""
    number = _number(raw, convo)
    return number is not None and number == _number(phone, convo)


def is_proven(convo: Conversation, phone: str, purpose: str) -> bool:
    """May this conversation act on ``phone`` for ``purpose`` without (another) code?"""
    number = _number(phone, convo)
    if number is None:
        return False
    if purpose == "book" and convo.state.channel in NO_PROOF_FOR_NEW_BOOKINGS:
        return True
    if convo.sender is not None and _number(convo.sender, convo) == number:
        return True  # an SMS from the number itself
    return phone_hash(number) in convo.state.proven


def _proofs(convo: Conversation) -> PhoneProofs | None:
    return PhoneProofs(convo.store.engine) if convo.store is not None else None


def _waiting(wait: Wait | NotMobile) -> Say:
    if isinstance(wait, NotMobile):
        return _not_mobile()
    if wait.tries:
        return Say(trn("Too many wrong codes for this phone number. Please wait {n} minute "
                       "and try again, or ask a member of staff.",
                       "Too many wrong codes for this phone number. Please wait {n} minutes "
                       "and try again, or ask a member of staff.", WAIT_MINUTES), "error")
    if wait.conversation:
        return Say(tr("Codes have been sent to several phone numbers in this conversation, so "
                      "we cannot send a code to another number. Please ask a member of staff."),
                   "error")
    if wait.address:
        return Say(tr("Many codes have been asked for from this connection in the last hour. "
                      "Please wait a while and try again, or ask a member of staff."), "error")
    return Say(tr("We have sent several codes to this phone number in the last hour. Please "
                  "wait a while and try again, or ask a member of staff."), "error")


def _refused(req: ProofRequest, convo: Conversation) -> list[Output] | None:
    """For a new booking: why this number cannot book the flow's meeting whatever time is
    chosen (booking/conversation.py), so no code is worth sending; None when it can."""
    if req.purpose != "book":
        return None
    from assistant.booking.conversation import refused_number

    return refused_number(convo, req.flow_id, req.phone)


def ask(req: ProofRequest, convo: Conversation) -> tuple[bool, list[Output]]:
    """A verify step is reached: (True, []) when the number needs no code, else the code is
    sent and the step's question asked. A number that cannot book this meeting (it has one
    of this kind, or as many as a number may have) is told so here, on every channel, and
    gets no code. Where a code would be needed, asking counts as a code asked for (the
    caps above), so typing number after number does not tell whose numbers have bookings
    any faster than asking for codes would."""
    refused = _refused(req, convo)
    if is_proven(convo, req.phone, req.purpose):
        return (True, []) if refused is None else (False, [*refused, _back_hint()])
    proofs, number = _proofs(convo), _number(req.phone, convo)
    if proofs is None or number is None or convo.session_id is None:
        return False, [Say(tr("This cannot be done here yet. Please ask a member of staff."),
                           "notice")]
    if (said := no_code(req, convo)) is not None:
        return False, said
    sent = proofs.send(convo.session_id, number, convo.lang, convo.now(), convo.address,
                       text=refused is None)
    if not isinstance(sent, Sent):
        return False, [_waiting(sent), _back_hint()]
    if refused is not None:
        return False, [*refused, _back_hint()]
    return False, [_question(convo, req)]


def no_code(req: ProofRequest, convo: Conversation) -> list[Output] | None:
    """The one check before a code is texted for a verify step (reached, asked for again,
    an old code replaced, a guide gone on with or resumed): a number that needs a code here
    and is not a mobile number (premium-rate, landline, satellite: SMS pumping) gets none,
    and this says so; the conversation then asks for the phone number again, so the code
    step is never reached for it. None when a code may go, or none is needed (the kiosk, an
    SMS from the number itself)."""
    number = _number(req.phone, convo)
    if number is None or is_proven(convo, req.phone, req.purpose) or is_mobile(number):
        return None
    return [_not_mobile()]


def _not_mobile() -> Say:
    return Say(tr("We can only send the code by SMS to a mobile phone number. This number is "
                  "not one (for example a landline, premium-rate or satellite number)."),
               "error")


def _question(convo: Conversation, req: ProofRequest) -> Say:
    flow = convo.content.flows[req.flow_id]
    return Say(flow.step(req.step_id).text, "prompt")


def _new_code_hint() -> Say:
    return Say(tr("No code? Write \"send again\" for a new code, \"back\" to change the phone "
                  "number, or \"menu\" to do something else."), "info")


def _again(req: ProofRequest, convo: Conversation, proofs: PhoneProofs,
           number: str) -> list[Output]:
    """The user asks for the code again ("I didn't get a code"): a new one is sent as the
    first was, within the same caps (PhoneProofs.send)."""
    sent = proofs.send(convo.session_id or "", number, convo.lang, convo.now(), convo.address,
                       again=True)
    if not isinstance(sent, Sent):
        return [_waiting(sent), _back_hint()]
    return [Say(tr("We have sent a new code."), "notice"), _question(convo, req), _back_hint()]


def _back_hint() -> Say:
    return Say(tr("Write \"back\" to change the phone number, or \"menu\" to do something "
                  "else."), "info")


def check(req: ProofRequest, typed: str, convo: Conversation) -> tuple[bool, list[Output]]:
    """The user's answer at a verify step: (True, []) when it is the code, and the number is
    proven for the rest of the conversation; else what to tell them."""
    refused = _refused(req, convo)
    if is_proven(convo, req.phone, req.purpose):  # at the kiosk: refused when asked, or not
        return (True, []) if refused is None else (False, [*refused, _back_hint()])
    proofs, number = _proofs(convo), _number(req.phone, convo)
    if proofs is None or number is None or convo.session_id is None:
        return False, [Say(tr("This cannot be done here yet. Please ask a member of staff."),
                           "notice")]
    if (said := no_code(req, convo)) is not None:
        return False, said
    code = typed_code(typed)
    if code is None:
        if refused is not None:
            return False, [*refused, _back_hint()]  # as when asked: no code is coming
        if commands.asks_for_new_code(typed):
            return False, _again(req, convo, proofs, number)
        return False, [Say(tr("The code has 6 digits. Write the code from the SMS."), "error"),
                       _question(convo, req), _new_code_hint()]
    result = proofs.check(convo.session_id, number, code, convo.now())
    if result is True:
        convo.state.proven.append(phone_hash(number))
        return True, []
    if isinstance(result, Wrong):
        return False, [Say(trn("That code is not right. You can try {n} more time.",
                               "That code is not right. You can try {n} more times.",
                               result.left), "error"), _question(convo, req)]
    if isinstance(result, Wait):
        return False, [_waiting(result), _back_hint()]
    # No live code (none was sent, as for a refused number, or it is too old): a right code
    # goes on to the summary, where booking checks the number again.
    sent = proofs.send(convo.session_id, number, convo.lang, convo.now(), convo.address,
                       text=refused is None)
    if not isinstance(sent, Sent):
        return False, [_waiting(sent), _back_hint()]
    if refused is not None:
        return False, [*refused, _back_hint()]
    return False, [Say(tr("That code is too old or was already used. We have sent a new code."),
                       "notice"), _question(convo, req)]
