"""What every service call needs: the database, the settings and a clock.

Built once by the composition root (the CLI, the worker, desktop.app) and passed down.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from desktop.models import utcnow
from desktop.models.db import Database, resolve_db_url
from desktop.models.migrate import upgrade

if TYPE_CHECKING:
    from desktop.services.core.settings import Settings


@dataclass
class Context:
    db: Database
    clock: Callable[[], datetime] = field(default=utcnow)
    migration_backup: str | None = None
    _settings: Settings | None = field(default=None, repr=False)

    @classmethod
    def open(cls, url: str | None = None, *, demo: bool = False, migrate: bool = True) -> Context:
        """Open (and by default migrate) the database named by `url`/env/default."""
        db = Database(resolve_db_url(url, demo=demo))
        backup = upgrade(db.engine, db.url) if migrate else None
        return cls(db=db, migration_backup=backup)

    @property
    def settings(self) -> Settings:
        # Built on first use: a command that only reads sequences never pays for the
        # settings, their validators and the secret store.
        if self._settings is None:
            from desktop.services.core.settings import Settings

            self._settings = Settings(self.db)
        return self._settings

    def now(self) -> datetime:
        return self.clock()

    def close(self) -> None:
        self.db.dispose()
