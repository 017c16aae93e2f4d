#!/usr/bin/env bash
# make bench: 100,000 citizens and 1,000,000 applications in a throwaway PostgreSQL, then every
# endpoint over HTTP through gunicorn with wrk, next to its ceiling. Not part of `make test`.
#   scripts/bench.sh [--quick] [--duration SECONDS] [--citizens N] [--applications N]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Debian package: wrk"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends wrk >/dev/null
  else
    echo "Missing Debian package: wrk. Install it (sudo apt-get install wrk) or run as root." >&2
    exit 1
  fi
fi
eval "$(scripts/pg.sh start)"
trap 'scripts/pg.sh stop "$SHEBA_PGDATA"' EXIT
# Production-like: DEBUG off, logging at WARNING; SHEBA_BENCH=1 mounts the ceiling views.
export SHEBA_ENV=test SHEBA_DEBUG=false SHEBA_BENCH=1 SHEBA_LOG_LEVEL=WARNING SHEBA_VAR_DIR="$SHEBA_PGDATA/var"
mkdir -p var "$SHEBA_VAR_DIR"
.venv/bin/python scripts/bench.py "$@"
