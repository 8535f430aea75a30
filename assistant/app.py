"""Builds what every entry point needs: content (flows + knowledge) and the store."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable
from pathlib import Path

from assistant.actions import default_actions
from assistant.booking import proof
from assistant.booking.conversation import offer_slots, show_meeting
from assistant.conversation import Content
from assistant.flow.loader import load_flows
from assistant.knowledge.base import KnowledgeBase
from assistant.store.db import make_engine, resolve_url
from assistant.store.demo import seed_demo
from assistant.store.sessions import SessionStore


def load_content(flows: Path | None = None, knowledge: Path | None = None,
                 today: Callable[[], dt.date] = dt.date.today) -> Content:
    return Content(flows=load_flows(flows), knowledge=KnowledgeBase.load(knowledge, today=today),
                   actions=default_actions(), offer_slots=offer_slots, show_meeting=show_meeting,
                   proof=proof)


def open_store(url: str | None = None, demo: bool | None = None,
               pool: int | None = None) -> SessionStore:
    """The store at ``url`` (or $ASSISTANT_DB, or the default SQLite file), its schema up to
    date; on a database server with at most ``pool`` connections (see db.pool_size).

    The default database is filled with demo data on first run; others only when asked.
    """
    resolved, is_default = resolve_url(url)
    engine = make_engine(resolved, pool=pool)
    if demo or (demo is None and is_default):
        seed_demo(engine)
    return SessionStore(engine)


def settle() -> None:
    """Call once a long-running process has loaded its content. It loads now what the first
    booking would load on its way (the holiday calendar, the date formats of every language:
    the first offer of free times took 102 ms, after this 10 ms). Then the garbage collector
    stops walking what is kept for the process's life: the flows, knowledge and index, and
    those tables (a full collection over them paused turns for up to 60 ms)."""
    from assistant.booking.service import public_holidays
    from assistant.i18n import format_when
    from assistant.store.models import utcnow

    now = utcnow()
    public_holidays(now.year, now.year + 1)
    format_when(now)
    gc.collect()
    gc.freeze()
