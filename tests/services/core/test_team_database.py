"""Settings -> Team database in the services: the URL is tried before it is kept (what
TextDesk would find there, changing nothing), kept in a file only this user may read, and
opened by every command after --db and TEXTDESK_DB."""

from __future__ import annotations

import stat
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from desktop.models.db import DB_ENV, resolve_db_url, team_database_file
from desktop.services.core import team_database
from desktop.services.core.context import Context
from desktop.services.core.errors import UserError
from tests.databases import admin_url, fresh_database


@pytest.fixture
def server(request: pytest.FixtureRequest) -> str:
    url = admin_url()
    if url is None:
        pytest.skip("no PostgreSQL server (scripts/test.sh starts one)")
    return url


@pytest.fixture
def empty_db(server: str) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    url = server.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


def test_only_a_postgresql_url_is_a_team_database() -> None:
    for wrong in ("sqlite:///shop.db", "/home/me/shop.db", "mysql://me@host/shop", "shop"):
        tried = team_database.try_database(wrong)
        assert not tried.ok and tried.sentence == team_database.NOT_A_SERVER
        with pytest.raises(UserError):
            team_database.choose(wrong)
    assert not team_database_file().exists()


def test_an_empty_database_is_set_up_when_opened(empty_db: str) -> None:
    tried = team_database.try_database(empty_db)
    assert tried.ok
    assert tried.sentence.startswith("Connected to PostgreSQL ")
    assert tried.sentence.endswith(": an empty database: TextDesk sets it up when it opens it.")
    engine = sa.create_engine(empty_db, poolclass=sa.pool.NullPool)
    assert sa.inspect(engine).get_table_names() == []  # trying changed nothing
    engine.dispose()


def test_a_textdesk_database_is_found_up_to_date(pg_template: str) -> None:
    for url in fresh_database(pg_template):
        tried = team_database.try_database(url)
        assert tried.ok and tried.sentence.endswith(": a TextDesk database, up to date.")


def test_another_programs_database_is_refused_by_the_test(empty_db: str) -> None:
    engine = sa.create_engine(empty_db, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE invoices (id integer)")
    engine.dispose()
    tried = team_database.try_database(empty_db)
    assert not tried.ok
    assert "holds tables of another program (invoices)" in tried.sentence


def test_a_server_that_is_not_there_is_said(server: str) -> None:
    tried = team_database.try_database("postgresql://me:pw@127.0.0.1:1/shop")
    assert not tried.ok
    assert tried.sentence == (
        "The database server cannot be reached (nothing answers at 127.0.0.1 port 1)."
    )
    missing = team_database.try_database(server.rsplit("/", 1)[0] + "/no_such_shop")
    assert not missing.ok and 'no database named "no_such_shop"' in missing.sentence


def test_the_kept_url_is_private_and_opened_after_db_and_env(
    empty_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DB_ENV, raising=False)
    secret = sa.engine.make_url(empty_db).set(password="s3cret").render_as_string(False)
    team_database.choose(secret)
    file = team_database_file()
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert resolve_db_url() == secret.replace("postgresql://", "postgresql+psycopg://", 1)
    assert resolve_db_url(demo=True).endswith("textdesk-demo.db")  # the demo never is
    assert resolve_db_url("sqlite:///other.db") == "sqlite:///other.db"  # --db wins
    monkeypatch.setenv(DB_ENV, "sqlite:///env.db")
    assert resolve_db_url() == "sqlite:///env.db"  # and TEXTDESK_DB
    # Shown with its password hidden; typed back as shown, it keeps the password.
    shown = team_database.shown(team_database.current() or "")
    assert "s3cret" not in shown and "***" in shown
    assert team_database.with_kept_password(shown) == team_database.current()
    # Emptied: the data is on this computer again.
    team_database.choose("")
    assert not file.exists()
    monkeypatch.delenv(DB_ENV)
    assert resolve_db_url().endswith("textdesk.db")


def test_the_window_and_commands_open_the_team_database(
    empty_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DB_ENV, raising=False)
    team_database.choose(empty_db)
    ctx = Context.open()
    try:
        assert ctx.db.engine.dialect.name == "postgresql"
    finally:
        ctx.close()
