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
