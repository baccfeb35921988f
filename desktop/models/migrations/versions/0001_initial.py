"""Initial schema: leads, tags, sequences, steps, messages, events, inbound, settings.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from desktop.models.base import ID, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leads",
        sa.Column("id", ID, primary_key=True),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("opted_out_at", UTCDateTime()),
        sa.Column("deleted_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_leads"),
        sa.UniqueConstraint("phone", name="uq_leads_phone"),
    )
    op.create_index("ix_leads_deleted_at", "leads", ["deleted_at"])
    op.create_table(
        "lead_tags",
        sa.Column("lead_id", ID, nullable=False),
        sa.Column("tag", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name="fk_lead_tags_lead_id_leads", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("lead_id", "tag", name="pk_lead_tags"),
    )
    op.create_index("ix_lead_tags_tag", "lead_tags", ["tag"])
    op.create_table(
        "sequences",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sender", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("start_at", UTCDateTime(), nullable=False),
        sa.Column("lead_selection", sa.JSON(), nullable=False),
        sa.Column("stop_on_reply", sa.Boolean(), nullable=False),
        sa.Column("excluded_opted_out", sa.Integer(), nullable=False),
        sa.Column("excluded_deleted", sa.Integer(), nullable=False),
        sa.Column("first_handoff_at", UTCDateTime()),
        sa.Column("last_handoff_at", UTCDateTime()),
        sa.Column("canceled_at", UTCDateTime()),
        sa.Column("done_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sequences"),
    )
    op.create_index("ix_sequences_status", "sequences", ["status"])
    op.create_table(
        "steps",
        sa.Column("id", ID, primary_key=True),
        sa.Column("sequence_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("media_urls", sa.JSON(), nullable=False),
        sa.Column("delay_seconds", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sequence_id"],
            ["sequences.id"],
            name="fk_steps_sequence_id_sequences",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_steps"),
        sa.UniqueConstraint("sequence_id", "position", name="uq_steps_sequence_id_position"),
    )
    op.create_table(
        "messages",
        sa.Column("id", ID, primary_key=True),
        sa.Column("sequence_id", ID, nullable=False),
        sa.Column("step_id", ID, nullable=False),
        sa.Column("lead_id", ID, nullable=False),
        sa.Column("step_position", sa.Integer(), nullable=False),
        sa.Column("to_phone", sa.String(20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("media_urls", sa.JSON()),
        sa.Column("bucket", sa.String(20), nullable=False),
        sa.Column("twilio_sid", sa.String(34)),
        sa.Column("provider_status", sa.String(20)),
        sa.Column("error_code", sa.Integer()),
        sa.Column("error_message", sa.Text()),
        sa.Column("num_segments", sa.Integer()),
        sa.Column("price", sa.String(16)),
        sa.Column("price_unit", sa.String(8)),
        sa.Column("scheduled_for", UTCDateTime()),
        sa.Column("claimed_at", UTCDateTime()),
        sa.Column("handed_off_at", UTCDateTime()),
        sa.Column("final_at", UTCDateTime()),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sequence_id"],
            ["sequences.id"],
            name="fk_messages_sequence_id_sequences",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["step_id"], ["steps.id"], name="fk_messages_step_id_steps", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name="fk_messages_lead_id_leads"),
        sa.PrimaryKeyConstraint("id", name="pk_messages"),
        sa.UniqueConstraint(
            "sequence_id", "step_id", "lead_id", name="uq_messages_sequence_id_step_id_lead_id"
        ),
        sa.UniqueConstraint("twilio_sid", name="uq_messages_twilio_sid"),
    )
    op.create_index("ix_messages_bucket_scheduled", "messages", ["bucket", "scheduled_for"])
    op.create_index("ix_messages_sequence_bucket", "messages", ["sequence_id", "bucket"])
    op.create_index("ix_messages_lead", "messages", ["lead_id"])
    op.create_table(
        "message_events",
        sa.Column("id", ID, primary_key=True),
        sa.Column("message_id", ID, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("from_bucket", sa.String(20)),
        sa.Column("to_bucket", sa.String(20), nullable=False),
        sa.Column("provider_status", sa.String(20)),
        sa.Column("error_code", sa.Integer()),
        sa.Column("detail", sa.Text()),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name="fk_message_events_message_id_messages",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_message_events"),
    )
    op.create_index("ix_message_events_message_id", "message_events", ["message_id"])
    op.create_table(
        "inbound_messages",
        sa.Column("id", ID, primary_key=True),
        sa.Column("twilio_sid", sa.String(34), nullable=False),
        sa.Column("lead_id", ID),
        sa.Column("from_phone", sa.String(20), nullable=False),
        sa.Column("to_phone", sa.String(64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name="fk_inbound_messages_lead_id_leads"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_inbound_messages"),
        sa.UniqueConstraint("twilio_sid", name="uq_inbound_messages_twilio_sid"),
    )
    op.create_index("ix_inbound_messages_lead_id", "inbound_messages", ["lead_id"])
    op.create_index("ix_inbound_messages_from_phone", "inbound_messages", ["from_phone"])
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_settings"),
    )


def downgrade() -> None:
    for table in (
        "settings",
        "inbound_messages",
        "message_events",
        "messages",
        "steps",
        "sequences",
        "lead_tags",
        "leads",
    ):
        op.drop_table(table)
