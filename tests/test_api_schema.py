"""The served OpenAPI document tells the truth: schemathesis sends requests made from it (valid
and invalid ones) and checks every reply against it: documented status codes, content types,
headers and bodies; no server error; bad input refused, good input taken."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from assistant.app import load_content
from assistant.channels.web import make_app
from assistant.store.db import make_engine
from assistant.store.demo import seed_demo
from assistant.store.sessions import SessionStore

EXAMPLES = 40
"""Per operation and kind of data: enough to reach each check, few enough for CI's budget."""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('api') / 'api.sqlite3'}")
    seed_demo(engine)
    yield make_app(load_content(), SessionStore(engine), ip_limit=10**9, phone_limit=10**9)
    engine.dispose()


schema = schemathesis.pytest.from_fixture("app_schema")


@pytest.fixture(scope="module")
def app_schema(app):
    config = SchemathesisConfig.from_dict({
        "generation": {"max-examples": EXAMPLES},
        # A message longer than 2,000 characters is refused as too long (413), not as 400.
        "checks": {"negative_data_rejection": {"expected-statuses": [
            400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]}},
    })
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=config)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_the_document_says(case) -> None:
    case.call_and_validate()


def test_every_status_a_route_answers_is_in_the_document(tmp_path, monkeypatch) -> None:
    """Walk every documented operation with what makes a route refuse (a wrong or huge body,
    a missing signature, an unknown session, then until the address or number is rate
    limited): each status it answers is one the document lists for it."""
    from fastapi.routing import APIRoute
    from starlette.testclient import TestClient
    from twilio.request_validator import RequestValidator

    monkeypatch.setenv("ASSISTANT_TWILIO_AUTH_TOKEN", "token")
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", "https://kiosk.example.dk")
    engine = make_engine(f"sqlite:///{tmp_path / 'walk.sqlite3'}")
    seed_demo(engine)
    app = make_app(load_content(), SessionStore(engine), ip_limit=6, phone_limit=2)
    client = TestClient(app, base_url="https://kiosk.example.dk")
    doc = client.get("/openapi.json").json()
    token = client.post("/api/sessions", json={}).json()["session"]
    form = {"From": "+4522334455", "Body": "menu", "MessageSid": "SMwalk"}
    signed = RequestValidator("token").compute_signature(
        "https://kiosk.example.dk/sms/twilio", form)
    bodies: list[dict] = [{"json": {}}, {"content": b"not json"}, {"content": b"x" * 40_000},
                          {"json": {"text": "menu", "lang": "da", "phone": "22334455",
                                    "code": "ABCDEF"}},
                          {"data": form, "headers": {"X-Twilio-Signature": signed}},
                          {"data": form}]
    walked = set()
    for route in app.routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods:
            documented = set(doc["paths"][route.path][method.lower()]["responses"])
            for path in {route.path.replace("{token}", t).replace("{lang}", lang)
                         for t in (token, "nosuchsessiontoken") for lang in ("da", "fr")}:
                # the signed SMS a fourth time: the number is over its limit and was told so
                for request in [*bodies * 3, bodies[4]]:
                    answered = client.request(method, path, **request).status_code
                    assert str(answered) in documented, (method, route.path, answered)
                    walked.add((route.path, answered))
    assert {("/api/sessions", 429), ("/sms/twilio", 429), ("/sms/twilio", 403),
            ("/api/sessions/{token}/messages", 413)} <= walked
    engine.dispose()
