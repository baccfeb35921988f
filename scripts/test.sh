#!/usr/bin/env bash
# Install TextDesk with its test dependencies, run the quality gates, then the whole suite
# (Qt offscreen), then the time-dependent tests under two fixed clocks. Arguments go to
# every pytest run.
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
install_system_packages xvfb xauth binutils postgresql
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

# A throwaway PostgreSQL server (scripts/postgres.sh): the database-touching tests run on
# it as well as on SQLite. Stopped and removed however the run ends.
read -r PG_FOLDER TEXTDESK_TEST_PG < <(bash "$ROOT/scripts/postgres.sh" start)
export TEXTDESK_TEST_PG
trap 'bash "$ROOT/scripts/postgres.sh" stop "$PG_FOLDER"' EXIT
echo "PostgreSQL for the tests: ${TEXTDESK_TEST_PG##*@}"

"$VENV/bin/python" -m pytest "$@"

# The tests marked `clock` (they depend on the hour or the date) again, under two fixed test
# clocks (tests/clocks.py): one inside US quiet hours' sending window (23:00 UTC: 18:00 in
# New York, 13:00 in Honolulu) and one outside it (07:30 UTC: 02:30 in New York, 21:30 in
# Honolulu), so a test that passes only at some hours fails here at any hour. `-m clock`
# comes after "$@" so that it wins over a -m given there; exit 5 (none of the selected
# tests is marked) is not a failure.
for instant in 2026-11-27T23:00:00Z 2026-11-28T07:30:00Z; do
  echo "Time-dependent tests at $instant"
  status=0
  TEXTDESK_TEST_CLOCK="$instant" "$VENV/bin/python" -m pytest "$@" -m clock || status=$?
  if [ "$status" -ne 0 ] && [ "$status" -ne 5 ]; then
    echo "Time-dependent tests failed at $instant (TEXTDESK_TEST_CLOCK=$instant)" >&2
    exit "$status"
  fi
done
