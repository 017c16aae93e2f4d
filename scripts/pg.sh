#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests and the benchmark.
#   eval "$(scripts/pg.sh start)"   -> exports DATABASE_URL and SHEBA_PGDATA
#   scripts/pg.sh stop "$SHEBA_PGDATA"
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
start)
  dir=$(mktemp -d /tmp/sheba-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_pg "$PGBIN/initdb" -D "$dir/data" -U sheba --auth=trust --locale=C.UTF-8 -E UTF8 >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o \
    "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null
  as_pg "$PGBIN/psql" -h "$dir" -p "$port" -U sheba -d template1 -qc 'CREATE EXTENSION IF NOT EXISTS pg_trgm' >/dev/null
  as_pg "$PGBIN/createdb" -h "$dir" -p "$port" -U sheba sheba
  echo "export SHEBA_PGDATA=$dir DATABASE_URL=postgres://sheba@127.0.0.1:$port/sheba"
  ;;
stop)
  dir="${2:?data directory}"
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
