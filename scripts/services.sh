#!/usr/bin/env bash
# Start or stop the real services the tests can use, on this machine only.
#   scripts/services.sh up     install what is missing, start, print `export` lines
#   scripts/services.sh down   stop what `up` started
# Services: PostgreSQL (Debian package), Chromium for browser tests (Debian package).
# Later: Elasticsearch (cluster runner), stripe-mock.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE="$PWD/.services"
PG_PORT="${PG_PORT:-54329}"
PG_DIR="$STATE/postgres"
mkdir -p "$STATE"

log() { echo "[services] $*" >&2; }

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if ((${#missing[@]})); then
    log "installing ${missing[*]} (Debian packages)"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2; then
      apt-get update -q >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
    fi
  fi
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

postgres_up() {
  apt_install postgresql
  local bin; bin="$(pg_bin)"
  # PostgreSQL refuses to run as root: run it as the "postgres" user in our own folder.
  if [ ! -f "$PG_DIR/PG_VERSION" ]; then
    mkdir -p "$PG_DIR" && chown postgres:postgres "$PG_DIR"
    runuser -u postgres -- "$bin/initdb" -D "$PG_DIR" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  if ! runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w \
      -o "-p $PG_PORT -h 127.0.0.1 -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  fi
  runuser -u postgres -- "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -tAc "SELECT 1 FROM pg_database WHERE datname='okoce'" | grep -q 1 \
    || runuser -u postgres -- "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" okoce
  log "PostgreSQL on 127.0.0.1:$PG_PORT"
  echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/okoce"
}

postgres_down() {
  local bin; bin="$(pg_bin)"
  [ -n "$bin" ] && [ -f "$PG_DIR/PG_VERSION" ] && runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR" -m fast stop >/dev/null 2>&1 || true
}

chromium_up() {
  apt_install chromium chromium-driver
  log "Chromium at /usr/bin/chromium"
  echo "export CHROMIUM_PATH=/usr/bin/chromium"
}

case "${1:-}" in
  up) postgres_up; chromium_up ;;
  down) postgres_down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
