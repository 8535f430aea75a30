"""Turns per second through the JSON API and the SMS webhook at 1, 16 and 64 concurrent
clients, on SQLite and PostgreSQL, beside a bare echo endpoint on the same framework in the
same run. Targets (2 cores): >= 300 turns/s on SQLite, >= 40% of echo, p99 <= 100 ms at 16.

Beside them, "store": a turn with the conversation left out, only the session's read and the
turn's write through the same store, run as the API's turns are (bench/serve_bench_app.py).
Its share of echo is the most any turn could reach with the storage path as it is.

The server is one uvicorn process. The clients run in this process on a lean keep-alive
HTTP/1.1 client (bench/loadgen.py) and share the same 2 cores, so every figure is a floor.
Echo, API and SMS load take turns in short slices (--rounds), so each ratio compares figures
measured over the same minute of a shared, noisy machine.
Run: .venv/bin/python bench/turns.py [--seconds S] [--rounds R]. Last line: RESULT key=value ...
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlencode

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.channels.sms import twilio_signature  # noqa: E402
from bench.loadgen import Client, Connection, Run, load  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TOKEN = "bench-token"
KINDS = ("echo", "store", "api", "sms")
SCRIPT = ["1", "2", "back", "menu", "5", "30", "start over", "menu"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


def client_for(kind: str, base: str) -> Client:
    """What one benchmark client sends: echo requests, store-only turns, API turns, or signed
    SMS turns."""

    async def setup(conn: Connection, n: int) -> Callable[[int], Awaitable[None]]:
        path, token = "/echo", ""
        if kind in ("api", "store"):
            status, body = await conn.request("POST", "/api/sessions", b'{"lang": "en"}')
            if status != 200:
                raise RuntimeError(f"creating a session failed: {status}")
            token = json.loads(body)["session"]
            path = (f"/api/sessions/{token}/messages" if kind == "api" else f"/store/{token}")
        phone = f"+4530{n:06d}"

        async def send(i: int) -> None:
            text = SCRIPT[i % len(SCRIPT)]
            if kind == "sms":
                form = {"From": phone, "To": "+4570000000", "Body": text,
                        "MessageSid": f"SM{uuid.uuid4().hex}"}
                sig = twilio_signature(TOKEN, f"{base}/sms/twilio", form)
                status, _ = await conn.request(
                    "POST", "/sms/twilio", urlencode(form).encode(),
                    "application/x-www-form-urlencoded", {"X-Twilio-Signature": sig})
            else:
                status, _ = await conn.request("POST", path, json.dumps({"text": text}).encode())
            if status != 200:
                raise RuntimeError(f"{kind} request failed: {status}")

        return send

    return setup


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0,
                        help="seconds of load for each kind, client count and backend")
    parser.add_argument("--rounds", type=int, default=3,
                        help="slices the seconds are cut into, the kinds taking turns")
    parser.add_argument("--pg", default=PG)
    parser.add_argument("--backends", default="sqlite,pg", help="comma-separated: sqlite,pg")
    parser.add_argument("--clients", default="1,16,64", help="comma-separated client counts")
    args = parser.parse_args()
    result: dict[str, float] = {}
    for backend in args.backends.split(","):
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
        base = f"http://127.0.0.1:{port}"
        server = None
        try:
            server = start_server(db, port)
            for clients in map(int, args.clients.split(",")):
                runs = {kind: Run() for kind in KINDS}
                cpu_used = dict.fromkeys(KINDS, 0.0)
                # The kinds take turns, a slice each per round: the machine is shared, and
                # a ratio of two figures measured minutes apart measures its neighbours too.
                for _ in range(args.rounds):
                    for kind in KINDS:
                        cpu = cpu_seconds(server.pid)
                        run = asyncio.run(load("127.0.0.1", port, clients,
                                               args.seconds / args.rounds,
                                               client_for(kind, base)))
                        cpu_used[kind] += cpu_seconds(server.pid) - cpu
                        runs[kind].requests += run.requests
                        runs[kind].seconds += run.seconds
                        runs[kind].latencies.extend(run.latencies)
                for kind, run in runs.items():
                    cpu_ms = cpu_used[kind] / max(run.requests, 1) * 1000
                    rate, p99 = run.per_s, run.percentile(0.99)
                    result[f"{backend}_{kind}_{clients}c_cpu_ms"] = round(cpu_ms, 3)
                    result[f"{backend}_{kind}_{clients}c_per_s"] = round(rate, 1)
                    result[f"{backend}_{kind}_{clients}c_p99_ms"] = round(p99, 1)
                    print(f"{backend:6} {kind:5} {clients:2} clients: {rate:7.1f}/s, "
                          f"p99 {p99:6.1f} ms, server CPU {cpu_ms:.2f} ms per request")
                echo = result[f"{backend}_echo_{clients}c_per_s"]
                for kind in ("store", "api", "sms"):
                    share = result[f"{backend}_{kind}_{clients}c_per_s"] / echo
                    result[f"{backend}_{kind}_{clients}c_of_echo"] = round(share, 2)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
            if drop:
                drop()
    print("RESULT " + " ".join(f"{k}={v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
