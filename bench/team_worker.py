"""`python bench/team_worker.py SENDER[,SENDER...]`: `textdesk worker --until-idle` whose
engine wants only the named senders, as a desktop holding credentials for those senders
alone would.

bench_team.py runs it for its "spread" rows, a what-if, not the shipped behaviour: the
stock engine (Engine.wanted_senders in desktop/services/engine/engine.py) wants the sender of
every sequence still sending, and the worker starts only once it holds them all
(desktop/services/engine/worker.py), so stock workers on one database never send side by
side: the first holds every sender and the others wait. Here each engine wants only the
senders it is given; everything else is the stock worker (the same leases, one engine per
sender, claims, rate limiter and gateway).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.cli import main
from desktop.services.engine.engine import Engine


def run(senders: frozenset[str]) -> int:
    def wanted_senders(self: Engine) -> set[str]:
        return set(senders)

    Engine.wanted_senders = wanted_senders  # type: ignore[method-assign]
    return main(["worker", "--until-idle"])


if __name__ == "__main__":
    raise SystemExit(run(frozenset(sys.argv[1].split(","))))
