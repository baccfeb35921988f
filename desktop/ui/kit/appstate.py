"""What every screen of the window gets: the services context, the bridge to the sending
service (its change and status signals), and the background task runner.

The window sends nothing itself: the sending service, a process of its own, does.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.services.core.context import Context
from desktop.ui.kit.bridge import EngineBridge
from desktop.ui.kit.tasks import TaskRunner


@dataclass(frozen=True)
class ServiceConnection:
    """The window has no connection to Twilio: the service has. This is what the window
    knows of it: the sender used for a sequence that names none (in demo mode the
    sandbox's number; otherwise the `sender` setting, which screens read themselves)."""

    demo: bool = False

    @property
    def default_sender(self) -> str:
        if not self.demo:
            return ""
        # Asked when the composer opens: the sandbox's modules are not start-up's cost.
        from desktop.services.twilio.connection import demo_sandbox_config

        return demo_sandbox_config().phone_number


@dataclass
class AppServices:
    ctx: Context
    tasks: TaskRunner
    bridge: EngineBridge
    connection: ServiceConnection | None = None
    demo: bool = False

    def poke_engine(self) -> None:
        """After a user action that gives the service work (new sequence, resume, new
        settings). The running service picks it up at its next dispatch tick (1 s) by
        itself; this only makes sure it runs: one that failed to start is tried again now
        instead of after its back-off."""
        self.bridge.wake()
