"""Where TextDesk's own files are, from a source tree or from a PyInstaller bundle.

The one place that knows about `sys._MEIPASS`: everything bundled (resources, Alembic
migrations) is found through here.
"""

from __future__ import annotations

import sys
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def bundle_root() -> Path:
    """The folder holding `desktop/` and `resources/`: the unpacked bundle when frozen."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    return Path(frozen_root) if frozen_root else _SOURCE_ROOT


def resource_path(*parts: str) -> Path:
    """A file under the top-level `resources/` folder."""
    return bundle_root().joinpath("resources", *parts)


def migrations_path() -> Path:
    return bundle_root() / "desktop" / "models" / "migrations"


def app_icon_path() -> Path:
    """The 256 px application icon (window icon; the .desktop file and installers use it too)."""
    return resource_path("icons", "textdesk.png")
