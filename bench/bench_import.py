"""Benchmark: import a realistic 100 000-row leads CSV into a fresh database.

Target (2-core machine): <= 15 s and <= 300 MB peak RSS for the whole process.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--batch-size 2000] [--keep]

The file is generated first; the import and the baseline (plain csv.reader + one
sqlite3.executemany into a bare table) each run in a fresh subprocess, so the peak RSS printed
is the importing process's own and not inflated by the generation step.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

FIRST_NAMES = [
    "José",
    "Müller",
    "Zoë",
    "Ana",
    "François",
    "Łukasz",
    "Søren",
    "Chloé",
    "Mary Ann",
    "Li",
    "Björn",
    "Renée",
    "Ömer",
    "Íñigo",
    "John",
    "Priya",
    "Noémie",
    "Sean",
    "Agnieszka",
    "Ayşe",
]
LAST_NAMES = [
    "Müller",
    "García",
    "O'Brien",
    "Nguyen",
    "Smith",
    "Kowalski",
    "Dubois",
    "Jørgensen",
    "Çelik",
    "Schröder",
    "Brown",
    "da Silva",
    "Van der Berg",
    "Núñez",
    "Khan",
    "Lefèvre",
]
TAGS = ["vip", "spring promo", "walk-in", "newsletter", "b2b", "returning", ""]
ZONES = ["America/New_York", "America/Chicago", "Europe/London", "", "", "Mars/Olympus"]
US_AREAS = ["201", "212", "213", "305", "312", "404", "415", "512", "617", "646", "702", "718"]


def _mib(maxrss: int) -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS.
    return maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def _us_number(rng: random.Random) -> tuple[str, str]:
    """A US number as the file writes it, and its digits (the identity for duplicates)."""
    area = rng.choice(US_AREAS)
    exchange = f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(1, 9)}"
    line = f"{rng.randint(0, 9999):04d}"
    digits = area + exchange + line
    style = rng.randrange(5)
    written = (
        f"+1 {area}-{exchange}-{line}",
        f"({area}) {exchange}-{line}",
        f"{area}.{exchange}.{line}",
        f"1{digits}",
        f"+1{digits}",
    )[style]
    return written, digits


def generate(path: Path, rows: int, seed: int = 7) -> dict[str, int]:
    """A CSV shaped like a CRM export: about 1 % duplicates, 1 % invalid numbers, some rows
    without a number, some bad emails and unknown time zones, a few UK numbers."""
    rng = random.Random(seed)
    seen: list[str] = []
    used: set[str] = set()
    planted = {"duplicates": 0, "invalid": 0, "missing": 0}
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Mobile Phone", "First Name", "Last Name", "Email", "Tags", "Time Zone"])
        for i in range(rows):
            roll = rng.random()
            if roll < 0.01 and seen:
                phone = rng.choice(seen)
                planted["duplicates"] += 1
            elif roll < 0.02:
                phone = rng.choice(["12345", "555-01", "call me", "+1 000 000 0000", "99999999"])
                planted["invalid"] += 1
            elif roll < 0.025:
                phone = ""
                planted["missing"] += 1
            elif roll < 0.06:
                phone = f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}"
                if phone in used:
                    continue
                used.add(phone)
                seen.append(phone)
            else:
                phone, digits = _us_number(rng)
                if digits in used:
                    continue
                used.add(digits)
                seen.append(phone)
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"{first.split()[0].lower()}.{i}@example.com" if rng.random() < 0.7 else ""
            if rng.random() < 0.005:
                email = "not-an-email@"
            tags = "; ".join(sorted({rng.choice(TAGS), rng.choice(TAGS)} - {""}))
            writer.writerow([phone, first, last, email, tags, rng.choice(ZONES)])
    return planted


def child_import(csv_path: str, db_path: str, batch_size: int) -> None:
    from desktop.services.core.context import Context
    from desktop.services.leads.importer import import_leads

    ctx = Context.open(f"sqlite:///{db_path}")
    rss_before = _mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    calls = 0

    def progress(done: int, total: int) -> None:
        nonlocal calls
        calls += 1

    started = time.perf_counter()
    report = import_leads(ctx, csv_path, batch_size=batch_size, progress=progress)
    elapsed = time.perf_counter() - started
    ctx.close()
    print(
        json.dumps(
            {
                "elapsed": elapsed,
                "rows": report.total,
                "summary": report.summary(),
                "progress_calls": calls,
                "rss_before_mib": rss_before,
                "peak_rss_mib": _mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
            }
        )
    )


def child_baseline(csv_path: str, db_path: str) -> None:
    """The floor: read the same file with csv.reader and insert every row as it is."""
    started = time.perf_counter()
    with open(csv_path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows = list(reader)
    con = sqlite3.connect(db_path)
    con.execute(
        "CREATE TABLE leads (id INTEGER PRIMARY KEY, phone TEXT, first_name TEXT, "
        "last_name TEXT, email TEXT, tags TEXT, timezone TEXT)"
    )
    with con:
        con.executemany(
            "INSERT INTO leads (phone, first_name, last_name, email, tags, timezone) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
    con.close()
    elapsed = time.perf_counter() - started
    peak = _mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    # Not part of the baseline: how much of the import is phonenumbers' validation alone.
    from desktop.services.core.phones import normalize_phone

    started = time.perf_counter()
    for row in rows:
        normalize_phone(row[0], "US")
    phones = time.perf_counter() - started
    print(
        json.dumps({"elapsed": elapsed, "rows": len(rows), "peak_rss_mib": peak, "phones": phones})
    )


def _run_child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"child {args[0]} failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "import":
            child_import(rest[0], rest[1], int(rest[2]))
        else:
            child_baseline(rest[0], rest[1])
        return

    folder = Path(tempfile.mkdtemp(prefix="textdesk-bench-"))
    try:
        csv_path = folder / "leads.csv"
        started = time.perf_counter()
        planted = generate(csv_path, args.rows)
        generated = time.perf_counter() - started
        imported = _run_child("import", str(csv_path), str(folder / "app.db"), str(args.batch_size))
        baseline = _run_child("baseline", str(csv_path), str(folder / "bare.db"))
        elapsed, base = imported["elapsed"], baseline["elapsed"]
        rows, peak = imported["rows"], imported["peak_rss_mib"]
        size = csv_path.stat().st_size / 1e6
        print(f"file               {rows} data rows, {size:.1f} MB, generated in {generated:.1f} s")
        print(f"planted            {planted}")
        print(
            f"import             {elapsed:.2f} s, {rows / elapsed:,.0f} rows/s "
            f"(batch size {args.batch_size}, {imported['progress_calls']} progress calls)"
        )
        print(
            f"import peak RSS    {peak:.0f} MB (after imports and migration, before reading: "
            f"{imported['rss_before_mib']:.0f} MB)"
        )
        print(f"report             {imported['summary']}")
        print(
            f"baseline           {base:.2f} s csv.reader + sqlite3.executemany, "
            f"peak RSS {baseline['peak_rss_mib']:.0f} MB"
        )
        print(f"ratio              import / baseline = {elapsed / base:.1f}x")
        print(f"phone validation   {baseline['phones']:.2f} s of normalize_phone alone, same rows")
        generator_rss = _mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        print(f"generator peak RSS {generator_rss:.0f} MB (this process; not part of the import)")
        print(f"cpu_count          {os.cpu_count()}")
        print(
            f"targets            <= 15 s: {'met' if elapsed <= 15 else 'MISSED'}; "
            f"<= 300 MB: {'met' if peak <= 300 else 'MISSED'}"
        )
    finally:
        if args.keep:
            print(f"kept               {folder}")
        else:
            for file in folder.iterdir():
                file.unlink()
            folder.rmdir()


if __name__ == "__main__":
    main()
