"""Databases TextDesk will not use, and servers that will not let it in, are said in one
sentence each and change nothing: a server that is not there, a missing database, a wrong
or missing password, a user without the right to connect, another program's tables, a
schema TextDesk does not know, a PostgreSQL too old.

The server tests use the throwaway cluster of scripts/postgres.sh (TEXTDESK_TEST_PG), whose
pg_hba.conf asks the role textdesk_login for a password."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from desktop.models import migrate
from desktop.models.db import UnsupportedDatabase
from desktop.services.core import db_errors
from desktop.services.core.context import Context
from desktop.services.core.db_connect import NO_PASSWORD
from desktop.services.core.errors import UserError
from tests.databases import admin_url

LOGIN = "textdesk_login"
PASSWORD = "right horse battery"


def _refusal(url: str) -> str:
    with pytest.raises(UserError) as raised:
        Context.open(url)
    return str(raised.value)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server() -> Iterator[sa.Engine]:
    """The test cluster's admin connection, with the password role and a database for it."""
    url = admin_url()
    if url is None:
        pytest.skip("no PostgreSQL server (scripts/test.sh starts one)")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": LOGIN}
        ).first()
        verb = "ALTER" if exists else "CREATE"
        connection.exec_driver_sql(f"{verb} ROLE {LOGIN} LOGIN PASSWORD '{PASSWORD}'")
    yield engine
    engine.dispose()


def _server_url(engine: sa.Engine, *, user: str, password: str | None, database: str) -> str:
    url = engine.url.set(username=user, password=password, database=database)
    return url.render_as_string(hide_password=False)


@pytest.fixture
def empty_database(server: sa.Engine) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    with server.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name} OWNER {LOGIN}")
    yield name
    with server.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_server_that_is_not_there_is_named_with_its_address() -> None:
    port = _closed_port()
    sentence = _refusal(f"postgresql+psycopg://someone@127.0.0.1:{port}/textdesk")
    assert sentence == f"{db_errors.UNREACHABLE} (nothing answers at 127.0.0.1 port {port})"


def test_the_cli_says_so_in_one_line_and_exits_2() -> None:
    port = _closed_port()
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "sequences", "list"],
        env={
            **os.environ,
            "TEXTDESK_DB": f"postgresql://someone:secret@127.0.0.1:{port}/textdesk",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        f"textdesk: error: {db_errors.UNREACHABLE} (nothing answers at 127.0.0.1 port {port})"
    ]
    assert "secret" not in done.stderr


def test_a_database_missing_on_the_server_is_named(server: sa.Engine) -> None:
    url = _server_url(server, user=LOGIN, password=PASSWORD, database="no_such_textdesk")
    sentence = _refusal(url)
    assert (
        sentence
        == 'the database server has no database named "no_such_textdesk" (the end of the URL)'
    )


def test_a_wrong_password_is_refused_login(server: sa.Engine, empty_database: str) -> None:
    url = _server_url(server, user=LOGIN, password="wrong", database=empty_database)
    assert _refusal(url) == db_errors.LOGIN_REFUSED
    url = _server_url(server, user=LOGIN, password="wrong", database="postgres")
    assert _refusal(url) == db_errors.LOGIN_REFUSED


def test_an_unknown_user_is_refused_login(server: sa.Engine, empty_database: str) -> None:
    # A role the server has never heard of (trusted by pg_hba, refused by the server).
    url = _server_url(server, user="nobody_at_all", password=None, database=empty_database)
    assert _refusal(url) == db_errors.LOGIN_REFUSED


def test_a_missing_password_says_where_it_goes(server: sa.Engine, empty_database: str) -> None:
    url = _server_url(server, user=LOGIN, password=None, database=empty_database)
    assert _refusal(url) == NO_PASSWORD


def test_a_user_without_the_right_to_connect(server: sa.Engine) -> None:
    name = f"t_{uuid.uuid4().hex[:12]}"
    with server.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")  # owned by the admin
        connection.exec_driver_sql(f"REVOKE CONNECT ON DATABASE {name} FROM PUBLIC")
    try:
        url = _server_url(server, user=LOGIN, password=PASSWORD, database=name)
        assert _refusal(url) == db_errors.NOT_ALLOWED
    finally:
        with server.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")


def test_the_right_login_opens_and_migrates(server: sa.Engine, empty_database: str) -> None:
    url = _server_url(server, user=LOGIN, password=PASSWORD, database=empty_database)
    ctx = Context.open(url)
    try:
        assert migrate.stored_revision(ctx.db.engine) == migrate.SCHEMA_HEAD
    finally:
        ctx.close()


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_another_programs_sqlite_file_is_left_alone(tmp_path: Path) -> None:
    file = tmp_path / "shop.db"
    with sqlite3.connect(file) as connection:
        connection.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO customers (name) VALUES ('Ada')")
    before = file.read_bytes()
    sentence = _refusal(f"sqlite:///{file}")
    assert sentence == (
        "this database holds tables of another program (customers): give TextDesk an "
        "empty database of its own"
    )
    assert _tables(f"sqlite:///{file}") == {"customers"}
    assert file.read_bytes() == before


def test_another_programs_tables_on_the_server_are_left_alone(
    server: sa.Engine, empty_database: str
) -> None:
    url = _server_url(server, user=LOGIN, password=PASSWORD, database=empty_database)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        for table in ("invoices", "customers", "orders", "stock"):
            connection.exec_driver_sql(f"CREATE TABLE {table} (id integer)")
    engine.dispose()
    sentence = _refusal(url)
    assert "(customers, invoices, orders, ...)" in sentence
    assert _tables(url) == {"invoices", "customers", "orders", "stock"}


def test_a_schema_textdesk_does_not_know_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'textdesk.db'}"
    Context.open(url).close()
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    sentence = _refusal(url)
    assert sentence.startswith("this database has a schema TextDesk does not know (9999)")
    assert not list(tmp_path.glob("textdesk.backup-*"))  # refused before any backup or change


@pytest.mark.parametrize(
    ("name", "version", "refused"),
    [
        ("postgresql", (12, 18), True),
        ("postgresql", (9, 6, 24), True),
        ("postgresql", (13, 0), False),
        ("postgresql", (17, 2), False),
        ("postgresql", None, False),  # a server that does not say: let the queries tell
        ("sqlite", (3, 7, 0), False),  # SQLite's own version is Python's business
    ],
)
def test_postgresql_older_than_13_is_refused(
    name: str, version: tuple[int, ...] | None, refused: bool
) -> None:
    if refused:
        with pytest.raises(UnsupportedDatabase, match="TextDesk needs PostgreSQL 13 or newer"):
            migrate.check_server(name, version)
    else:
        migrate.check_server(name, version)


def test_the_test_server_is_new_enough(server: sa.Engine) -> None:
    with server.connect() as connection:
        version = server.dialect.server_version_info
        assert connection is not None
    assert version is not None and version >= migrate.OLDEST_POSTGRESQL
