"""Start at login: the window keeps the login entry (desktop/services/core/autostart.py) in
line with the `start_at_login` setting, from its watcher thread (file or registry work never
runs on the GUI thread).

The setting is on, off, or auto (the default): on while something is scheduled, running or
still followed in the Outbox, which is when a reboot would otherwise stop sending. The entry
belongs to the real database: demo mode never writes one.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from desktop.services.core.context import Context

if TYPE_CHECKING:
    from desktop.services.core.autostart import LoginEntry
    from desktop.services.reports.changes import Look

log = logging.getLogger(__name__)

SETTING = "start_at_login"


class LoginStart:
    def __init__(
        self, settings_ctx: Context, default_url: str, entry: LoginEntry | None = None
    ) -> None:
        self.settings_ctx = settings_ctx
        self.default_url = default_url
        self._entry = entry
        # Set when the user stops sending "until TextDesk is opened again": a login must
        # not start it either. The next window that opens applies the setting again.
        self.suspended = False
        # The watcher thread applies, the task pool suspends: one at a time.
        self._lock = threading.Lock()

    @property
    def entry(self) -> LoginEntry:
        """This database's entry, built on first use (off the GUI thread, after the first
        paint: the engine's modules are not the window's start-up cost)."""
        if self._entry is None:
            from desktop.services.core import autostart
            from desktop.services.engine.service_control import service_command, shown_url

            url = self.settings_ctx.db.url
            command = autostart.login_command(service_command(url, demo=False))
            self._entry = autostart.login_entry(
                command,
                name=autostart.entry_name(url, self.default_url),
                database=shown_url(url),
            )
        return self._entry

    def wanted(self, look: Look) -> bool:
        if self.suspended:
            return False
        choice: bool | None = self.settings_ctx.settings.get(SETTING)
        return look.keeps_service_busy if choice is None else choice

    def __call__(self, look: Look) -> bool:
        """Apply the setting; whether the entry is there now."""
        from desktop.services.core.autostart import apply

        with self._lock:
            entry = self.entry
            if apply(entry, self.wanted(look)):
                log.info(
                    "login entry %s: %s", "written" if entry.present() else "removed", entry.where
                )
            return entry.present()

    def suspend(self) -> None:
        from desktop.services.core.autostart import apply

        with self._lock:
            self.suspended = True
            apply(self.entry, False)
