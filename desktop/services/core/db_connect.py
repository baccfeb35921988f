"""Why a database server would not let TextDesk in, told without reading its message.

A PostgreSQL server that refuses a connection does say why, but only in words (in the
server's language): libpq gives the client no SQLSTATE for a failed login. So the reason
is found by asking again, differently: did the server ask for a password none was given;
does the same login get into the server's maintenance database (then the database named
in the URL is missing, or this user may not open it); does anything listen at the address
at all (then the login itself was refused).
"""

from __future__ import annotations

import socket
from typing import Final

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from desktop.services.core import db_errors

#: Every PostgreSQL server has it (initdb makes it); a login that opens it is a good login.
MAINTENANCE_DATABASE: Final = "postgres"
PROBE_TIMEOUT_S: Final = 5

NO_PASSWORD: Final = (
    "the database server wants a password: put it in the database URL "
    "(postgresql://USER:PASSWORD@HOST/NAME)"
)


def _needs_password(exc: BaseException) -> bool:
    pgconn = getattr(getattr(exc, "orig", exc), "pgconn", None)
    return bool(getattr(pgconn, "needs_password", False))


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=PROBE_TIMEOUT_S):
            return True
    except OSError:
        return False


def _database_exists(url: str, name: str) -> bool | None:
    """Whether the server holds a database `name`, asked through its maintenance database
    with the same login; None when that login cannot get in either."""
    maintenance = make_url(url).set(database=MAINTENANCE_DATABASE)
    engine = create_engine(maintenance, connect_args={"connect_timeout": PROBE_TIMEOUT_S})
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            return found is not None
    except DBAPIError:
        return None
    finally:
        engine.dispose()


def why_not_connected(url: str, exc: BaseException) -> str | None:
    """A sentence for a failed first connection to the server at `url`, or None when
    `exc` is not one (a bug, or an error db_errors already names precisely)."""
    sentence = db_errors.describe_db_error(exc)
    parsed = make_url(url)
    if sentence != db_errors.UNREACHABLE or parsed.get_backend_name() != "postgresql":
        return sentence
    if _needs_password(exc):
        return NO_PASSWORD
    host, port = parsed.host or "localhost", parsed.port or 5432
    if parsed.host and parsed.host.startswith("/"):  # a Unix socket folder: nothing to probe
        return sentence
    if not _listening(host, port):
        return f"{db_errors.UNREACHABLE} (nothing answers at {host} port {port})"
    name = parsed.database or parsed.username or ""
    if name == MAINTENANCE_DATABASE:  # the login itself failed: nothing else to try
        return db_errors.LOGIN_REFUSED
    exists = _database_exists(url, name)
    if exists is None:
        return db_errors.LOGIN_REFUSED
    if not exists:
        return f'the database server has no database named "{name}" (the end of the URL)'
    return db_errors.NOT_ALLOWED  # the login is good and the database is there
