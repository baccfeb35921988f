"""The database-touching tests run on SQLite and on PostgreSQL: the `db_url` fixture is
parametrised, and each PostgreSQL test gets a fresh database copied from a migrated
template (CREATE DATABASE ... TEMPLATE: much faster than migrating each one).

The server comes from TEXTDESK_TEST_PG (an admin URL; scripts/test.sh starts a throwaway
cluster and sets it). Without it the PostgreSQL variants are deselected, and the run's
header says so. Tests of SQLite itself (its files, pragmas, backups) carry the marker
`sqlite_only`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import sqlalchemy as sa

from desktop.services.core.context import Context

PG_ENV = "TEXTDESK_TEST_PG"
TEMPLATE = "textdesk_template"


def admin_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def _url_of(admin: str, name: str) -> str:
    return admin.rsplit("/", 1)[0] + "/" + name


def _admin_engine(admin: str) -> sa.Engine:
    return sa.create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def make_template(admin: str) -> None:
    """A database migrated to the newest schema, copied for each test."""
    engine = _admin_engine(admin)
    with engine.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {TEMPLATE}")
    engine.dispose()
    Context.open(_url_of(admin, TEMPLATE)).close()


def fresh_database(admin: str) -> Iterator[str]:
    """A new database copied from the migrated template."""
    yield from _throwaway(admin, f"t_{uuid.uuid4().hex[:16]}", f" TEMPLATE {TEMPLATE}")


def empty_database(admin: str) -> Iterator[str]:
    """A new database with nothing in it (not copied from the migrated template)."""
    yield from _throwaway(admin, f"e_{uuid.uuid4().hex[:16]}")


def _throwaway(admin: str, name: str, create_options: str = "") -> Iterator[str]:
    """The URL of database `name`, created for the caller and dropped afterwards."""
    engine = _admin_engine(admin)
    with engine.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}{create_options}")
    try:
        yield _url_of(admin, name)
    finally:
        with engine.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        engine.dispose()
