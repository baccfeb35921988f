"""Engine and session setup, and schema migration at start.

SQLite runs in WAL with a busy timeout and foreign keys on. Writes open with
`BEGIN IMMEDIATE`: a deferred transaction that reads and then writes fails at once with
"database is locked" when another thread committed in between, even in WAL.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from desktop import paths

log = logging.getLogger(__name__)

DB_ENV = "TEXTDESK_DB"
BUSY_TIMEOUT_MS = 30_000
CONNECT_TIMEOUT_S = 10


class UnsupportedDatabase(ValueError):
    """A database URL TextDesk cannot use; the message is a sentence for the user (the
    services turn it into a UserError: this layer cannot import theirs)."""


#: What a database URL may be, for the sentence that refuses another.
SUPPORTED_DATABASES = (
    "a SQLite file path, sqlite:///PATH, or postgresql+psycopg://USER:PASSWORD@HOST/NAME "
    "(postgresql:// means the same)"
)
# (backend, driver) pairs that work.
_SUPPORTED = {("sqlite", "pysqlite"), ("postgresql", "psycopg")}


TEAM_DATABASE_FILE = "team-database.url"


def team_database_file() -> Path:
    """Where this desktop keeps the URL of its team's database (Settings -> Team database):
    beside the default database, readable by this user only (it may hold a password)."""
    return paths.default_data_dir() / TEAM_DATABASE_FILE


def team_database_url() -> str | None:
    try:
        value = team_database_file().read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return value or None


def resolve_db_url(cli_value: str | None = None, *, demo: bool = False) -> str:
    """`--db`, else `TEXTDESK_DB`, else the team database chosen in Settings, else a SQLite
    file in the user data folder.

    A plain path is taken as a SQLite file. Demo mode always gets its own file so simulated
    traffic never mixes with real data. A URL of any other kind raises UnsupportedDatabase
    naming the kinds that work.
    """
    value = cli_value or os.environ.get(DB_ENV)
    origin = "--db" if cli_value else DB_ENV
    if not value and not demo:
        value, origin = team_database_url(), "the team database in Settings"
    if not value:
        name = "textdesk-demo.db" if demo else "textdesk.db"
        return f"sqlite:///{paths.default_data_dir() / name}"
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    return supported_url(value, origin)


def supported_url(url: str, origin: str) -> str:
    # The sentences quote the scheme only: the rest of a URL may hold a password.
    scheme = url.split("://", 1)[0]
    try:
        parsed = make_url(url)
        backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    except Exception:  # ArgumentError, NoSuchModuleError: SQLAlchemy knows no such URL
        backend, driver = "", ""
    if scheme == "postgresql" and driver != "psycopg":
        # SQLAlchemy before 2.1 reads a plain postgresql:// as psycopg2, which is not ours.
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if (backend, driver) in _SUPPORTED:
        return url
    what = f"a database of kind {scheme!r}" if scheme.strip() else "no kind of database"
    raise UnsupportedDatabase(
        f"{origin} names {what}, which TextDesk does not support; use {SUPPORTED_DATABASES}"
    )


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL, None for memory or other back ends."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(url: str, **kwargs: Any) -> Engine:
    file = sqlite_file(url)
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {}).setdefault("check_same_thread", False)
        kwargs["connect_args"].setdefault("timeout", BUSY_TIMEOUT_MS / 1000)
    elif make_url(url).get_backend_name() == "postgresql":
        # A team database: give up on a silent server in seconds, not the system's minutes;
        # test each pooled connection before use (the server may have restarted since);
        # and say who is connected in the server's own list of sessions.
        kwargs.setdefault("pool_pre_ping", True)
        connect_args = kwargs.setdefault("connect_args", {})
        connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
        connect_args.setdefault("application_name", "TextDesk")
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself, with the mode we choose.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """The engine plus two session factories: `read()` for queries, `write()` for changes."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        write_engine = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if self.is_sqlite
            else self.engine
        )
        self._write_engine = write_engine
        self._sessions: tuple[sessionmaker[Session], sessionmaker[Session]] | None = None

    def _factories(self) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
        # ORM work needs every model mapped (flushes sort tables by their foreign keys);
        # Core reads through read_connection() do not, and skip the cost.
        if self._sessions is None:
            from desktop.models import import_all

            import_all()
            self._sessions = (
                sessionmaker(self.engine, expire_on_commit=False),
                sessionmaker(self._write_engine, expire_on_commit=False),
            )
        return self._sessions

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._factories()[0]() as session:
            yield session

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A Core-only read, for queries that need no ORM objects (cheaper to compile)."""
        with self.engine.connect() as connection:
            yield connection

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that commits on success and rolls back on any exception."""
        with self._factories()[1]() as session, session.begin():
            yield session

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A Core-only write transaction (BEGIN IMMEDIATE on SQLite), for hot paths where an
        ORM session's bookkeeping would cost more than the statements themselves."""
        self._factories()
        with self._write_engine.begin() as connection:
            yield connection

    def dispose(self) -> None:
        self.engine.dispose()


def backup_sqlite(file: Path, label: str) -> Path:
    """Copy a live SQLite file (WAL included) with SQLite's online backup API."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = file.with_name(f"{file.stem}.backup-{label}-{stamp}{file.suffix}")
    source = sqlite3.connect(file)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    return target
