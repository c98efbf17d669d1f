#!/usr/bin/env bash
# Services the test suite uses for real: Debian's chromium (browser tests) and a
# PostgreSQL server (store tests run on SQLite and on PostgreSQL).
# Installs what is missing (needs root and apt, as on the project's machines and CI),
# starts PostgreSQL, and prints the test database URL on stdout as its last line.
set -euo pipefail

log() { echo "test-services: $*" >&2; }

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]} (Debian packages)"
  if [ "$(id -u)" != 0 ]; then
    log "need root to install ${need[*]}; install them and run again"; exit 1
  fi
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_DATA=${RENSHE_PG_DATA:-/tmp/renshe-pg}
PG_PORT=${RENSHE_PG_PORT:-55432}
if [ ! -f "$PG_DATA/PG_VERSION" ]; then
  mkdir -p "$PG_DATA"
  chown postgres:postgres "$PG_DATA" 2>/dev/null || true
  run_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
  run_pg "$PG_BIN/initdb -D $PG_DATA -U postgres --auth=trust -E UTF8 >/dev/null"
fi
run_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
if ! run_pg "$PG_BIN/pg_ctl -D $PG_DATA status" >/dev/null 2>&1; then
  # a server of an earlier run that was killed leaves its lock file behind
  rm -f "$PG_DATA/postmaster.pid" /tmp/.s.PGSQL.$PG_PORT /tmp/.s.PGSQL.$PG_PORT.lock
  log "starting PostgreSQL on port $PG_PORT"
  run_pg "$PG_BIN/pg_ctl -D $PG_DATA -o '-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1' -l $PG_DATA/server.log -w start" >&2
fi
for _ in $(seq 1 30); do
  "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q && break
  if ! run_pg "$PG_BIN/pg_ctl -D $PG_DATA status" >/dev/null 2>&1; then
    rm -f "$PG_DATA/postmaster.pid"
    run_pg "$PG_BIN/pg_ctl -D $PG_DATA -o '-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1' -l $PG_DATA/server.log -w start" >&2 || true
  fi
  sleep 1
done
"$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q || { log "PostgreSQL did not start (see $PG_DATA/server.log)"; exit 1; }
echo "postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
