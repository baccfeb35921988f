"""Render the README screenshots: main window, lead list, lead history, composer and
conversations.

Run under a virtual display:  xvfb-run -a .venv/bin/python scripts/screenshots.py
Options: --out DIR (default docs/screenshots), --size WxH (repeatable; default 1280x800 and
1024x700). The first size gets the README's names (main-window.png ...), the others a size
suffix (main-window-1024x700.png ...).

Uses a throw-away demo database and the live demo (the sending service against the carrier
sandbox, with quicker durations), waits until the running demo sequence has messages in
several buckets, then grabs each screen at each size: the window at that size, dialogs at
their own size but never larger than it (as on a screen of that size).
"""

from __future__ import annotations

import argparse
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
from desktop.services import demo  # noqa: E402
from desktop.services.core.context import Context  # noqa: E402
from desktop.services.engine.service_control import stop_service  # noqa: E402
from desktop.services.status.vocabulary import Bucket  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZES = ("1280x800", "1024x700")
# Quicker than the demo: Delivery unknown fills within the wait below.
FAST_DEMO = {"rate_limit": "6", "poll_interval": "1s", "delivery_unknown_after": "12s"}
# The buckets the running sequence must show before the shots (the demo's scripted leads
# give it 4 errors: 30008, 30003 and Twilio's two refused magic numbers).
WANTED = (Bucket.ERROR, Bucket.SENT, Bucket.DELIVERY_UNKNOWN, Bucket.IN_QUEUE)
WANTED_ERRORS = 4


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


def parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"a size is WIDTHxHEIGHT, not {text!r}") from None
    return width, height


def fit(widget: QWidget, size: tuple[int, int]) -> None:
    """A dialog at its own size, cut to the screen size being shown (not below its
    minimum: a dialog that cannot fit shows as larger than the window, which is news)."""
    width = min(widget.width(), size[0])
    height = min(widget.height(), size[1])
    widget.resize(width, height)


class Shots:
    def __init__(self, out: Path, size: tuple[int, int], primary: bool) -> None:
        self.out = out
        self.size = size
        self.suffix = "" if primary else f"-{size[0]}x{size[1]}"
        self.written: list[Path] = []

    def save(self, widget: QWidget, stem: str) -> Path:
        settle()
        path = self.out / f"{stem}{self.suffix}.png"
        widget.grab().save(str(path))
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        width, height = widget.width(), widget.height()
        print(f"wrote {shown} ({width}x{height})", flush=True)
        if width > self.size[0] or height > self.size[1]:
            print(
                f"screenshots: {stem} is {width}x{height}, larger than {self.size[0]}x"
                f"{self.size[1]}: it does not fit a screen of that size",
                file=sys.stderr,
                flush=True,
            )
        self.written.append(path)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where the PNGs go")
    parser.add_argument("--size", type=parse_size, action="append", help="WIDTHxHEIGHT, repeatable")
    args = parser.parse_args(argv)
    sizes: list[tuple[int, int]] = args.size or [parse_size(s) for s in SIZES]
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    folder = Path(tempfile.mkdtemp(prefix="textdesk-shots-"))
    db_url = f"sqlite:///{folder / 'textdesk-demo.db'}"
    ctx = Context.open(db_url, demo=True)
    seeded = demo.seed_demo(ctx)
    assert seeded is not None, "a fresh database is always seeded"
    ctx.settings.set_many(FAST_DEMO)
    ctx.close()
    running_id = seeded.sequence_ids[-1]  # the one the demo sends live, created last

    qt_app = QApplication([sys.argv[0]])
    qt_app.setApplicationName("TextDesk")
    app = build_app(db_url, demo=True)
    window = app.window
    window.resize(*min(sizes, key=lambda s: s[0] * s[1]))
    window.show()
    try:
        bulk = window.bulk_sequences
        assert bulk is not None, "the Bulk Sequences widget is part of the default dashboard"
        spin_until(
            lambda: all(bulk.model.row_of(i) is not None for i in seeded.sequence_ids),
            60,
            f"the {len(seeded.sequence_ids)} demo sequences",
        )

        def filled() -> bool:
            row = bulk.model.row_of(running_id)
            if row is None:
                return False
            counts = bulk.model.summary(row).counts
            return all(counts[b] > 0 for b in WANTED) and counts[Bucket.ERROR] >= WANTED_ERRORS

        spin_until(filled, 150, "counts in several buckets")
        # Smallest first: the window starts at the smallest size, as it would on that screen.
        for size in sorted(sizes, key=lambda s: s[0] * s[1]):
            shots = Shots(out, size, primary=size == sizes[0])
            window.resize(*size)
            window.refresh_all()
            settle(3.0)
            shots.save(window, "main-window")

            row = bulk.model.row_of(running_id)
            assert row is not None
            lead_list = bulk.open_lead_list(bulk.model.summary(row), Bucket.ERROR)
            spin_until(lambda d=lead_list: d.model.rowCount() > 0, 20, "the lead list")
            fit(lead_list, size)
            shots.save(lead_list, "lead-list")

            rows = lead_list.model.rows
            chosen = next((r for r in rows if r.error_code == 30008), rows[0])
            history = lead_list.open_history(chosen.lead_id)
            spin_until(lambda d=history: d.history is not None, 20, "the lead history")
            fit(history, size)
            shots.save(history, "lead-history")
            history.close()
            lead_list.close()

            composer = window.open_composer()
            fill_draft(composer)
            fit(composer, size)
            settle(2.0)
            shots.save(composer, "composer")
            composer.close()  # by the program: a typed draft does not ask
            settle()

            window.show_conversations_action.trigger()
            page = window.conversations_page
            spin_until(lambda p=page: p.model.rowCount() > 0, 60, "the demo's replies")
            page.list.setCurrentIndex(page.model.index(0))
            spin_until(lambda p=page: p.history is not None, 20, "a conversation")
            shots.save(window, "conversations")
            window.show_dashboard_action.trigger()
    finally:
        app.shutdown()
        # Closing the window never stops sending: the throw-away database's service would
        # run on with nothing to show for it.
        ctx = Context.open(db_url, demo=True)
        try:
            stopped, sentence = stop_service(ctx)
        finally:
            ctx.close()
        if not stopped:
            print(f"screenshots: {sentence}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
