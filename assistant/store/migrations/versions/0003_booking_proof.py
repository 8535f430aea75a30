"""Proof that a person holds a phone number, and what the booking caps count.

phone_proofs holds the one-time SMS codes (hashed) that looking up, moving or cancelling a
booking, and a new booking on the web, need; bookings get the conversation that made them
and, for the web, the client's address hashed, so that active bookings per session and per
address can be capped.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A database made by a later version whose alembic_version was lost is stamped with the
    # baseline (store/migrate.py) and comes here with all of this: add only what is missing.
    seen = sa.inspect(op.get_bind())
    if not seen.has_table("phone_proofs"):
        _proofs()
    columns = {c["name"] for c in seen.get_columns("bookings")}
    for name, length in (("session_id", 32), ("origin", 64)):
        if name not in columns:
            with op.batch_alter_table("bookings") as batch:
                batch.add_column(sa.Column(name, sa.String(length=length), nullable=True))
            op.create_index(f"ix_bookings_{name}", "bookings", [name], unique=False)


def _proofs() -> None:
    op.create_table(
        "phone_proofs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("origin", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_phone_proofs_phone_hash", "phone_proofs", ["phone_hash"], unique=False)
    op.create_index("ix_phone_proofs_origin", "phone_proofs", ["origin"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_bookings_origin", table_name="bookings")
    op.drop_index("ix_bookings_session_id", table_name="bookings")
    with op.batch_alter_table("bookings") as batch:
        batch.drop_column("origin")
        batch.drop_column("session_id")
    op.drop_index("ix_phone_proofs_origin", table_name="phone_proofs")
    op.drop_index("ix_phone_proofs_phone_hash", table_name="phone_proofs")
    op.drop_table("phone_proofs")
