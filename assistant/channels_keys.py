"""Session keys shared by the core and the channels that make them."""

from __future__ import annotations

import hashlib


def phone_hash(phone: str) -> str:
    """A phone number as stored in session keys: never in clear text."""
    return hashlib.sha256(("jobcenter-assistant:" + phone).encode()).hexdigest()


def sms_session_key(phone: str) -> str:
    return f"sms:{phone_hash(phone)}"
