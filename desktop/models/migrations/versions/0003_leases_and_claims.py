"""Engine leases, owned claims, dead numbers, leads that need a time zone, preparers.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from desktop.models.base import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "engine_leases",
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("process_started", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sender", name="pk_engine_leases"),
    )
    op.create_index("ix_engine_leases_owner_id", "engine_leases", ["owner_id"])
    # Plain ADD COLUMN (no batch copy): SQLite adds columns in place, and copying `leads`
    # would trip the foreign keys that point at it.
    op.add_column("messages", sa.Column("claimed_by", sa.String(length=32), nullable=True))
    op.add_column("leads", sa.Column("dead_number_code", sa.Integer(), nullable=True))
    op.add_column("leads", sa.Column("dead_number_at", UTCDateTime(), nullable=True))
    op.add_column(
        "leads",
        sa.Column("timezone_needed", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "sequences",
        sa.Column("preparer", sa.String(length=80), nullable=False, server_default=""),
    )


def downgrade() -> None:
    # SQLite 3.35+ drops columns in place, like PostgreSQL.
    op.drop_column("sequences", "preparer")
    op.drop_column("leads", "timezone_needed")
    op.drop_column("leads", "dead_number_at")
    op.drop_column("leads", "dead_number_code")
    op.drop_column("messages", "claimed_by")
    op.drop_index("ix_engine_leases_owner_id", table_name="engine_leases")
    op.drop_table("engine_leases")
