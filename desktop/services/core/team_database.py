"""This desktop's choice of a team database (Settings -> Team database): a PostgreSQL URL
kept in a file of the user's data folder, tried before it is kept.

The URL stays on this desktop (it may hold the database password; the file is readable by
this user only), like the Twilio credentials; each desktop of a team points at the same
server with its own copy.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

from sqlalchemy import create_engine, inspect, pool, text
from sqlalchemy.engine import make_url

from desktop.models.db import (
    UnsupportedDatabase,
    supported_url,
    team_database_file,
    team_database_url,
)
from desktop.models.migrate import SCHEMA_HEAD, check_known, check_not_foreign, check_server
from desktop.services.core.db_connect import PROBE_TIMEOUT_S, why_not_connected
from desktop.services.core.errors import UserError

FIELD = "Team database"
NOT_A_SERVER = (
    "a team database is a PostgreSQL server's database: "
    "postgresql://USER:PASSWORD@HOST/NAME (leave it empty to keep your data on this computer)"
)


@dataclass(frozen=True)
class Tried:
    ok: bool
    sentence: str


def shown(url: str) -> str:
    """The URL as the field shows it: the password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def current() -> str | None:
    return team_database_url()


def checked(url: str) -> str:
    """The URL as TextDesk will use it; UserError for anything but a PostgreSQL URL."""
    value = url.strip()
    if not value.startswith(("postgresql://", "postgresql+")):
        raise UserError(NOT_A_SERVER)
    try:
        return supported_url(value, FIELD)
    except UnsupportedDatabase as exc:
        raise UserError(str(exc)) from None


def with_kept_password(typed: str) -> str:
    """The field shows the kept URL with its password hidden ("***"): typed back unchanged,
    it means the kept password."""
    kept = current()
    if kept is None or "***" not in typed:
        return typed
    parsed, old = make_url(typed.strip()), make_url(kept)
    if parsed.password != "***":
        return typed
    return parsed.set(password=old.password).render_as_string(hide_password=False)


def try_database(url: str) -> Tried:
    """Connect to `url` and say what TextDesk would find there, changing nothing."""
    try:
        value = checked(url)
    except UserError as exc:
        return Tried(False, str(exc))
    engine = create_engine(
        value, poolclass=pool.NullPool, connect_args={"connect_timeout": PROBE_TIMEOUT_S}
    )
    try:
        try:
            with engine.connect() as connection:
                version = engine.dialect.server_version_info or ()
                numbers = tuple(part for part in version if isinstance(part, int))
                revision = None
                if "alembic_version" in inspect(connection).get_table_names():
                    revision = connection.execute(
                        text("SELECT version_num FROM alembic_version")
                    ).scalar()
        except Exception as exc:  # DBAPIError and friends: said in one sentence
            sentence = why_not_connected(value, exc)
            if sentence is None:
                raise
            return Tried(False, sentence[0].upper() + sentence[1:] + ".")
        server = "PostgreSQL " + ".".join(str(n) for n in numbers[:2])
        try:
            check_server("postgresql", numbers or None)
            if revision is None:
                check_not_foreign(engine)
            else:
                check_known(str(revision))
        except UnsupportedDatabase as exc:
            sentence = str(exc)
            return Tried(False, f"{server}: {sentence[0].upper()}{sentence[1:]}.")
        if revision is None:
            found = "an empty database: TextDesk sets it up when it opens it"
        elif revision == SCHEMA_HEAD:
            found = "a TextDesk database, up to date"
        else:
            found = "a TextDesk database of an older version: TextDesk updates it when it opens it"
        return Tried(True, f"Connected to {server}: {found}.")
    finally:
        engine.dispose()


def choose(url: str | None) -> None:
    """Keep `url` as this desktop's team database (None or "": keep the data on this
    computer again). Takes effect when TextDesk next opens its database."""
    file = team_database_file()
    if not url or not url.strip():
        with contextlib.suppress(FileNotFoundError):
            file.unlink()
        return
    value = checked(with_kept_password(url))
    file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(value + "\n")
    os.chmod(file, 0o600)  # an older file may have been made with wider rights
