"""The dashboard's help: what each widget shows and every status and bucket in plain words.

Built from the meanings in desktop.services.status.vocabulary, so the help can never
disagree with the tooltips in the table.
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from desktop.services.status.vocabulary import BUCKET_ORDER, OUTBOX_INFO, Bucket, SequenceStatus
from desktop.ui.dashboard.registry import DashboardWidgetSpec
from desktop.ui.dashboard.sequence_actions import SHORTCUTS
from desktop.ui.dashboard.sequence_texts import ACTIVITY_MEANING, PROGRESS_MEANING
from desktop.ui.dashboard.sequences_model import DELETED_LEADS_LABEL, DELETED_LEADS_MEANING
from desktop.ui.kit.theme import BUCKET_SWATCHES, STATUS_SWATCHES, Swatch


def _pill(text: str, swatch: Swatch) -> str:
    return (
        f"<span style='color:{swatch.fg}; background:{swatch.bg}; font-weight:600'>"
        f"&nbsp;{escape(text)}&nbsp;</span>"
    )


def _rows(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><td style='padding:4px 14px 4px 0' valign='top' nowrap>{label}</td>"
        f"<td style='padding:4px 0'>{escape(meaning)}</td></tr>"
        for label, meaning in rows
    )
    return f"<table cellspacing='0'>{cells}</table>"


def help_html(registry: list[DashboardWidgetSpec]) -> str:
    widgets = "".join(
        f"<li><b>{escape(spec.title)}</b>: {escape(spec.description)}</li>" for spec in registry
    )
    statuses = _rows([(_pill(s.label, STATUS_SWATCHES[s]), s.meaning) for s in SequenceStatus])
    bucket_rows = []
    for bucket in BUCKET_ORDER:
        meaning = bucket.meaning
        if bucket == Bucket.OUTBOX:
            meaning += f" (The info bubble on the Outbox column says: “{OUTBOX_INFO}”.)"
        bucket_rows.append((_pill(bucket.label, BUCKET_SWATCHES[bucket]), meaning))
    bucket_rows.append((f"<b>{DELETED_LEADS_LABEL}</b>", DELETED_LEADS_MEANING))
    named = ("pause", "resume", "cancel", "export", "resend", "duplicate")
    keys = [(what, SHORTCUTS[what]) for what in named]
    keys.append(("delete or retry a failed preparation", f"Del / {SHORTCUTS['retry']}"))
    shortcuts = " · ".join(f"<b>{key}</b> {escape(what)}" for what, key in keys)
    meanings = _rows(
        [("<b>Progress</b>", PROGRESS_MEANING), ("<b>Starts / Last activity</b>", ACTIVITY_MEANING)]
    )
    return f"""
<h2>Your dashboard</h2>
<p>The dashboard shows how your sequences are doing, updated live while TextDesk sends.
Use the gear button to choose which widgets it shows and in what order.</p>
<ul>{widgets}</ul>
<h3>What a sequence's status means</h3>
{statuses}
<h3>Where each message stands</h3>
<p>Every message of a sequence is in exactly one of these buckets, so the numbers in a row
always add up to the sequence's total.</p>
{_rows(bucket_rows)}
{meanings}
<h3>Finding out why a message failed</h3>
<ol>
<li>Click the number in the <b>Error</b> column of the sequence.</li>
<li>Click a lead's name: their history opens with the error explained — what it means, the
likely causes and what to do. Hover any error to see the same explanation.</li>
</ol>
<h3>Keyboard</h3>
<p><b>Ctrl+N</b> new sequence · <b>F5</b> refresh · <b>Tab</b> into the sequences, then the
<b>arrows</b> move inside · <b>Enter</b> on a number opens its list · <b>F1</b> this help.</p>
<p>On the selected sequence (the buttons above the table, or right-click):
{shortcuts}.</p>
"""


class DashboardHelpDialog(QDialog):
    def __init__(self, registry: list[DashboardWidgetSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardHelpDialog")
        self.setWindowTitle("Dashboard help")
        self.resize(720, 640)
        self.browser = QTextBrowser()
        self.browser.setObjectName("dashboardHelpText")
        self.browser.setHtml(help_html(registry))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
