"""Carrier sandbox: a Twilio-compatible REST server on 127.0.0.1 for demo mode and tests.

Start one, point the official ``twilio`` SDK at ``sandbox.base_url`` with
``sandbox.account_sid`` / ``sandbox.auth_token``, and it answers like Twilio's Messages API
while simulating carriers (delays, delivery outcomes, silent carriers), inbound replies
(including STOP handling) and faults (429, 500, dropped connections, stalls, bad JSON)::

    with CarrierSandbox(SandboxConfig.fast(seed=7)) as sandbox:
        ...  # Client(sandbox.account_sid, sandbox.auth_token, http_client=...) → base_url

With ``state_file=Path(...)`` its account, messages, ledger and opt-outs survive a restart
(``state.py``); ``python -m desktop.sandbox --state FILE`` does the same from the shell.
"""

from .config import ENDPOINT_KINDS, Delay, Fault, Outcome, SandboxConfig
from .errors import ApiError
from .listing import MAX_PAGE_SIZE, PAGE_KEYS
from .sandbox import CarrierSandbox
from .segments import count_segments
from .store import LedgerEntry
from .validation import MAGIC_FROM_ERRORS, MAGIC_TO_ERRORS

__all__ = [
    "ENDPOINT_KINDS",
    "MAGIC_FROM_ERRORS",
    "MAGIC_TO_ERRORS",
    "MAX_PAGE_SIZE",
    "PAGE_KEYS",
    "ApiError",
    "CarrierSandbox",
    "Delay",
    "Fault",
    "LedgerEntry",
    "Outcome",
    "SandboxConfig",
    "count_segments",
]
