"""The Leads page: every lead in a lazily loaded table, with search, a tag filter, tags,
opt-out, delete (after a confirmation) and the CSV import wizard.

Changes go through the services on the task pool; the table is then updated in place so the
owner keeps their place in a long list.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
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

from desktop.services.core.errors import UserError
from desktop.services.core.wording import sentence
from desktop.services.leads import store as leads
from desktop.services.sequences.forecast import group_digits
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.form_style import FORM_STYLE, restyle
from desktop.ui.kit.lifetime import run_for
from desktop.ui.kit.prompts import Prompts
from desktop.ui.leads.model import COLUMNS, LeadsTableModel

SEARCH_DELAY_MS = 300

Confirm = Callable[[str, str, str], bool]  # (title, question, action button) -> go ahead?
AskTag = Callable[[str, str, list[str]], "str | None"]  # (title, label, choices) -> tag


def _plural(count: int, noun: str = "lead") -> str:
    return f"{group_digits(count)} {noun}{'' if count == 1 else 's'}"


class LeadsPage(QWidget):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("leadsPage")
        self.setStyleSheet(FORM_STYLE)
        self.services = services
        # Hooks: the real dialogs by default; tests answer them without a modal loop.
        self.confirm: Confirm = self._confirm_dialog
        self.ask_tag: AskTag = self._ask_tag_dialog
        self.busy = 0
        self.known_tags: list[str] = []
        self.import_wizard: QWidget | None = None

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("leadsSearch")
        self.search_edit.setPlaceholderText("Search by name, phone or email  (Ctrl+F)")
        self.search_edit.setClearButtonEnabled(True)
        self.tag_filter = QComboBox()
        self.tag_filter.setObjectName("leadsTagFilter")
        self.tag_filter.addItem("All tags", None)
        self.tag_filter.setMinimumContentsLength(16)
        tag_label = QLabel("Ta&g")
        tag_label.setBuddy(self.tag_filter)
        self.import_button = QPushButton("&Import CSV…")
        self.add_tag_button = QPushButton("&Add tag…")
        self.remove_tag_button = QPushButton("&Remove tag…")
        self.opt_out_button = QPushButton("Mark opted &out")
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
        for column, width in enumerate((190, 140, 220, 180, 150)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
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
        top.addWidget(self.search_edit, 2)
        top.addWidget(tag_label)
        top.addWidget(self.tag_filter, 1)
        top.addStretch(1)
        top.addWidget(self.import_button)
        actions = QHBoxLayout()
        for button in (
            self.add_tag_button,
            self.remove_tag_button,
            self.opt_out_button,
            self.delete_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.message, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.footer)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_filter)
        self.search_edit.textChanged.connect(lambda _: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._apply_filter)
        self.tag_filter.currentIndexChanged.connect(self._apply_filter)
        self.import_button.clicked.connect(self.open_import)
        self.add_tag_button.clicked.connect(self.add_tag)
        self.remove_tag_button.clicked.connect(self.remove_tag)
        self.opt_out_button.clicked.connect(self.toggle_opt_out)
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.totalChanged.connect(lambda _: self._update_footer())
        self.model.rowsInserted.connect(lambda *_: self._update_footer())
        self.model.modelReset.connect(self._update_footer)
        self.model.loadFailed.connect(self._show_error)
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self.delete_selected)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.search_edit.setFocus)

        self._update_actions()
        services.bridge.leadsChanged.connect(self._on_leads_changed)
        self.refresh()

    # -- loading -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the tags and the first page (after an import or a change elsewhere)."""
        self._load_tags()
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
        ctx, search, tag, loaded = self.services.ctx, model.search, model.tag, model.rowCount()

        def read() -> tuple[int, dict[int, leads.LeadRow]]:
            count = leads.count_leads(ctx, search=search, tag=tag)
            if not shown:
                return count, {}
            rows = leads.list_leads(ctx, search=search, tag=tag, offset=0, limit=loaded)
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

    def _load_tags(self) -> None:
        ctx = self.services.ctx
        run_for(
            self,
            self.services.tasks,
            lambda: leads.all_tags(ctx),
            self._tags_loaded,
            self._show_error,
        )

    def _tags_loaded(self, tags: list[tuple[str, int]]) -> None:
        current = self.tag_filter.currentData()
        self.tag_filter.blockSignals(True)  # refilling is not a new filter
        self.tag_filter.clear()
        self.tag_filter.addItem("All tags", None)
        for tag, count in tags:
            self.tag_filter.addItem(f"{tag} ({group_digits(count)})", tag)
        self.tag_filter.setCurrentIndex(max(0, self.tag_filter.findData(current)))
        self.tag_filter.blockSignals(False)
        self.known_tags = [tag for tag, _ in tags]
        if current is not None and self.tag_filter.currentData() is None:
            self._apply_filter()  # the filtered tag is gone

    def _apply_filter(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.search_edit.text(), self.tag_filter.currentData())

    def _update_footer(self) -> None:
        total = self.model.total
        loaded = self.model.rowCount()
        filtered = bool(self.model.search or self.model.tag)
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
            self.empty.setText("No lead matches this search or tag. Clear the search to see all.")
        elif empty:
            self.empty.setText(
                "No leads yet.\nImport a CSV file with a phone column (Import CSV…) to begin."
            )
        self.stack.setCurrentWidget(self.empty if empty else self.table)
        self._update_actions()

    # -- selection and actions -------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.lead_at(row).id for row in rows]

    def _selected_leads(self) -> list[leads.LeadRow]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.lead_at(row) for row in rows]

    def _update_actions(self) -> None:
        chosen = self._selected_leads()
        idle = self.busy == 0
        for button in (self.add_tag_button, self.opt_out_button, self.delete_button):
            button.setEnabled(bool(chosen) and idle)
        self.remove_tag_button.setEnabled(idle and any(lead.tags for lead in chosen))
        all_out = bool(chosen) and all(lead.opted_out for lead in chosen)
        self.opt_out_button.setText("Allow te&xts again" if all_out else "Mark opted &out")
        self.delete_button.setText(f"&Delete {_plural(len(chosen))}…" if chosen else "&Delete…")

    def _context_menu(self, position) -> None:  # type: ignore[no-untyped-def]
        if not self.selected_ids():
            return
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one menu per right-click
        for button in (
            self.add_tag_button,
            self.remove_tag_button,
            self.opt_out_button,
            self.delete_button,
        ):
            action = menu.addAction(button.text().replace("&", ""))
            action.setEnabled(button.isEnabled())
            action.triggered.connect(button.click)
        menu.popup(self.table.viewport().mapToGlobal(position))

    def _run(self, work: Callable[[], object], done: Callable[[object], None], busy: str) -> None:
        self.busy += 1
        self._say(busy)
        self._update_actions()

        def finished(result: object) -> None:
            self.busy -= 1
            done(result)
            self._update_actions()

        def failed(message: str) -> None:
            self.busy -= 1
            self._show_error(message)
            self._update_actions()

        run_for(self, self.services.tasks, work, finished, failed)

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or self.busy:
            return
        count = _plural(len(ids))
        question = (
            f"Delete {count}?\n\nTheir messages that are still waiting will be canceled. "
            "Sequences keep the history of what was already sent. Importing the same "
            "number again brings a lead back."
        )
        if not self.confirm(f"Delete {count}", question, "&Delete"):
            return
        ctx = self.services.ctx

        def deleted(result: object) -> None:
            self.model.remove_ids(ids)
            self._say(f"Deleted {_plural(int(result))}.")  # type: ignore[call-overload]
            self._load_tags()

        self._run(lambda: leads.delete_leads(ctx, ids), deleted, f"Deleting {count}…")

    def toggle_opt_out(self) -> None:
        chosen = self._selected_leads()
        if not chosen or self.busy:
            return
        ids = [lead.id for lead in chosen]
        opt_in = all(lead.opted_out for lead in chosen)
        count = _plural(len(ids))
        if opt_in:
            question = (
                f"Allow texts to {count} again?\n\nOnly do this when these people asked to "
                "receive your texts again (for example by replying START)."
            )
        else:
            question = (
                f"Mark {count} as opted out?\n\nThey will get no more texts from TextDesk, and "
                "their messages still waiting are canceled."
            )
        title = "Allow texts again" if opt_in else "Mark opted out"
        if not self.confirm(title, question, "&Allow texts" if opt_in else "&Opt out"):
            return
        ctx = self.services.ctx

        def changed(_: object) -> None:
            self.model.update_ids(ids, opted_out=not opt_in)
            self._say(f"{count} can receive texts again." if opt_in else f"{count} opted out.")

        self._run(lambda: leads.set_opted_out(ctx, ids, not opt_in), changed, "Saving…")

    def add_tag(self) -> None:
        ids = self.selected_ids()
        if not ids or self.busy:
            return
        tag = self.ask_tag("Add a tag", f"Tag to add to {_plural(len(ids))}:", self.known_tags)
        if tag and tag.strip():
            self._change_tags(ids, add=tag)

    def remove_tag(self) -> None:
        chosen = self._selected_leads()
        present = sorted({tag for lead in chosen for tag in lead.tags})
        if not present or self.busy:
            return
        tag = self.ask_tag("Remove a tag", f"Tag to remove from {_plural(len(chosen))}:", present)
        if tag and tag.strip():
            self._change_tags([lead.id for lead in chosen], remove=tag)

    def _change_tags(self, ids: list[int], *, add: str = "", remove: str = "") -> None:
        try:
            tag = leads.normalize_tag(add or remove)
        except UserError as exc:
            self._show_error(str(exc))
            return
        ctx = self.services.ctx
        adding = bool(add)

        def work() -> None:
            leads.set_tags(ctx, ids, add=[tag] if adding else [], remove=[] if adding else [tag])

        def changed(_: object) -> None:
            if self.model.tag == tag and not adding:
                self.model.reload()  # these leads no longer match the tag filter
            elif adding:
                self.model.update_ids(ids, add_tags=[tag])
            else:
                self.model.update_ids(ids, remove_tags=[tag])
            who = _plural(len(ids))
            self._say(f"Tagged {who} “{tag}”." if adding else f"Removed “{tag}” from {who}.")
            self._load_tags()

        self._run(work, changed, "Saving tags…")

    def open_import(self) -> None:
        from desktop.ui.importer.wizard import ImportWizard  # loaded when first used

        wizard = ImportWizard(self.services, self)
        wizard.imported.connect(lambda _report: self.refresh())
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()
        self.import_wizard = wizard

    # -- messages --------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        restyle(self.message, "hint")
        self.message.setText(text)

    def _show_error(self, message: str) -> None:
        restyle(self.message, "fieldError")
        self.message.setText(sentence(message))

    def _confirm_dialog(self, title: str, question: str, action: str) -> bool:
        # The app's shared confirmation: "Keep as it is" is the default button.
        return Prompts().confirm(self, title, question, action)

    def _ask_tag_dialog(self, title: str, label: str, choices: list[str]) -> str | None:
        tag, ok = QInputDialog.getItem(self, title, label, choices, 0, True)
        return tag if ok else None
