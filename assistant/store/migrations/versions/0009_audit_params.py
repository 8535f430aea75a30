"""The audit log keeps what an action was done to as parameters, in no language.

A new row holds its action's key and ``params`` (JSON: a request's number, a day and how many
meetings were cancelled...), and the staff screen words them in the reader's language; its
``detail`` stays empty. Rows written before keep their English ``detail`` and no ``params``,
and are shown as they are: the log is append-only, so they are never rewritten. Adding the
column changes no row (its triggers refuse UPDATE and DELETE, not ALTER TABLE).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("audit_log")}
    if "params" not in have:
        # ADD COLUMN, never batch mode: a copied table would lose its append-only triggers
        op.add_column("audit_log", sa.Column("params", sa.String(length=1000), nullable=True))


def downgrade() -> None:
    op.drop_column("audit_log", "params")
