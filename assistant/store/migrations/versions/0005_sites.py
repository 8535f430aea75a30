"""Sites: a jobcenter's own settings from its site file, and several on one database.

A ``sites`` table; staff, opening hours, closing days, meeting types, interpreters, bookings
and callback requests belong to a site (``site_id``). Meeting types and closing days are
per site, so their tables get a surrogate key (their few rows are copied across). A database
that already holds staff or hours (the demo, or a jobcenter's rows) gets one site, "local",
that owns them, so it goes on working as before.

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-06 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OWNED = ("staff", "opening_hours", "meeting_types", "interpreters", "bookings",
         "callback_requests")


def upgrade() -> None:
    bind = op.get_bind()
    if sa.inspect(bind).has_table("sites"):
        return  # made by this version and stamped as older (alembic_version lost): done
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("municipality", sa.String(length=40), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code", name="uq_site_code"),
    )
    # meeting types and closing days: copied into tables keyed per site
    types = [dict(r._mapping) for r in bind.execute(
        sa.text("SELECT code, minutes, channels FROM meeting_types ORDER BY code"))]
    old_closed = sa.table("closed_days", sa.column("day", sa.Date()),
                          sa.column("reason", sa.String()))
    closed = [dict(r._mapping) for r in bind.execute(
        sa.select(old_closed.c.day, old_closed.c.reason).order_by(old_closed.c.day))]
    op.drop_table("meeting_types")
    op.drop_table("closed_days")
    meeting_types = op.create_table(
        "meeting_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("channels", sa.String(length=60), nullable=False),
        sa.Column("competence", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "code", name="uq_meeting_type_site_code"),
    )
    closed_days = op.create_table(
        "closed_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "day", name="uq_closed_site_day"),
    )
    if types:
        op.bulk_insert(meeting_types, [{**t, "competence": ""} for t in types])
    if closed:
        op.bulk_insert(closed_days, closed)  # site_id NULL: closed at every site
    with op.batch_alter_table("opening_hours") as batch:
        batch.add_column(sa.Column("site_id", sa.Integer(), nullable=True))
        batch.drop_constraint("uq_opening_weekday", type_="unique")
        batch.create_unique_constraint("uq_opening_site_weekday", ["site_id", "weekday"])
    for table in ("staff", "interpreters", "bookings", "callback_requests"):
        op.add_column(table, sa.Column("site_id", sa.Integer(), nullable=True))
        op.create_index(f"ix_{table}_site_id", table, ["site_id"])
    with op.batch_alter_table("flow_stats") as batch:  # statistics per site
        batch.add_column(sa.Column("site_id", sa.Integer(), nullable=False, server_default="0"))
        batch.drop_constraint("uq_flow_stat", type_="unique")
        batch.create_unique_constraint("uq_flow_stat",
                                       ["day", "flow_id", "event", "step_id", "site_id"])
    used = any(bind.execute(sa.text(f"SELECT 1 FROM {t} LIMIT 1")).first()
               for t in ("staff", "opening_hours", "meeting_types"))
    if used:
        bind.execute(sa.text(
            "INSERT INTO sites (code, name, municipality, data, updated_at) "
            "VALUES ('local', 'Jobcenter', NULL, '{}', CURRENT_TIMESTAMP)"))
        site = bind.execute(sa.text("SELECT id FROM sites WHERE code = 'local'")).scalar_one()
        for table in OWNED:
            bind.execute(sa.text(f"UPDATE {table} SET site_id = :site"), {"site": site})


def downgrade() -> None:
    with op.batch_alter_table("flow_stats") as batch:
        batch.drop_constraint("uq_flow_stat", type_="unique")
        batch.drop_column("site_id")
        batch.create_unique_constraint("uq_flow_stat", ["day", "flow_id", "event", "step_id"])
    for table in ("staff", "interpreters", "bookings", "callback_requests"):
        op.drop_index(f"ix_{table}_site_id", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("site_id")
    with op.batch_alter_table("opening_hours") as batch:
        batch.drop_constraint("uq_opening_site_weekday", type_="unique")
        batch.drop_column("site_id")
        batch.create_unique_constraint("uq_opening_weekday", ["weekday"])
    op.drop_table("meeting_types")
    op.drop_table("closed_days")
    op.create_table("meeting_types",
                    sa.Column("code", sa.String(length=40), nullable=False),
                    sa.Column("minutes", sa.Integer(), nullable=False),
                    sa.Column("channels", sa.String(length=60), nullable=False),
                    sa.PrimaryKeyConstraint("code"))
    op.create_table("closed_days",
                    sa.Column("day", sa.Date(), nullable=False),
                    sa.Column("reason", sa.String(length=200), nullable=False),
                    sa.PrimaryKeyConstraint("day"))
    op.drop_table("sites")
