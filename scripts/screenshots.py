"""Render the README screenshots: main window, lead list, lead history and composer.

Run under a virtual display:  xvfb-run -a .venv/bin/python scripts/screenshots.py
Uses a throw-away demo database and the demo sandbox with quicker timings, waits until the
demo sequence has messages in several buckets, then grabs each screen at 1280x800 (dialogs at
their own size) into docs/screenshots/.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TEXTDESK_KEYRING", "off")  # never touch the real keyring

from PySide6.QtCore import QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget  # noqa: E402

from desktop.app import build_app  # noqa: E402
from desktop.sandbox import SandboxConfig  # noqa: E402
from desktop.services import demo  # noqa: E402
from desktop.services.core.context import Context  # noqa: E402
from desktop.services.status.vocabulary import Bucket  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZE = (1280, 800)
# Quicker than the demo: every bucket fills in well under a minute.
SANDBOX = SandboxConfig(
    seed=2026,
    accepted_to_queued=(0.1, 0.4),
    queued_to_sending=(0.1, 0.6),
    sending_to_sent=(0.1, 0.6),
    sent_to_final=(1.0, 4.0),
    reply_delay=(0.5, 2.0),
)
FAST_DEMO = {"rate_limit": "6", "poll_interval": "1s", "delivery_unknown_after": "12s"}


def spin_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    app = QApplication.instance()
    assert app is not None
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"screenshots: timed out waiting for {what}")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.02)


def settle(seconds: float = 0.5) -> None:
    end = time.monotonic() + seconds
    spin_until(lambda: time.monotonic() > end, seconds + 5, "the screen to settle")


def save(widget: QWidget, name: str) -> Path:
    settle()
    path = OUT / name
    widget.grab().save(str(path))
    print(f"wrote {path.relative_to(ROOT)} ({widget.width()}x{widget.height()})")
    return path


def fill_draft(composer: QWidget) -> None:
    """Type a realistic first step, as a user would, so the shot shows the live counters."""
    name = composer.findChild(QLineEdit, "nameEdit")
    if name is not None:
        name.setText("Summer menu launch")
    editors = [e for e in composer.findChildren(QPlainTextEdit) if e.isVisible()]
    if editors:
        editors[0].setFocus()
        editors[0].setPlainText(
            "Hi {first_name}, summer is here at Maple & Main Bakery! Our new menu starts "
            "Monday: peach galette and iced chai. Show this text for a free cookie. "
            "Reply STOP to opt out."
        )


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="textdesk-shots-"))
    db_url = f"sqlite:///{folder / 'textdesk-demo.db'}"
    ctx = Context.open(db_url, demo=True)
    demo.seed_demo(ctx)
    ctx.settings.set_many(FAST_DEMO)
    ctx.close()

    qt_app = QApplication([sys.argv[0]])
    qt_app.setApplicationName("TextDesk")
    app = build_app(db_url, demo=True, sandbox_config=SANDBOX)
    window = app.window
    window.resize(*SIZE)
    window.show()
    try:
        bulk = window.bulk_sequences
        spin_until(lambda: bulk.model.rowCount() == 3, 30, "the demo sequences")
        running = bulk.model.summary(bulk.model.row_of(3))

        def filled() -> bool:
            nonlocal running
            running = bulk.model.summary(bulk.model.row_of(3))
            counts = running.counts
            wanted = (Bucket.ERROR, Bucket.SENT, Bucket.DELIVERY_UNKNOWN, Bucket.IN_QUEUE)
            return all(counts[b] > 0 for b in wanted) and counts[Bucket.ERROR] >= 4

        spin_until(filled, 120, "counts in several buckets")
        window.refresh_all()
        settle(3.0)
        save(window, "main-window.png")

        lead_list = bulk.open_lead_list(running, Bucket.ERROR)
        spin_until(lambda: lead_list.model.rowCount() > 0, 20, "the lead list")
        save(lead_list, "lead-list.png")

        rows = lead_list.model.rows
        chosen = next((r for r in rows if r.error_code == 30008), rows[0])
        history = lead_list.open_history(chosen.lead_id)
        spin_until(lambda: history.history is not None, 20, "the lead history")
        save(history, "lead-history.png")
        history.close()
        lead_list.close()

        if (ROOT / "desktop" / "ui" / "composer.py").exists():
            composer = window.open_composer()
            if composer is not None:
                fill_draft(composer)
                composer.resize(max(composer.width(), 1000), max(composer.height(), 720))
                settle(2.0)
                save(composer, "composer.png")
                composer.close()
    finally:
        app.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
