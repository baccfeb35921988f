"""Windows with a real sending service: the database, its carrier sandbox and the helpers the
tests use (the fixtures are in service_fixtures.py)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from desktop.app import TextDeskApp, build_app
from desktop.sandbox import CarrierSandbox
from desktop.services.core.context import Context
from desktop.services.engine.service_control import service_state
from desktop.services.sequences import builder
from tests.helpers import add_leads

STEP = builder.StepSpec("Hello {first_name}. Reply STOP to opt out")


@dataclass
class Sending:
    url: str
    ctx: Context
    sandbox: CarrierSandbox
    folder: Path
    env: dict[str, str]  # for `textdesk` subprocesses
    added: int = 0  # leads added so far (their phone numbers follow on)

    def create(self, leads: int, *, name: str = "Live", start_in_days: float = 0) -> int:
        add_leads(self.ctx, leads, start=self.added)
        self.added += leads
        start = self.ctx.now() + timedelta(days=start_in_days) if start_in_days else None
        return builder.create_sequence(
            self.ctx, name, [STEP], builder.LeadSelection(all=True), start_at=start
        ).sequence_id

    def sent_to(self) -> Counter[str]:
        return Counter(entry.to for entry in self.sandbox.ledger_snapshot())

    def service_pid(self) -> int | None:
        state = service_state(self.ctx)
        return state.holder.pid if state.running and state.holder is not None else None


def open_window(windows: list[TextDeskApp], url: str, **kwargs: object) -> TextDeskApp:
    app = build_app(url, **kwargs)  # type: ignore[arg-type]
    windows.append(app)
    app.window.show()
    return app
