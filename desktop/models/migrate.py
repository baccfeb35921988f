"""Bring a database to the newest schema at start, backing a SQLite file up first.

Alembic is imported only when the schema is behind: opening an up-to-date database costs
one query on `alembic_version`, compared with `SCHEMA_HEAD` (a test keeps that constant
equal to the newest revision in migrations/versions).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from desktop.models.db import backup_sqlite, sqlite_file
from desktop.paths import migrations_path

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

SCHEMA_HEAD = "0006"


def stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database, None when it has none (new or foreign)."""
    try:
        with engine.connect() as connection:
            value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:  # no alembic_version table yet
        return None
    return str(value) if value is not None else None


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, url: str, target: str = "head") -> str | None:
    """Upgrade to `target`; returns the backup file made first, if any.

    A SQLite file that already holds data at an older revision is copied aside before any
    change, so a failed or unwanted migration never costs the user their data.
    """
    if target == "head" and stored_revision(engine) == SCHEMA_HEAD:
        return None
    from alembic import command

    current = current_revision(engine)
    wanted = head_revision() if target == "head" else target
    if current == wanted:
        return None
    backup = None
    file = sqlite_file(url)
    if file is not None and file.exists() and inspect(engine).get_table_names():
        backup = str(backup_sqlite(file, current or "unversioned"))
        log.info("Database backed up to %s before migrating %s -> %s", backup, current, wanted)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)
    return backup
