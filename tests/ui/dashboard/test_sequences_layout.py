"""What the sequences table and the chart say and how they fit: progress that says what it
counts, when a scheduled sequence starts, columns that fit 1024 pixels, chart names that are
never only "...", and tooltips that wrap."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QToolTip

from desktop.services.sequences import builder
from desktop.services.sequences import lifecycle as sequences
from desktop.services.status.vocabulary import Bucket, SequenceStatus
from desktop.ui.dashboard.bulk_sequences import BulkSequencesWidget
from desktop.ui.dashboard.column_fit import NAME_MIN_WIDTH
from desktop.ui.dashboard.delivery_overview import DeliveryOverviewWidget
from desktop.ui.dashboard.lead_list_model import ERROR, LeadListModel
from desktop.ui.dashboard.sequences_model import SequencesModel, column_of
from desktop.ui.kit.roles import PROGRESS_ROLE
from desktop.ui.kit.tooltips import WRAP_CHARS, plain_text, tooltip_width, wrapped_tooltip
from tests.clocks import RunningClock
from tests.helpers import add_leads
from tests.ui.ui_helpers import FakePrompts, Populated

pytest_plugins = ("tests.ui.ui_fixtures",)

STEP = [builder.StepSpec("Hello {first_name}! Reply STOP to opt out.")]
LONG_NAMES = (
    "Summer menu launch for all our regular customers",
    "VIP tasting night with the new pastry chef",
    "Holiday opening hours and the New Year brunch",
    "Loyalty card reminder for everyone who signed up",
    "Spring open house at the Maple Street bakery",
    "Last call: the winter sale ends this Sunday",
)


def test_progress_says_what_it_counts(pop_services, populated: Populated) -> None:
    model = SequencesModel(clock=pop_services.ctx.now)
    model.set_summaries(sequences.list_sequences(pop_services.ctx))
    done = model.index(model.row_of(populated.sent_id), column_of("progress"))
    # 8 messages: 5 sent, 2 errors, 1 canceled (a deleted lead): 7 went out, all have an end.
    assert done.data() == "7 of 7 done"
    tip = plain_text(done.data(Qt.ItemDataRole.ToolTipRole))
    assert tip.startswith("7 of 7 messages done (100%)")
    assert "1 canceled message will never go out and are not counted" in tip
    scheduled = model.index(model.row_of(populated.later_id), column_of("progress"))
    assert scheduled.data() == "0 of 7 done"
    assert "Still on their way: 7 In-queue and 0 Outbox." in plain_text(
        scheduled.data(Qt.ItemDataRole.ToolTipRole)
    )

    sequences.cancel(pop_services.ctx, populated.later_id)  # nothing of it went out
    model.set_summaries(sequences.list_sequences(pop_services.ctx))
    canceled = model.index(model.row_of(populated.later_id), column_of("progress"))
    assert canceled.data() == "All canceled" and canceled.data(PROGRESS_ROLE) == 0


@pytest.mark.clock
def test_a_scheduled_sequence_says_when_it_starts(qtbot, services, clock: RunningClock) -> None:
    add_leads(services.ctx, 2)
    start = (clock() + timedelta(days=2)).astimezone().replace(hour=9, minute=0, second=0)
    start = start.replace(microsecond=0)
    created = builder.create_sequence(
        services.ctx, "Brunch", STEP, builder.LeadSelection(all=True), start_at=start
    )
    model = SequencesModel(clock=services.ctx.now)
    model.set_summaries(sequences.list_sequences(services.ctx))
    row = model.row_of(created.sequence_id)
    assert model.summary(row).status == SequenceStatus.SCHEDULED
    said = f"Starts {start:%a} {start.day} {start:%b} 09:00 (your time)"
    status_tip = plain_text(model.index(row, column_of("status")).data(Qt.ItemDataRole.ToolTipRole))
    assert status_tip.startswith(said + ".")
    activity = model.index(row, column_of("activity"))
    assert activity.data(Qt.ItemDataRole.ToolTipRole) == said + "."
    assert activity.data() == f"{start:%b} {start.day}, 09:00"
    header = model.headerData(column_of("activity"), Qt.Orientation.Horizontal)
    assert header == "Starts / Last activity"

    sequences.cancel(services.ctx, created.sequence_id)
    model.set_summaries(sequences.list_sequences(services.ctx))
    canceled = model.summary(row)
    assert canceled.canceled_at is not None
    tip = model.index(row, column_of("activity")).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Canceled ") and tip.endswith("(your time).")


def many_sequences(services, count: int = 6) -> None:  # type: ignore[no-untyped-def]
    add_leads(services.ctx, 3)
    for name in LONG_NAMES[:count]:
        builder.create_sequence(services.ctx, name, STEP, builder.LeadSelection(all=True))


@pytest.mark.parametrize(("width", "created_shown"), [(960, False), (1220, True)])
def test_the_columns_fit_without_a_horizontal_scrollbar(
    qtbot, services, width: int, created_shown: bool
) -> None:
    """960 px is the table's width in a 1024-pixel window; 1220 px in a 1280-pixel one."""
    many_sequences(services)
    widget = BulkSequencesWidget(services, prompts=FakePrompts())
    qtbot.addWidget(widget)
    widget.resize(width, 520)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 6, timeout=5000)
    table = widget.table
    qtbot.waitUntil(lambda: not table.horizontalScrollBar().isVisible())
    header = table.horizontalHeader()
    visible = [i for i in range(header.count()) if not table.isColumnHidden(i)]
    assert sum(header.sectionSize(i) for i in visible) <= table.viewport().width()
    assert header.sectionSize(column_of("name")) >= NAME_MIN_WIDTH
    assert (not table.isColumnHidden(column_of("created"))) == created_shown
    assert not table.verticalScrollBar().isVisible()  # six sequences, six rows in view
    # Headers wrap ("Delivery / unknown") instead of being cut: two lines of room.
    assert header.height() >= 2 * header.fontMetrics().height()
    for i in visible:
        title = str(widget.model.headerData(i, Qt.Orientation.Horizontal))
        widest = max(header.fontMetrics().horizontalAdvance(w) for w in title.split())
        assert widest < header.sectionSize(i), title


def test_chart_names_are_shortened_never_only_dots(qtbot, services) -> None:
    many_sequences(services)
    widget = DeliveryOverviewWidget(services)
    qtbot.addWidget(widget)
    widget.resize(900, 260)
    widget.show()
    qtbot.waitUntil(lambda: len(widget.bars.labels()) == 6, timeout=5000)
    qtbot.waitUntil(lambda: widget.bars.labels() != list(LONG_NAMES))
    labels = widget.bars.labels()
    assert len(set(labels)) == 6
    for label, name in zip(labels, LONG_NAMES, strict=True):  # oldest first
        shown = label.rstrip("\u200b").removesuffix("…")
        assert len(shown) >= 3 and name.startswith(shown), label
    tip = plain_text(widget.column_tooltip(0))
    assert tip.startswith(LONG_NAMES[0]) and "In-queue 3" in tip


def test_long_tooltips_wrap_at_about_sixty_characters(qtbot, pop_services, populated) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.reports import history
    from desktop.services.twilio import error_catalog

    assert wrapped_tooltip("Short and plain.") == "Short and plain."
    assert wrapped_tooltip(None, "") is None
    explanation = error_catalog.explain(21211).as_text()
    wrapped = wrapped_tooltip(explanation)
    assert wrapped is not None and wrapped.startswith(f"<table width={tooltip_width()}>")
    assert plain_text(wrapped) == explanation
    assert tooltip_width() < 80 * QFontMetrics(QToolTip.font()).averageCharWidth()

    model = LeadListModel(clock=pop_services.ctx.now)
    model.set_rows(history.messages_in_bucket(pop_services.ctx, populated.sent_id, Bucket.ERROR))
    for row in range(model.rowCount()):
        tip = model.index(row, ERROR).data(Qt.ItemDataRole.ToolTipRole)
        code = model.row_at(row).error_code
        assert tip == wrapped_tooltip(error_catalog.explain(code).as_text())
        assert len(error_catalog.explain(code).as_text()) > WRAP_CHARS
