"""Engine setup, migrations with backup, and concurrent writers."""

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from desktop.models import Base, Lead, Setting
from desktop.models.db import Database, resolve_db_url
from desktop.models.migrate import current_revision, head_revision, upgrade
from desktop.services.core.context import Context
from desktop.services.status.transitions import counts_by_sequence, recount
from desktop.services.status.vocabulary import Bucket

FIXTURE = Path(__file__).parent.parent / "fixtures" / "textdesk-rev0001.db"


def test_new_database_is_at_head_and_matches_the_models(db_url: str) -> None:
    ctx = Context.open(db_url)
    try:
        assert current_revision(ctx.db.engine) == head_revision()
        assert ctx.migration_backup is None  # nothing to back up on a new file
        with ctx.db.engine.connect() as connection:
            diff = compare_metadata(
                MigrationContext.configure(connection, opts={"compare_type": True}),
                Base.metadata,
            )
        assert diff == []
    finally:
        ctx.close()


@pytest.mark.sqlite_only  # PRAGMAs are SQLite's
def test_sqlite_pragmas(ctx: Context) -> None:
    with ctx.db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_upgrade_from_first_revision_backs_up_and_keeps_data(tmp_path: Path) -> None:
    file = tmp_path / "old.db"
    shutil.copy(FIXTURE, file)
    url = f"sqlite:///{file}"
    db = Database(url)
    assert current_revision(db.engine) == "0001"
    backup = upgrade(db.engine, url)
    assert current_revision(db.engine) == head_revision()
    assert backup is not None and Path(backup).exists()
    # The backup is the old database, untouched.
    with sqlite3.connect(backup) as old:
        assert old.execute("select version_num from alembic_version").fetchone() == ("0001",)
        assert old.execute("select count(*) from messages").fetchone() == (4,)
    # Counters were filled from the messages already stored.
    with db.read() as session:
        counts = counts_by_sequence(session)[1]
        assert counts.total == 4
        assert counts[Bucket.SENT] == counts[Bucket.OUTBOX] == counts[Bucket.ERROR] == 1
        assert counts[Bucket.CANCELED] == 1
        assert counts.deleted_leads == 1  # Bob was deleted after the sequence was made
        assert recount(session, 1).buckets == counts.buckets
        assert session.scalar(select(Lead.first_name).where(Lead.id == 1)) == "Ann"
    db.dispose()


def test_upgrade_twice_is_a_no_op(tmp_path: Path) -> None:
    file = tmp_path / "x.db"
    shutil.copy(FIXTURE, file)
    url = f"sqlite:///{file}"
    db = Database(url)
    assert upgrade(db.engine, url) is not None
    assert upgrade(db.engine, url) is None
    db.dispose()


def test_db_url_resolution(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("TEXTDESK_DB", raising=False)
    assert resolve_db_url("sqlite:///x.db") == "sqlite:///x.db"
    assert resolve_db_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    monkeypatch.setenv("TEXTDESK_DB", "postgresql://u@h/db")
    assert resolve_db_url(None) == "postgresql://u@h/db"
    assert resolve_db_url("sqlite:///cli.db") == "sqlite:///cli.db"  # --db wins over env
    monkeypatch.delenv("TEXTDESK_DB")
    assert resolve_db_url(None).endswith("textdesk.db")
    assert resolve_db_url(None, demo=True).endswith("textdesk-demo.db")


def test_two_threads_read_then_write_never_hit_database_is_locked(ctx: Context) -> None:
    """The pitfall BEGIN IMMEDIATE exists for: read, then write, while another thread commits."""
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for i in range(150):
                with ctx.db.write() as session:
                    row = session.get(Setting, name)  # read first ...
                    value = int(row.value) + 1 if row else 0
                    session.merge(Setting(key=name, value=str(value)))  # ... then write
                    session.execute(text("SELECT count(*) FROM settings")).scalar()
                del i
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"k{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with ctx.db.read() as session:
        assert sorted(session.scalars(select(Setting.value))) == ["149"] * 4


def test_write_rolls_back_on_error(ctx: Context) -> None:
    try:
        with ctx.db.write() as session:
            session.add(Setting(key="x", value="1"))
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with ctx.db.read() as session:
        assert session.get(Setting, "x") is None
