"""One conversation core, many channels: every transcript, typed into the text channel, sent
to the web API and texted to the SMS webhook, gives the same turns (the core's outputs, as
each channel stored them), turn by turn."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session as DB
from sqlmodel import select
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from assistant.booking import codes
from assistant.channels.text import run_chat
from assistant.channels.web import make_app
from assistant.conversation import Content
from assistant.flow.loader import load_flows
from assistant.i18n import tr
from assistant.store.db import make_engine
from assistant.store.demo import seed_demo
from assistant.store.models import Session, Turn
from assistant.store.sessions import SessionStore

from .conftest import NOW
from .test_transcripts import FILES, asks_for_code, now_of

TOKEN, BASE = "channels-agree-token", "https://kiosk.example.dk"
LANGUAGE_WORD = {"da": "dansk", "en": "english", "uk": "українська"}
ALSO_SMS = tr("You will also get an SMS with this confirmation.")
MORE_HINT = tr("Reply MORE for the rest.")


def turns_of(store: SessionStore, key_prefix: str) -> list[tuple[str, list]]:
    """Each turn's input and outputs, in order, of the one session whose key starts so."""
    with DB(store.engine) as db:
        [session] = [s for s in db.exec(select(Session)) if s.key.startswith(key_prefix)]
        rows = db.exec(select(Turn).where(Turn.session_id == session.id).order_by(Turn.seq))
        return [(t.input, [told(item) for item in without_staff_copy(json.loads(t.reply))])
                for t in rows]


def without_staff_copy(reply: list[dict]) -> list[dict]:
    """A reply without a booking's Danish copy for staff and the notice heading it: only where
    staff stand beside the citizen (the kiosk, and the text channel, which behaves as it), not
    on the web page or by SMS, by design (booking/conversation.py, STAFF_BESIDE)."""
    copies = {n for n, item in enumerate(reply) if item.get("type") == "say"
              and item.get("lang") == "da"}
    return [item for n, item in enumerate(reply) if n not in copies and n + 1 not in copies]


KIOSK_ONLY = {flow.id for flow in load_flows().values() if flow.only_at}
"""Guides the menu offers only at the kiosk (check-in): the web and SMS menus leave them out,
the others keep their numbers."""


PHONE_QUESTIONS = [step.text for flow in load_flows().values() for step in flow.steps.values()
                   if step.kind == "input" and step.validate == "phone"]
OFFERED_NUMBER = tr("Use the number you write from, ending in {digits}? Reply YES, or write "
                    "another number.", digits="")["en"].split("{digits}")[0][:40]
"""By SMS the phone question offers the number written from instead of asking for one."""


def _without_also_sms(text: str) -> str:
    for said in ALSO_SMS.values():
        text = text.replace(f"\n{said}", "")
    return text


def told(item: dict) -> dict:
    """A reply item; where the citizen is told staff are on their way, the menu's kiosk-only
    guides and the phone question, the things that differ by design (at a kiosk a person
    comes, on the web page or by SMS one writes; check-in is at the kiosk; by SMS the number
    written from is offered)."""
    if item.get("type") == "choices":
        return {**item, "options": [o for o in item["options"] if o["value"] not in KIOSK_ONLY]}
    if item.get("type") == "confirmation":  # by SMS the card is itself the SMS: no "you will
        # also get an SMS" in it, nor in the staff's Danish copy (booking/conversation.py)
        item = {**item, "notes": [n for n in item["notes"] if n != ALSO_SMS]}
    if isinstance(item.get("text"), dict):
        item = {**item, "text": {lang: _without_also_sms(t) for lang, t in item["text"].items()}}
    text = item.get("text")
    if isinstance(text, dict) and (text in PHONE_QUESTIONS or
                                   text.get("en", "").startswith(OFFERED_NUMBER)):
        return {**item, "text": "the phone question"}
    if isinstance(text, dict) and text.get("en", "").startswith(
            "A member of staff has been told and will "):
        return {**item, "text": "staff told"}
    return item


def fresh_store(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> SessionStore:
    """A store with the demo data; booking and resume codes drawn the same on every run."""
    monkeypatch.setattr(codes, "secrets", random.Random(7))
    engine = make_engine(f"sqlite:///{tmp_path / name}.sqlite3")
    seed_demo(engine)
    return SessionStore(engine)


Typed = tuple[str, bool]
"""What the citizen types, and whether it is the SMS code (typed only when asked for)."""


def by_text(content: Content, store: SessionStore, lang: str, says: list[Typed],
            now: dt.datetime = NOW) -> None:
    last = ""
    for n, (say, proof) in enumerate(says):
        if proof and not asks_for_code(content, last):
            continue
        out = io.StringIO()
        assert run_chat(content, store, lang=lang if n == 0 else None, channel="text",
                        session_key="chat:agree", stdin=io.StringIO(say + "\n"), stdout=out,
                        now=lambda: now) == 0
        last = out.getvalue()


def by_web(content: Content, store: SessionStore, lang: str, says: list[Typed],
           now: dt.datetime = NOW) -> None:
    client = TestClient(make_app(content, store, now=lambda: now), base_url=BASE)
    token = client.post("/api/sessions", json={"lang": lang}).json()["session"]
    last = ""
    for say, proof in says:
        if proof and not asks_for_code(content, last):
            continue
        response = client.post(f"/api/sessions/{token}/messages", json={"text": say})
        assert response.status_code == 200
        last = "\n".join(item.get("text", "") for item in response.json()["reply"])


def by_sms(content: Content, store: SessionStore, lang: str, says: list[Typed],
           monkeypatch: pytest.MonkeyPatch, now: dt.datetime = NOW) -> None:
    """Through the signed webhook. An SMS conversation has no language screen: the citizen's
    first text names the language, and the transcript follows. The citizen reads each reply
    to its end (MORE while it says there is more) before answering it, as they must: an
    answer sent while the question is still unsent is not taken (channels/sms.py)."""
    monkeypatch.setenv("ASSISTANT_TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("ASSISTANT_PUBLIC_URL", "https://kiosk.example.dk")
    client = TestClient(make_app(content, store, now=lambda: now, phone_limit=10**6),
                        base_url=BASE)

    def text(say: str, sid: str) -> str:
        form = {"From": "+4522334455", "To": "+4570000000", "Body": say, "MessageSid": sid}
        signature = RequestValidator(TOKEN).compute_signature(f"{BASE}/sms/twilio", form)
        response = client.post("/sms/twilio", data=form,
                               headers={"X-Twilio-Signature": signature})
        assert response.status_code == 200
        return response.text

    last = ""
    for i, (say, proof) in enumerate([(LANGUAGE_WORD[lang], False), *says]):
        if proof and not asks_for_code(content, last):
            continue
        reply = last = text(say, f"SMagree{i}")
        for part in range(20):
            if not any(hint in reply for hint in MORE_HINT.values()):
                break
            reply = text("MORE", f"SMagree{i}-more{part}")
            last += reply


def proven(content: Content, turns: list[tuple[str, list]]) -> list[tuple[str, list]]:
    """The turns as if the phone number needed no proof: a turn that asked for the SMS code
    shows what the turn that gave the right code showed, and the code turns go (the kiosk
    asks for no code for a new booking, an SMS from the number itself none at all)."""
    kept: list[tuple[str, list]] = []
    waiting = False
    for typed, reply in turns:
        if waiting:  # a code (or a wrong one): what it showed stands for the asking turn
            kept[-1] = (kept[-1][0], reply)
        else:
            kept.append((typed, reply))
        shown = "\n".join(str(item.get("text", "")) for item in reply)
        waiting = asks_for_code(content, shown)
    return kept


EVERYWHERE = [p for p in FILES
              if not yaml.safe_load(p.read_text(encoding="utf-8")).get("kiosk_only")]
"""The transcripts of what every channel offers (check-in is only at the kiosk)."""


@pytest.mark.parametrize("path", EVERYWHERE, ids=[p.stem for p in EVERYWHERE])
def test_the_text_web_and_sms_channels_give_the_same_turns(
        path: Path, content: Content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    lang = script["lang"]
    says = [(turn["say"], bool(turn.get("proof"))) for turn in script["turns"]]
    now = now_of(script)

    store = fresh_store(tmp_path, "text", monkeypatch)
    by_text(content, store, lang, says, now)
    text = proven(content, turns_of(store, "chat:"))
    store = fresh_store(tmp_path, "web", monkeypatch)
    by_web(content, store, lang, says, now)
    web = proven(content, turns_of(store, "web:"))
    store = fresh_store(tmp_path, "sms", monkeypatch)
    by_sms(content, store, lang, says, monkeypatch, now)
    sms = proven(content, turns_of(store, "sms:"))[1:]  # after the text naming the language

    assert len(text) == len([say for say, proof in says if not proof])
    for number, (typed, on_web, on_sms) in enumerate(zip(text, web, sms, strict=True), 1):
        assert on_web == typed, f"turn {number} ({typed[0]!r}) differs on the web"
        assert on_sms == typed, f"turn {number} ({typed[0]!r}) differs by SMS"
