"""The Leads page: every lead in a lazily loaded table sorted by any column, with search, a
tag filter and a filter for leads that need attention (opted out, unreachable number, time
zone needed); add and edit one lead, tags, opt-out, delete (after a confirmation), undo a
dead-number mark, give a time zone, the CSV import wizard; double-click or Enter opens a
lead's history.

What each button does is in actions.py; changes go through the services on the task pool and
the table is then updated in place so the owner keeps their place in a long list.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.services.core.wording import sentence
from desktop.services.leads import store as leads
from desktop.services.leads.store import LeadShow
from desktop.services.sequences.forecast import group_digits
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.enter_opens_row import EnterOpensRow
from desktop.ui.kit.form_style import FORM_STYLE, restyle
from desktop.ui.kit.lifetime import run_for
from desktop.ui.kit.prompts import Prompts
from desktop.ui.kit.tooltips import wrapped_tooltip
from desktop.ui.leads.actions import LeadActions
from desktop.ui.leads.actions import plural as _plural
from desktop.ui.leads.model import COLUMNS, DEAD_LABEL, ZONE_LABEL, LeadsTableModel

SEARCH_DELAY_MS = 300

Confirm = Callable[[str, str, str], bool]  # (title, question, action button) -> go ahead?
AskTag = Callable[[str, str, list[str]], "str | None"]  # (title, label, choices) -> tag
# The flag filter's choices: (what it shows, label); counts are added when known.
SHOW_CHOICES: tuple[tuple[LeadShow, str], ...] = (
    (LeadShow.ALL, "All leads"),
    (LeadShow.DEAD_NUMBER, "Unreachable numbers"),
    (LeadShow.TIMEZONE_NEEDED, "Need a time zone"),
    (LeadShow.OPTED_OUT, "Opted out"),
)
SHOW_TIPS = {
    LeadShow.DEAD_NUMBER: f"{DEAD_LABEL}: a text failed because the number cannot receive "
    "texts; these leads are left out of new sequences until you mark them reachable again.",
    LeadShow.TIMEZONE_NEEDED: f"{ZONE_LABEL}: their texts wait until you give them a time zone.",
}
Lists = tuple[list[tuple[str, int]], dict[LeadShow, int], list[str]]


class LeadsPage(QWidget):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("leadsPage")
        self.setStyleSheet(FORM_STYLE)
        self.services = services
        # Hooks: the real dialogs by default; tests answer them without a modal loop.
        self.confirm: Confirm = self._confirm_dialog
        self.ask_tag: AskTag = self._ask_tag_dialog
        self.ask_zone: AskTag = self._ask_tag_dialog  # (title, label, zones) -> zone
        self.busy = 0
        self.known_tags: list[str] = []
        self.known_fields: list[str] = []  # custom fields some lead has
        self.import_wizard: QWidget | None = None

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("leadsSearch")
        self.search_edit.setPlaceholderText("Search by name, phone or email  (Ctrl+F)")
        self.search_edit.setClearButtonEnabled(True)
        self.tag_filter = QComboBox()
        self.tag_filter.setObjectName("leadsTagFilter")
        self.tag_filter.addItem("All tags", None)
        self.tag_filter.setMinimumContentsLength(12)
        tag_label = QLabel("Ta&g")
        tag_label.setBuddy(self.tag_filter)
        self.show_filter = QComboBox()
        self.show_filter.setObjectName("leadsShowFilter")
        self.show_filter.setToolTip("Show only the leads that need your attention")
        for show, text in SHOW_CHOICES:
            self.show_filter.addItem(text, show)
        show_label = QLabel("S&how")
        show_label.setBuddy(self.show_filter)
        self.new_button = QPushButton("&New lead…")
        self.new_button.setToolTip("Add one lead by hand")
        self.import_button = QPushButton("&Import CSV…")
        self.edit_button = QPushButton("&Edit…")
        self.add_tag_button = QPushButton("&Add tag…")
        self.remove_tag_button = QPushButton("&Remove tag…")
        self.opt_out_button = QPushButton("Mark opted &out")
        self.reachable_button = QPushButton("Mar&k as reachable again")
        self.reachable_button.setToolTip(
            wrapped_tooltip(
                "The number works again (or you corrected it): include these leads in new sequences"
            )
            or ""
        )
        self.zone_button = QPushButton("Set time &zone…")
        self.zone_button.setToolTip(
            wrapped_tooltip(
                "Give the selected leads a time zone, so texts held for the lack of one "
                "can go out within the sending hours"
            )
            or ""
        )
        self.delete_button = QPushButton("&Delete…")
        self.delete_button.setToolTip("Delete the selected leads (Del)")

        self.model = LeadsTableModel(services, self)
        self.table = QTableView()
        self.table.setObjectName("leadsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        for column, width in enumerate((170, 130, 200, 140, 150)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        # Sorted by the query, not by Qt (the rows are loaded a page at a time): a click on a
        # header reloads in that order; a third click goes back to the order leads came in.
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setToolTip("Click a column title to sort by it")
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

        self.empty = QLabel()
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.footer = QLabel()
        self.footer.setObjectName("hint")
        self.message = QLabel()
        self.message.setObjectName("hint")
        self.message.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 3)
        top.addWidget(tag_label)
        top.addWidget(self.tag_filter, 1)
        top.addWidget(show_label)
        top.addWidget(self.show_filter, 1)
        top.addStretch(1)
        top.addWidget(self.new_button)
        top.addWidget(self.import_button)
        row = QHBoxLayout()
        for button in self._action_buttons():
            row.addWidget(button)
        row.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(row)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.footer)

        self.lead_actions = LeadActions(self, self)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_filter)
        self.search_edit.textChanged.connect(lambda _: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._apply_filter)
        self.tag_filter.currentIndexChanged.connect(self._apply_filter)
        self.show_filter.currentIndexChanged.connect(self._apply_filter)
        self.new_button.clicked.connect(self.lead_actions.new_lead)
        self.import_button.clicked.connect(self.open_import)
        self.edit_button.clicked.connect(self.lead_actions.edit_lead)
        self.add_tag_button.clicked.connect(self.lead_actions.add_tag)
        self.remove_tag_button.clicked.connect(self.lead_actions.remove_tag)
        self.opt_out_button.clicked.connect(self.lead_actions.toggle_opt_out)
        self.reachable_button.clicked.connect(self.lead_actions.mark_reachable)
        self.zone_button.clicked.connect(self.lead_actions.set_timezone)
        self.delete_button.clicked.connect(self.lead_actions.delete_selected)
        header.sortIndicatorChanged.connect(self.model.sort)
        self.table.doubleClicked.connect(self._open_history_at)
        EnterOpensRow(self.table, self._open_history_at)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(self.update_actions)
        self.model.totalChanged.connect(lambda _: self._update_footer())
        self.model.rowsInserted.connect(lambda *_: self._update_footer())
        self.model.modelReset.connect(self._update_footer)
        self.model.loadFailed.connect(self.show_error)
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self.lead_actions.delete_selected)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.search_edit.setFocus)

        self.update_actions()
        services.bridge.leadsChanged.connect(self._on_leads_changed)
        self.refresh()

    def _action_buttons(self) -> tuple[QPushButton, ...]:
        return (
            self.edit_button,
            self.add_tag_button,
            self.remove_tag_button,
            self.opt_out_button,
            self.reachable_button,
            self.zone_button,
            self.delete_button,
        )

    # -- loading -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the tags and the first page (after an import or a change elsewhere)."""
        self.load_tags()
        self.model.reload()

    def _on_leads_changed(self, ids: frozenset[int] | None) -> None:
        """Leads changed in another process (a STOP reply opted one out, `textdesk leads
        import`): the rows on screen are read again and updated in place, so the owner
        keeps their place; a different count (leads added or gone) reloads."""
        model = self.model
        if model.total is None:
            return  # loading: the page being read is new anyway
        if ids is None:
            self.refresh()
            return
        shown = [model.lead_at(row).id for row in model.rows_of(ids)]
        # The page's own filters: with another (the flag filter), the count would differ
        # and reload the page on every change. Only the rows shown are read again (a STOP
        # reply while sending: one row, not the 200 loaded).
        ctx, filters = self.services.ctx, model.filters()

        def read() -> tuple[int, dict[int, leads.LeadRow]]:
            count = leads.count_leads(ctx, **filters)
            if not shown:
                return count, {}
            rows = leads.list_leads(ctx, **filters, ids=shown)
            return count, {lead.id: lead for lead in rows}

        def apply(result: tuple[int, dict[int, leads.LeadRow]]) -> None:
            count, fresh = result
            if count != model.total:
                self.refresh()
                return
            for row in model.rows_of(shown):
                lead = fresh.get(model.lead_at(row).id)
                if lead is not None:
                    model.replace_row(row, lead)
            self._update_actions()

        run_for(self, self.services.tasks, read, apply, self._show_error)

    def stop(self) -> None:
        """Start no new query (the window is closing): a search waiting for the pause in
        typing is dropped."""
        self._search_timer.stop()

    def load_tags(self) -> None:
        """The tag filter's tags, the flag filter's counts and the custom field names."""
        ctx = self.services.ctx

        def work() -> Lists:
            return leads.all_tags(ctx), leads.flag_counts(ctx), leads.custom_field_names(ctx)

        run_for(self, self.services.tasks, work, self._lists_loaded, self.show_error)

    def _lists_loaded(self, lists: Lists) -> None:
        tags, counts, fields = lists
        current = self.tag_filter.currentData()
        self.tag_filter.blockSignals(True)  # refilling is not a new filter
        self.tag_filter.clear()
        self.tag_filter.addItem("All tags", None)
        for tag, count in tags:
            self.tag_filter.addItem(f"{tag} ({group_digits(count)})", tag)
        self.tag_filter.setCurrentIndex(max(0, self.tag_filter.findData(current)))
        self.tag_filter.blockSignals(False)
        for index, (show, text) in enumerate(SHOW_CHOICES):
            flagged = counts.get(show)
            label = text if flagged is None else f"{text} ({group_digits(flagged)})"
            self.show_filter.setItemText(index, label)
            self.show_filter.setItemData(index, SHOW_TIPS.get(show), Qt.ItemDataRole.ToolTipRole)
        self.known_tags = [tag for tag, _ in tags]
        self.known_fields = fields
        if current is not None and self.tag_filter.currentData() is None:
            self._apply_filter()  # the filtered tag is gone

    def _apply_filter(self) -> None:
        self._search_timer.stop()
        # Qt hands the item's data back as plain text: make it the filter it names again.
        show = LeadShow(self.show_filter.currentData() or LeadShow.ALL)
        self.model.set_filter(self.search_edit.text(), self.tag_filter.currentData(), show)

    def _update_footer(self) -> None:
        total = self.model.total
        loaded = self.model.rowCount()
        filtered = bool(self.model.search or self.model.tag or self.model.show != LeadShow.ALL)
        if total is None:
            self.footer.setText("Loading leads…")
        elif total == 0:
            self.footer.setText("")
        elif loaded < total:
            self.footer.setText(
                f"Showing {group_digits(loaded)} of {_plural(total)}; scroll down to see more."
            )
        else:
            self.footer.setText(f"{_plural(total)}{' match' if filtered else ''}.")
        empty = total == 0
        if empty and filtered:
            self.empty.setText(
                "No lead matches this search or filter. Clear the search and choose "
                "“All tags” and “All leads” to see every lead."
            )
        elif empty:
            self.empty.setText(
                "No leads yet.\nImport a CSV file with a phone column (Import CSV…) or add "
                "one (New lead…) to begin."
            )
        self.stack.setCurrentWidget(self.empty if empty else self.table)
        self.update_actions()

    # -- selection -------------------------------------------------------------------------

    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.table.selectionModel().selectedRows()})

    def selected_ids(self) -> list[int]:
        return [lead.id for lead in self.selected_leads()]

    def selected_leads(self) -> list[leads.LeadRow]:
        return [self.model.lead_at(row) for row in self.selected_rows()]

    def update_actions(self) -> None:
        chosen = self.selected_leads()
        idle = self.busy == 0
        for button in (self.add_tag_button, self.opt_out_button, self.delete_button):
            button.setEnabled(bool(chosen) and idle)
        self.edit_button.setEnabled(len(chosen) == 1 and idle)
        self.remove_tag_button.setEnabled(idle and any(lead.tags for lead in chosen))
        all_out = bool(chosen) and all(lead.opted_out for lead in chosen)
        self.opt_out_button.setText("Allow te&xts again" if all_out else "Mark opted &out")
        self.delete_button.setText(f"&Delete {_plural(len(chosen))}…" if chosen else "&Delete…")
        # Shown only where they apply: most leads never need them.
        self.reachable_button.setVisible(any(lead.dead_number for lead in chosen))
        self.zone_button.setVisible(any(lead.timezone_needed for lead in chosen))
        self.reachable_button.setEnabled(idle)
        self.zone_button.setEnabled(idle)

    _update_actions = update_actions  # the name the live-change hook calls

    def _open_history_at(self, index: QModelIndex) -> None:
        if index.isValid():
            self.lead_actions.open_history(index.row())

    def _context_menu(self, position: QPoint) -> None:
        chosen = self.selected_leads()
        if not chosen:
            return
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one menu per right-click
        history = menu.addAction("Open &history")
        history.setEnabled(len(chosen) == 1)
        history.triggered.connect(lambda: self.lead_actions.open_history())
        for button in self._action_buttons():
            if button is self.zone_button or button.isVisible():
                action = menu.addAction(button.text().replace("&", ""))
                action.setEnabled(button.isEnabled() and self.busy == 0)
                action.triggered.connect(button.click)
        menu.popup(self.table.viewport().mapToGlobal(position))

    def open_import(self) -> None:
        from desktop.ui.importer.wizard import ImportWizard  # loaded when first used

        wizard = ImportWizard(self.services, self)
        wizard.imported.connect(lambda _report: self.refresh())
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()
        self.import_wizard = wizard

    # -- messages --------------------------------------------------------------------------

    def say(self, text: str) -> None:
        restyle(self.message, "hint")
        self.message.setText(text)

    def show_error(self, message: str) -> None:
        restyle(self.message, "fieldError")
        self.message.setText(sentence(message))

    _show_error = show_error  # the name the live-change hook calls

    def _confirm_dialog(self, title: str, question: str, action: str) -> bool:
        # The app's shared confirmation: "Keep as it is" is the default button.
        return Prompts().confirm(self, title, question, action)

    def _ask_tag_dialog(self, title: str, label: str, choices: list[str]) -> str | None:
        tag, ok = QInputDialog.getItem(self, title, label, choices, 0, True)
        return tag if ok else None
