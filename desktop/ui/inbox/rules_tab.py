"""Settings -> Auto-replies (`autoRepliesTable`): keyword -> answer. A reply that is exactly
a keyword (any case, spaces around it) gets its answer once. HELP and INFO answer by default
with the business name; deleting them switches them off. An opt-out word is refused with the
service's sentence (STOP and START keep their meaning: Twilio answers them)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.services.inbox import auto_replies
from desktop.services.inbox.auto_replies import Rule
from desktop.ui.inbox.editable_list import EditableList
from desktop.ui.inbox.entry_dialog import EntryDialog
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.prompts import Prompts
from desktop.ui.kit.table_model import Column
from desktop.ui.kit.tooltips import wrapped_tooltip

INTRO = (
    "When a reply is exactly one of these keywords (in any case), TextDesk answers it once, "
    "shown in the conversation as “Auto-reply”. STOP, START and the other opt-out words keep "
    "their meaning: Twilio answers those itself."
)
DEFAULT_TIP = "Answered by TextDesk unless you change it; it uses your business name (Settings)."
FORM_HINT = (
    "The whole reply must be the keyword: “hours” and “ HOURS ” match, “what are your hours” "
    "does not. Merge fields such as {first_name} work in the answer."
)


def state(rule: Rule) -> str:
    if not rule.enabled:
        return "Off"
    return "On (default)" if rule.default else "On"


STATE_HEADER_TIP = "Off: the keyword gets no answer (HELP and INFO stay listed, off)"


def columns() -> tuple[Column[Rule], ...]:
    """The table's columns, made with the tab: the State header's wrapped tooltip is measured
    in the tooltip font, which only a running application has."""
    return (
        Column("Keyword", lambda r: r.keyword),
        Column(
            "Answer", lambda r: r.answer or "(none)", tooltip=lambda r: wrapped_tooltip(r.answer)
        ),
        Column(
            "State",
            state,
            tooltip=lambda r: wrapped_tooltip(DEFAULT_TIP) if r.default else None,
            header_tooltip=wrapped_tooltip(STATE_HEADER_TIP),
        ),
    )


class AutoRepliesTab(EditableList[Rule]):
    def __init__(
        self,
        services: AppServices,
        parent: QWidget | None = None,
        *,
        prompts: Prompts | None = None,
    ) -> None:
        ctx = services.ctx
        super().__init__(
            services,
            "autoRepliesTable",
            columns(),
            lambda: auto_replies.list_rules(ctx),
            INTRO,
            parent,
            prompts=prompts,
        )
        self.form: EntryDialog | None = None

    def can_delete(self, row: Rule | None) -> bool:
        return row is not None and row.enabled  # an Off default has nothing left to delete

    def add(self) -> None:
        self._open_form("New auto-reply", "", "")

    def edit_row(self, row: int) -> None:
        rule = self.model.row_at(row)
        self._open_form(f"Auto-reply to {rule.keyword}", rule.keyword, rule.answer)

    def _open_form(self, title: str, keyword: str, answer: str) -> EntryDialog:
        ctx = self.services.ctx
        form = EntryDialog(
            self.services,
            title,
            ("&Keyword", "A&nswer"),
            lambda key, text: auto_replies.set_rule(ctx, key, text),
            self,
            key=keyword,
            text=answer,
            hint=FORM_HINT,
        )
        form.saved.connect(self._saved)
        form.open()
        self.form = form
        return form

    def _saved(self, rule: Rule) -> None:
        self.say(f"Saved the auto-reply to {rule.keyword}.")
        self.reload(select=lambda row: row.keyword == rule.keyword)

    def delete_current(self) -> None:
        rule = self.current()
        if rule is None or not self.can_delete(rule):
            return
        if rule.keyword in auto_replies.DEFAULT_KEYWORDS:
            question = (
                f"Switch off the answer to {rule.keyword}?\n\nA reply of {rule.keyword} then "
                "gets no answer from TextDesk. Edit it later to switch it on again."
            )
            action, done = "&Switch off", f"{rule.keyword} is no longer answered."
        else:
            question = f"Delete the auto-reply to {rule.keyword}?\n\nThis cannot be undone."
            action, done = "&Delete", f"Deleted the auto-reply to {rule.keyword}."
        if not self.prompts.confirm(self, "Delete auto-reply", question, action):
            return
        ctx, keyword = self.services.ctx, rule.keyword
        self.run_change(lambda: auto_replies.delete_rule(ctx, keyword), done)
