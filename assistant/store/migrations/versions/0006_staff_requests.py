"""Staff requests: where a request was made, and who took it when.

callback_requests holds every staff request (a callback, a desk request from a kiosk, a chat
from the web page or by SMS); these columns let the staff queue say where it came from and
let one member of staff take it (a conditional update on status).

Revision ID: 0006
Revises: 0002
Create Date: 2026-12-06 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


COLUMNS = (sa.Column("place", sa.String(80), nullable=True),
           sa.Column("taken_by", sa.String(8), nullable=True),
           sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True))


def upgrade() -> None:
    # A database made before migrations is taken to be at the baseline even when a later
    # version made it (with these columns already): add only what is missing.
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("callback_requests")}
    missing = [column for column in COLUMNS if column.name not in have]
    if missing:
        with op.batch_alter_table("callback_requests") as batch:
            for column in missing:
                batch.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("callback_requests") as batch:
        batch.drop_column("taken_at")
        batch.drop_column("taken_by")
        batch.drop_column("place")
