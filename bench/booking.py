"""Booking throughput: bookings per second with 1, 4 and 16 processes on SQLite and
PostgreSQL, and the free-slot search time over 30 days and 20 staff.

Every process books its own share of distinct free times, so the figure is the database's
write path (transaction + cell holds + constraints), not conflicts.
Run: .venv/bin/python bench/booking.py [--pg URL] [--per-process N]
The last line is RESULT key=value ...
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.booking.service import BookingService, FreeTime  # noqa: E402
from assistant.store.db import make_engine  # noqa: E402
from assistant.store.demo import seed_demo  # noqa: E402
from assistant.store.models import Staff  # noqa: E402

NOW = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def prepare(url: str) -> BookingService:
    from sqlmodel import Session as DB

    engine = make_engine(url)
    seed_demo(engine)
    with DB(engine) as db:
        for i in range(16):
            db.add(Staff(initials=f"B{i:02d}", name=f"Bench {i}", languages="da",
                         competences="job_meeting"))
        db.commit()
    return BookingService(engine, now=lambda: NOW, horizon_days=30)


def worker(url: str, index: int, keys: list[str], barrier, out) -> None:
    service = BookingService(make_engine(url), now=lambda: NOW)
    barrier.wait()
    start = time.perf_counter()
    for i, key in enumerate(keys):
        service.book(meeting_type="job_meeting", channel="phone", meeting_lang="da", lang="da",
                     free=FreeTime.from_key(key), name="Bench",
                     phone=f"+452{index:02d}{i:05d}")
    out.put((len(keys), time.perf_counter() - start))


def throughput(url: str, processes: int, per_process: int) -> float:
    service = prepare(url)
    wanted = processes * per_process
    pool: list[FreeTime] = []
    after = None
    while len(pool) < wanted:
        batch = service.free_times("job_meeting", "da", limit=500, after=after)
        if not batch:
            break
        pool.extend(batch)
        after = batch[-1].start
    keys = [f.key() for f in pool[:wanted]]
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(processes), ctx.Queue()
    procs = [ctx.Process(target=worker, args=(url, i, keys[i::processes], barrier, out))
             for i in range(processes)]
    for p in procs:
        p.start()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    total = sum(n for n, _ in results)
    return total / max(t for _, t in results)


def pg_url(base: str) -> tuple[str, Callable[[], None]]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))

    return f"{base}?options=-csearch_path%3D{schema}", drop


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default=PG)
    parser.add_argument("--per-process", type=int, default=0,
                        help="bookings per process (default: 240 divided by processes)")
    args = parser.parse_args()
    result: dict[str, float] = {}
    for backend in ("sqlite", "pg"):
        for n in (1, 4, 16):
            per = args.per_process or max(240 // n, 10)
            if backend == "sqlite":
                url, drop = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3", (lambda: None)
            else:
                url, drop = pg_url(args.pg)
            try:
                rate = throughput(url, n, per)
            finally:
                drop()
            result[f"{backend}_{n}p_per_s"] = round(rate, 1)
            print(f"{backend:6} {n:2} processes: {rate:7.1f} bookings/s ({per} each)")
    service = prepare(f"sqlite:///{tempfile.mkdtemp()}/search.sqlite3")
    times = []
    for _ in range(20):
        start = time.perf_counter()
        found = service.free_times("job_meeting", "da", limit=10_000)
        times.append((time.perf_counter() - start) * 1000)
    print(f"free-slot search, 30 days x 20 staff: {len(found)} free times, "
          f"median {statistics.median(times):.1f} ms")
    result["slot_search_ms"] = round(statistics.median(times), 1)
    result["slots_found"] = len(found)
    print("RESULT " + " ".join(f"{k}={v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
