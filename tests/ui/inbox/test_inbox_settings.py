"""Auto-replies and templates (the inbox's settings): the tables `autoRepliesTable` and
`templatesTable`, adding, editing and deleting after a question, an opt-out word refused with
the service's sentence, and an Alt+letter for every field and button."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QAbstractButton, QLabel, QTableView, QWidget

from desktop.services.inbox import auto_replies, templates
from desktop.ui.inbox.settings_dialog import InboxSettingsDialog
from desktop.ui.kit.appstate import AppServices
from tests.ui.ui_helpers import FakePrompts


def open_dialog(qtbot, services: AppServices, prompts: FakePrompts) -> InboxSettingsDialog:
    dialog = InboxSettingsDialog(services, prompts=prompts)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.auto_replies.model.rowCount() > 0, timeout=10_000)
    return dialog


def shown(table: QTableView) -> list[list[str]]:
    model = table.model()
    return [
        [str(model.index(r, c).data()) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def select(table: QTableView, first_cell: str) -> None:
    model = table.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == first_cell)
    table.selectRow(row)


def mnemonics(widget: QWidget) -> list[str]:
    texts = [label.text() for label in widget.findChildren(QLabel) if label.buddy() is not None]
    texts += [b.text() for b in widget.findChildren(QAbstractButton) if b.isVisible()]
    return [m.group(1).lower() for t in texts if (m := re.search(r"&(\w)", t))]


def test_auto_replies_are_added_refused_edited_and_deleted(qtbot, services) -> None:
    prompts = FakePrompts()
    dialog = open_dialog(qtbot, services, prompts)
    tab = dialog.auto_replies
    assert tab.table.objectName() == "autoRepliesTable"
    assert [row[0] for row in shown(tab.table)] == ["HELP", "INFO"]
    assert [row[2] for row in shown(tab.table)] == ["On (default)", "On (default)"]

    tab.add_button.click()
    form = tab.form
    assert form is not None
    form.key_edit.setText("stop")
    form.text_edit.setPlainText("Bye!")
    form.save()
    qtbot.waitUntil(lambda: form.error.isVisible(), timeout=10_000)
    assert form.error.text() == (
        "STOP is an opt-out or opt-in keyword: Twilio answers it, and it keeps its meaning "
        "(it cannot have an auto-reply)."
    )
    assert form.isVisible() and form.text_edit.toPlainText() == "Bye!"
    form.key_edit.setText(" hours ")
    form.text_edit.setPlainText("We are open 8-6, Monday to Saturday.")
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        form.save()
    assert not form.isVisible()
    assert ["HOURS", "We are open 8-6, Monday to Saturday.", "On"] in shown(tab.table)
    assert tab.current() is not None and tab.current().keyword == "HOURS"

    tab.edit_button.click()
    assert tab.form is not None and tab.form.key_edit.text() == "HOURS"
    tab.form.text_edit.setPlainText("Open 9-5.")
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.form.save()
    assert {r.keyword: r.answer for r in auto_replies.list_rules(services.ctx)}["HOURS"] == (
        "Open 9-5."
    )

    prompts.answer = False
    select(tab.table, "HOURS")
    tab.delete_button.click()
    assert prompts.asked[-1][0] == "Delete auto-reply"
    assert "HOURS" in [r.keyword for r in auto_replies.list_rules(services.ctx)]
    prompts.answer = True
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.delete_button.click()
    assert [row[0] for row in shown(tab.table)] == ["HELP", "INFO"]

    select(tab.table, "HELP")  # a default is switched off, not forgotten
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.delete_button.click()
    assert "Switch off the answer to HELP" in prompts.asked[-1][1]
    assert shown(tab.table)[0][0::2] == ["HELP", "Off"]
    select(tab.table, "HELP")
    assert not tab.delete_button.isEnabled() and tab.edit_button.isEnabled()


def test_templates_are_added_renamed_and_deleted_after_a_question(qtbot, services) -> None:
    prompts = FakePrompts(confirm=False)
    dialog = open_dialog(qtbot, services, prompts)
    dialog.tabs.setCurrentWidget(dialog.templates)
    tab = dialog.templates
    assert tab.table.objectName() == "templatesTable"
    tab.add_button.click()
    form = tab.form
    assert form is not None
    form.key_edit.setText("Thanks")
    form.text_edit.setPlainText("Thanks {first_name}, see you soon!")
    assert form.counter.text() == "36/160 characters · 1 text part"  # { } count two
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        form.save()
    assert shown(tab.table) == [["Thanks", "Thanks {first_name}, see you soon!"]]

    tab.edit_current()
    assert tab.form is not None and tab.form is not form
    tab.form.key_edit.setText("Thank you")
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.form.save()
    assert [(t.name, t.body) for t in templates.list_templates(services.ctx)] == [
        ("Thank you", "Thanks {first_name}, see you soon!")
    ]

    tab.delete_button.click()  # answered "Keep as it is"
    assert prompts.asked[-1][0] == "Delete template"
    assert len(templates.list_templates(services.ctx)) == 1
    prompts.answer = True
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.delete_button.click()
    assert shown(tab.table) == [] and templates.list_templates(services.ctx) == []
    assert tab.message.text() == "Deleted the template “Thank you”."


def test_every_button_and_field_has_its_own_letter(qtbot, services) -> None:
    dialog = open_dialog(qtbot, services, FakePrompts())
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        letters = [*mnemonics(dialog), "r", "t"]  # the tabs' own: Auto-&replies, &Templates
        assert len(letters) == len(set(letters)), letters
    tab = dialog.auto_replies
    tab.add()
    assert tab.form is not None
    assert sorted(mnemonics(tab.form)) == ["k", "n", "s"]
