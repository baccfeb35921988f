"""What every service call needs: the database, the settings and a clock.

Built once by the composition root (the CLI, the worker, desktop.app) and passed down.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from desktop.models import utcnow
from desktop.models.db import DB_ENV, Database, UnsupportedDatabase, resolve_db_url, sqlite_file
from desktop.models.migrate import check_sqlite_file_not_foreign, upgrade
from desktop.services.core.errors import UserError

if TYPE_CHECKING:
    from desktop.services.core.settings import Settings


def demo_url(url: str | None) -> str | None:
    """Where the demo runs for a database named `url`: never in it. A SQLite file x.db
    has its demo in x-demo.db beside it (a file already named *-demo.db is a demo's own);
    a database server has none (None: the demo file in the data folder)."""
    url = url or os.environ.get(DB_ENV)
    if not url:
        return None
    resolved = resolve_db_url(url)
    file = sqlite_file(resolved)
    if file is None:
        return None
    if file.stem.endswith("-demo"):
        return resolved
    suffix = file.suffix or ".db"
    return f"sqlite:///{file.with_name(f'{file.stem}-demo{suffix}')}"


@dataclass
class Context:
    db: Database
    clock: Callable[[], datetime] = field(default=utcnow)
    migration_backup: str | None = None
    _settings: Settings | None = field(default=None, repr=False)

    @classmethod
    def open(cls, url: str | None = None, *, demo: bool = False, migrate: bool = True) -> Context:
        """Open (and by default migrate) the database named by `url`/env/default; with
        `demo`, the demo's own database beside it (see `demo_url`)."""
        try:
            resolved = resolve_db_url(demo_url(url) if demo else url, demo=demo)
            file = sqlite_file(resolved)
            if migrate and file is not None:
                check_sqlite_file_not_foreign(file)
            db = Database(resolved)
        except UnsupportedDatabase as exc:
            raise UserError(str(exc)) from None
        try:
            backup = upgrade(db.engine, db.url) if migrate else None
        except UnsupportedDatabase as exc:
            db.dispose()
            raise UserError(str(exc)) from None
        except Exception as exc:
            db.dispose()
            if not db.is_sqlite:  # a server that would not let us in: find out why
                from desktop.services.core.db_connect import why_not_connected

                sentence = why_not_connected(db.url, exc)
                if sentence:
                    raise UserError(sentence) from None
            raise  # a SQLite file's trouble: the caller names it with its backup
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
