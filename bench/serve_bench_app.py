"""The web app as `serve` makes it, without rate limits, for bench/turns.py.

Run by uvicorn as `bench.serve_bench_app:app`; the database comes from ASSISTANT_DB.
"""

from __future__ import annotations

from assistant.app import load_content, open_store, settle
from assistant.channels.web import make_app

app = make_app(load_content(), open_store(demo=True), ip_limit=10**9, phone_limit=10**9)
settle()
