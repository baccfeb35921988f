"""A lead's own fields beyond name, phone and email ("company", "store"...), usable as merge
fields such as {company}.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): copying `leads` would trip the foreign keys that
    # point at it. NULL means the lead has no custom field.
    op.add_column("leads", sa.Column("custom_fields", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("leads", "custom_fields")
