"""JSON API turns per second at 16 clients: on PostgreSQL this code beside commit 099e7cb's
(its own event-loop driver), measured side by side in one run; and on SQLite.

Targets (2 cores): on PostgreSQL at least 0.75 of 099e7cb's turns/s and a p99 of at most
100 ms; on SQLite at least 300 turns/s. Server CPU per turn (user + system of the server
process, from /proc) is reported for both.

Each server is one uvicorn process with its own fresh database (a schema of its own on the
PostgreSQL server). The clients run in this process on a lean keep-alive HTTP/1.1 client
(bench/loadgen.py) and share the machine's cores, so every figure is a floor. The two
PostgreSQL servers take turns in short slices (--rounds), so their ratio compares figures
measured over the same minute of a shared, noisy machine.

099e7cb runs from a checkout of its own with its own environment, given as --old:

    git worktree add ../assistant-099e7cb 099e7cb
    cd ../assistant-099e7cb && python3 -m venv .venv && .venv/bin/pip install -e .

Run: .venv/bin/python bench/turns.py --old ../assistant-099e7cb [--seconds S] [--rounds R]
Last line: RESULT key=value ...
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
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.loadgen import Client, Connection, Run, load  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCRIPT = ["1", "2", "back", "menu", "5", "30", "start over", "menu"]
"""What each client writes, over and over: menus, a flow's questions, commands."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def server(checkout: Path, python: str, db: str) -> Iterator[tuple[int, int]]:
    """The web app of ``checkout`` (its bench/serve_bench_app.py: no rate limits) on a free
    port, run by ``python``; yields its port and process id."""
    port = free_port()
    env = {**os.environ, "ASSISTANT_DB": db, "PYTHONPATH": str(checkout)}
    proc = subprocess.Popen([python, "-m", "uvicorn", "bench.serve_bench_app:app",
                             "--port", str(port), "--log-level", "warning", "--no-access-log"],
                            env=env, cwd=checkout)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server of {checkout} did not start") from None
                time.sleep(0.2)
        yield port, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    """A database URL for a fresh schema of its own, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def api_client() -> Client:
    """A client that opens a conversation, then sends SCRIPT's messages one after another."""

    async def setup(conn: Connection, n: int) -> Callable[[int], Awaitable[None]]:
        status, body = await conn.request("POST", "/api/sessions", b'{"lang": "en"}')
        if status != 200:
            raise RuntimeError(f"creating a session failed: {status}")
        path = f"/api/sessions/{json.loads(body)['session']}/messages"

        async def send(i: int) -> None:
            status, _ = await conn.request("POST", path, json.dumps(
                {"text": SCRIPT[i % len(SCRIPT)]}).encode())
            if status != 200:
                raise RuntimeError(f"a turn failed: {status}")

        return send

    return setup


class Measured:
    """Turns, their latencies and the server's CPU, over the slices measured so far."""

    def __init__(self, port: int, pid: int) -> None:
        self.port, self.pid, self.run, self.cpu = port, pid, Run(), 0.0

    def slice(self, clients: int, seconds: float) -> None:
        before = cpu_seconds(self.pid)
        run = asyncio.run(load("127.0.0.1", self.port, clients, seconds, api_client()))
        self.cpu += cpu_seconds(self.pid) - before
        self.run.requests += run.requests
        self.run.seconds += run.seconds
        self.run.latencies.extend(run.latencies)

    def figures(self) -> tuple[float, float, float]:
        """Turns per second, p99 in ms, server CPU ms per turn."""
        run = self.run
        return (round(run.per_s, 1), round(run.percentile(0.99), 1),
                round(self.cpu / max(run.requests, 1) * 1000, 3))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", type=Path, required=True,
                        help="a checkout of 099e7cb with its environment in .venv")
    parser.add_argument("--seconds", type=float, default=12.0,
                        help="seconds of load for each server on each database")
    parser.add_argument("--rounds", type=int, default=6,
                        help="slices the seconds are cut into, the servers taking turns")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--pg", default=PG)
    args = parser.parse_args()
    old_python = args.old / ".venv" / "bin" / "python"
    if not (args.old / "bench" / "serve_bench_app.py").exists() or not old_python.exists():
        parser.error(f"{args.old} is not a checkout of 099e7cb with its own .venv")
    clients, slice_s = args.clients, args.seconds / args.rounds
    result: dict[str, float] = {}

    with postgres_schema(args.pg) as new_db, postgres_schema(args.pg) as old_db, \
            server(ROOT, sys.executable, new_db) as new, \
            server(args.old.resolve(), str(old_python), old_db) as old:
        measured = {"new": Measured(*new), "099e7cb": Measured(*old)}
        for which in measured.values():  # warm up: caches, prepared statements, pools
            which.slice(clients, 1.0)
            which.run, which.cpu = Run(), 0.0
        for _ in range(args.rounds):
            for which in measured.values():
                which.slice(clients, slice_s)
        for name, which in measured.items():
            rate, p99, cpu = which.figures()
            suffix = "" if name == "new" else "_099e7cb"
            result.update({f"pg_api_{clients}c_per_s{suffix}": rate,
                           f"pg_api_{clients}c_p99_ms{suffix}": p99,
                           f"pg_api_{clients}c_cpu_ms{suffix}": cpu})
            print(f"PostgreSQL {name:8} {clients} clients: {rate:7.1f} turns/s, "
                  f"p99 {p99:6.1f} ms, server CPU {cpu:.3f} ms per turn")
    result[f"pg_api_{clients}c_ratio"] = round(
        result[f"pg_api_{clients}c_per_s"] / result[f"pg_api_{clients}c_per_s_099e7cb"], 2)

    with tempfile.TemporaryDirectory() as tmp, \
            server(ROOT, sys.executable, f"sqlite:///{tmp}/turns.sqlite3") as lite:
        which = Measured(*lite)
        which.slice(clients, 1.0)
        which.run, which.cpu = Run(), 0.0
        which.slice(clients, args.seconds)
        rate, p99, cpu = which.figures()
        result.update({f"sqlite_api_{clients}c_per_s": rate,
                       f"sqlite_api_{clients}c_p99_ms": p99,
                       f"sqlite_api_{clients}c_cpu_ms": cpu})
        print(f"SQLite     new      {clients} clients: {rate:7.1f} turns/s, "
              f"p99 {p99:6.1f} ms, server CPU {cpu:.3f} ms per turn")
    print("RESULT " + " ".join(f"{k}={v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
