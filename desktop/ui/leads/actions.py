"""What the owner does to the selected leads on the Leads page: delete, opt out, tags, undo a
dead-number mark, give a time zone, add or edit one lead, open a lead's history.

Each change asks first when it cannot be undone, runs through the services on the task pool,
then updates the rows in place so the owner keeps their place in a long list. The page draws;
this decides (and reads the page's hooks, so tests answer the questions).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from desktop.services.core.errors import UserError
from desktop.services.leads import store as leads
from desktop.services.leads.lead_form import Saved
from desktop.services.leads.time_zones import canonical_zone, zone_choices
from desktop.services.sequences.forecast import group_digits
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.lifetime import run_for
from desktop.ui.leads.history_dialog import LeadHistoryDialog, show_lead_history
from desktop.ui.leads.lead_dialog import LeadDialog
from desktop.ui.leads.model import LeadsTableModel

Ask = Callable[[str, str, list[str]], "str | None"]  # (title, label, choices) -> answer


def plural(count: int, noun: str = "lead") -> str:
    return f"{group_digits(count)} {noun}{'' if count == 1 else 's'}"


class LeadsView(Protocol):
    """What the actions need of the page (the page itself: a Protocol keeps the two modules
    from importing each other)."""

    services: AppServices
    model: LeadsTableModel
    busy: int
    known_tags: list[str]
    known_fields: list[str]
    confirm: Callable[[str, str, str], bool]
    ask_tag: Ask
    ask_zone: Ask

    def selected_rows(self) -> list[int]: ...
    def selected_ids(self) -> list[int]: ...
    def selected_leads(self) -> list[leads.LeadRow]: ...
    def say(self, text: str) -> None: ...
    def show_error(self, message: str) -> None: ...
    def update_actions(self) -> None: ...
    def load_tags(self) -> None: ...
    def refresh(self) -> None: ...


class LeadActions(QObject):
    def __init__(self, page: LeadsView, widget: QWidget) -> None:
        super().__init__(widget)
        self.page = page
        self.widget = widget  # the page as a widget: the parent of the dialogs it opens
        self.lead_dialog: LeadDialog | None = None

    def run(self, work: Callable[[], object], done: Callable[[object], None], busy: str) -> None:
        page = self.page
        page.busy += 1
        page.say(busy)
        page.update_actions()

        def finished(result: object) -> None:
            page.busy -= 1
            done(result)
            page.update_actions()

        def failed(message: str) -> None:
            page.busy -= 1
            page.show_error(message)
            page.update_actions()

        run_for(self, page.services.tasks, work, finished, failed)

    # -- delete and opt-out ----------------------------------------------------------------

    def delete_selected(self) -> None:
        page = self.page
        ids = page.selected_ids()
        if not ids or page.busy:
            return
        count = plural(len(ids))
        question = (
            f"Delete {count}?\n\nTheir messages that are still waiting will be canceled. "
            "Sequences keep the history of what was already sent. Importing the same "
            "number again brings a lead back."
        )
        if not page.confirm(f"Delete {count}", question, "&Delete"):
            return
        ctx = page.services.ctx

        def deleted(result: object) -> None:
            page.model.remove_ids(ids)
            page.say(f"Deleted {plural(int(result))}.")  # type: ignore[call-overload]
            page.load_tags()

        self.run(lambda: leads.delete_leads(ctx, ids), deleted, f"Deleting {count}…")

    def toggle_opt_out(self) -> None:
        page = self.page
        chosen = page.selected_leads()
        if not chosen or page.busy:
            return
        ids = [lead.id for lead in chosen]
        opt_in = all(lead.opted_out for lead in chosen)
        count = plural(len(ids))
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
        if not page.confirm(title, question, "&Allow texts" if opt_in else "&Opt out"):
            return
        ctx = page.services.ctx

        def changed(_: object) -> None:
            page.model.update_ids(ids, opted_out=not opt_in)
            page.say(f"{count} can receive texts again." if opt_in else f"{count} opted out.")

        self.run(lambda: leads.set_opted_out(ctx, ids, not opt_in), changed, "Saving…")

    # -- what the engine marked ----------------------------------------------------------

    def mark_reachable(self) -> None:
        page = self.page
        ids = [lead.id for lead in page.selected_leads() if lead.dead_number]
        if not ids or page.busy:
            return
        ctx = page.services.ctx

        def cleared(result: object) -> None:
            page.model.update_ids(ids, reachable=True)
            page.say(f"{plural(len(ids))} will be in your next sequences again.")
            page.load_tags()  # the filter's counts

        self.run(lambda: leads.mark_reachable(ctx, ids), cleared, "Saving…")

    def set_timezone(self) -> None:
        page = self.page
        ids = page.selected_ids()
        if not ids or page.busy:
            return
        label = f"Time zone of {plural(len(ids))} (type a city to find it):"
        typed = page.ask_zone("Set time zone", label, list(zone_choices()))
        if typed is None or not typed.strip():
            return
        zone = canonical_zone(typed)
        if zone is None:
            page.show_error(f"“{typed.strip()}” is not a time zone; choose one from the list")
            return
        ctx = page.services.ctx

        def given(result: object) -> None:
            page.model.update_ids(ids, timezone=zone)
            released = int(result)  # type: ignore[call-overload]
            waiting = f"; {plural(released, 'waiting text')} can go out now" if released else ""
            page.say(f"{plural(len(ids))} now in {zone}{waiting}.")
            page.load_tags()

        self.run(lambda: leads.set_timezone(ctx, ids, zone), given, "Saving…")

    # -- tags ------------------------------------------------------------------------------

    def add_tag(self) -> None:
        page = self.page
        ids = page.selected_ids()
        if not ids or page.busy:
            return
        tag = page.ask_tag("Add a tag", f"Tag to add to {plural(len(ids))}:", page.known_tags)
        if tag and tag.strip():
            self._change_tags(ids, add=tag)

    def remove_tag(self) -> None:
        page = self.page
        chosen = page.selected_leads()
        present = sorted({tag for lead in chosen for tag in lead.tags})
        if not present or page.busy:
            return
        tag = page.ask_tag("Remove a tag", f"Tag to remove from {plural(len(chosen))}:", present)
        if tag and tag.strip():
            self._change_tags([lead.id for lead in chosen], remove=tag)

    def _change_tags(self, ids: list[int], *, add: str = "", remove: str = "") -> None:
        page = self.page
        try:
            tag = leads.normalize_tag(add or remove)
        except UserError as exc:
            page.show_error(str(exc))
            return
        ctx = page.services.ctx
        adding = bool(add)

        def work() -> None:
            leads.set_tags(ctx, ids, add=[tag] if adding else [], remove=[] if adding else [tag])

        def changed(_: object) -> None:
            if page.model.tag == tag and not adding:
                page.model.reload()  # these leads no longer match the tag filter
            elif adding:
                page.model.update_ids(ids, add_tags=[tag])
            else:
                page.model.update_ids(ids, remove_tags=[tag])
            who = plural(len(ids))
            page.say(f"Tagged {who} “{tag}”." if adding else f"Removed “{tag}” from {who}.")
            page.load_tags()

        self.run(work, changed, "Saving tags…")

    # -- one lead --------------------------------------------------------------------------

    def new_lead(self) -> LeadDialog:
        return self._open_dialog(None)

    def edit_lead(self) -> LeadDialog | None:
        chosen = self.page.selected_leads()
        return self._open_dialog(chosen[0]) if len(chosen) == 1 else None

    def _open_dialog(self, lead: leads.LeadRow | None) -> LeadDialog:
        page = self.page
        dialog = LeadDialog(page.services, lead, self.widget, field_names=page.known_fields)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        dialog.open()
        self.lead_dialog = dialog
        return dialog

    def _saved(self, saved: Saved) -> None:
        page = self.page
        name = saved.lead.full_name or saved.lead.phone
        if saved.created or saved.restored:
            page.refresh()  # where the new lead sorts is the query's business
            page.say(f"Added {name}." if saved.created else f"{name} was deleted; restored.")
            return
        page.model.replace_lead(saved.lead)
        waiting = (
            f" {plural(saved.released, 'waiting text')} can go out now." if saved.released else ""
        )
        page.say(f"Saved {name}.{waiting}")
        page.load_tags()

    def open_history(self, row: int | None = None) -> LeadHistoryDialog | None:
        page = self.page
        if row is None:
            rows = page.selected_rows()
            if not rows:
                return None
            row = rows[0]
        lead = page.model.lead_at(row)
        return show_lead_history(page.services, lead.id, self.widget)
