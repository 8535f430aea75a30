"""How many active bookings one phone number, one conversation and one address may hold, so
that one client cannot fill the calendar or have receipts texted to many numbers.

Set in the environment (README, "Settings"); a cap of 0 turns that cap off:
- ASSISTANT_MAX_BOOKINGS_PER_PHONE: active bookings with one phone number (default 3);
- ASSISTANT_MAX_BOOKINGS_PER_SESSION: active bookings made in one conversation (default 2);
- ASSISTANT_MAX_BOOKINGS_PER_IP: active bookings made from one address (the web) in one day,
  Danish time (default 5).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass

ENV_PHONE = "ASSISTANT_MAX_BOOKINGS_PER_PHONE"
ENV_SESSION = "ASSISTANT_MAX_BOOKINGS_PER_SESSION"
ENV_IP = "ASSISTANT_MAX_BOOKINGS_PER_IP"


def _cap(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ValueError(f"{name} must be a whole number of bookings (0: no cap), not {raw!r}")
    return int(raw)


@dataclass(frozen=True)
class Caps:
    per_phone: int = 3
    per_session: int = 2
    per_origin_per_day: int = 5

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Caps:
        env = os.environ if environ is None else environ
        return cls(per_phone=_cap(env, ENV_PHONE, cls.per_phone),
                   per_session=_cap(env, ENV_SESSION, cls.per_session),
                   per_origin_per_day=_cap(env, ENV_IP, cls.per_origin_per_day))


def origin_hash(address: str) -> str:
    """A client's address as a booking keeps it: hashed, for the per-address cap."""
    return hashlib.sha256(("jobcenter-assistant-origin:" + address).encode()).hexdigest()


def origin_of(address: str | None) -> str | None:
    """What a booking or a request for staff keeps of the address it came from (None: not
    from the web)."""
    return origin_hash(address) if address else None


@dataclass(frozen=True)
class Origin:
    """Who asks for a booking, for the caps: the conversation and (web) the address."""

    session_id: str | None = None
    address: str | None = None


# -- requests for staff: a callback, or a member of staff now ------------------------------

ENV_REQUESTS_SESSION = "ASSISTANT_MAX_STAFF_REQUESTS_PER_SESSION"
ENV_REQUESTS_PHONE = "ASSISTANT_MAX_STAFF_REQUESTS_PER_PHONE"
ENV_REQUESTS_IP = "ASSISTANT_MAX_STAFF_REQUESTS_PER_IP"


@dataclass(frozen=True)
class RequestCaps:
    """How many requests for staff (a callback, "talk to staff" on the web or by SMS, a
    person to the kiosk) one conversation may send, one phone number may have in 24 hours,
    and one address (the web) may send in 24 hours; a cap of 0 turns that cap off:
    - ASSISTANT_MAX_STAFF_REQUESTS_PER_SESSION (default 3);
    - ASSISTANT_MAX_STAFF_REQUESTS_PER_PHONE (default 3, callbacks to that number);
    - ASSISTANT_MAX_STAFF_REQUESTS_PER_IP (default 10, counted in the database)."""

    per_session: int = 3
    per_phone_per_day: int = 3
    per_origin_per_day: int = 10

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> RequestCaps:
        env = os.environ if environ is None else environ
        return cls(per_session=_cap(env, ENV_REQUESTS_SESSION, cls.per_session),
                   per_phone_per_day=_cap(env, ENV_REQUESTS_PHONE, cls.per_phone_per_day),
                   per_origin_per_day=_cap(env, ENV_REQUESTS_IP, cls.per_origin_per_day))
