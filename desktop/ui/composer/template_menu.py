"""Saved messages (templates) as a menu beside a text box: insert one at the cursor, or save
the box's text under a name. Used by each composer step and by the conversations' reply box.

The list is read on the task pool when the menu is built and again each time it opens, so
the GUI thread never waits on a query: an opening menu shows what it knew, and updates
itself when the fresh list arrives (a template saved elsewhere appears a moment later).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QInputDialog, QMenu, QToolButton, QWidget

from desktop.services.core.errors import UserError
from desktop.services.core.wording import sentence
from desktop.services.inbox import templates
from desktop.services.inbox.templates import SavedMessage
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.lifetime import run_for
from desktop.ui.kit.prompts import Prompts
from desktop.ui.kit.tooltips import wrapped_tooltip

# (title, label, suggested) -> the name typed, None when the owner canceled.
AskName = Callable[[str, str, str], "str | None"]
Report = Callable[[str, bool], None]  # (sentence, is an error?)
SAVE_TEXT = "&Save as template…"
NONE_YET = "No saved templates yet"
MENU_WIDTH_CHARS = 60  # a long template shows its start, not a menu as wide as the screen


def menu_label(saved: SavedMessage) -> str:
    """'Opening hours — We are open 8-6…': the name, and the text's start to recognise it."""
    text = " ".join(saved.body.split())
    room = max(MENU_WIDTH_CHARS - len(saved.name), 12)
    start = text if len(text) <= room else text[: room - 1] + "…"
    return f"{saved.name} — {start}".replace("&", "&&")


class TemplateMenu(QMenu):
    """The templates' menu for one text box: `text()` reads the box, `insert(body)` puts a
    template's text at its cursor, `report(sentence, error)` shows what happened."""

    def __init__(
        self,
        services: AppServices,
        text: Callable[[], str],
        insert: Callable[[str], None],
        report: Report,
        parent: QWidget | None = None,
        *,
        prompts: Prompts | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("templateMenu")
        self.services = services
        self.text = text
        self.insert = insert
        self.report = report
        self.prompts = prompts or Prompts()
        # Hook: the real question by default; tests answer it without a modal loop.
        self.ask_name: AskName = self._ask_name_dialog
        self.saved: list[SavedMessage] = []
        self.loads = 0  # lists received (tests wait on it)
        self.save_action = self.addAction(SAVE_TEXT)
        self.save_action.setToolTip("Keep this text under a name, to use it again later")
        self.save_action.triggered.connect(lambda _checked=False: self.save_current())
        self.aboutToShow.connect(self.load)
        self._show_list()
        self.load()

    # -- the list ------------------------------------------------------------------------

    def load(self) -> None:
        ctx = self.services.ctx
        run_for(
            self,
            self.services.tasks,
            lambda: templates.list_templates(ctx),
            self._loaded,
            lambda message: self.report(sentence(message), True),
        )

    def _loaded(self, saved: list[SavedMessage]) -> None:
        self.loads += 1
        if saved != self.saved:
            self.saved = saved
            self._show_list()

    def _show_list(self) -> None:
        for action in self.actions():
            if action is not self.save_action:
                self.removeAction(action)
                action.deleteLater()
        first = self.save_action
        if not self.saved:
            empty = self.addAction(NONE_YET)
            empty.setEnabled(False)
            self.insertAction(first, empty)
        for saved in self.saved:
            action = self.addAction(menu_label(saved))
            action.setToolTip(wrapped_tooltip(saved.body) or "")
            action.triggered.connect(lambda _checked=False, body=saved.body: self.insert(body))
            self.insertAction(first, action)
        self.insertSeparator(first)

    def names(self) -> list[str]:
        return [saved.name for saved in self.saved]

    def use(self, name: str) -> None:
        """Insert the template called `name` (what choosing it in the menu does)."""
        for saved in self.saved:
            if saved.name == name:
                self.insert(saved.body)
                return

    # -- saving --------------------------------------------------------------------------

    def save_current(self) -> None:
        body = self.text()
        if not body.strip():
            self.report("Write the text first, then save it as a template.", True)
            return
        first_line = " ".join(body.split())[:40]
        name = self.ask_name("Save as template", "Name of this template:", first_line)
        if name is None or not name.strip():
            return
        self._save(name, body, replace=False)

    def _save(self, name: str, body: str, *, replace: bool) -> None:
        ctx = self.services.ctx

        def work() -> SavedMessage | str:
            try:
                return templates.add_template(ctx, name, body, replace=replace)
            except UserError as exc:
                return str(exc)  # a refusal is an answer here: "exists already" asks next

        run_for(
            self,
            self.services.tasks,
            work,
            lambda outcome: self._saved(name, body, outcome),
            lambda message: self.report(sentence(message), True),
        )

    def _saved(self, name: str, body: str, outcome: SavedMessage | str) -> None:
        if isinstance(outcome, SavedMessage):
            self.report(f"Saved as the template “{outcome.name}”.", False)
            self.load()
            return
        if "exists already" in outcome and self.prompts.confirm(
            self.parentWidget(),
            "Replace template",
            f"A template named “{' '.join(name.split())}” exists already. Replace its text "
            "with this one?",
            "&Replace",
        ):
            self._save(name, body, replace=True)
            return
        self.report(sentence(outcome), True)

    def _ask_name_dialog(self, title: str, label: str, suggested: str) -> str | None:
        name, ok = QInputDialog.getText(self.parentWidget(), title, label, text=suggested)
        return name if ok else None


def template_button(menu: TemplateMenu, text: str = "&Templates") -> QToolButton:
    """A tool button that opens `menu` (insert a template, or save the text as one)."""
    button = QToolButton()
    button.setObjectName("templatesButton")
    button.setText(text)
    button.setToolTip("Insert a saved message, or save this text as one")
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.setMenu(menu)
    return button
