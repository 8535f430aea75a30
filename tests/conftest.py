"""Shared fixtures: databases (SQLite and PostgreSQL), content, a fixed clock."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from assistant.app import load_content
from assistant.conversation import Content, Conversation
from assistant.store.db import make_engine
from assistant.store.demo import seed_demo
from assistant.store.sessions import SessionStore

PG_BASE = os.environ.get("ASSISTANT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TODAY = dt.date(2026, 11, 24)
NOW = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)


def _pg_available() -> str | None:
    try:
        engine = create_engine(PG_BASE, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # pragma: no cover - depends on the machine
        return f"PostgreSQL at {PG_BASE} does not answer: {type(exc).__name__}"


@pytest.fixture(scope="session")
def pg_reason() -> str | None:
    reason = _pg_available()
    if reason and os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {reason}")
    return reason


@pytest.fixture
def pg_url(pg_reason: str | None) -> Iterator[str]:
    """A fresh schema on the local PostgreSQL, dropped afterwards."""
    if pg_reason:
        print(f"SKIP reason: {pg_reason}")
        pytest.skip(pg_reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_BASE)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def table_of_seven(pg_url: str) -> str:
    """A table in the test's schema (dropped with it): one integer column, holding 7."""
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE seven (v integer)"))
        conn.execute(text("INSERT INTO seven VALUES (7)"))
    engine.dispose()
    return "seven"


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(tmp_path) -> SessionStore:
    """A SQLite store with the demo staff, hours and meeting types."""
    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    seed_demo(engine)
    return SessionStore(engine)


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(today=lambda: TODAY)


@pytest.fixture
def convo(content: Content, store: SessionStore) -> Conversation:
    c, _ = Conversation.open(content, store, f"test:{uuid.uuid4().hex}", "text", "en",
                             now=lambda: NOW)
    return c


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches the real user data directory or an inherited database URL."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("ASSISTANT_DB", raising=False)


@pytest.fixture
def sms_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SMS webhook's auth token for tests that sign their own requests."""
    monkeypatch.setenv("ASSISTANT_TWILIO_AUTH_TOKEN", "fuzz-token")
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", "https://kiosk.example.dk")


FIXED_OTP = "123456"
"""The one-time SMS code every test gets (booking/proof.py draws a random one)."""


@pytest.fixture(autouse=True)
def _fixed_one_time_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """Codes sent to prove a phone number are FIXED_OTP in tests, so a test (or a transcript)
    can type the code the SMS would hold."""
    from assistant.booking import proof

    monkeypatch.setattr(proof, "new_code", lambda: FIXED_OTP)
