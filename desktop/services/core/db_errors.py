"""Sort database failures into ones a user can act on (with a sentence) and bugs.

The driver's own classification decides, never the wording of its message (which changes
between versions, and with the server's language): SQLite's result code (Python's sqlite3
errors carry it since 3.11), PostgreSQL's SQLSTATE (psycopg's ``sqlstate``, psycopg2's
``pgcode``), and, for a server that never answered, the driver's OperationalError without
one. psycopg is not imported here: an error from it already has what is needed.

A damaged SQLite file gets the path of its latest backup when one exists beside it (the
migration makes them), and no word of a backup when none does.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Final

from sqlalchemy.exc import DBAPIError, OperationalError

BUSY: Final = "the database is busy in another program; try again in a moment"
CANNOT_OPEN: Final = (
    "the database file cannot be opened (check the folder exists and you may write to it)"
)
NOT_A_DATABASE: Final = "the database file is damaged or is not a TextDesk database"
DAMAGED: Final = "the database file is damaged"
DISK_ERROR: Final = "the disk reported an error while reading or writing the database"
DISK_FULL: Final = "the disk is full; free some space and try again"
READ_ONLY: Final = "the database file is read-only"
UNREACHABLE: Final = "the database server cannot be reached"
SERVER_BUSY: Final = "the database server has no room for another connection; try again later"
SERVER_READ_ONLY: Final = "the database server accepts no changes (read-only)"
SERVER_DAMAGED: Final = "the database on the server is damaged; ask whoever runs it to restore it"
LOGIN_REFUSED: Final = "the database server refused the user name or password in the database URL"
NO_SUCH_DATABASE: Final = "the database named in the database URL does not exist on the server"
NOT_ALLOWED: Final = "the database user in the database URL is not allowed to do this"

#: SQLite's primary result codes (the low byte of an extended code such as
#: SQLITE_BUSY_TIMEOUT), https://sqlite.org/rescode.html. Codes not listed are bugs.
SQLITE_SENTENCES: Final[dict[int, str]] = {
    sqlite3.SQLITE_BUSY: BUSY,
    sqlite3.SQLITE_LOCKED: BUSY,
    sqlite3.SQLITE_CANTOPEN: CANNOT_OPEN,
    sqlite3.SQLITE_PERM: CANNOT_OPEN,
    sqlite3.SQLITE_NOTADB: NOT_A_DATABASE,
    sqlite3.SQLITE_CORRUPT: DAMAGED,
    sqlite3.SQLITE_IOERR: DISK_ERROR,
    sqlite3.SQLITE_FULL: DISK_FULL,
    sqlite3.SQLITE_READONLY: READ_ONLY,
}

#: PostgreSQL SQLSTATE codes, https://www.postgresql.org/docs/current/errcodes-appendix.html
SQLSTATE_SENTENCES: Final[dict[str, str]] = {
    "53100": DISK_FULL,  # disk_full
    "55P03": BUSY,  # lock_not_available
    "40P01": BUSY,  # deadlock_detected
    "40001": BUSY,  # serialization_failure
    "53300": SERVER_BUSY,  # too_many_connections
    "25006": SERVER_READ_ONLY,  # read_only_sql_transaction (a standby, for one)
    "28000": LOGIN_REFUSED,  # invalid_authorization_specification
    "28P01": LOGIN_REFUSED,  # invalid_password
    "3D000": NO_SUCH_DATABASE,  # invalid_catalog_name
    "42501": NOT_ALLOWED,  # insufficient_privilege
    "57P01": UNREACHABLE,  # admin_shutdown
    "57P02": UNREACHABLE,  # crash_shutdown
    "57P03": UNREACHABLE,  # cannot_connect_now (starting up, or in recovery)
    "XX001": SERVER_DAMAGED,  # data_corrupted
    "XX002": SERVER_DAMAGED,  # index_corrupted
}
#: Whole SQLSTATE classes (the first two characters).
SQLSTATE_CLASS_SENTENCES: Final[dict[str, str]] = {
    "08": UNREACHABLE,  # connection_exception
}


def _sqlite_sentence(error: sqlite3.Error) -> str | None:
    # Only errors that come from SQLite itself carry a result code; the ones Python's module
    # raises on its own ("Cannot operate on a closed database") are programming errors.
    code = getattr(error, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    return SQLITE_SENTENCES.get(code & 0xFF)


def _sqlstate(error: BaseException | None) -> tuple[bool, str | None]:
    """(is a PostgreSQL driver's error, its SQLSTATE or None)."""
    for attribute in ("sqlstate", "pgcode"):  # psycopg 3, psycopg2
        if hasattr(error, attribute):
            value = getattr(error, attribute)
            return True, value if isinstance(value, str) and value else None
    return False, None


def latest_backup(database: Path) -> Path | None:
    """The newest `<stem>.backup-<label>-<stamp><suffix>` beside `database` (the names
    desktop.models.db.backup_sqlite gives), None when there is none."""
    prefix, suffix = f"{database.stem}.backup-", database.suffix
    found: list[tuple[float, str, Path]] = []
    try:
        for path in database.parent.iterdir():
            if path.name.startswith(prefix) and path.name.endswith(suffix) and path.is_file():
                # The stamp follows a label that may hold dashes: the file's age decides.
                found.append((path.stat().st_mtime, path.name, path))
    except OSError:  # the folder is unreadable, or a file went away: none we can vouch for
        return None
    return max(found)[2] if found else None


def _with_backup(sentence: str, database: str | Path | None) -> str:
    if sentence not in (DAMAGED, NOT_A_DATABASE) or database is None:
        return sentence
    from desktop.models.db import sqlite_file

    try:
        file = sqlite_file(database) if isinstance(database, str) else database
    except Exception:  # a URL SQLAlchemy cannot read names no file to look beside
        return sentence
    backup = latest_backup(file) if file is not None else None
    if file is None or backup is None:
        return sentence
    return (
        f"{sentence}; its latest backup is {backup}: close TextDesk and copy that file over "
        f"{file.name} to restore it"
    )


def describe_db_error(exc: BaseException, database: str | Path | None = None) -> str | None:
    """A sentence for a database error the user can act on, None for anything else.

    `database` (the URL, or the SQLite file) lets a damaged file's sentence name its
    latest backup; without it, no backup is mentioned.
    """
    sentence = _describe(exc)
    return _with_backup(sentence, database) if sentence else None


def _describe(exc: BaseException) -> str | None:
    if isinstance(exc, sqlite3.Error):  # sqlite3 used directly (backups), not via SQLAlchemy
        return _sqlite_sentence(exc)
    if not isinstance(exc, DBAPIError):
        return None
    error = exc.orig
    if isinstance(error, sqlite3.Error):
        return _sqlite_sentence(error)
    from_postgres, state = _sqlstate(error)
    if not from_postgres:
        return None
    if state is not None:
        return SQLSTATE_SENTENCES.get(state) or SQLSTATE_CLASS_SENTENCES.get(state[:2])
    # No SQLSTATE: the server never answered (refused, unknown host, timed out) or the
    # connection broke. SQLAlchemy raises its OperationalError for the driver's, and says when
    # it judged the connection gone.
    if isinstance(exc, OperationalError) or exc.connection_invalidated:
        return UNREACHABLE
    return None
