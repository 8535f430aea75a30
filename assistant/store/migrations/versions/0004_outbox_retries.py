"""Outbox retries (attempts, back-off, giving up with a reason) and PIN back-off per place.

Outbox messages whose send failed used to stay at the head of the queue for ever; now each
failure is counted and the message waits (next_try_at), and after a permanent failure or too
many tries it is marked failed (failed_at, failure) and never tried again. Failed PIN tries
record where they were typed (place: "staff" or "kiosk"), so a kiosk's public quit screen
cannot lock staff out of the staff terminal. Existing rows: no tries yet; staff place.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-06 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A database with no alembic_version is stamped with the baseline first (migrate.py): one
    # made by this version's models has these columns already.
    inspector = sa.inspect(op.get_bind())
    outbox = {c["name"] for c in inspector.get_columns("outbox")}
    added = [sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
             sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True),
             sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
             sa.Column("failure", sa.String(length=80), nullable=True)]
    if missing := [c for c in added if c.name not in outbox]:
        with op.batch_alter_table("outbox") as table:
            for column in missing:
                table.add_column(column)
    if "place" not in {c["name"] for c in inspector.get_columns("login_attempts")}:
        with op.batch_alter_table("login_attempts") as table:
            table.add_column(sa.Column("place", sa.String(length=16), server_default="staff",
                                       nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("login_attempts") as table:
        table.drop_column("place")
    with op.batch_alter_table("outbox") as table:
        for column in ("failure", "failed_at", "next_try_at", "attempts"):
            table.drop_column(column)
