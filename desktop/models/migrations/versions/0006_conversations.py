"""Two-way texting: conversations, auto-replies, templates; sequence kinds; answers that
skip quiet hours; read replies.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from desktop.models.base import ID, UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("lead_id", ID, nullable=False),
        sa.Column("last_at", UTCDateTime(), nullable=False),
        sa.Column("last_body", sa.Text(), nullable=False),
        sa.Column("last_inbound", sa.Boolean(), nullable=False),
        sa.Column("last_inbound_at", UTCDateTime(), nullable=False),
        sa.Column("unread", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name="fk_conversations_lead_id_leads", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("lead_id", name="pk_conversations"),
    )
    op.create_index("ix_conversations_last_at", "conversations", ["last_at"])
    op.create_table(
        "auto_replies",
        sa.Column("keyword", sa.String(length=40), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("keyword", name="pk_auto_replies"),
    )
    op.create_table(
        "templates",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_templates"),
        sa.UniqueConstraint("name", name="uq_templates_name"),
    )
    # Plain ADD COLUMN: copying a table would trip the foreign keys that point at it.
    op.add_column(
        "sequences",
        sa.Column("kind", sa.String(length=16), nullable=False, server_default="bulk"),
    )
    op.create_index("ix_sequences_kind", "sequences", ["kind"])
    op.add_column(
        "messages",
        sa.Column("skip_quiet_hours", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("messages", sa.Column("answers_inbound_id", ID, nullable=True))
    op.create_index(
        "ix_messages_answers_inbound_id", "messages", ["answers_inbound_id"], unique=True
    )
    op.add_column("inbound_messages", sa.Column("read_at", UTCDateTime(), nullable=True))
    op.add_column(
        "leads",
        sa.Column("is_owner", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    # Replies from before the inbox count as read, and each lead who wrote has its row.
    op.execute("UPDATE inbound_messages SET read_at = received_at")
    op.execute(
        """
        INSERT INTO conversations
            (lead_id, last_at, last_body, last_inbound, last_inbound_at, unread)
        SELECT i.lead_id, i.received_at, i.body, TRUE, i.received_at, 0
        FROM inbound_messages i
        WHERE i.lead_id IS NOT NULL
          AND i.id = (SELECT MAX(j.id) FROM inbound_messages j WHERE j.lead_id = i.lead_id)
        """
    )


def downgrade() -> None:
    op.drop_column("leads", "is_owner")
    op.drop_column("inbound_messages", "read_at")
    op.drop_index("ix_messages_answers_inbound_id", table_name="messages")
    op.drop_column("messages", "answers_inbound_id")
    op.drop_column("messages", "skip_quiet_hours")
    op.drop_index("ix_sequences_kind", table_name="sequences")
    op.drop_column("sequences", "kind")
    op.drop_table("templates")
    op.drop_table("auto_replies")
    op.drop_index("ix_conversations_last_at", table_name="conversations")
    op.drop_table("conversations")
