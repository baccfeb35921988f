"""What every service call needs: the database, the settings and a clock.

Built once by the composition root (the CLI, the worker, desktop.app) and passed down.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from desktop.models import utcnow
from desktop.models.db import Database, resolve_db_url
from desktop.models.migrate import upgrade
from desktop.services.core.settings import Settings


@dataclass
class Context:
    db: Database
    settings: Settings
    clock: Callable[[], datetime] = field(default=utcnow)
    migration_backup: str | None = None

    @classmethod
    def open(cls, url: str | None = None, *, demo: bool = False, migrate: bool = True) -> Context:
        """Open (and by default migrate) the database named by `url`/env/default."""
        db = Database(resolve_db_url(url, demo=demo))
        backup = upgrade(db.engine, db.url) if migrate else None
        return cls(db=db, settings=Settings(db), migration_backup=backup)

    def now(self) -> datetime:
        return self.clock()

    def close(self) -> None:
        self.db.dispose()
