"""Team mode: who did what, and which Twilio account a sequence belongs to.

`created_by`, `canceled_by`, `opted_out_by` and an event's `actor` name a person and a
desktop ("anna@front-desk"); NULL on rows from before (and on what the engine does by
itself). `sequences.account_sid` is the Twilio account the sequence was created under: an
engine signed in to another account leaves its sender alone. `engine_leases.user_name` says whose
desktop is sending.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

WHO = sa.String(120)


def upgrade() -> None:
    # Plain ADD COLUMN everywhere (no batch copy): copying a table would trip the foreign
    # keys that point at it, and copying `messages` would take minutes on a big database.
    op.add_column(
        "sequences", sa.Column("account_sid", sa.String(34), nullable=False, server_default="")
    )
    op.add_column("sequences", sa.Column("created_by", WHO, nullable=True))
    op.add_column("sequences", sa.Column("canceled_by", WHO, nullable=True))
    op.add_column("messages", sa.Column("created_by", WHO, nullable=True))
    op.add_column("message_events", sa.Column("actor", WHO, nullable=True))
    op.add_column("leads", sa.Column("opted_out_by", WHO, nullable=True))
    op.add_column(
        "engine_leases", sa.Column("user_name", sa.String(64), nullable=False, server_default="")
    )


def downgrade() -> None:
    for table, column in (
        ("engine_leases", "user_name"),
        ("leads", "opted_out_by"),
        ("message_events", "actor"),
        ("messages", "created_by"),
        ("sequences", "canceled_by"),
        ("sequences", "created_by"),
        ("sequences", "account_sid"),
    ):
        op.drop_column(table, column)
