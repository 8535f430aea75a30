"""The ORM session for the code that a turn may reach (bookings, callbacks, resume codes).

It blocks on the database, so a turn on the event loop that reaches it moves to a worker
thread first (loop_postgres.py).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from assistant.store.loop_postgres import may_block


class DB(Session):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        may_block()
        super().__init__(*args, **kwargs)
