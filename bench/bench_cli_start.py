"""Start-up cost of a command: `textdesk sequences list --json` on a small database,
against a bare `python -c "import sqlalchemy"` measured in the same run (best of N each,
alternating, so both see the same machine). Target: ratio <= 1.5.

Also prints the figure for `python -m desktop` (no console-script wrapper) and which heavy
libraries the command imported, as a reminder of what the ratio hides.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine
from desktop.services.core.context import Context
from tests.helpers import add_leads


def best(command: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of runs")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="textdesk-bench-cli-"))
    db = folder / "small.db"
    ctx = Context.open(f"sqlite:///{db}")
    add_leads(ctx, 20)
    from desktop.services.sequences.builder import LeadSelection, StepSpec, create_sequence

    for n in range(3):
        create_sequence(
            ctx,
            f"S{n}",
            [StepSpec("Hi {first_name}. Reply STOP to opt out")],
            LeadSelection(all=True),
        )
    ctx.close()
    env = dict(os.environ, TEXTDESK_LOG_FILE=str(folder / "bench.log"), TEXTDESK_KEYRING="off")
    bin_dir = Path(sys.executable).parent
    textdesk = [str(bin_dir / "textdesk"), "--db", str(db), "sequences", "list", "--json"]
    module = [sys.executable, "-m", "desktop", "--db", str(db), "sequences", "list", "--json"]
    baseline = [sys.executable, "-c", "import sqlalchemy"]
    figures: dict[str, float] = {"baseline": 9.0, "textdesk": 9.0, "module": 9.0}
    for _ in range(args.rounds):
        figures["baseline"] = min(figures["baseline"], best(baseline, args.runs, env))
        figures["textdesk"] = min(figures["textdesk"], best(textdesk, args.runs, env))
        figures["module"] = min(figures["module"], best(module, args.runs, env))
    probe = (
        "import sys; from desktop.cli import main; main(sys.argv[1:]); "
        "print(sorted(m for m in ('alembic','twilio','PySide6','apscheduler','keyring',"
        "'phonenumbers') if m in sys.modules), file=sys.stderr)"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe, "--db", str(db), "sequences", "list", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stderr.strip()
    result = {
        "machine": machine(),
        "import_sqlalchemy_s": round(figures["baseline"], 3),
        "textdesk_sequences_list_s": round(figures["textdesk"], 3),
        "python_m_desktop_s": round(figures["module"], 3),
        "ratio": round(figures["textdesk"] / figures["baseline"], 2),
        "ratio_python_m": round(figures["module"] / figures["baseline"], 2),
        "heavy_imports": loaded,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
