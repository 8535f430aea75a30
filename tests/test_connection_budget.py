"""The connection budget: each process keeps at most its pool's connections to PostgreSQL, so
a known number of `serve` processes fits the server's max_connections."""

from __future__ import annotations

import json
import threading
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text

from assistant.store.db import DEFAULT_POOL

from .conftest import PG_BASE
from .test_web_sms import _free_port, _serve, _wait_ready


def _post(port: int, path: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, json.loads(response.read())


def test_four_serve_processes_stay_within_the_default_max_connections(pg_url: str) -> None:
    """Four `serve` processes on one database, each with the default pool, answer 64
    conversations at once; together they never hold more than four pools' connections,
    which leaves most of PostgreSQL's default max_connections (100) to others."""
    name = f"budget-{uuid.uuid4().hex[:8]}"
    url = f"{pg_url}&application_name={name}"
    admin = create_engine(PG_BASE)
    with admin.connect() as conn:
        limit = int(conn.execute(text("SHOW max_connections")).scalar_one())
        reserved = int(conn.execute(text("SHOW superuser_reserved_connections")).scalar_one())
    assert 4 * DEFAULT_POOL <= (limit - reserved) // 2, "four processes leave half for others"

    ports = [_free_port() for _ in range(4)]
    procs = [_serve(url, port) for port in ports]
    seen, done = [0], threading.Event()

    def count() -> None:
        while not done.wait(0.05):
            with admin.connect() as conn:
                held = conn.execute(text("SELECT count(*) FROM pg_stat_activity "
                                         "WHERE application_name = :name"),
                                    {"name": name}).scalar_one()
            seen[0] = max(seen[0], held)

    def conversation(n: int) -> list[int]:
        port = ports[n % 4]
        status, started = _post(port, "/api/sessions", {"lang": "en"})
        path = f"/api/sessions/{started['session']}/messages"
        return [status] + [_post(port, path, {"text": said})[0]
                           for said in ("1", "2", "back", "menu", "5", "30")]

    counter = threading.Thread(target=count)
    try:
        for port, proc in zip(ports, procs, strict=True):
            _wait_ready(port, proc)
        counter.start()
        with ThreadPoolExecutor(64) as pool:
            statuses = [s for turns in pool.map(conversation, range(64)) for s in turns]
    finally:
        done.set()
        if counter.is_alive():
            counter.join()
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)
        admin.dispose()
    assert statuses == [200] * 64 * 7
    assert 4 <= seen[0] <= 4 * DEFAULT_POOL, f"{seen[0]} connections"


@pytest.mark.parametrize("given, expected", [("2", 2), ("", DEFAULT_POOL)])
def test_the_pool_size_is_a_setting(pg_url: str, monkeypatch: pytest.MonkeyPatch,
                                    given: str, expected: int) -> None:
    from assistant.store.db import ENV_POOL, make_engine

    monkeypatch.setenv(ENV_POOL, given)
    engine = make_engine(pg_url)
    assert engine.pool.size() == expected
    engine.dispose()
    engine = make_engine(pg_url, pool=3)  # serve --pool 3
    assert engine.pool.size() == 3
    engine.dispose()
