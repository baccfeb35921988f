#!/usr/bin/env bash
# Build TextDesk's executables with PyInstaller from packaging/textdesk.spec.
#
#   bash packaging/build.sh [--onedir | --onefile | --all] [--no-bench] [--no-tarball]
#
#   --onedir    dist/textdesk/textdesk (one folder: starts fastest; what installers ship)
#   --onefile   dist/onefile/textdesk  (one file: unpacks itself to a temp folder each start)
#   --all       both (the default)
#   --no-bench  skip the start-up measurement and bench/packaging_results.txt
#   --no-tarball  skip dist/textdesk-<version>-linux-<arch>.tar.gz (Linux, with --onedir/--all)
#
# Prints the build time, the sizes and (unless --no-bench) the frozen start-to-first-paint
# time, median of 3, and writes them to bench/packaging_results.txt. The same command works on
# macOS and, from Git Bash, on Windows; see packaging/README.md for what differs there.
# Environment: PYTHON (default .venv's python, else python3), TEXTDESK_CODESIGN_IDENTITY,
# TEXTDESK_ENTITLEMENTS, TEXTDESK_TARGET_ARCH (macOS, passed through to the spec).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

MODE=all
BENCH=1
TARBALL=1
for arg in "$@"; do
  case "$arg" in
    --onedir) MODE=onedir ;;
    --onefile) MODE=onefile ;;
    --all) MODE=all ;;
    --no-bench) BENCH=0 ;;
    --no-tarball) TARBALL=0 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done

if [ -z "${PYTHON:-}" ]; then
  for candidate in "$ROOT/.venv/bin/python" "$ROOT/.venv/Scripts/python.exe" python3 python; do
    if command -v "$candidate" >/dev/null 2>&1; then PYTHON="$candidate"; break; fi
  done
fi
if ! "$PYTHON" -c "import PyInstaller, sys; sys.exit(int(PyInstaller.__version__.split('.')[0]) != 6)" 2>/dev/null; then
  echo "build.sh: PyInstaller 6 is not installed for $PYTHON;" \
       "run: $PYTHON -m pip install \"pyinstaller>=6,<7\" (or pip install -e \".[test]\")" >&2
  exit 2
fi

VERSION="$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
case "$(uname -s)" in
  Linux*) OS=linux ;;
  Darwin*) OS=macos ;;
  MINGW*|MSYS*|CYGWIN*) OS=windows ;;
  *) OS="$(uname -s | tr '[:upper:]' '[:lower:]')" ;;
esac
ARCH="$(uname -m)"
if [ "$OS" = linux ] && ! command -v objdump >/dev/null 2>&1; then
  # PyInstaller reads and strips ELF files with binutils (objdump, objcopy, strip).
  echo "build.sh: binutils is missing: sudo apt-get install binutils (dnf install binutils)" >&2
  exit 2
fi
EXE_SUFFIX=""
[ "$OS" = windows ] && EXE_SUFFIX=".exe"

now() { "$PYTHON" -c 'import time; print(f"{time.time():.3f}")'; }
elapsed() { "$PYTHON" -c "print(f'{$2 - $1:.1f}')"; }

pyinstaller() {
  # -y: replace the previous output; the shared work folder lets the second build reuse the
  # first one's analysis (the spec is the same, only the EXE step differs).
  "$PYTHON" -m PyInstaller packaging/textdesk.spec --noconfirm --log-level WARN \
    --workpath build/pyinstaller "$@"
}

ONEDIR_SECONDS=""
ONEFILE_SECONDS=""
if [ "$MODE" = onedir ] || [ "$MODE" = all ]; then
  echo "build.sh: one-folder build of textdesk $VERSION ..."
  start="$(now)"
  pyinstaller --distpath dist -- --onedir
  ONEDIR_SECONDS="$(elapsed "$start" "$(now)")"
  echo "build.sh: dist/textdesk/ built in ${ONEDIR_SECONDS} s"
fi
if [ "$MODE" = onefile ] || [ "$MODE" = all ]; then
  echo "build.sh: one-file build of textdesk $VERSION ..."
  start="$(now)"
  pyinstaller --distpath dist/onefile -- --onefile
  ONEFILE_SECONDS="$(elapsed "$start" "$(now)")"
  echo "build.sh: dist/onefile/textdesk$EXE_SUFFIX built in ${ONEFILE_SECONDS} s"
fi

TARBALL_PATH=""
if [ "$OS" = linux ] && [ "$TARBALL" = 1 ] && [ -d dist/textdesk ] && [ "$MODE" != onefile ]; then
  # A folder named after the release, so unpacking never spills files into the current one.
  name="textdesk-$VERSION"
  stage="build/tarball/$name"
  rm -rf build/tarball
  mkdir -p "$stage"
  cp -a dist/textdesk "$stage/textdesk"
  cp packaging/textdesk.desktop "$stage/textdesk.desktop"
  cp resources/icons/textdesk.png "$stage/textdesk.png"
  GLIBC="$("$PYTHON" bench/bench_packaging.py --glibc-floor dist/textdesk)"
  # Without objdump, the build machine's own glibc: an upper bound, so still a true statement.
  GLIBC="${GLIBC:-$(getconf GNU_LIBC_VERSION | awk '{print $2}')}"
  GLIBC_NOTE="glibc $GLIBC or newer (ldd --version shows yours)"
  # Quoted here-document: the commands are for the user's shell, $HOME included.
  sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@GLIBC@/$GLIBC_NOTE/" \
    > "$stage/INSTALL.txt" <<'EOF'
TextDesk @VERSION@ for Linux (@ARCH@)

Run it from here:   ./textdesk/textdesk        (demo mode until you enter Twilio credentials)
Check it works:     ./textdesk/textdesk self-check

Install for your user (menu entry and icon):
  mkdir -p ~/.local/opt ~/.local/bin ~/.local/share/applications
  rm -rf ~/.local/opt/textdesk && cp -a textdesk ~/.local/opt/textdesk
  ln -sf ~/.local/opt/textdesk/textdesk ~/.local/bin/textdesk
  install -Dm644 textdesk.png ~/.local/share/icons/hicolor/256x256/apps/textdesk.png
  sed "s|^Exec=textdesk$|Exec=$HOME/.local/opt/textdesk/textdesk|" textdesk.desktop \
    > ~/.local/share/applications/textdesk.desktop

Needs @GLIBC@ and the system's OpenGL libraries
(libGL and libEGL: packages libgl1 and libegl1 on Debian/Ubuntu, mesa-libGL and mesa-libEGL
on Fedora/RHEL), which every desktop installation has.
Your data stays in ~/.local/share/TextDesk; removing the program never removes it.
EOF
  TARBALL_PATH="dist/textdesk-$VERSION-linux-$ARCH.tar.gz"
  tar -C build/tarball --owner=0 --group=0 --numeric-owner -czf "$TARBALL_PATH" "$name"
  rm -rf build/tarball
  echo "build.sh: $TARBALL_PATH"
fi

# On Windows the windowed textdesk.exe has no stdout for the paint mark: measure its console
# twin, the same program.
RUN_NAME=textdesk
[ "$OS" = windows ] && RUN_NAME=textdesk-cli
BENCH_ARGS=(--version "$VERSION")
[ -n "$ONEDIR_SECONDS" ] && BENCH_ARGS+=(--onedir "dist/textdesk/$RUN_NAME$EXE_SUFFIX" --onedir-seconds "$ONEDIR_SECONDS")
[ -n "$ONEFILE_SECONDS" ] && BENCH_ARGS+=(--onefile "dist/onefile/$RUN_NAME$EXE_SUFFIX" --onefile-seconds "$ONEFILE_SECONDS")
[ -n "$TARBALL_PATH" ] && BENCH_ARGS+=(--tarball "$TARBALL_PATH")
if [ "$BENCH" = 1 ]; then
  BENCH_ARGS+=(--measure-start --results bench/packaging_results.txt)
  # A real X server when there is none (xvfb-run), so the paint goes through the xcb plugin
  # the user's desktop would use; offscreen when xvfb-run is not installed.
  if [ "$OS" = linux ] && [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null 2>&1; then
    exec xvfb-run -a -s "-screen 0 1600x1000x24" "$PYTHON" bench/bench_packaging.py "${BENCH_ARGS[@]}"
  fi
fi
exec "$PYTHON" bench/bench_packaging.py "${BENCH_ARGS[@]}"
