"""Bring a database to the newest schema at start, backing a SQLite file up first."""

from __future__ import annotations

import logging

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from desktop.models.db import backup_sqlite, sqlite_file
from desktop.paths import migrations_path

log = logging.getLogger(__name__)
# Alembic narrates every step at INFO; a desktop app only cares when something fails.
logging.getLogger("alembic").setLevel(logging.WARNING)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, url: str, target: str = "head") -> str | None:
    """Upgrade to `target`; returns the backup file made first, if any.

    A SQLite file that already holds data at an older revision is copied aside before any
    change, so a failed or unwanted migration never costs the user their data.
    """
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
