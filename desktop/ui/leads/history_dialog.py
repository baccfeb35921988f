"""The lead history dialog: every message sent to one lead and every reply, in time order.

The table gives the overview; the panel under it explains the selected row in full: the
text, each change of state, and for an error the plain-language explanation with likely
causes and what to do. The latest error is selected on opening, so "why did it fail?" is
answered without another click.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.services.reports import history
from desktop.services.reports.history import HistoryEntry, LeadHistory
from desktop.services.status.vocabulary import Bucket
from desktop.services.twilio import error_catalog
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.delegates import StatusBadgeDelegate
from desktop.ui.kit.formatting import format_full_time, format_time, plural
from desktop.ui.kit.notify import Notifier
from desktop.ui.kit.refresh import Refresher
from desktop.ui.kit.theme import BUCKET_SWATCHES
from desktop.ui.leads.history_model import FROM, MESSAGE, STATUS, STEP, TIME, LeadHistoryModel


def show_lead_history(
    services: AppServices, lead_id: int, parent: QWidget | None, *, notifier: Notifier | None = None
) -> LeadHistoryDialog:
    """Open (or bring forward) the history of `lead_id`."""
    if parent is not None:
        for dialog in parent.findChildren(LeadHistoryDialog):
            if dialog.lead_id == lead_id and dialog.isVisible():
                dialog.raise_()
                dialog.activateWindow()
                return dialog
    dialog = LeadHistoryDialog(services, lead_id, parent, notifier=notifier)
    dialog.show()
    return dialog


def _badge(text: str, fg: str, bg: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(
        f"color: {fg}; background: {bg}; border-radius: 9px; padding: 2px 9px; font-weight: 600;"
    )
    return label


class LeadHistoryDialog(QDialog):
    loaded = Signal()

    def __init__(
        self,
        services: AppServices,
        lead_id: int,
        parent: QWidget | None = None,
        *,
        notifier: Notifier | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("leadHistoryDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Lead history")
        self.resize(880, 620)
        self.services = services
        self.lead_id = lead_id
        self.notifier = notifier or Notifier(self)
        self.history: LeadHistory | None = None
        self._closed = False  # a result arriving after close is dropped

        self.title = QLabel("Loading…")
        self.title.setProperty("role", "dialogTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.flags = QHBoxLayout()
        self.flags.setSpacing(6)
        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addLayout(self.flags)
        heading.addStretch(1)
        self.summary = QLabel("")
        self.summary.setProperty("role", "dialogSubtitle")

        self.model = LeadHistoryModel(self, clock=services.ctx.now)
        self.view = QTableView()
        self.view.setObjectName("leadHistoryView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(32)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column, width in ((TIME, 120), (FROM, 60), (STEP, 50), (STATUS, 200)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(MESSAGE, QHeaderView.ResizeMode.Stretch)
        self._badges = StatusBadgeDelegate(self.view)
        self.view.setItemDelegateForColumn(STATUS, self._badges)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)

        self.details = QTextBrowser()
        self.details.setObjectName("leadHistoryDetails")
        self.details.setOpenExternalLinks(False)
        self.details.setPlaceholderText("Select a row to see the message in full.")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(self.details)
        splitter.setSizes([260, 300])
        self.splitter = splitter
        splitter.setChildrenCollapsible(False)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        # Answer: the lead's conversation, with the focus in its reply box.
        self.answer_button = buttons.addButton("&Answer…", QDialogButtonBox.ButtonRole.ActionRole)
        self.answer_button.setObjectName("answerButton")
        self.answer_button.setToolTip("Write to this lead in their conversation")
        self.answer_button.clicked.connect(self.answer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addLayout(heading)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

        # Live: a new state of one of this lead's messages, a reply or an opt-out (by the
        # sending service, in another process) reloads it, coalesced, off the GUI thread.
        ctx = services.ctx
        self.refresher = Refresher(
            services.tasks,
            lambda _ids: history.lead_history(ctx, lead_id),
            self._apply,
            on_error=self._failed,
            parent=self,
        )
        services.bridge.historyChanged.connect(self._on_history_changed)
        self.refresher.request_now()

    def refresh(self) -> None:
        self.refresher.request()

    def _on_history_changed(self, lead_ids: frozenset[int] | None) -> None:
        if lead_ids is None or self.lead_id in lead_ids:
            self.refresher.request()

    def _apply(self, found: LeadHistory) -> None:
        if self._closed:
            return
        first = self.history is None
        kept = self.selected_entry()
        self.history = found
        self.setWindowTitle(f"History — {found.name}")
        self.title.setText(f"{found.name}  ·  {found.phone}")
        while (item := self.flags.takeAt(0)) is not None:  # a reload shows them as they are
            if (badge := item.widget()) is not None:
                badge.hide()
                badge.deleteLater()
        if found.opted_out:
            badge = _badge("Opted out", "#c62828", "#fdecea")
            by = f"by {found.opted_out_by}" if found.opted_out_by else "by the lead, by text"
            badge.setToolTip(f"Opted out {by}: TextDesk sends this lead nothing more.")
            self.flags.addWidget(badge)
        self.answer_button.setEnabled(not found.deleted)
        if found.deleted:
            self.flags.addWidget(_badge("Deleted", "#37474f", "#e4e7e9"))
        self.model.set_entries(found.entries)
        outbound = [e for e in found.entries if e.direction == "outbound"]
        replies = len(found.entries) - len(outbound)
        errors = sum(1 for e in outbound if e.error_code)
        parts = [plural(len(outbound), "message"), plural(replies, "reply", "replies")]
        if errors:
            parts.append(plural(errors, "error"))
        self.summary.setText(" · ".join(parts) if found.entries else "Nothing sent yet.")
        if not first:
            self._reselect(kept)
            self.loaded.emit()
            return
        # Few rows: give the explanation panel the room the table does not need.
        table_height = min(80 + 32 * self.model.rowCount(), 360)
        total = sum(self.splitter.sizes())
        self.splitter.setSizes([table_height, max(total - table_height, 200)])
        rows = self.model.error_rows() or list(range(self.model.rowCount()))
        if rows:
            self.view.selectRow(rows[-1])
            self.view.scrollTo(self.model.index(rows[-1], 0))
        self.loaded.emit()

    def answer(self) -> None:
        from desktop.ui.inbox.opening import answer_lead  # loaded when first used

        found = self.history
        name, phone = (found.name, found.phone) if found is not None else ("", "")
        shown = answer_lead(self.services, self.lead_id, self, name=name, phone=phone)
        if not isinstance(shown, QDialog):
            self.accept()  # the conversation is open in the window: this dialog is done

    def _failed(self, sentence: str) -> None:
        if self._closed:
            return
        self.title.setText("This history could not be loaded")
        self.details.setPlainText(sentence)
        self.notifier.show_error(sentence)

    def done(self, result: int) -> None:
        self._closed = True
        self.refresher.stop()
        super().done(result)

    def _reselect(self, kept: HistoryEntry | None) -> None:
        """After a reload, the row the user had selected stays selected (its panel shows the
        new state); without one, the latest row is."""
        rows = range(self.model.rowCount())
        key = _entry_key(kept) if kept is not None else None
        row = next((r for r in rows if _entry_key(self.model.entry(r)) == key), None)
        if row is None and kept is None and self.model.rowCount():
            row = self.model.rowCount() - 1
        if row is not None:
            self.view.selectRow(row)
            entry = self.model.entry(row)
            self.details.setHtml(details_html(entry, now=self.services.ctx.now()))

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            entry = self.model.entry(indexes[0].row())
            self.details.setHtml(details_html(entry, now=self.services.ctx.now()))

    def selected_entry(self) -> HistoryEntry | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None


def _entry_key(entry: HistoryEntry) -> tuple[object, ...]:
    """The same message (or reply) across reloads: its time moves as it is handed off."""
    if entry.direction == "outbound":
        return ("outbound", entry.sequence_id, entry.step)
    return ("inbound", entry.time, entry.body)


def details_html(entry: HistoryEntry, *, now: datetime) -> str:
    """The selected row in full, as simple HTML for the panel; `now` says which day is today."""
    if entry.direction == "inbound":
        head = f"Reply received {escape(format_full_time(entry.time))}"
    else:
        when = escape(format_full_time(entry.time))
        head = f"Step {entry.step} · {escape(entry.status_label)} · {when}"
    parts = [f"<p><b>{head}</b></p>", f"<p>{escape(entry.body or '(no text)')}</p>"]
    if entry.error_code:
        info = error_catalog.explain(entry.error_code)
        swatch = BUCKET_SWATCHES[Bucket.ERROR]
        parts.append(
            f"<p style='color:{swatch.fg}'><b>{escape(info.heading)}</b></p>"
            f"<p>{escape(info.explanation)}</p>"
        )
        for title, items in (("Likely causes", info.causes), ("What to do", info.what_to_do)):
            if items:
                bullets = "".join(f"<li>{escape(item)}</li>" for item in items)
                parts.append(f"<p><b>{title}</b></p><ul>{bullets}</ul>")
        parts.append(f"<p><i>{escape(info.resend_advice)}</i></p>")
    if entry.events:
        steps = "".join(
            f"<li>{escape(format_time(event.at, now=now))} — {escape(event.label)}</li>"
            for event in entry.events
        )
        parts.append(f"<p><b>What happened</b></p><ul>{steps}</ul>")
    return "".join(parts)
