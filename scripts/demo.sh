#!/usr/bin/env bash
# make demo: everything on one machine with SQLite — migrations, demo data, the background
# worker, and the web server on 127.0.0.1:$PORT in the foreground. A second run reuses it all.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${1:-8000}"
scripts/bootstrap.sh demo
export SHEBA_ENV=dev
PY=.venv/bin/python
mkdir -p var
$PY manage.py migrate -v0
$PY manage.py createcachetable
$PY manage.py seed_demo
$PY manage.py seed_grievance_demo  # an overdue file for the complaint path (sheba/grievances)
$PY manage.py certificates_keygen --union 3506 --if-missing  # Paikkandi UP chairman's signing key
$PY manage.py seed_payments  # online fee collection at the demo UP; the front desk's cash float
$PY manage.py seed_billpay  # billers, the demo citizen's DESCO/Titas/WASA/PBS accounts (sheba/billpay)

$PY manage.py db_worker --interval 1 >var/worker.log 2>&1 &
worker=$!
# The national-ID register simulator (synthetic people) on its own port.
$PY -m sheba.identity.simulator --port "${SHEBA_NID_PORT:-8090}" >var/nid-simulator.log 2>&1 &
nid=$!
$PY -m sheba.payments.sandbox --port 8091 >var/payment-sandbox.log 2>&1 & pay=$!  # sandbox payment gateway
$PY -m sheba.billpay.simulator --port "${SHEBA_BILLER_PORT:-8092}" >var/biller-simulator.log 2>&1 & biller=$!  # synthetic billers
trap 'kill $worker $nid $pay $biller 2>/dev/null || true' EXIT INT TERM
echo
echo "Sheba is running: http://127.0.0.1:$PORT/   (SMS and e-mail: http://127.0.0.1:$PORT/notifications/outbox/)"
echo "Worker log: var/worker.log. Stop with Ctrl+C."
$PY manage.py runserver "127.0.0.1:$PORT" --noreload
