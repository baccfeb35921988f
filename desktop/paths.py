"""Where TextDesk's own files are, from a source tree or from a PyInstaller bundle.

The one place that knows about `sys._MEIPASS`: everything bundled (resources, Alembic
migrations, data files such as the Twilio error catalog) is found through here.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP_NAME = "TextDesk"
_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def default_data_dir() -> Path:
    """The user's data folder: the default database, its backups and the log file."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def bundle_root() -> Path:
    """The folder holding `desktop/` and `resources/`: the unpacked bundle when frozen."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    return Path(frozen_root) if frozen_root else _SOURCE_ROOT


def resource_path(*parts: str) -> Path:
    """A file under the top-level `resources/` folder."""
    return bundle_root().joinpath("resources", *parts)


def migrations_path() -> Path:
    return bundle_root() / "desktop" / "models" / "migrations"


def package_data_path(*parts: str) -> Path:
    """A data file that lives beside the code in the `desktop` package, e.g.
    ``package_data_path("services", "twilio", "errors.toml")``.

    The same path works from a checkout, an installed wheel (package data) and a bundle
    (packaging/textdesk.spec puts each such file at the same place under the bundle root).
    """
    return bundle_root().joinpath("desktop", *parts)


def app_icon_path() -> Path:
    """The 256 px application icon (window icon; the .desktop file and installers use it too)."""
    return resource_path("icons", "textdesk.png")
