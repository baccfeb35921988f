"""Migration 0005: leads get a custom_fields column; existing leads keep their data."""

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from desktop.models.db import Database
from desktop.models.migrate import SCHEMA_HEAD, alembic_config, current_revision, upgrade


def _upgrade_to(db: Database, target: str) -> None:
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)


def test_0005_adds_custom_fields_and_keeps_leads(tmp_path: Path) -> None:
    file = tmp_path / "old.db"
    url = f"sqlite:///{file}"
    db = Database(url)
    _upgrade_to(db, "0004")
    with db.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO leads (phone, first_name, last_name, email, timezone, opted_out, "
                 "timezone_needed, created_at, updated_at) VALUES ('+14155550100', 'Ann', '', "
                 "'', '', 0, 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00')")
        )  # fmt: skip
    assert "custom_fields" not in {c["name"] for c in inspect(db.engine).get_columns("leads")}
    backup = upgrade(db.engine, url)
    assert backup is not None and Path(backup).exists()  # backed up before the change
    assert current_revision(db.engine) == SCHEMA_HEAD
    assert "custom_fields" in {c["name"] for c in inspect(db.engine).get_columns("leads")}
    with db.engine.connect() as connection:
        row = connection.execute(text("SELECT first_name, custom_fields FROM leads")).one()
    assert tuple(row) == ("Ann", None)

    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    assert "custom_fields" not in {c["name"] for c in inspect(db.engine).get_columns("leads")}
    db.dispose()
