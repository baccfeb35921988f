"""Figures of the packaged executables, run by packaging/build.sh after it builds them.

    python bench/bench_packaging.py --onedir dist/textdesk/textdesk \
        --onefile dist/onefile/textdesk --measure-start --results bench/packaging_results.txt
    python bench/bench_packaging.py --glibc-floor dist/textdesk     # prints e.g. 2.28

Sizes, build times (passed in by build.sh, which timed them), the frozen start to first
painted window (median of 3, through the app's TEXTDESK_EXIT_AFTER_PAINT hook, each start on
a fresh data folder, i.e. the first start of a new user in demo mode) and the glibc floor of
a Linux bundle (the newest GLIBC_x.y symbol version any bundled binary needs, from
`objdump -T`). Not a test: CI only builds and smoke-tests the executable.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ONEFILE_TARGET_MB = 120.0
START_TARGET_S = 3.0
RUNS = 3
PAINT_MARK = "TEXTDESK_FIRST_PAINT"  # printed by desktop.app with TEXTDESK_EXIT_AFTER_PAINT=1
# Variables that would let a frozen app see the developer's Python or data.
SCRUBBED_ENV = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "TEXTDESK_DB", "PYTHONSTARTUP")
GLIBC_REF = re.compile(r"\*UND\*.*\bGLIBC_(\d+)\.(\d+)(?:\.(\d+))?\b")


def mb(size: int) -> float:
    return size / 1_000_000


def folder_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) of regular files, symlinks not followed (as they are on disk)."""
    total = count = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            count += 1
    return total, count


def is_elf(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == b"\x7fELF"
    except OSError:
        return False


def glibc_floor(folder: Path) -> tuple[tuple[int, ...], str] | None:
    """The newest GLIBC_ version that any ELF file under `folder` requires, and that file.

    Only undefined (*UND*) references count: they are what the target's glibc must provide.
    None when objdump (binutils) is missing or nothing references glibc.
    """
    objdump = shutil.which("objdump")
    if objdump is None:
        return None
    best: tuple[tuple[int, ...], str] | None = None
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file() or not is_elf(path):
            continue
        result = subprocess.run(
            [objdump, "-T", str(path)], capture_output=True, text=True, check=False
        )
        for match in GLIBC_REF.finditer(result.stdout):
            version = tuple(int(part) for part in match.groups() if part is not None)
            if best is None or version > best[0]:
                best = (version, str(path.relative_to(folder)))
    return best


def frozen_env(data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED_ENV}
    env.update(
        TEXTDESK_EXIT_AFTER_PAINT="1",
        TEXTDESK_KEYRING="off",
        # A fresh user: the demo database, log and secrets go here, never to the real ones.
        XDG_DATA_HOME=str(data_dir / "data"),
        XDG_CONFIG_HOME=str(data_dir / "config"),
        HOME=str(data_dir),
    )
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def start_to_paint(executable: Path) -> float:
    """Seconds from launching `textdesk gui --demo` to its first painted window."""
    with tempfile.TemporaryDirectory(prefix="textdesk-bench-") as folder:
        started = time.time()
        result = subprocess.run(
            [str(executable), "gui", "--demo"],
            env=frozen_env(Path(folder)),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    for line in result.stdout.splitlines():
        if line.startswith(PAINT_MARK):
            return float(line.split()[1]) - started
    tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
    raise RuntimeError(
        f"{executable} printed no {PAINT_MARK} (exit {result.returncode}): {' | '.join(tail)}"
    )


def measure(executable: Path) -> list[float]:
    return [start_to_paint(executable) for _ in range(RUNS)]


def platform_label() -> str:
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen" or not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or sys.platform != "linux"
    ):
        return "offscreen"
    return "Xvfb" if "xvfb" in os.environ.get("XAUTHORITY", "").lower() else "display"


def machine() -> str:
    try:
        pretty = platform.freedesktop_os_release().get("PRETTY_NAME", platform.platform())
    except OSError:
        pretty = platform.platform()
    versions = [f"Python {platform.python_version()}"]
    for module in ("PyInstaller", "PySide6"):
        with contextlib.suppress(ImportError):
            versions.append(f"{module} {__import__(module).__version__}")
    return f"{os.cpu_count()} cores, {pretty}, {platform.machine()}; {', '.join(versions)}"


def verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "OVER TARGET"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default="?")
    parser.add_argument("--onedir", type=Path, help="the one-folder executable")
    parser.add_argument("--onefile", type=Path, help="the one-file executable")
    parser.add_argument("--onedir-seconds", type=float)
    parser.add_argument("--onefile-seconds", type=float)
    parser.add_argument("--tarball", type=Path)
    parser.add_argument("--measure-start", action="store_true")
    parser.add_argument("--results", type=Path, help="write the figures to this file too")
    parser.add_argument("--glibc-floor", type=Path, metavar="DIR", help="print it and exit")
    args = parser.parse_args(argv)

    if args.glibc_floor is not None:
        floor = glibc_floor(args.glibc_floor)
        print(".".join(map(str, floor[0])) if floor else "")
        return 0

    lines = [
        f"# TextDesk {args.version} packaging figures (bash packaging/build.sh), "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"machine: {machine()}",
    ]
    if args.onedir_seconds is not None:
        lines.append(f"build time, one-folder: {args.onedir_seconds:.1f} s")
    if args.onefile_seconds is not None:
        lines.append(f"build time, one-file: {args.onefile_seconds:.1f} s")
    if args.onefile is not None:
        size = mb(args.onefile.stat().st_size)
        lines.append(
            f"one-file size: {size:.1f} MB "
            f"({verdict(size, ONEFILE_TARGET_MB)}, target <= {ONEFILE_TARGET_MB:.0f} MB)"
        )
    if args.onedir is not None:
        size_bytes, files = folder_size(args.onedir.parent)
        lines.append(f"one-folder size: {mb(size_bytes):.1f} MB in {files} files")
    if args.tarball is not None:
        lines.append(f"Linux tarball: {mb(args.tarball.stat().st_size):.1f} MB ({args.tarball})")

    failed = False
    if args.measure_start:
        where = platform_label()
        for kind, executable in (("one-folder", args.onedir), ("one-file", args.onefile)):
            if executable is None:
                continue
            try:
                runs = measure(executable)
            except (RuntimeError, subprocess.TimeoutExpired, OSError) as exc:
                lines.append(f"start to first painted window, {kind}: FAILED: {exc}")
                failed = True
                continue
            median = statistics.median(runs)
            lines.append(
                f"start to first painted window ({where}, first start in demo mode), {kind}: "
                f"median {median:.2f} s of {RUNS} [{', '.join(f'{r:.2f}' for r in runs)}] "
                f"({verdict(median, START_TARGET_S)}, target <= {START_TARGET_S:.0f} s)"
            )

    if sys.platform == "linux" and args.onedir is not None:
        floor = glibc_floor(args.onedir.parent)
        if floor is None:
            lines.append("glibc floor: unknown (objdump from binutils is not installed)")
        else:
            version, file = floor
            lines.append(
                f"glibc floor: GLIBC_{'.'.join(map(str, version))} "
                f"(newest symbol version required, by {file}; objdump -T over every ELF file)"
            )

    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.results is not None:
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(text, encoding="utf-8")
        print(f"(written to {args.results})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
