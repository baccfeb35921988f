"""What keeps an engine from sending, kept on its leases: `textdesk service status` and
the window read it from any process.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("engine_leases", sa.Column("problem", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("engine_leases", "problem")
