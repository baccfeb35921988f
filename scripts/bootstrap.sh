# Shared by run.sh and test.sh: system packages Qt needs, and a virtualenv at .venv.
# Sourced, not run. Works on a fresh Debian or Ubuntu machine, as root or with sudo.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${TEXTDESK_VENV:-$ROOT/.venv}"

# Qt's offscreen and xcb platforms need these shared libraries; PyInstaller builds too.
QT_PACKAGES="libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 \
libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 \
libxcb-randr0 libxcb-render-util0 libxcb-xinerama0 libxcb-image0 fonts-dejavu-core"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_system_packages() {
  local wanted="$QT_PACKAGES $*"
  # Python itself, with venv and pip, unless this machine already has a working one.
  if ! command -v python3 >/dev/null 2>&1 || ! python3 -c "import venv, ensurepip" 2>/dev/null; then
    wanted="$wanted python3 python3-venv python3-pip"
  fi
  local missing=""
  for pkg in $wanted; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    echo "Installing system packages:$missing"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends $missing
  fi
}

make_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install -q --upgrade pip
}
