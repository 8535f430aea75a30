"""Requests for staff keep the web address they came from, hashed.

The per-address cap on requests for staff (actions.request_refused) counts them in the
database, as the per-address cap on bookings does, so it holds across processes and restarts.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("callback_requests")}
    if "origin" not in have:
        with op.batch_alter_table("callback_requests") as batch:
            batch.add_column(sa.Column("origin", sa.String(length=64), nullable=True))
        op.create_index("ix_callback_requests_origin", "callback_requests", ["origin"],
                        unique=False)


def downgrade() -> None:
    op.drop_index("ix_callback_requests_origin", table_name="callback_requests")
    with op.batch_alter_table("callback_requests") as batch:
        batch.drop_column("origin")
