"""`python bench/team_worker.py SENDER[,SENDER...] [--per-sender-pick]`: `textdesk worker
--until-idle` whose engine wants only the named senders, as a desktop holding credentials
for those senders alone would.

bench_team.py runs it for its "spread" and "per-sender" rows; both are what-ifs, not the
shipped behaviour:

- The stock engine (Engine.wanted_senders in desktop/services/engine/engine.py) wants the
  sender of every sequence still sending, and the worker starts only once it holds them all
  (desktop/services/engine/worker.py), so stock workers on one database never send side by
  side: the first holds every sender and the others wait. Here each engine wants only the
  senders it is given; everything else is the stock worker (the same leases, one engine per
  sender, claims, rate limiter and gateway).
- `--per-sender-pick`: the stock dispatcher (Dispatcher._next_jobs) picks the next 200 due
  messages in (scheduled_for, id) order and hands the batch off before picking again, so
  the messages of one sequence, hence one sender, fill whole batches and the senders take
  turns. With this flag each batch takes up to 200 / n due messages of each of the n
  senders, interleaved, so the pool's threads wait on every sender's rate limiter at once.
"""

from __future__ import annotations

import sys
from itertools import chain, zip_longest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.cli import main
from desktop.services.engine import dispatcher
from desktop.services.engine.dispatcher import Dispatcher
from desktop.services.engine.engine import Engine
from desktop.services.engine.handoff_store import Job


def pick_per_sender(senders: frozenset[str]) -> None:
    stock = Dispatcher._next_jobs
    dispatcher.BATCH = max(1, dispatcher.BATCH // len(senders))

    def next_jobs(self: Dispatcher) -> list[Job]:
        sendable = self._sendable()
        picks = []
        for sender in sorted(sendable):

            def only(sender: str = sender) -> set[str]:
                return {sender}

            self._sendable = only  # type: ignore[method-assign]
            try:
                picks.append(stock(self))
            finally:
                del self._sendable
        return [job for job in chain(*zip_longest(*picks)) if job is not None]

    Dispatcher._next_jobs = next_jobs  # type: ignore[method-assign]


def run(senders: frozenset[str], per_sender_pick: bool) -> int:
    def wanted_senders(self: Engine) -> set[str]:
        return set(senders)

    Engine.wanted_senders = wanted_senders  # type: ignore[method-assign]
    if per_sender_pick:
        pick_per_sender(senders)
    return main(["worker", "--until-idle"])


if __name__ == "__main__":
    raise SystemExit(run(frozenset(sys.argv[1].split(",")), "--per-sender-pick" in sys.argv))
