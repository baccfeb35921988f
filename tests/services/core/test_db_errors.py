"""Database failures are classified by the driver's codes, with real SQLite errors: a locked
database, a read-only file, corrupt files, a full disk, a file that cannot be opened; and
PostgreSQL errors by SQLSTATE."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DatabaseError, DBAPIError, IntegrityError, OperationalError

from desktop.models import Lead
from desktop.services.core import db_errors
from desktop.services.core.context import Context
from desktop.services.core.db_errors import describe_db_error


def _engine(path: Path, *, uri_mode: str | None = None) -> Engine:
    # timeout=0: a locked database fails at once instead of after the busy timeout.
    if uri_mode:
        return create_engine(
            f"sqlite:///file:{path}?mode={uri_mode}&uri=true", connect_args={"timeout": 0}
        )
    return create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})


def _failure(engine: Engine, *statements: str) -> DBAPIError:
    with pytest.raises(DBAPIError) as raised, engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()
    return raised.value


def _sqlite_name(exc: DBAPIError) -> str:
    return str(getattr(exc.orig, "sqlite_errorname", ""))


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "textdesk.db"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA page_size = 4096")
        connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        connection.executemany("INSERT INTO t (v) VALUES (?)", [("x" * 100,)] * 500)
    connection.close()
    return path


def test_a_locked_database_is_busy(database: Path) -> None:
    holder = sqlite3.connect(database)
    holder.execute("BEGIN EXCLUSIVE")  # another program in the middle of a write
    try:
        exc = _failure(_engine(database), "INSERT INTO t (v) VALUES ('y')")
    finally:
        holder.rollback()
        holder.close()
    assert isinstance(exc, OperationalError) and _sqlite_name(exc) == "SQLITE_BUSY"
    assert describe_db_error(exc) == db_errors.BUSY


def test_a_database_opened_read_only_refuses_writes(database: Path) -> None:
    # What SQLite falls back to when the file may not be written: open it read-only.
    exc = _failure(_engine(database, uri_mode="ro"), "INSERT INTO t (v) VALUES ('y')")
    assert _sqlite_name(exc) == "SQLITE_READONLY"
    assert describe_db_error(exc) == db_errors.READ_ONLY


def test_a_read_only_file_refuses_writes(database: Path) -> None:
    if sys.platform == "win32" or os.geteuid() == 0:
        pytest.skip("root (or Windows) may write to a file whose permissions say read-only")
    database.chmod(0o444)
    try:
        exc = _failure(_engine(database), "INSERT INTO t (v) VALUES ('y')")
    finally:
        database.chmod(0o644)
    assert _sqlite_name(exc) == "SQLITE_READONLY"
    assert describe_db_error(exc) == db_errors.READ_ONLY


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "leads.db"
    path.write_bytes(b"Name,Phone\nAnn,+14155550100\n" * 200)  # a CSV saved as .db
    exc = _failure(_engine(path), "SELECT * FROM sqlite_master")
    assert isinstance(exc, DatabaseError) and _sqlite_name(exc) == "SQLITE_NOTADB"
    assert describe_db_error(exc) == db_errors.NOT_A_DATABASE


def test_a_damaged_database(database: Path) -> None:
    with database.open("r+b") as handle:
        handle.seek(4096)  # page 2, the table's root page
        handle.write(b"\xff" * 4096)
    exc = _failure(_engine(database), "SELECT count(*), sum(length(v)) FROM t")
    assert _sqlite_name(exc) == "SQLITE_CORRUPT"
    assert describe_db_error(exc) == db_errors.DAMAGED


def test_a_database_that_cannot_be_opened(tmp_path: Path) -> None:
    exc = _failure(_engine(tmp_path / "no such folder" / "textdesk.db"), "SELECT 1")
    assert _sqlite_name(exc) == "SQLITE_CANTOPEN"
    assert describe_db_error(exc) == db_errors.CANNOT_OPEN


def test_a_database_at_its_size_limit_is_full(database: Path) -> None:
    # SQLite's own limit gives the same SQLITE_FULL as a full disk, on every platform.
    exc = _failure(
        _engine(database),
        "PRAGMA max_page_count = 20",
        "INSERT INTO t (v) SELECT v FROM t",
        "INSERT INTO t (v) SELECT v FROM t",
    )
    assert _sqlite_name(exc) == "SQLITE_FULL"
    assert describe_db_error(exc) == db_errors.DISK_FULL


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs, where the test may mount one (Linux, as root, mounting allowed)."""
    mount = shutil.which("mount")
    if sys.platform != "linux" or os.geteuid() != 0 or mount is None:
        pytest.skip("mounting a small tmpfs needs Linux and root")
    point = tmp_path / "small-disk"
    point.mkdir()
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield point
    finally:
        subprocess.run(["umount", str(point)], check=False)


def test_a_full_disk_through_the_app(small_disk: Path) -> None:
    ctx = Context.open(f"sqlite:///{small_disk / 'textdesk.db'}")
    try:
        with pytest.raises(OperationalError) as raised:
            for batch in range(1000):
                with ctx.db.write() as session:
                    session.add_all(
                        Lead(
                            phone=f"+1415{batch:03d}{n:04d}",
                            first_name="x" * 200,
                            last_name="",
                            email="",
                            timezone="",
                            opted_out=False,
                        )
                        for n in range(200)
                    )
    finally:
        ctx.close()
    assert _sqlite_name(raised.value) == "SQLITE_FULL"
    assert describe_db_error(raised.value) == db_errors.DISK_FULL


# -- not the user's to fix ----------------------------------------------------------------------


def test_a_mistake_in_sql_is_a_bug(database: Path) -> None:
    exc = _failure(_engine(database), "SELECT * FROM no_such_table")
    assert _sqlite_name(exc) == "SQLITE_ERROR"
    assert describe_db_error(exc) is None


def test_a_broken_constraint_is_a_bug(database: Path) -> None:
    exc = _failure(_engine(database), "INSERT INTO t (id, v) VALUES (1, 'again')")
    assert isinstance(exc, IntegrityError)
    assert describe_db_error(exc) is None


def test_an_error_of_pythons_sqlite_module_itself_is_a_bug() -> None:
    connection = sqlite3.connect(":memory:")
    connection.close()
    with pytest.raises(sqlite3.ProgrammingError) as raised:
        connection.execute("SELECT 1")
    assert describe_db_error(raised.value) is None


def test_sqlite_errors_without_sqlalchemy_are_classified_too(database: Path) -> None:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as raised:
        connection.execute("INSERT INTO t (v) VALUES ('y')")
    connection.close()
    assert describe_db_error(raised.value) == db_errors.READ_ONLY


def test_other_exceptions_are_not_database_errors() -> None:
    assert describe_db_error(OSError(28, "No space left on device")) is None
    assert describe_db_error(ValueError("database is locked")) is None  # words decide nothing


# -- PostgreSQL, by SQLSTATE ----------------------------------------------------------------------
# psycopg is not installed with the tests; these stand in for its exception classes, which
# carry the server's SQLSTATE as `sqlstate` (psycopg2: `pgcode`), None when no server answered.


class PgError(Exception):
    sqlstate: str | None = None

    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


class Psycopg2Error(Exception):
    def __init__(self, message: str, pgcode: str | None = None) -> None:
        super().__init__(message)
        self.pgcode = pgcode


@pytest.mark.parametrize(
    ("sqlstate", "sentence"),
    [
        ("53100", db_errors.DISK_FULL),
        ("55P03", db_errors.BUSY),
        ("40P01", db_errors.BUSY),
        ("53300", db_errors.SERVER_BUSY),
        ("25006", db_errors.SERVER_READ_ONLY),
        ("28P01", db_errors.LOGIN_REFUSED),
        ("3D000", db_errors.NO_SUCH_DATABASE),
        ("42501", db_errors.NOT_ALLOWED),
        ("57P03", db_errors.UNREACHABLE),
        ("08006", db_errors.UNREACHABLE),  # the whole connection_exception class
        ("XX001", db_errors.SERVER_DAMAGED),
        ("42P01", None),  # undefined_table: a bug
        ("23505", None),  # unique_violation: a bug
    ],
)
def test_postgresql_errors_by_sqlstate(sqlstate: str, sentence: str | None) -> None:
    # The message is deliberately misleading: only the SQLSTATE may decide.
    orig = PgError("database is locked", sqlstate)
    assert describe_db_error(DBAPIError("SELECT 1", {}, orig)) == sentence
    assert describe_db_error(DBAPIError("SELECT 1", {}, Psycopg2Error("", sqlstate))) == sentence


def test_a_postgresql_server_that_never_answered_cannot_be_reached() -> None:
    refused = PgError("connection refused")  # no SQLSTATE: no server spoke
    assert describe_db_error(OperationalError("connect", {}, refused)) == db_errors.UNREACHABLE
    lost = DBAPIError("SELECT 1", {}, PgError("SSL SYSCALL error"), connection_invalidated=True)
    assert describe_db_error(lost) == db_errors.UNREACHABLE
    # Without SQLSTATE and neither: a programming error of the driver's, not the user's.
    assert describe_db_error(DBAPIError("SELECT 1", {}, PgError("oops"))) is None


def test_an_error_from_another_driver_is_not_guessed_at() -> None:
    assert describe_db_error(OperationalError("SELECT 1", {}, Exception("disk is full"))) is None


# -- the backup a damaged file's sentence names -------------------------------------------------


def _damaged_failure(database: Path) -> DBAPIError:
    with database.open("r+b") as handle:
        handle.seek(4096)  # page 2, the table's root page
        handle.write(b"\xff" * 4096)
    return _failure(_engine(database), "SELECT count(*), sum(length(v)) FROM t")


def test_a_damaged_database_without_a_backup_mentions_none(database: Path) -> None:
    exc = _damaged_failure(database)
    assert describe_db_error(exc, f"sqlite:///{database}") == "the database file is damaged"
    assert describe_db_error(exc, database) == db_errors.DAMAGED


def test_a_damaged_database_names_its_latest_backup(database: Path) -> None:
    from desktop.models.db import backup_sqlite

    older = backup_sqlite(database, "0001")
    os.utime(older, (1_600_000_000, 1_600_000_000))
    latest = backup_sqlite(database, "0002_with-dashes")
    (database.parent / "other.backup-0003-20990101-000000.db").write_bytes(b"")  # not ours
    exc = _damaged_failure(database)
    assert describe_db_error(exc, f"sqlite:///{database}") == (
        f"the database file is damaged; its latest backup is {latest}: close TextDesk and "
        f"copy that file over {database.name} to restore it"
    )
    assert db_errors.latest_backup(database) == latest


def test_a_file_that_is_not_a_database_names_a_backup_too(tmp_path: Path) -> None:
    path = tmp_path / "leads.db"
    path.write_bytes(b"Name,Phone\nAnn,+14155550100\n" * 200)
    backup = tmp_path / "leads.backup-0002-20260101-000000.db"
    backup.write_bytes(b"SQLite format 3\x00")
    exc = _failure(_engine(path), "SELECT * FROM sqlite_master")
    sentence = describe_db_error(exc, path)
    assert sentence is not None
    assert sentence.startswith(db_errors.NOT_A_DATABASE + "; its latest backup is ")
    assert str(backup) in sentence


def test_no_backup_is_looked_for_elsewhere(tmp_path: Path) -> None:
    # Other sentences, other back ends, no database named: the sentence stays as it is.
    assert db_errors.latest_backup(tmp_path / "gone" / "x.db") is None
    exc = DBAPIError("SELECT 1", {}, PgError("", "XX001"))
    assert describe_db_error(exc, "postgresql+psycopg://u@h/db") == db_errors.SERVER_DAMAGED
