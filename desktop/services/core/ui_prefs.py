"""Small pieces of application state kept in the `settings` table beside the real settings.

The dashboard's widget choice and order, the window's placement (per desktop) and the demo
seeding marker live in the database rather than in QSettings, so they travel with the data (a
demo database keeps its own) and a test that rebuilds the app on the same database sees them.
Keys carry a prefix so they can never collide with the user-facing setting keys, which
`Settings` validates.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from desktop.models import Setting
from desktop.models.settings import put_setting
from desktop.services.core.context import Context

log = logging.getLogger(__name__)

PREFIX = "app."
DASHBOARD_KEY = "dashboard_layout"
WINDOW_KEY = "window_placement"


def _full_key(key: str) -> str:
    if not key or len(PREFIX + key) > 64:
        raise ValueError(f"bad preference key {key!r}")
    return PREFIX + key


def desktop_key(key: str, desktop: str) -> str:
    """`key` for one desktop only (team mode shares the database)."""
    return f"{key}.{desktop}"[: 64 - len(PREFIX)]


def window_key(desktop: str) -> str:
    """The main window's placement is this desktop's."""
    return desktop_key(WINDOW_KEY, desktop)


def get_value(ctx: Context, key: str) -> str | None:
    with ctx.db.read() as session:
        return value_in(session, key)


def value_in(session: Session, key: str) -> str | None:
    """`get_value` within a read the caller has open already."""
    row = session.get(Setting, _full_key(key))
    return row.value if row is not None else None


def set_value(ctx: Context, key: str, value: str) -> None:
    with ctx.db.write() as session:
        put_setting(session, _full_key(key), value)


def moment(text: str | None) -> datetime | None:
    """A moment stored with `set_value(..., moment.isoformat())`; None for none, or for a
    value that is not one (as if never stored)."""
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def clear_value(ctx: Context, key: str) -> None:
    with ctx.db.write() as session:
        session.execute(delete(Setting).where(Setting.key == _full_key(key)))


@dataclass(frozen=True)
class DashboardEntry:
    key: str
    visible: bool = True


def load_dashboard_layout(ctx: Context, known: Sequence[str]) -> list[DashboardEntry]:
    """The stored order and visibility, reconciled with the widgets this version knows:
    unknown keys are dropped and new widgets are appended, visible, at the end."""
    stored: list[DashboardEntry] = []
    raw = get_value(ctx, DASHBOARD_KEY)
    if raw:
        try:
            stored = [
                DashboardEntry(str(item["key"]), bool(item.get("visible", True)))
                for item in json.loads(raw)
            ]
        except (ValueError, TypeError, KeyError, AttributeError):
            # A hand-edited or damaged value must not keep the window from opening.
            log.warning("the stored dashboard layout is unreadable; using the default")
            stored = []
    seen: set[str] = set()
    layout: list[DashboardEntry] = []
    for entry in stored:
        if entry.key in known and entry.key not in seen:
            layout.append(entry)
            seen.add(entry.key)
    layout.extend(DashboardEntry(key) for key in known if key not in seen)
    return layout


def save_dashboard_layout(ctx: Context, layout: Iterable[DashboardEntry]) -> None:
    data = [{"key": e.key, "visible": e.visible} for e in layout]
    set_value(ctx, DASHBOARD_KEY, json.dumps(data))
