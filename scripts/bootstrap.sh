#!/usr/bin/env bash
# Installs everything `make demo` / `make test` need, and nothing twice.
#   scripts/bootstrap.sh demo   -> Python env, gettext, fonts
#   scripts/bootstrap.sh test   -> the same plus PostgreSQL 15, Chromium and npm packages
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-demo}"
PY="${PYTHON:-python3}"

need_debs=()
have() { command -v "$1" >/dev/null 2>&1; }
have msgfmt || need_debs+=(gettext)
[ -f /usr/share/fonts/truetype/noto/NotoSansBengali-Regular.ttf ] || need_debs+=(fonts-noto-core)
# WeasyPrint (certificates, receipts) draws text with Pango.
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || need_debs+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
if [ "$what" = test ]; then
  [ -x /usr/lib/postgresql/15/bin/initdb ] || need_debs+=(postgresql-15 postgresql-contrib-15)
  have chromium || need_debs+=(chromium)
  have npm || need_debs+=(npm)
fi
if [ "${#need_debs[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Debian packages: ${need_debs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # A fresh PostgreSQL package must not start its own cluster; ours are throwaway.
    mkdir -p /etc/postgresql-common && echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_debs[@]}" >/dev/null
  else
    echo "Missing Debian packages: ${need_debs[*]}. Install them (sudo apt-get install ${need_debs[*]}) or run as root." >&2
    exit 1
  fi
fi

# Python environment: reinstall only when pyproject.toml changes.
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  echo "Installing Python packages into .venv (pinned in pyproject.toml)…"
  .venv/bin/python -m pip install -q -e '.[dev]' 2>&1 | grep -vE "^WARNING: Location|BuildBackendWarning" || true
  .venv/bin/python -c "import django, sheba" || { echo "Python packages failed to install." >&2; exit 1; }
  rm -f .venv/.installed-* && touch "$stamp"
fi

if [ "$what" = test ]; then
  if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.stamp ]; then
    npm ci --no-audit --no-fund --loglevel=error
    touch node_modules/.stamp
  fi
fi

# Compile the bn/en catalogues (only those that changed).
.venv/bin/python manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules
