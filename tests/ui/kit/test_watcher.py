"""The window follows the database: a write by another process reaches the screens' signals
within 2 s, and an open lead history dialog shows a new status without reopening."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.models import Message
from desktop.services.core.context import Context
from desktop.services.sequences import builder
from desktop.services.status.vocabulary import Bucket
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.bridge import EngineBridge
from desktop.ui.kit.tasks import TaskRunner
from desktop.ui.kit.watcher import ChangeWatcher, StatusRead
from desktop.ui.leads.history_dialog import LeadHistoryDialog
from tests.helpers import add_leads

ROOT = Path(__file__).resolve().parents[3]
STEP = [builder.StepSpec("Hello {first_name}. Reply STOP to opt out")]


@pytest.fixture
def followed(ctx: Context, qtbot) -> Iterator[AppServices]:  # type: ignore[no-untyped-def]
    """Services whose bridge follows the database (no service: nothing sends here)."""
    watcher = ChangeWatcher(ctx, keepalive=False)
    bridge = EngineBridge(watcher)
    tasks = TaskRunner()
    bridge.start()
    qtbot.waitUntil(lambda: watcher.looks >= 1, timeout=5000)  # the first look is taken
    yield AppServices(ctx=ctx, tasks=tasks, bridge=bridge)
    bridge.detach()
    tasks.wait(10_000)


def textdesk(db_url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", "--db", db_url, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(qtbot, process: subprocess.Popen[str]) -> float:  # type: ignore[no-untyped-def]
    """Wait for `process` with the event loop running; the moment it ended."""
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=60_000)
    ended = time.monotonic()
    _out, err = process.communicate()
    assert process.returncode == 0, err
    return ended


def test_a_write_by_another_process_is_signalled_within_2_s(  # type: ignore[no-untyped-def]
    qtbot, ctx: Context, db_url: str, followed: AppServices
) -> None:
    lead_ids = add_leads(ctx, 3)
    sid = builder.create_sequence(ctx, "S", STEP, builder.LeadSelection(all=True)).sequence_id
    bridge = followed.bridge
    sequences: list[tuple[float, list[int]]] = []
    leads: list[tuple[float, object]] = []
    bridge.sequencesChanged.connect(lambda ids: sequences.append((time.monotonic(), ids)))
    bridge.leadsChanged.connect(lambda ids: leads.append((time.monotonic(), ids)))
    qtbot.waitUntil(lambda: any(sid in ids for _, ids in sequences), timeout=2000)

    # The watcher may see the commit before this test sees the process end: events count
    # from the start of the command, and the delay from its end (negative: before it).
    started = time.monotonic()
    ended = finished(qtbot, textdesk(db_url, "sequences", "pause", str(sid)))
    qtbot.waitUntil(lambda: any(at > started and sid in ids for at, ids in sequences), timeout=2000)
    assert next(at for at, ids in sequences if at > started and sid in ids) - ended < 2.0

    started = time.monotonic()
    ended = finished(qtbot, textdesk(db_url, "leads", "delete", str(lead_ids[0])))
    qtbot.waitUntil(lambda: any(at > started for at, _ in leads), timeout=2000)
    at, ids = next((at, ids) for at, ids in leads if at > started)
    assert ids == {lead_ids[0]} and at - ended < 2.0
    # The canceled messages of the deleted lead changed the sequence's counts too.
    qtbot.waitUntil(lambda: any(at > started and sid in ids for at, ids in sequences), timeout=2000)


def test_while_writes_keep_coming_the_watcher_looks_every_half_second(  # type: ignore[no-untyped-def]
    qtbot, ctx: Context, followed: AppServices
) -> None:
    """A sending service commits many times a second: the screens take changes at most
    twice a second, so the watcher's looks (queries in Python, on the window's interpreter)
    are spaced as much, not four a second."""
    watcher = followed.bridge.watcher
    assert watcher is not None and watcher.busy_look_every == 0.5
    leads: list[object] = []
    followed.bridge.leadsChanged.connect(leads.append)
    before = watcher.looks
    started = time.monotonic()
    for i in range(40):  # a commit every 50 ms for two seconds
        add_leads(ctx, 1, start=100 + i)
        qtbot.wait(50)
    elapsed = time.monotonic() - started
    looks = watcher.looks - before
    assert 2 <= looks <= elapsed / watcher.busy_look_every + 1, (looks, elapsed)
    qtbot.waitUntil(lambda: bool(leads), timeout=2000)  # and the changes were told


def test_the_watcher_reads_the_service_state(qtbot, ctx: Context, followed: AppServices) -> None:  # type: ignore[no-untyped-def]
    watcher = followed.bridge.watcher
    assert watcher is not None
    # A plain list, not qtbot.waitSignal: the signal comes queued from the watcher's thread
    # every 2 s, and a late one must not reach a blocker that is gone.
    reads: list[StatusRead] = []
    watcher.statusRead.connect(reads.append)
    watcher.status_now()
    qtbot.waitUntil(lambda: bool(reads), timeout=5000)
    status = reads[-1]
    assert not status.state.running and status.state.holder is None
    assert status.look is not None and status.look.in_queue == 0


def test_an_open_history_dialog_shows_a_new_status(  # type: ignore[no-untyped-def]
    qtbot, ctx: Context, db_url: str, followed: AppServices
) -> None:
    (lead,) = add_leads(ctx, 1)
    sid = builder.create_sequence(ctx, "S", STEP, builder.LeadSelection(all=True)).sequence_id
    with ctx.db.read() as session:
        message_id = session.scalar(select(Message.id).where(Message.sequence_id == sid))
    dialog = LeadHistoryDialog(followed, lead)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.show()
    assert dialog.model.entry(0).bucket == Bucket.IN_QUEUE
    dialog.view.selectRow(0)

    # The carrier says it failed, as the sending service would write it, from another process.
    script = (
        "import sys; from desktop.services.core.context import Context; "
        "from tests.helpers import report_status; ctx = Context.open(sys.argv[1]); "
        "report_status(ctx, int(sys.argv[2]), 'undelivered', error_code=30008, "
        "error_message='Unknown error'); ctx.close()"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", script, db_url, str(message_id)], cwd=ROOT, text=True
    )
    finished(qtbot, writer)
    qtbot.waitUntil(lambda: dialog.model.entry(0).bucket == Bucket.ERROR, timeout=2000)
    assert dialog.model.entry(0).error_code == 30008
    assert dialog.selected_entry() == dialog.model.entry(0)  # the selection stayed
    assert "30008" in dialog.details.toPlainText()  # and its panel shows the new state
    assert dialog.windowTitle().startswith("History")
