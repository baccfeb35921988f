"""Where the main window was: its size, position and maximized state, put back at the next
start and fitted to the screen it opens on, so a window saved on a bigger monitor still fits
a 1024x700 one.

Kept in the window's database through ui_prefs, like the dashboard's layout, under a key of
this desktop: in team mode each desktop of the shared database keeps its own. Read once
before the window shows (no jump after the first paint); written off the GUI thread when
the window closes or hides to the tray.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass

from PySide6.QtCore import QMargins, QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

from desktop.services.core import ui_prefs
from desktop.services.core.context import Context
from desktop.services.core.processes import this_process
from desktop.ui.kit.tasks import TaskRunner

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Placement:
    x: int  # the window without its frame, as when it is not maximized
    y: int
    width: int
    height: int
    maximized: bool = False
    frame: tuple[int, int, int, int] = (0, 0, 0, 0)  # the title bar and borders, l t r b

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str | None) -> Placement | None:
        """None for nothing stored, or a value that is not a placement (hand-edited)."""
        if not text:
            return None
        try:
            data = json.loads(text)
            frame = tuple(int(v) for v in data.get("frame", (0, 0, 0, 0)))
            if len(frame) != 4:
                raise ValueError("a frame has four sides")
            placement = cls(
                int(data["x"]),
                int(data["y"]),
                int(data["width"]),
                int(data["height"]),
                bool(data.get("maximized", False)),
                (frame[0], frame[1], frame[2], frame[3]),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            log.warning("the stored window placement is unreadable; using the default")
            return None
        if placement.width <= 0 or placement.height <= 0:
            return None
        return placement

    @property
    def rect(self) -> QRect:
        return QRect(self.x, self.y, self.width, self.height)


def fitted(rect: QRect, available: QRect, frame: QMargins) -> QRect:
    """`rect` (a window without its frame) shrunk and moved so that, frame included, it lies
    within `available` (a screen less its task bars)."""
    room = available.marginsRemoved(frame)
    width = max(1, min(rect.width(), room.width()))
    height = max(1, min(rect.height(), room.height()))
    x = min(max(rect.x(), room.left()), room.left() + room.width() - width)
    y = min(max(rect.y(), room.top()), room.top() + room.height() - height)
    return QRect(x, y, width, height)


def placement_of(window: QWidget) -> Placement:
    normal = window.normalGeometry() if window.isMaximized() else window.geometry()
    outer, inner = window.frameGeometry(), window.geometry()
    frame = (
        inner.left() - outer.left(),
        inner.top() - outer.top(),
        outer.right() - inner.right(),
        outer.bottom() - inner.bottom(),
    )
    if min(frame) < 0:  # not shown yet: no frame to measure
        frame = (0, 0, 0, 0)
    return Placement(
        normal.x(), normal.y(), normal.width(), normal.height(), window.isMaximized(), frame
    )


def screen_for(rect: QRect) -> QScreen | None:
    """The screen showing the middle of `rect`, or the primary one (that monitor is gone)."""
    return QGuiApplication.screenAt(rect.center()) or QGuiApplication.primaryScreen()


def restore(window: QWidget, placement: Placement) -> None:
    """Put the window where it was, within the screen it will open on; before it shows."""
    screen = screen_for(placement.rect)
    rect = placement.rect
    if screen is not None:
        rect = fitted(rect, screen.availableGeometry(), QMargins(*placement.frame))
    window.resize(rect.size())
    window.move(QPoint(rect.x() - placement.frame[0], rect.y() - placement.frame[1]))
    if placement.maximized:
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)


class WindowPlacement:
    """The main window's placement in its database: `restore` before it shows, `remember`
    when it closes, hides to the tray or stops."""

    def __init__(self, window: QWidget, ctx: Context, tasks: TaskRunner) -> None:
        self.window = window
        self.ctx = ctx
        self.tasks = tasks
        self.key = ui_prefs.window_key(this_process().host)
        self._saved: str | None = None

    def restore(self) -> Placement | None:
        """One small read, before the first paint (as the dashboard's layout)."""
        stored = ui_prefs.get_value(self.ctx, self.key)
        placement = Placement.from_json(stored)
        self._saved = stored
        if placement is not None:
            restore(self.window, placement)
        return placement

    def remember(self) -> None:
        if self.window.windowHandle() is None:
            return  # never shown: nothing the user chose
        text = placement_of(self.window).to_json()
        if text == self._saved:
            return
        self._saved = text
        ctx, key = self.ctx, self.key
        self.tasks.run(
            lambda: ui_prefs.set_value(ctx, key, text),
            None,
            lambda sentence: log.warning("the window's placement was not saved: %s", sentence),
        )
