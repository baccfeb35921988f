""" "Send a test to my phone": the composer's steps, rendered for the lead being previewed, to
the owner's own mobile (setting owner_phone), through the sending service like any text but
counted in no sequence."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QPushButton

from desktop.services.core.wording import sentence
from desktop.services.inbox import trial_send
from desktop.services.inbox.answers import Answer
from desktop.ui.kit.appstate import AppServices
from desktop.ui.kit.formatting import plural
from desktop.ui.kit.lifetime import run_for
from desktop.ui.kit.tooltips import wrapped_tooltip

NO_OWNER_PHONE = (
    "Set your own mobile number first: Settings (Ctrl+,), “Your mobile”, under “You and "
    "this computer”. The test goes to that number."
)
BUTTON_TEXT = "Send a test to my p&hone"
BUTTON_TIP = (
    "Send the steps, as the lead in the preview would get them, to your own mobile (Settings, "
    "“Your mobile”). Not counted in any sequence."
)


class SendToMe(QObject):
    """The button and what it does; `bodies()` are the steps' texts, `preview_lead()` the id
    of the lead whose merge fields fill them (None: the fallbacks)."""

    reported = Signal(str, bool)  # (sentence, is an error?)

    def __init__(
        self,
        services: AppServices,
        bodies: Callable[[], list[str]],
        preview_lead: Callable[[], int | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.bodies = bodies
        self.preview_lead = preview_lead
        self.button = QPushButton(BUTTON_TEXT)
        self.button.setObjectName("sendTestButton")
        self.button.setToolTip(wrapped_tooltip(BUTTON_TIP) or "")
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.send)
        self.sending = False

    def send(self) -> None:
        if self.sending:
            return
        bodies = [body for body in self.bodies() if body.strip()]
        if not bodies:
            self.reported.emit("Write a message first: the test sends the steps as written.", True)
            return
        ctx, lead_id = self.services.ctx, self.preview_lead()

        def work() -> list[Answer] | None:
            if not str(ctx.settings.get("owner_phone")).strip():
                return None  # said in the window's words, with where to set it
            return trial_send.send_test(ctx, bodies, lead_id)

        self.sending = True
        self.button.setEnabled(False)
        run_for(self.button, self.services.tasks, work, self._sent, self._failed)

    def _sent(self, queued: list[Answer] | None) -> None:
        self.sending = False
        self.button.setEnabled(True)
        if queued is None:
            self.reported.emit(NO_OWNER_PHONE, True)
            return
        self.services.poke_engine()
        texts = plural(len(queued), "test text")
        self.reported.emit(f"Sending {texts} to your phone: it arrives in a few seconds.", False)

    def _failed(self, message: str) -> None:
        self.sending = False
        self.button.setEnabled(True)
        self.reported.emit(sentence(message), True)
