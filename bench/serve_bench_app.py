"""The real web app plus a bare echo endpoint on the same framework, for bench/turns.py.
Run by uvicorn as `bench.serve_bench_app:app`; the database comes from ASSISTANT_DB."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from assistant.app import load_content, open_store, settle
from assistant.channels.web import make_app


async def echo(request: Request) -> JSONResponse:
    return JSONResponse({"echo": (await request.json()).get("text", "")})


app = make_app(load_content(), open_store(demo=True), ip_limit=10**9, phone_limit=10**9)
app.router.routes.insert(0, Route("/echo", echo, methods=["POST"]))  # matched first: bare
settle()
