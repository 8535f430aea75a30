"""Makes the databases in this folder with the code of commit 099e7cb, the last made before
migrations (Alembic): a schema as that commit created it, holding a row in every table.
tests/test_migrations.py upgrades copies of them and finds every row.

Run once, from a checkout of 099e7cb with its own environment:

    git worktree add ../old 099e7cb && cd ../old && python3 -m venv .venv \\
        && .venv/bin/pip install -e ".[test]"
    .venv/bin/python <this repository>/tests/data/db_099e7cb/make.py <this folder>

It needs the PostgreSQL server of the test suite and pg_dump.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def fill(url: str) -> None:
    """Conversations on every channel of that version, so that every table holds rows."""
    from assistant.app import load_content, open_store
    from assistant.channels.sms import sms_turn
    from assistant.conversation import Conversation
    from assistant.reports import close_day
    from assistant.staff import add_staff, login

    content, store = load_content(), open_store(url, demo=True)
    convo, _ = Conversation.open(content, store, "chat:fixture", "text", "en", now=lambda: NOW)
    for said in ["5", "30", "2", "save", "menu", "staff", "2", "Anna Jensen", "22334455", "1",
                 "1"]:
        convo.handle(said)
    phone = "+4522334455"
    for i, said in enumerate(["menu", "1", "2", "1", "1", "1", "Ole Hansen", "22334455", "1"]):
        sms_turn(content, store, phone=phone, body=said, sid=f"SMfix{i}", now=lambda: NOW)
    sms_turn(content, store, phone="+4522334466", body="ДОПОМОГА", sid="SMlong")  # MORE waits
    sms_turn(content, store, phone="+4522334477", body="STOP", sid="SMstop")
    add_staff(store.engine, "FX", "Fixture Person", "1234", "da,uk", "first_meeting")
    login(store.engine, "FX", "0000")  # a failed attempt
    close_day(store.engine, dt.date(2026, 12, 24), "FX", "juleaften")
    store.engine.dispose()


def dump_sqlite(path: Path, out: Path) -> None:
    conn = sqlite3.connect(path)
    out.write_text("\n".join(conn.iterdump()) + "\n")
    conn.close()


def dump_postgres(schema: str, out: Path) -> None:
    """pg_dump's plain SQL, with the schema's name taken out: it loads into any schema."""
    dumped = subprocess.run(
        ["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "--schema", schema, "--no-owner",
         "--no-privileges", "--inserts", "test"], check=True, capture_output=True,
        text=True).stdout
    keep = [line for line in dumped.splitlines()
            if not line.startswith(("CREATE SCHEMA", "SELECT pg_catalog.set_config",
                                    "SET ", "--", "\\"))]
    sql = re.sub(rf"\b{schema}\.", "", "\n".join(keep))
    out.write_text(re.sub(r"\n{3,}", "\n\n", sql).strip() + "\n")


def main() -> int:
    folder = Path(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "old.sqlite3"
        fill(f"sqlite:///{path}")
        dump_sqlite(path, folder / "sqlite.sql")
    schema = f"fixture_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        fill(f"{PG}?options=-csearch_path%3D{schema}")
        dump_postgres(schema, folder / "postgresql.sql")
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
