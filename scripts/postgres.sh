#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: `start` prints the URL of an empty database
# on a free port of 127.0.0.1 (cluster in a temporary folder), `stop FOLDER` removes it.
# Debian's postgresql package; initdb and postgres refuse to run as root, so as root they
# run as the postgres user in a folder that user owns.
set -euo pipefail

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local bin folder port
  bin="$(pg_bin)"
  [ -x "$bin/initdb" ] || { echo "no PostgreSQL found (apt-get install postgresql)" >&2; exit 1; }
  folder="$(mktemp -d /tmp/textdesk-pg.XXXXXX)"
  [ "$(id -u)" -eq 0 ] && chown postgres "$folder"
  as_owner "$bin/initdb" -D "$folder/data" -A trust -U postgres --no-sync -E UTF8 >"$folder/initdb.log"
  # One role signs in with a password, as a team database's users do (the tests of wrong
  # and missing passwords use it); everyone else is trusted, as on a developer's machine.
  as_owner sed -i '1i host all textdesk_login 127.0.0.1/32 scram-sha-256' "$folder/data/pg_hba.conf"
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  # Durability off: a test server loses nothing that matters, and is twice as fast.
  as_owner "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -o \
    "-p $port -k $folder -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null
  echo "$folder postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
}

stop() {
  local folder="$1" bin
  bin="$(pg_bin)"
  as_owner "$bin/pg_ctl" -D "$folder/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$folder"
}

case "${1:-}" in
  start) start ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 start | stop FOLDER" >&2; exit 2 ;;
esac
