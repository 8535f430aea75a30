"""The database goes away while `serve` runs (a restart, a dropped database, a network cut):
citizens get a documented "try again" (503), not a bare 500, and the log holds one line per
request, not a traceback."""

from __future__ import annotations

import logging
import uuid

import pytest
from sqlalchemy import create_engine, text
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from assistant.store.db import make_engine
from assistant.store.demo import seed_demo
from assistant.store.sessions import SessionStore
from tests.conftest import PG_BASE


@pytest.fixture
def doomed_url(pg_reason: str | None):
    """A database of its own on the local server, so a test can drop it under a running app."""
    if pg_reason:
        pytest.skip(pg_reason)
    name = f"gone_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield name, PG_BASE.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_a_database_that_goes_away_is_a_documented_503_and_one_log_line(
        doomed_url, content, monkeypatch, caplog) -> None:
    from assistant.channels.web import make_app

    monkeypatch.setenv("ASSISTANT_TWILIO_AUTH_TOKEN", "token")
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", "https://kiosk.example.dk")
    name, url = doomed_url
    engine = make_engine(url)
    seed_demo(engine)
    client = TestClient(make_app(content, SessionStore(engine)),
                        base_url="https://kiosk.example.dk")
    doc = client.get("/openapi.json").json()
    token = client.post("/api/sessions", json={"lang": "en"}).json()["session"]
    assert client.post(f"/api/sessions/{token}/messages", json={"text": "menu"}).status_code == 200

    admin = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()

    form = {"From": "+4522334455", "Body": "menu", "MessageSid": "SMoutage"}
    signed = RequestValidator("token").compute_signature(
        "https://kiosk.example.dk/sms/twilio", form)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        answers = {
            ("post", "/api/sessions/{token}/messages"): client.post(
                f"/api/sessions/{token}/messages", json={"text": "menu"}),
            ("post", "/api/sessions"): client.post("/api/sessions", json={}),
            ("get", "/api/sessions/{token}"): client.get(f"/api/sessions/{token}"),
            ("post", "/sms/twilio"): client.post("/sms/twilio", data=form,
                                                 headers={"X-Twilio-Signature": signed}),
        }
    for (method, path), answer in answers.items():
        assert answer.status_code == 503, (path, answer.status_code, answer.text)
        assert "503" in doc["paths"][path][method]["responses"]
        if path.startswith("/api"):
            assert answer.json()["error"]["code"] == "unavailable"
    assert "Traceback" not in caplog.text and "File " not in caplog.text
    assert token not in caplog.text and "/api/sessions/{token}/messages" in caplog.text
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == len(answers)
    engine.dispose()
