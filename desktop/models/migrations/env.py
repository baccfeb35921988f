"""Alembic environment: always called with a live connection by desktop.models.migrate."""

from alembic import context

from desktop.models import Base, import_all

import_all()  # the metadata must hold every table

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through desktop.models.migrate.upgrade()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
