"""``python -m desktop.sandbox``: run a carrier sandbox until Ctrl-C or SIGTERM (for demos).

With ``--state FILE`` the sandbox keeps its account, messages, ledger and opt-outs in FILE:
a restart answers for the old messages, and the printed credentials stay the same.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import threading
from pathlib import Path
from types import FrameType

from .config import SandboxConfig
from .sandbox import CarrierSandbox


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m desktop.sandbox",
        description="Run a Twilio-compatible carrier sandbox on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port (default: a free one)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the outcome draws")
    parser.add_argument("--fast", action="store_true", help="millisecond delays instead of seconds")
    parser.add_argument(
        "--state",
        type=Path,
        metavar="FILE",
        help="keep the sandbox's state in FILE (loaded at start, saved as it changes)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    config = SandboxConfig.fast(args.seed) if args.fast else SandboxConfig(seed=args.seed)
    config.port = args.port
    done = threading.Event()

    def on_term(signum: int, frame: FrameType | None) -> None:
        # A terminated sandbox stops like a Ctrl-C'ed one: its last changes are saved.
        done.set()

    signal.signal(signal.SIGTERM, on_term)
    with CarrierSandbox(config, state_file=args.state) as sandbox:
        # Printing the token is the point here: it is a throwaway sandbox credential.
        print(f"base_url     {sandbox.base_url}", flush=True)
        print(f"account_sid  {sandbox.account_sid}", flush=True)
        print(f"auth_token   {sandbox.auth_token}", flush=True)
        print(f"phone_number {sandbox.phone_number}", flush=True)
        if args.state is not None:
            print(f"state_file   {args.state}", flush=True)
        print("Ctrl-C to stop.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            done.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
