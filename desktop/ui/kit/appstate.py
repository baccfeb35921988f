"""What every screen of the window gets: the services context, the engine (None when it is
not started), the Qt bridge of its callbacks, and the background task runner."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.services.core.context import Context
from desktop.services.engine.engine import Engine
from desktop.services.twilio.connection import Connection
from desktop.ui.kit.bridge import EngineBridge
from desktop.ui.kit.tasks import TaskRunner


@dataclass
class AppServices:
    ctx: Context
    tasks: TaskRunner
    bridge: EngineBridge
    engine: Engine | None = None
    connection: Connection | None = None
    demo: bool = False

    def poke_engine(self) -> None:
        """After a user action (new sequence, resume...): let the engine act at once."""
        if self.engine is not None:
            self.engine.run_now()
