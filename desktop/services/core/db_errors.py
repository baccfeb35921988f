"""Sort database failures into ones a user can act on (with a sentence) and bugs."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

_USER_FACING = (
    ("database is locked", "the database is busy in another program; try again in a moment"),
    (
        "unable to open database file",
        "the database file cannot be opened (check the folder exists and you may write to it)",
    ),
    ("file is not a database", "the database file is damaged or is not a TextDesk database"),
    (
        "database disk image is malformed",
        "the database file is damaged; restore the latest backup next to it",
    ),
    ("disk i/o error", "the disk reported an error while reading or writing the database"),
    ("database or disk is full", "the disk is full; free some space and try again"),
    ("attempt to write a readonly database", "the database file is read-only"),
    ("readonly database", "the database file is read-only"),
    ("could not connect to server", "the database server cannot be reached"),
    ("connection refused", "the database server refused the connection"),
)


def describe_db_error(exc: BaseException) -> str | None:
    """A sentence for a database error the user can act on, None for anything else."""
    if not isinstance(exc, DBAPIError | OperationalError):
        return None
    text = str(getattr(exc, "orig", exc)).lower()
    for needle, sentence in _USER_FACING:
        if needle in text:
            return sentence
    return None
