"""Per-sequence bucket counters, filled from the messages already stored.

The dashboard used to aggregate every message; a counter row per sequence, kept in the same
transactions that move messages, makes that read cost grow with sequences, not messages.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from desktop.models.base import ID

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BUCKETS = ("in_queue", "outbox", "sent", "error", "delivery_unknown", "canceled")


def upgrade() -> None:
    op.create_table(
        "sequence_counters",
        sa.Column("sequence_id", ID, nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        *(sa.Column(bucket, sa.Integer(), nullable=False) for bucket in BUCKETS),
        sa.Column("deleted_leads", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sequence_id"],
            ["sequences.id"],
            name="fk_sequence_counters_sequence_id_sequences",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sequence_id", name="pk_sequence_counters"),
    )
    per_bucket = ", ".join(
        f"(SELECT COUNT(*) FROM messages m WHERE m.sequence_id = s.id AND m.bucket = '{b}')"
        for b in BUCKETS
    )
    op.execute(
        f"""
        INSERT INTO sequence_counters
            (sequence_id, total, {", ".join(BUCKETS)}, deleted_leads)
        SELECT s.id,
               (SELECT COUNT(*) FROM messages m WHERE m.sequence_id = s.id),
               {per_bucket},
               (SELECT COUNT(DISTINCT m.lead_id) FROM messages m JOIN leads l
                    ON l.id = m.lead_id
                 WHERE m.sequence_id = s.id AND l.deleted_at IS NOT NULL)
        FROM sequences s
        """
    )


def downgrade() -> None:
    op.drop_table("sequence_counters")
