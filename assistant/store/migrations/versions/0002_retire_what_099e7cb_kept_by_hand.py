"""Retire what 099e7cb kept by hand at every start, and the function its turns used.

Versions before 099e7cb indexed turns.session_id and sessions.updated_at (every turn paid to
update them: uq_turn_seq leads with session_id, and only the daily purge reads updated_at)
and kept no number with an SMS reply; 099e7cb fixed both at every start. A database of any
of them is stamped with the baseline (0001), so this settles it, and does nothing to a
database made by the baseline. Turns no longer use PostgreSQL's assistant_one_session().

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for index in ("ix_turns_session_id", "ix_sessions_updated_at"):
        op.execute(f"DROP INDEX IF EXISTS {index}")
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("sms_messages")}
    if "phone_hash" not in columns:
        op.add_column("sms_messages", sa.Column("phone_hash", sa.String(64), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS assistant_one_session(bigint)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION assistant_one_session(n bigint) RETURNS bigint AS $$ "
                   "BEGIN IF n <> 1 THEN RAISE EXCEPTION 'the session is gone or has changed' "
                   "USING ERRCODE = 'no_data_found'; END IF; RETURN n; END $$ "
                   "LANGUAGE plpgsql")
