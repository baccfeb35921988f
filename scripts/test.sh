#!/usr/bin/env bash
# Install TextDesk with its test dependencies, run the quality gates, then the whole suite
# (Qt offscreen). Arguments go to pytest.
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
install_system_packages xvfb xauth binutils
# PyInstaller (the packaging smoke test) needs Python's shared library; Debian ships it apart.
install_system_packages "libpython$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
make_venv
"$VENV/bin/python" -m pip install -q -e "$ROOT[test]"
cd "$ROOT"
echo "Gates: ruff check, ruff format --check, mypy, lint-imports"
"$VENV/bin/ruff" check desktop tests bench scripts packaging
"$VENV/bin/ruff" format --check desktop tests bench scripts packaging
"$VENV/bin/mypy"
"$VENV/bin/lint-imports" --no-cache
export QT_QPA_PLATFORM=offscreen
exec "$VENV/bin/python" -m pytest "$@"
