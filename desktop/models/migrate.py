"""Bring a database to the newest schema at start, backing a SQLite file up first.

Alembic is imported only when the schema is behind: opening an up-to-date database costs
one query on `alembic_version`, compared with `SCHEMA_HEAD` (a test keeps that constant
equal to the newest revision in migrations/versions).
"""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from desktop.models.db import UnsupportedDatabase, backup_sqlite, sqlite_file
from desktop.paths import migrations_path

if TYPE_CHECKING:
    from pathlib import Path

    from alembic.config import Config

log = logging.getLogger(__name__)

SCHEMA_HEAD = "0007"
# The PostgreSQL advisory lock a migration holds: any constant ('TextDk' in ASCII).
MIGRATION_LOCK = 0x54657874446B
#: The oldest PostgreSQL TextDesk runs on (the oldest release its makers still support).
OLDEST_POSTGRESQL = (13,)


def check_server(name: str, version: tuple[int, ...] | None) -> None:
    """UnsupportedDatabase for a server too old to run TextDesk's schema and queries."""
    if name == "postgresql" and version is not None and version < OLDEST_POSTGRESQL:
        shown = ".".join(str(part) for part in version[:2])
        raise UnsupportedDatabase(
            f"this PostgreSQL server is version {shown}: TextDesk needs PostgreSQL "
            f"{OLDEST_POSTGRESQL[0]} or newer"
        )


def check_not_foreign(engine: Engine) -> None:
    """UnsupportedDatabase when the database holds another program's tables: TextDesk
    never creates its tables beside them (nor migrates them)."""
    _refuse_foreign(inspect(engine).get_table_names())


def check_sqlite_file_not_foreign(file: Path) -> None:
    """check_not_foreign for a SQLite file, read without changing a byte of it: the engine
    would first switch the file to WAL, which another program's file must not suffer."""
    if not file.is_file() or file.stat().st_size == 0:
        return
    try:
        connection = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return  # unreadable: opening it the usual way says why
    try:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        names = [str(name) for (name,) in rows if not str(name).startswith("sqlite_")]
    except sqlite3.Error:
        return  # not a database, damaged: the usual way names its backup
    finally:
        connection.close()
    if "alembic_version" not in names:  # a versioned file: check_known judges its schema
        _refuse_foreign(names)


def _refuse_foreign(table_names: list[str]) -> None:
    from desktop.models import Base, import_all

    import_all()
    ours = set(Base.metadata.tables) | {"alembic_version"}
    theirs = sorted(set(table_names) - ours)
    if theirs:
        names = ", ".join(theirs[:3]) + (", ..." if len(theirs) > 3 else "")
        raise UnsupportedDatabase(
            f"this database holds tables of another program ({names}): give TextDesk an "
            "empty database of its own"
        )


def check_known(revision: str) -> None:
    """UnsupportedDatabase for a schema this TextDesk does not know: a newer TextDesk's (its
    tables may mean things this one would get wrong) or another program's Alembic."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        known = ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise UnsupportedDatabase(
            f"this database has a schema TextDesk does not know ({revision}): it was made by "
            "a newer TextDesk (update this one) or by another program"
        )


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
    with engine.connect() as connection:  # connects, so the dialect knows the server
        version = engine.dialect.server_version_info
        numbers = tuple(part for part in version or () if isinstance(part, int))
        check_server(engine.dialect.name, numbers or None)
    stored = stored_revision(engine)
    if stored is None:
        check_not_foreign(engine)
    else:
        check_known(stored)
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
    # SQLite: BEGIN IMMEDIATE, so a second process opening the new file waits for this
    # migration (busy timeout) instead of failing on its first write.
    with engine.execution_options(sqlite_begin="IMMEDIATE").begin() as connection:
        if engine.dialect.name == "postgresql":
            # Desktops opening a new team database at the same moment migrate one at a time:
            # the lock lasts until this transaction ends, and the next one then finds the
            # schema at its head (PostgreSQL's DDL is transactional) and changes nothing.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, target)
    return backup
