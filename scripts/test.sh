#!/usr/bin/env bash
# make test: install what is missing, start a throwaway PostgreSQL, run every test, stop it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
eval "$(scripts/pg.sh start)"
trap 'scripts/pg.sh stop "$SHEBA_PGDATA"' EXIT
export SHEBA_ENV=test SHEBA_VAR_DIR="$SHEBA_PGDATA/var"
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || { echo "Missing migrations: run manage.py makemigrations" >&2; exit 1; }
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
