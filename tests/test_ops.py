"""Operations for `serve`: /healthz, /readyz (fails while the database is down, recovers
after), Prometheus metrics after a few turns (and nothing personal in them), JSON log lines,
and `outbox send --metrics`."""

from __future__ import annotations

import json
import logging
import socket
import threading
from contextlib import suppress

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from assistant.channels.logs import json_logging
from assistant.channels.web import make_app
from assistant.cli import main
from assistant.store.db import make_engine
from assistant.store.demo import seed_demo
from assistant.store.sessions import SessionStore

from .conftest import FIXED_OTP

TOKEN = "test-auth-token"
BASE = "https://kiosk.example.dk"
PHONE = "+4522334455"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_metrics_count_turns_searches_bookings_sms_and_latency(content, store,
                                                               monkeypatch) -> None:
    monkeypatch.setenv("ASSISTANT_TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", BASE)
    client = TestClient(make_app(content, store), base_url=BASE)
    token = client.post("/api/sessions", json={"lang": "en"}).json()["session"]
    for text in ("what is voksenlærling", "when are you open today?", "xqzv blorft", "menu"):
        assert client.post(f"/api/sessions/{token}/messages", json={"text": text}).is_success
    params = {"From": PHONE, "To": "+4570000000", "Body": "hvad er voksenlærling",
              "MessageSid": "SMm1"}
    signature = RequestValidator(TOKEN).compute_signature(f"{BASE}/sms/twilio", params)
    assert client.post("/sms/twilio", data=params,
                       headers={"X-Twilio-Signature": signature}).is_success

    scraped = client.get("/metrics")
    assert scraped.status_code == 200 and scraped.headers["content-type"].startswith("text/")
    found = samples(scraped.text)
    assert found[("assistant_turns_total", (("channel", "web"), ("outcome", "answer")))] == 1
    assert found[("assistant_turns_total", (("channel", "web"), ("outcome", "local")))] == 1
    assert found[("assistant_turns_total", (("channel", "web"), ("outcome", "command")))] == 1
    assert found[("assistant_turns_total", (("channel", "sms"), ("outcome", "answer")))] == 1
    assert found[("assistant_searches_total", (("lang", "en"), ("outcome", "answer")))] == 1
    assert found[("assistant_searches_total", (("lang", "en"), ("outcome", "none")))] == 1
    assert found[("assistant_sms_total", (("outcome", "sent"),))] == 1
    assert found[("assistant_sms_total", (("outcome", "failed"),))] == 0
    latency = ("assistant_request_seconds_count",
               (("method", "POST"), ("route", "/api/sessions/{token}/messages")))
    assert found[latency] == 4
    # nothing personal: no number, no session token, nothing anyone wrote
    for secret in (PHONE, PHONE[3:], token, "voksenlærling", "blorft"):
        assert secret not in scraped.text


def test_a_booking_is_counted(content, store) -> None:
    from .test_booking import NOW

    client = TestClient(make_app(content, store, now=lambda: NOW))
    token = client.post("/api/sessions", json={"lang": "en"}).json()["session"]
    for text in ("1", "2", "1", "1", "1", "Test Person", "22334455", FIXED_OTP, "1"):
        client.post(f"/api/sessions/{token}/messages", json={"text": text})
    found = samples(client.get("/metrics").text)
    assert found[("assistant_bookings_total", (("channel", "web"), ("kind", "booking")))] == 1


class Proxy:
    """A TCP proxy to the database server that can be stopped (the database is down: new
    connections are refused, open ones cut) and started again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        probe = socket.create_server(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.listener: socket.socket | None = None
        self.open: list[socket.socket] = []

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self) -> None:
        assert self.listener is not None
        with suppress(OSError):  # wakes the thread waiting in accept()
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for conn in self.open:
            with suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self.open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        with suppress(OSError):
            while data := a.recv(65536):
                b.sendall(data)
        with suppress(OSError):
            b.shutdown(socket.SHUT_WR)


def test_readyz_fails_while_the_database_is_down_and_recovers_after(pg_url: str,
                                                                   content) -> None:
    proxy = Proxy(("127.0.0.1", 5432))
    proxy.start()
    url = pg_url.replace("@127.0.0.1:5432/", f"@127.0.0.1:{proxy.port}/")
    assert url != pg_url
    store = SessionStore(make_engine(url))
    seed_demo(store.engine)
    client = TestClient(make_app(content, store))
    assert client.get("/healthz").json() == {"ok": True}
    assert client.get("/readyz").json() == {"ready": True, "database": True, "content": True,
                                           "site": True}
    proxy.stop()
    down = client.get("/readyz")
    assert down.status_code == 503 and down.json()["database"] is False
    assert client.get("/healthz").status_code == 200, "alive, only not ready"
    proxy.start()
    back = client.get("/readyz")
    assert back.status_code == 200 and back.json()["ready"] is True
    proxy.stop()
    store.engine.dispose()


def test_json_log_lines(capsys, monkeypatch) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))
    monkeypatch.setattr(root, "level", root.level)
    json_logging()
    logging.getLogger("assistant.test").warning("outbox: %d sent", 3)
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["level"] == "warning" and line["message"] == "outbox: 3 sent"
    assert line["logger"] == "assistant.test" and line["time"].endswith("+00:00")


def test_serve_log_json_option(tmp_path, monkeypatch) -> None:
    import assistant.channels.web as web

    seen = {}
    monkeypatch.setattr(web, "serve", lambda app, host, port, *args, json_logs=False: seen.update(
        json=json_logs))
    assert main(["--demo", "serve", "--log-json", "--db",
                 f"sqlite:///{tmp_path / 's.sqlite3'}"]) == 0
    assert seen == {"json": True}


def test_outbox_send_writes_its_counts_for_prometheus(tmp_path) -> None:
    out = tmp_path / "outbox.prom"
    assert main(["outbox", "send", "--db", f"sqlite:///{tmp_path / 'o.sqlite3'}",
                 "--metrics", str(out)]) == 0
    found = samples(out.read_text())
    assert found[("assistant_outbox_last_run_sms", (("outcome", "sent"),))] == 0
    assert found[("assistant_outbox_last_run_sms", (("outcome", "failed"),))] == 0


@pytest.fixture(autouse=True)
def _no_twilio_env(monkeypatch) -> None:
    for name in ("ASSISTANT_TWILIO_ACCOUNT_SID", "ASSISTANT_SMS_FROM"):
        monkeypatch.delenv(name, raising=False)


def test_the_readme_runs_serve_under_systemd_with_restart_and_says_the_purge_limit() -> None:
    """An operator has only the README: serve exits 2 while the database is down at boot, so
    its unit restarts it; `privacy purge` without --days keeps the shortest site retention."""
    from pathlib import Path

    text = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = text.split("## Running it for a jobcenter")[1].split("\n## ")[0]
    [unit] = [block.split("```")[0] for block in section.split("```ini")[1:]
              if " serve " in block.split("```")[0]]
    assert "jobcenter-assistant serve --port %i" in unit and "Restart=on-failure" in unit
    said = " ".join(section.split())
    assert "exits with status 2 when the database cannot be reached" in said
    assert "**shortest** `retention_days` of all the sites" in said


def test_serve_exits_2_when_the_database_cannot_be_reached(tmp_path, capsys) -> None:
    from assistant.cli import main

    assert main(["serve", "--db", "postgresql://nobody@127.0.0.1:1/none"]) == 2
