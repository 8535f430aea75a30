"""Session keys shared by the core and the channels that make them."""

from __future__ import annotations

import hashlib
import re

_WRITTEN_NUMBER = re.compile(r"\+?[\d\s().-]{6,30}")
"""A phone number as a gateway or a person writes it: digits, a +, spaces and the like."""


def canonical_phone(phone: str) -> str:
    """``phone`` as a booking stores it (E.164, +4522334455) when it is a valid number in
    any of the ways it is written ("004522334455", "+45 22 33 44 55", "22334455"); else as
    it is (a chat's key)."""
    text = phone.strip()
    if not _WRITTEN_NUMBER.fullmatch(text):
        return phone
    from assistant.validators import e164

    return e164(text) or phone


def phone_hash(phone: str) -> str:
    """A phone number as stored in session keys: never in clear text. One number is one
    key however it is written (:func:`canonical_phone`): a STOP texted from "004522334455"
    is the opt-out of the +4522334455 a receipt is queued for."""
    return hashlib.sha256(("jobcenter-assistant:" + canonical_phone(phone)).encode()).hexdigest()


def sms_session_key(phone: str) -> str:
    return f"sms:{phone_hash(phone)}"


SENDER = "sender:"
"""How a stored conversation holds the number an SMS comes from, where an answer is that number
(the phone question's "use the number you write from"): its hash, never the number, which
comes again with every message from it (:func:`sender_mark`)."""


def sender_mark(phone: str) -> str:
    """What the state stores for an answer that is the SMS sender's own number ``phone``."""
    return SENDER + phone_hash(phone)
