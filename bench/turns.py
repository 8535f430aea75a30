"""Turns per second through the JSON API and the SMS webhook at 1, 16 and 64 concurrent
clients, on SQLite and PostgreSQL, beside a bare echo endpoint on the same framework in the
same run. Targets (2 cores): >= 300 turns/s on SQLite, >= 40% of echo, p99 <= 100 ms at 16.

The server is one uvicorn process; the clients share the same 2 cores, so every figure is a
floor. Run: .venv/bin/python bench/turns.py [--seconds S]. Last line: RESULT key=value ...
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.channels.sms import twilio_signature  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TOKEN = "bench-token"
SCRIPT = ["1", "2", "back", "menu", "5", "30", "start over", "menu"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ASSISTANT_DB": db, "ASSISTANT_TWILIO_AUTH_TOKEN": TOKEN,
           "ASSISTANT_PUBLIC_URL": f"http://127.0.0.1:{port}", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "bench.serve_bench_app:app",
                             "--port", str(port), "--log-level", "warning", "--no-access-log"],
                            env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


async def run_clients(kind: str, base: str, clients: int, seconds: float) -> tuple[float, float]:
    latencies: list[float] = []
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def one(n: int) -> None:
            token = None
            if kind == "api":
                token = (await client.post("/api/sessions", json={"lang": "en"})).json()["session"]
            phone = f"+4530{n:06d}"
            i = 0
            while time.perf_counter() < stop:
                body = SCRIPT[i % len(SCRIPT)]
                i += 1
                t0 = time.perf_counter()
                if kind == "echo":
                    r = await client.post("/echo", json={"text": body})
                elif kind == "api":
                    r = await client.post(f"/api/sessions/{token}/messages", json={"text": body})
                else:
                    form = {"From": phone, "To": "+4570000000", "Body": body,
                            "MessageSid": f"SM{uuid.uuid4().hex}"}
                    sig = twilio_signature(TOKEN, f"{base}/sms/twilio", form)
                    r = await client.post("/sms/twilio", data=form,
                                          headers={"X-Twilio-Signature": sig})
                r.raise_for_status()
                latencies.append(time.perf_counter() - t0)

        start = time.perf_counter()
        await asyncio.gather(*(one(n) for n in range(clients)))
        elapsed = time.perf_counter() - start
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    return len(latencies) / elapsed, p99


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--pg", default=PG)
    args = parser.parse_args()
    result: dict[str, float] = {}
    for backend in ("sqlite", "pg"):
        drop = None
        if backend == "sqlite":
            db = f"sqlite:///{tempfile.mkdtemp()}/turns.sqlite3"
        else:
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            admin = create_engine(args.pg)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            db = f"{args.pg}?options=-csearch_path%3D{schema}"

            def drop(schema: str = schema, admin=admin) -> None:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        port = free_port()
        server = start_server(db, port)
        base = f"http://127.0.0.1:{port}"
        try:
            for clients in (1, 16, 64):
                for kind in ("echo", "api", "sms"):
                    rate, p99 = asyncio.run(run_clients(kind, base, clients, args.seconds))
                    result[f"{backend}_{kind}_{clients}c_per_s"] = round(rate, 1)
                    result[f"{backend}_{kind}_{clients}c_p99_ms"] = round(p99, 1)
                    print(f"{backend:6} {kind:4} {clients:2} clients: {rate:7.1f}/s, "
                          f"p99 {p99:6.1f} ms")
                echo = result[f"{backend}_echo_{clients}c_per_s"]
                for kind in ("api", "sms"):
                    share = result[f"{backend}_{kind}_{clients}c_per_s"] / echo
                    result[f"{backend}_{kind}_{clients}c_of_echo"] = round(share, 2)
        finally:
            server.terminate()
            server.wait(timeout=30)
            if drop:
                drop()
    print("RESULT " + " ".join(f"{k}={v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
