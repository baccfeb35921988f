#!/usr/bin/env bash
# Install TextDesk from this checkout and start it (demo mode until you enter Twilio
# credentials in Settings).
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
install_system_packages
make_venv
"$VENV/bin/python" -m pip install -q "$ROOT"
exec "$VENV/bin/textdesk" "$@"
