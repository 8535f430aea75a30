"""Staff accounts: PINs hashed with scrypt, back-off after failed attempts, the audit log."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session as DB
from sqlmodel import select

from assistant import jsoncodec
from assistant.privacy import clean_input
from assistant.store.models import AuditEntry, LoginAttempt, Site, Staff, utcnow

SCRYPT = {"n": 2**14, "r": 8, "p": 1}
FREE_TRIES = 3
MAX_WAIT = dt.timedelta(minutes=15)


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(key).decode()


def check_pin(pin: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        return False
    _, salt, key = stored.split("$")
    got = hashlib.scrypt(pin.encode(), salt=base64.b64decode(salt), dklen=32, **SCRYPT)
    return hmac.compare_digest(got, base64.b64decode(key))


def valid_pin(pin: str) -> bool:
    return pin.isdigit() and 4 <= len(pin) <= 12


def _initials(text: str) -> str:
    """Initials as stored and as looked up: composed Unicode, upper case."""
    return unicodedata.normalize("NFC", text.strip()).upper()


def _name(text: str) -> str:
    """A name as stored: composed Unicode, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def staff_problem(initials: str, name: str, languages: str, competences: str) -> str | None:
    """What is wrong with a new member of staff's details, or None. Initials are what a
    member of staff types at the PIN screen (which takes 8 characters)."""
    initials = _initials(initials)
    if not (1 <= len(initials) <= 8 and initials.replace("-", "").isalnum()):
        return "Initials are 1 to 8 letters or digits (and -)."
    name = unicodedata.normalize("NFC", name)
    if len(name) > 100 or clean_input(name) != _name(name):
        return "A name is at most 100 characters, with no control characters."
    if not all(re.fullmatch(r"[a-z]{2,3}", code) for code in languages.split(",")):
        return "Languages are language codes with commas, for example da,en,uk."
    if len(competences) > 400 or not all(re.fullmatch(r"[a-z0-9_]{1,40}", c)
                                         for c in competences.split(",") if competences):
        return "Competences are short words with commas, for example upskilling,youth."
    return None


def add_staff(engine: Engine, initials: str, name: str, pin: str, languages: str = "da",
              competences: str = "", site_id: int | None = None) -> Staff:
    """Add a member of staff (at ``site_id``; None: the database's only site, if it has just
    one) or set the PIN of one already there."""
    if not valid_pin(pin):
        raise ValueError("a PIN is 4 to 12 digits")
    problem = staff_problem(initials, name, languages, competences)
    if problem:
        raise ValueError(problem)
    initials, name = _initials(initials), _name(name)
    with DB(engine) as db:
        row = db.exec(select(Staff).where(Staff.initials == initials)).first()
        if row is None:
            if site_id is None:
                sites = list(db.exec(select(Site.id).limit(2)))
                site_id = sites[0] if len(sites) == 1 else None
            row = Staff(initials=initials, name=name, languages=languages,
                        competences=competences, site_id=site_id)
        row.pin_hash = hash_pin(pin)
        if name:
            row.name = name
        db.add(row)
        db.commit()
        db.refresh(row)
    audit(engine, initials, "pin_set")
    return row


@dataclass(frozen=True)
class LoginResult:
    staff: Staff | None
    wait: dt.timedelta = dt.timedelta(0)
    """How long to wait before the next try is allowed (zero: now)."""


STAFF_TERMINAL, KIOSK = "staff", "kiosk"
PLACES = (STAFF_TERMINAL, KIOSK)
"""Where a PIN is typed. Failures are counted per place: wrong PINs at a public kiosk's quit
screen (or the kiosk served at /tui) never make a staff member wait at a staff terminal."""


def login(engine: Engine, initials: str, pin: str,
          now: Callable[[], dt.datetime] = utcnow, place: str = STAFF_TERMINAL) -> LoginResult:
    """Check a PIN typed at ``place``. After FREE_TRIES failures there the wait doubles each
    time, up to MAX_WAIT; a correct PIN forgets that place's failures. Typed initials that
    belong to no member of staff (maybe a PIN typed in the wrong box) are never stored: the
    failure is kept and audited as :data:`UNKNOWN`, and such failures share one back-off."""
    if place not in PLACES:
        raise ValueError(f"unknown place {place!r}")
    initials = _initials(initials)[:8]
    moment = now()
    with DB(engine, expire_on_commit=False) as db:
        known = initials and db.exec(select(Staff.initials).where(
            Staff.initials == initials)).first() is not None
        key = initials if known else UNKNOWN
        failures = list(db.exec(select(LoginAttempt).where(LoginAttempt.initials == key,
                                                           LoginAttempt.place == place)
                                .order_by(LoginAttempt.at)))
        wait = _wait(len(failures))
        if failures and wait:
            remaining = failures[-1].at + wait - moment
            if remaining > dt.timedelta(0):
                return LoginResult(None, remaining)
        staff = db.exec(select(Staff).where(Staff.initials == key, Staff.active)).first()
        if staff is not None and check_pin(pin, staff.pin_hash):
            for row in failures:
                db.delete(row)
            db.commit()
            # at a kiosk the PIN quits it (or ends a kiosk served at /tui): no one logged in
            audit(engine, key, "login" if place == STAFF_TERMINAL else "kiosk_quit")
            return LoginResult(staff)
        db.add(LoginAttempt(initials=key, at=moment, place=place))
        db.commit()
    audit(engine, key, "login_failed", place=place, known=bool(known))
    return LoginResult(None, _wait(len(failures) + 1))


UNKNOWN = "?"
"""Initials that belong to no member of staff, as the back-off and the audit log keep them."""


def _wait(failures: int) -> dt.timedelta:
    if failures < FREE_TRIES:
        return dt.timedelta(0)
    return min(dt.timedelta(seconds=30 * 2 ** (failures - FREE_TRIES)), MAX_WAIT)


AUDIT_PARAMS_MAX = 1000
"""The longest ``params`` an audit row keeps (AuditEntry.params)."""


def audit(engine: Engine, staff: str, action: str, **params: object) -> None:
    """Append to the audit log that ``staff`` did ``action`` (a key: "request_taken"), to
    what: ``params`` (``request=3``), kept as JSON in no language, for a staff screen to word
    in its reader's language (staffwords.audit_detail). Numbers, codes and days only: never
    a citizen's words."""
    kept = jsoncodec.dumps(params) if params else None
    if kept is not None and len(kept) > AUDIT_PARAMS_MAX:
        raise ValueError(f"audit parameters of {action} too long")
    with DB(engine) as db:
        db.add(AuditEntry(staff=staff[:8], action=action[:40], params=kept))
        db.commit()
