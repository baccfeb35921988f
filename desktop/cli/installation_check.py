"""`textdesk self-check`: can this installation start Qt, migrate a database, send and track
a message, and export it?

Written for the packaged executable, where a missing Qt plugin, migration file or entry-point
metadata only shows at run time: every stage below goes through the same code as the app
(desktop.app for the window, Alembic for the schema, the real Engine with its APScheduler
jobs, dispatcher and poller, the carrier sandbox standing in for Twilio, the CSV report).

It never touches the user's data: everything lives in a temporary folder that is removed
afterwards, the keyring is off, and Twilio variables from the environment are hidden for
the duration. The result is one line on stdout (exit 0) or one line on stderr (exit 1);
whatever the libraries print meanwhile, tracebacks included, goes to a log file.
"""

from __future__ import annotations

import contextlib
import csv
import getpass
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

log = logging.getLogger(__name__)

PREFIX = "textdesk self-check"
#: Where the details go; by default a file in the system temp folder, kept after the run.
LOG_ENV = "TEXTDESK_SELF_CHECK_LOG"
SEND_DEADLINE = 30.0  # seconds; the fast sandbox delivers in well under one
PHONE = "+14155550123"  # a valid US number; the sandbox is told to deliver to it
BODY = "TextDesk self-check: this message never leaves your computer. Reply STOP to opt out"

# Anything that could point the check at real Twilio or at the user's database.
HIDDEN_ENV = (
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_API_KEY",
    "TWILIO_API_SECRET",
    "TEXTDESK_FROM",
    "TEXTDESK_TWILIO_API_URL",
    "TEXTDESK_HTTP_TIMEOUT",
)
# Short durations so one message goes from In-queue to Sent in about a second.
FAST_SETTINGS = {
    "quiet_hours": "off",
    "rate_limit": "100",
    "poll_interval": "1s",
    "delivery_unknown_after": "60s",
    "carrier_window": "60s",
}

# Messages of ERROR records logged during the check: a page that failed to load, a job that
# crashed. The app carries on after those, so only the log would show them; here they fail.
_errors: list[str] = []

# Kept for the life of the process: PySide6 cannot always build a second QApplication after
# the first one is gone, and pytest may run the check next to other Qt tests.
_qt_app: Any = None


class CheckFailed(Exception):
    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(f"{stage}: {reason}")
        self.stage = stage
        self.reason = reason


@dataclass
class Findings:
    qt: str = ""
    schema: str = ""
    sent_seconds: float = 0.0
    export_rows: int = 0

    def summary(self) -> str:
        return (
            f"{PREFIX}: ok ({self.qt}, schema {self.schema}, "
            f"1 message Sent in {self.sent_seconds:.1f} s, "
            f"export {self.export_rows} row{'s' if self.export_rows != 1 else ''})"
        )


def self_check() -> int:
    log_file = log_path()
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        log_file.write_text("", encoding="utf-8")
    except OSError:  # an unwritable temp folder must not fail the check itself
        log_file = Path(os.devnull)
    findings = Findings()
    failure: CheckFailed | None = None
    with _captured_output(log_file):
        try:
            _run(findings)
        except CheckFailed as exc:
            failure = exc
        except Exception as exc:  # outside any stage: still one line, never a traceback
            log.exception("self-check failed")
            failure = CheckFailed("setup", _one_line(exc))
    if failure is not None:
        print(
            f"{PREFIX}: failed at {failure.stage}: {failure.reason} (details: {log_file})",
            file=sys.stderr,
        )
        return 1
    print(findings.summary())
    return 0


def log_path() -> Path:
    chosen = os.environ.get(LOG_ENV)
    if chosen:
        return Path(chosen)
    try:
        user = getpass.getuser()
    except Exception:  # no user name on some containers; the file name is all it is for
        user = "user"
    # One file per user: /tmp is shared, and another user's file would not be writable.
    return Path(tempfile.gettempdir()) / f"textdesk-self-check-{user}.log"


# -- the stages -------------------------------------------------------------------------------


def _run(findings: Findings) -> None:
    folder = Path(tempfile.mkdtemp(prefix="textdesk-self-check-"))
    log.info("self-check in %s", folder)
    try:
        db_url = f"sqlite:///{(folder / 'self-check.db').as_posix()}"
        with _isolated_environment(folder, db_url):
            _check(findings, folder, db_url)
    finally:
        # SQLite may still hold its -wal file open on Windows for a moment; never fail on it.
        shutil.rmtree(folder, ignore_errors=True)


def _check(findings: Findings, folder: Path, db_url: str) -> None:
    from desktop.services.core.context import Context

    with _stage("database"):
        from desktop.models.migrate import current_revision, head_revision

        ctx = Context.open(db_url)  # runs the migrations, found through desktop.paths
        schema = current_revision(ctx.db.engine)
        if schema != head_revision():
            ctx.close()
            raise RuntimeError(f"schema is at {schema}, expected {head_revision()}")
        findings.schema = str(schema)
    try:
        with _stage("Qt"):
            findings.qt = _check_qt(db_url)
        sequence_id, sent_seconds = _send_one(ctx)
        findings.sent_seconds = sent_seconds
        with _stage("export"):
            findings.export_rows = _export(ctx, sequence_id, folder / "self-check-export.csv")
    finally:
        ctx.close()


def _check_qt(db_url: str) -> str:
    """Start Qt (offscreen unless a platform was asked for), build and paint the window."""
    global _qt_app
    from PySide6.QtCore import QCoreApplication, qVersion
    from PySide6.QtGui import QPixmap
    from PySide6.QtWidgets import QApplication

    from desktop.paths import app_icon_path

    if QApplication.instance() is None:
        # The check must work on a server and must not flash a window on a desktop.
        # (An empty QT_QPA_PLATFORM counts as unset: Qt would try xcb and abort().)
        if not os.environ.get("QT_QPA_PLATFORM"):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        _qt_app = QApplication([sys.argv[0] if sys.argv else "textdesk"])
    platform = QApplication.platformName()
    from desktop.app import build_app

    textdesk = build_app(db_url, demo=True, start_services=False)
    try:
        window = textdesk.window
        if window.objectName() != "mainWindow":
            raise RuntimeError(f"the main window is named {window.objectName()!r}")
        _paint(window)
    finally:
        textdesk.shutdown()
    QCoreApplication.processEvents()
    # Bundled resources are found through desktop.paths, like the migrations were.
    icon = app_icon_path()
    if QPixmap(str(icon)).isNull():
        raise RuntimeError(f"cannot load the application icon {icon}")
    return f"Qt {qVersion()} {platform}"


def _paint(window: Any) -> None:
    """Render the window into a pixmap: fonts, styles and image plugins all get used."""
    window.resize(1000, 700)
    pixmap = window.grab()
    if pixmap.isNull() or pixmap.width() == 0:
        raise RuntimeError("the main window painted nothing")


def _send_one(ctx: Any) -> tuple[int, float]:
    """One demo message through Engine (scheduler, dispatcher, poller) to the sandbox."""
    from sqlalchemy import select

    from desktop.models import Lead, Message
    from desktop.sandbox import Outcome, SandboxConfig
    from desktop.services.engine.engine import Engine
    from desktop.services.sequences import builder
    from desktop.services.status.vocabulary import Bucket
    from desktop.services.twilio.connection import open_connection

    with _stage("carrier sandbox"):
        ctx.settings.set_many(FAST_SETTINGS)
        connection = open_connection(ctx, demo=True, sandbox_config=SandboxConfig.fast(seed=1))
        assert connection.sandbox is not None
        connection.sandbox.force_outcome(PHONE, Outcome.delivered())
    engine: Engine | None = None
    finished = False
    try:
        with _stage("sending"):
            with ctx.db.write() as session:
                session.add(
                    Lead(
                        phone=PHONE,
                        first_name="Self",
                        last_name="Check",
                        email="",
                        timezone="",
                        opted_out=False,
                    )
                )
            sequence_id = builder.create_sequence(
                ctx,
                "Self-check",
                [builder.StepSpec(BODY)],
                builder.LeadSelection(all=True),
                accept_warnings=True,
            ).sequence_id
            engine = Engine(ctx, connection, dispatch_interval=0.2)
            started = time.monotonic()
            # The scheduler, not run_once(): its "interval" trigger and thread-pool executor
            # are found through entry points, which is what a bundle can get wrong.
            engine.start()
            query = select(Message.bucket, Message.error_code).where(
                Message.sequence_id == sequence_id
            )
            bucket, error_code = Bucket.IN_QUEUE.value, None
            while time.monotonic() - started < SEND_DEADLINE:
                with ctx.db.read() as session:
                    bucket, error_code = session.execute(query).one()
                if bucket in (Bucket.SENT.value, Bucket.ERROR.value):
                    break
                if engine.problem:
                    raise RuntimeError(engine.problem)
                engine.run_now()  # poll again now rather than after the adaptive delay
                time.sleep(0.1)
            seconds = time.monotonic() - started
            if bucket == Bucket.ERROR.value:
                raise RuntimeError(f"the message ended in Error (code {error_code})")
            if bucket != Bucket.SENT.value:
                label = Bucket(bucket).label
                raise RuntimeError(f"not Sent within {SEND_DEADLINE:.0f} s, still {label}")
        finished = True
    finally:
        try:
            if engine is not None:
                engine.stop()
            connection.close()
        except Exception as exc:
            log.exception("stopping the engine failed")
            if finished:  # otherwise the failure that got us here is the one to report
                raise CheckFailed("stopping the engine", _one_line(exc)) from None
    return sequence_id, seconds


def _export(ctx: Any, sequence_id: int, path: Path) -> int:
    from desktop.services.reports import exports as reports
    from desktop.services.status.vocabulary import Bucket

    rows = reports.export_sequence(ctx, sequence_id, path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    if rows != 1 or len(lines) != 2:
        raise RuntimeError(f"expected a header and 1 row, found {len(lines)} line(s)")
    if Bucket.SENT.label not in lines[1]:
        raise RuntimeError(f"the exported row does not say {Bucket.SENT.label}: {lines[1]}")
    return rows


# -- plumbing ---------------------------------------------------------------------------------


@contextlib.contextmanager
def _stage(name: str) -> Iterator[None]:
    """Turn any failure inside into CheckFailed(name, one line); the traceback goes to the log."""
    log.info("stage: %s", name)
    errors_before = len(_errors)
    try:
        yield
    except CheckFailed:
        raise
    except Exception as exc:
        log.exception("stage %s failed", name)
        raise CheckFailed(name, _one_line(exc)) from None
    if len(_errors) > errors_before:
        raise CheckFailed(name, f"an error was logged: {_errors[errors_before]}")


class _ErrorCatcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        _errors.append(_one_line_text(record.getMessage()))


def _one_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {_one_line_text(str(exc))}"


def _one_line_text(text: str) -> str:
    text = " ".join(text.split()) or "(no message)"
    return text if len(text) <= 300 else text[:297] + "..."


@contextlib.contextmanager
def _isolated_environment(folder: Path, db_url: str) -> Iterator[None]:
    """Hide Twilio settings, force the keyring off and aim every default path at `folder`.

    The database URL is passed explicitly everywhere; TEXTDESK_DB and the XDG folders are a
    second fence in case some code path falls back to the default location.
    """
    wanted: dict[str, str | None] = dict.fromkeys(HIDDEN_ENV)
    wanted.update(
        TEXTDESK_KEYRING="off",
        TEXTDESK_DB=db_url,
        XDG_DATA_HOME=str(folder / "data"),
        XDG_CONFIG_HOME=str(folder / "config"),
    )
    saved = {key: os.environ.get(key) for key in [*wanted, "QT_QPA_PLATFORM"]}
    try:
        for key, value in wanted.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def _captured_output(log_file: Path) -> Iterator[None]:
    """Send logging, Python's stderr and file descriptor 2 (Qt, fontconfig and other C
    libraries write there directly) into `log_file` for the duration."""
    # Append mode: the Python stream and the C libraries share the file without overwriting.
    stream: TextIO = open(log_file, "a", encoding="utf-8", buffering=1)  # noqa: SIM115
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    saved_fd = _redirect_fd(2, stream)
    try:
        _errors.clear()
        root.handlers = [handler, _ErrorCatcher()]
        root.setLevel(logging.INFO)
        logging.captureWarnings(True)
        with contextlib.redirect_stderr(stream):
            yield
    finally:
        logging.captureWarnings(False)
        root.handlers = saved_handlers
        root.setLevel(saved_level)
        stream.flush()
        _restore_fd(2, saved_fd)
        stream.close()


def _redirect_fd(fd: int, stream: TextIO) -> int | None:
    """dup2 `stream` onto `fd`; returns a copy of the old fd, or None if there is none (a
    windowed Windows build has no stderr at all)."""
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
        saved = os.dup(fd)
    except (OSError, ValueError):
        return None
    os.dup2(stream.fileno(), fd)
    return saved


def _restore_fd(fd: int, saved: int | None) -> None:
    if saved is None:
        return
    os.dup2(saved, fd)
    os.close(saved)
