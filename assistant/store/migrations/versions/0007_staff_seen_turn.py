"""Staff requests: the last turn of the conversation its member of staff has seen.

A citizen who writes in a conversation a member of staff has taken shows in the staff queue
as a new message until that member of staff opens the conversation: the queue compares the
conversation's last citizen turn with this column, in the database, so any process sees it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 18:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("callback_requests")}
    if "seen_turn" not in have:
        with op.batch_alter_table("callback_requests") as batch:
            batch.add_column(sa.Column("seen_turn", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("callback_requests") as batch:
        batch.drop_column("seen_turn")
