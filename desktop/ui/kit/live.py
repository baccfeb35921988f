"""A widget that follows the database on its own: `refresh()` reloads it now, `stop()` ends
its timers and queries for good (the window is closing, or the user hid it)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class LiveWidget(Protocol):
    def refresh(self) -> None: ...

    def stop(self) -> None: ...
