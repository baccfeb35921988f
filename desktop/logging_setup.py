"""Logging in one place: the log file in the data folder, the console, library levels.

Everything at INFO and above goes to `textdesk.log` in the user data folder (rotated at
1 MB, two old files kept): a desktop app has no console, and the service runs detached.
The console (stderr) shows warnings only, or INFO with `--verbose`, and never a traceback:
a command prints one line and the details are in the file. Records logged with
`extra=FILE_ONLY` skip the console altogether.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from desktop.paths import default_data_dir

LOG_NAME = "textdesk.log"
LOG_ENV = "TEXTDESK_LOG_FILE"  # another file (tests, support); empty or "off" for none
FORMAT = "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"
FILE_ONLY = {"file_only": True}

# Libraries' own levels: they narrate at INFO what only matters to us when it fails.
LIBRARY_LEVELS = {
    # "maximum number of running instances reached" is the point of max_instances=1.
    "apscheduler.scheduler": logging.ERROR,
    "apscheduler.executors.default": logging.ERROR,
    # The twilio SDK logs every request's URL and parameters (phone numbers, bodies).
    "twilio.http_client": logging.WARNING,
    # Alembic narrates every migration step.
    "alembic": logging.WARNING,
}

_MARK = "_textdesk_handler"


class _Console(logging.Formatter):
    """One line per record: tracebacks belong to the log file."""

    def format(self, record: logging.LogRecord) -> str:
        return f"textdesk: {record.levelname.lower()}: {record.getMessage()}"


class _LogFile(logging.Handler):
    """The rotating log file, opened when the first record arrives: most commands log
    nothing, and opening it (logging.handlers and the file) would cost each of them."""

    def __init__(self, file: Path, level: int) -> None:
        super().__init__(level)
        self.file = file
        self._target: logging.Handler | None = None
        self._failed = False
        self._opening = threading.Lock()
        self.setFormatter(logging.Formatter(FORMAT))

    def _open(self) -> logging.Handler | None:
        with self._opening:
            if self._target is None and not self._failed:
                from logging.handlers import RotatingFileHandler

                try:
                    self.file.parent.mkdir(parents=True, exist_ok=True)
                    target = RotatingFileHandler(
                        self.file, maxBytes=1_000_000, backupCount=2, encoding="utf-8"
                    )
                except OSError:  # a read-only home must not stop the app
                    self._failed = True
                    return None
                target.setFormatter(self.formatter)
                self._target = target
            return self._target

    def emit(self, record: logging.LogRecord) -> None:
        target = self._open()
        if target is not None:
            target.handle(record)

    def close(self) -> None:
        if self._target is not None:
            self._target.close()
        super().close()


def _not_file_only(record: logging.LogRecord) -> bool:
    return not getattr(record, "file_only", False)


def default_log_file() -> Path | None:
    chosen = os.environ.get(LOG_ENV)
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off") else Path(chosen)
    return default_data_dir() / LOG_NAME


def configure_logging(
    *, verbose: bool = False, console: bool = True, to_file: bool = True
) -> Path | None:
    """Set up the root logger once per process; returns the log file (opened when the
    first record comes). Calling it again replaces TextDesk's handlers (tests do)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for name, level in LIBRARY_LEVELS.items():
        logging.getLogger(name).setLevel(level)
    if console:
        stream = logging.StreamHandler()
        stream.setLevel(logging.INFO if verbose else logging.WARNING)
        stream.setFormatter(_Console())
        stream.addFilter(_not_file_only)
        setattr(stream, _MARK, True)
        root.addHandler(stream)
    file = default_log_file() if to_file else None
    if file is None:
        return None
    handler = _LogFile(file, logging.DEBUG if verbose else logging.INFO)
    setattr(handler, _MARK, True)
    root.addHandler(handler)
    return file
