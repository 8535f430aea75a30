"""Baseline: the schema as commit 099e7cb, the last made before migrations, created it.

A database that version made has no alembic_version table; it is stamped with this revision
and upgraded from here (store/migrate.py).

Revision ID: 0001
Revises:
Create Date: 2026-12-06 14:01:49.747680
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('staff', sa.String(length=8), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_audit_log_at', 'audit_log', ['at'], unique=False)
    op.create_table('callback_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('topic', sa.String(length=40), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('session_id', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('closed_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('day')
    )
    op.create_table('flow_stats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('flow_id', sa.String(length=40), nullable=False),
    sa.Column('event', sa.String(length=16), nullable=False),
    sa.Column('step_id', sa.String(length=40), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('day', 'flow_id', 'event', 'step_id', name='uq_flow_stat')
    )
    op.create_table('interpreters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_interpreters_language', 'interpreters', ['language'], unique=False)
    op.create_table('login_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initials', sa.String(length=8), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_login_attempts_initials', 'login_attempts', ['initials'], unique=False)
    op.create_table('meeting_types',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('channels', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('opening_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('opens', sa.String(length=5), nullable=False),
    sa.Column('closes', sa.String(length=5), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('weekday', name='uq_opening_weekday')
    )
    op.create_table('resume_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('state', sa.Text(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code', name='uq_resume_code')
    )
    op.create_table('sessions',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('state', sa.Text(), nullable=False),
    sa.Column('turns', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_sessions_key', 'sessions', ['key'], unique=True)
    op.create_table('sms_contacts',
    sa.Column('phone_hash', sa.String(length=64), nullable=False),
    sa.Column('stopped', sa.Boolean(), nullable=False),
    sa.Column('pending', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('phone_hash')
    )
    op.create_table('sms_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sid', sa.String(length=64), nullable=False),
    sa.Column('phone_hash', sa.String(length=64), nullable=True),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sid', name='uq_sms_sid')
    )
    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initials', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('languages', sa.String(length=40), nullable=False),
    sa.Column('competences', sa.String(length=400), nullable=False),
    sa.Column('pin_hash', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('initials')
    )
    op.create_table('bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('meeting_type', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('meeting_lang', sa.String(length=5), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('interpreter_id', sa.Integer(), nullable=True),
    sa.Column('start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('active_key', sa.String(length=80), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['interpreter_id'], ['interpreters.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('active_key', name='uq_booking_active'),
    sa.UniqueConstraint('code', name='uq_booking_code')
    )
    op.create_index('ix_bookings_phone', 'bookings', ['phone'], unique=False)
    op.create_index('ix_bookings_start', 'bookings', ['start'], unique=False)
    op.create_table('turns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.String(length=32), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('input', sa.Text(), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_id', 'seq', name='uq_turn_seq')
    )
    op.create_table('booking_cells',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resource', sa.String(length=40), nullable=False),
    sa.Column('cell', sa.DateTime(timezone=True), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('resource', 'cell', name='uq_cell')
    )
    op.create_index('ix_booking_cells_booking_id', 'booking_cells', ['booking_id'], unique=False)
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_outbox_due_at', 'outbox', ['due_at'], unique=False)
    # The audit log is append-only in the database itself, not only by convention in the code.
    if op.get_bind().dialect.name == "sqlite":
        for change in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_log_no_{change.lower()} BEFORE {change} ON "
                       "audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")
        return
    op.execute("CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$ "
               "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$ LANGUAGE plpgsql")
    op.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
               "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
    # What 099e7cb's turns used to write nothing unless the session's update changed one row.
    op.execute("CREATE FUNCTION assistant_one_session(n bigint) RETURNS bigint AS $$ "
               "BEGIN IF n <> 1 THEN RAISE EXCEPTION 'the session is gone or has changed' "
               "USING ERRCODE = 'no_data_found'; END IF; RETURN n; END $$ LANGUAGE plpgsql")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION assistant_one_session(bigint)")
    op.drop_table('outbox')
    op.drop_table('booking_cells')
    op.drop_table('turns')
    op.drop_table('bookings')
    op.drop_table('staff')
    op.drop_table('sms_messages')
    op.drop_table('sms_contacts')
    op.drop_table('sessions')
    op.drop_table('resume_codes')
    op.drop_table('opening_hours')
    op.drop_table('meeting_types')
    op.drop_table('login_attempts')
    op.drop_table('interpreters')
    op.drop_table('flow_stats')
    op.drop_table('closed_days')
    op.drop_table('callback_requests')
    op.drop_table('audit_log')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_log_append_only()")
