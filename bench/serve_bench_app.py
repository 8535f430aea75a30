"""The real web app plus two bare endpoints on the same framework, for bench/turns.py:

- ``POST /echo``: echoes the text back (the framework's own cost per request);
- ``POST /store/{token}``: a turn with the conversation left out: the session's read and the
  turn's write through the same store, run the way the API's turns are (web.CoreRunner),
  and a reply of a turn's size. What a turn costs above this is the
  conversation core's; what this costs above echo, the storage path's.

Run by uvicorn as `bench.serve_bench_app:app`; the database comes from ASSISTANT_DB.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from assistant.app import load_content, open_store, settle
from assistant.channels.web import JSON, CoreRunner, error, make_app, render_json, ui_strings
from assistant.conversation import Conversation, State
from assistant.outputs import to_json

content = load_content()
store = open_store(demo=True)
MENU = Conversation(content, State(lang="en")).menu()
core = CoreRunner(store)


async def echo(request: Request) -> JSONResponse:
    return JSONResponse({"echo": (await request.json()).get("text", "")})


async def store_only(request: Request) -> Response:
    token = request.path_params["token"]
    text = str((await request.json()).get("text", ""))

    def turn() -> Response:
        saved = store.load(f"web:{token}")
        if saved is None:
            return error(404, "no_session", "no such session")
        store.record_turn(saved.id, text, [to_json(o) for o in MENU], saved.state, "en",
                          seen=saved.turns)
        return JSON({"session": token, "lang": "en", "reply": render_json(MENU, "en"),
                     "ui": ui_strings("en")})

    return await core.run(turn)


app = make_app(content, store, ip_limit=10**9, phone_limit=10**9)
app.router.routes[:0] = [Route("/echo", echo, methods=["POST"]),  # matched first: bare
                         Route("/store/{token}", store_only, methods=["POST"])]
settle()
