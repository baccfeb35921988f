"""Key/value settings (the keys and their validation live in desktop.services.core.settings)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from desktop.models.base import Base, UTCDateTime, utcnow


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def put_setting(session: Session, key: str, value: str) -> None:
    """Insert or update one setting in a single statement. Read-then-insert is not enough
    on PostgreSQL: desktops opening a new team database at the same moment each mark it
    (database_kind), and the second insert failed on the key (SQLite's BEGIN IMMEDIATE
    serialises them; PostgreSQL's transactions do not)."""
    now = utcnow()
    update = {"value": value, "updated_at": now}
    # Imported here: the dialect in use is already loaded; the other one need not be.
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        on_postgresql = postgresql.insert(Setting).values(key=key, **update)
        session.execute(on_postgresql.on_conflict_do_update(index_elements=["key"], set_=update))
    else:
        from sqlalchemy.dialects import sqlite

        on_sqlite = sqlite.insert(Setting).values(key=key, **update)
        session.execute(on_sqlite.on_conflict_do_update(index_elements=["key"], set_=update))
