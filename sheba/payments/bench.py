"""`make bench` plugin (see ``Harness`` in scripts/bench.py): starting a payment and handling an
IPN, over HTTP through the running gunicorn, each as a ratio to the bare-INSERT ceiling.

The sandbox gateway is started here, on the address the gunicorn's settings point at
(``SHEBA_PAYMENT_GATEWAY_URL``, by default 127.0.0.1:8091), with the same store credentials.
If that port is taken, both rows report the reason instead of a number.

* **start a payment** — the real «ফি পরিশোধ করুন» POST of the application page
  (``/payments/fee/<application>/``): the fee from the catalogue, a new intent with its
  idempotency key, audit row, LOCKED committed, the gateway's session API called over HTTP (no
  transaction open), PENDING committed, 302 to the payment page that links on to the hosted page. Each request pays for a
  different application (set-based: submitted applications given to one bench citizen, their
  office's fee switched to online collection).
* **handle an IPN** — the gateway's signed IPN POST for a payment the payer has just made:
  signature check, the Order Validation API called over HTTP, then one transaction (row lock,
  val_id recorded, PAID, event, audit, balanced ledger posting, the purpose's ``on_paid``, the
  payer's SMS in the outbox). Each request is a different payment, prepared set-based in the
  database and in the sandbox's books.
"""

from __future__ import annotations

import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

FEE_POISHA = 5_000
SPREAD = 89  # applications taken from every 89th id (other plugins take others)


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _start_sandbox(state: Path) -> subprocess.Popen[str] | str:
    from django.conf import settings

    url = urllib.parse.urlsplit(settings.SHEBA_PAYMENT_GATEWAY_URL)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    if not _port_free(host, port):
        return f"port {port} is taken: the sandbox gateway could not start"
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "sheba.payments.sandbox", "--host", host, "--port", str(port), "--state", str(state),
         "--store-id", settings.SHEBA_PAYMENT_STORE_ID, "--store-passwd", settings.SHEBA_PAYMENT_STORE_PASSWD],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if "http://" not in line:
        process.kill()
        return f"the sandbox gateway did not start: {line.strip()}"
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://{host}:{port}/healthz", timeout=1):  # noqa: S310
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    return "the sandbox gateway did not answer"


def _fee_requests(h: Any, count: int) -> list[tuple[str, str, str]]:
    """``count`` submitted applications of one bench citizen at offices collecting fees online."""
    from django.conf import settings

    from sheba.accounts.models import User, UserKind

    mobile = "+8801300000777"
    user = User.objects.filter(username=mobile).first() or User.objects.create_user(
        mobile, None, kind=UserKind.CITIZEN, mobile=mobile)
    salt = secrets.randbelow(SPREAD)
    h.sql(
        """
        WITH picked AS (
            SELECT a.id FROM applications_application a
            WHERE a.status = 'submitted' AND a.id %% %(spread)s = %(salt)s
              AND NOT EXISTS (SELECT 1 FROM payments_paymentintent p WHERE p.reference = a.public_id::text)
            ORDER BY a.id LIMIT %(count)s
        )
        UPDATE applications_application a SET applicant_id = %(user)s FROM picked WHERE a.id = picked.id
        """,
        {"spread": SPREAD, "salt": salt, "count": count, "user": user.pk},
    )
    h.sql(
        """
        INSERT INTO catalog_servicefee (service_id, office_id, amount_poisha, online_collection_enabled, note_bn,
            source_url)
        SELECT DISTINCT a.service_id, a.office_id, %(fee)s, true, '', ''
        FROM applications_application a WHERE a.applicant_id = %(user)s
        ON CONFLICT (service_id, office_id) DO UPDATE SET amount_poisha = %(fee)s, online_collection_enabled = true
        """,
        {"fee": FEE_POISHA, "user": user.pk},
    )
    rows = h.one("SELECT array_agg(public_id::text) FROM applications_application WHERE applicant_id = %s"
                 " AND status = 'submitted'", [user.pk])[0] or []
    secret, token = h.csrf_pair()
    cookie = f"{settings.SESSION_COOKIE_NAME}={h.session_cookie(user)}; {settings.CSRF_COOKIE_NAME}={secret}"
    return [
        (f"/payments/fee/{public_id}/",
         urllib.parse.urlencode({"csrfmiddlewaretoken": token, "idempotency_key": secrets.token_urlsafe(16)}), cookie)
        for public_id in rows
    ]


def _ipn_requests(h: Any, state: Path, count: int) -> list[tuple[str, str, None]]:
    """``count`` pending fee payments that the payer has just paid at the sandbox, and their IPNs."""
    from django.conf import settings

    from sheba.payments.gateways import protocol
    from sheba.payments.sandbox import SCHEMA, Gateway

    run = secrets.token_hex(3).upper()
    h.sql(
        """
        INSERT INTO payments_paymentintent (public_id, purpose, reference, amount_poisha, currency, description,
            payer_mobile, channel, status, gateway, tran_id, session_key, gateway_url, bank_tran_id, card_type,
            hold_reason, refunded_poisha, created_at, updated_at, locked_at)
        SELECT gen_random_uuid(), 'application_fee', gen_random_uuid()::text, %(fee)s, 'BDT', 'bench fee',
            '+8801300000778', 'gateway', 'pending', 'sandbox', 'SHBB' || %(run)s || lpad(g::text, 8, '0'), '', '',
            '', '', '', 0, now(), now(), now()
        FROM generate_series(1, %(count)s) g
        """,
        {"fee": FEE_POISHA, "run": run, "count": count},
    )
    db = sqlite3.connect(state)
    db.executescript(SCHEMA)
    now = time.strftime("%Y-%m-%d %H:%M:%S")
    db.executemany(
        "INSERT INTO session (tran_id, sessionkey, amount, currency, status, val_id, bank_tran_id, card_type,"
        " reported_amount, reported_currency, risk_level, created_at, tran_date) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(f"SHBB{run}{i:08d}", f"BENCH{run}{i:08d}", FEE_POISHA, "BDT", "VALID", f"BV{run}{i:08d}",
          f"BT{run}{i:08d}", "BKASH-BKash", FEE_POISHA, "BDT", 0, now, now) for i in range(1, count + 1)],
    )
    db.commit()
    gateway = Gateway(state, store_id=settings.SHEBA_PAYMENT_STORE_ID, store_passwd=settings.SHEBA_PAYMENT_STORE_PASSWD,
                      admin_token="", public_url="http://unused")
    rows = db.execute("SELECT tran_id FROM session WHERE tran_id LIKE ? ORDER BY tran_id", (f"SHBB{run}%",)).fetchall()
    db.close()
    requests = []
    with gateway.db() as conn:
        for (tran_id,) in rows:
            row = conn.execute("SELECT * FROM session WHERE tran_id=?", (tran_id,)).fetchone()
            requests.append(("/payments/gateway/ipn/", urllib.parse.urlencode(gateway.ipn_fields(row)), None))
    assert protocol.signature_valid(dict(urllib.parse.parse_qsl(requests[0][1])), settings.SHEBA_PAYMENT_STORE_PASSWD)
    return requests


def _measure(h: Any, name: str, requests: list[tuple], runs: int, **options: Any) -> dict:
    """Warm-up and ``runs`` runs, each on requests never sent before (a repeat would be a no-op)."""
    size = len(requests) // (runs + 1)
    h.wrk(f"{name} (warm-up)", requests[:size], warm_up=False, wrap=False, **options)
    repeat, h.repeat = h.repeat, 1
    try:
        results = [h.wrk(name, requests[size * (i + 1): size * (i + 2)], warm_up=False, wrap=False, **options)
                   for i in range(runs)]
    finally:
        h.repeat = repeat
    best = max(results, key=lambda r: r["rps"])
    best["errors"] = sum(r["errors"] for r in results)
    return best


def run(h: Any) -> list[dict]:
    duration = h.load["duration"]
    runs = max(1, h.repeat)
    with tempfile.TemporaryDirectory(prefix="sheba-bench-pay-") as directory:
        state = Path(directory) / "sandbox.sqlite3"
        per_run_start = int(max(1500, 400 * duration) * 1.5)
        per_run_ipn = int(max(2000, 600 * duration) * 1.5)
        start_requests = _fee_requests(h, per_run_start * (runs + 1))
        ipn_requests = _ipn_requests(h, state, per_run_ipn * (runs + 1))
        sandbox = _start_sandbox(state)
        if isinstance(sandbox, str):
            return [{"endpoint": name, "result": "not measured", "goal": sandbox, "met": False, "hard": False}
                    for name in ("start a payment", "handle an IPN")]
        try:
            post = {"method": "POST", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}
            h.check_one(h.server, start_requests[-1][0], expect=302, cookie=start_requests[-1][2],
                        body=start_requests[-1][1])
            started = _measure(h, "start a payment", start_requests[:-1], runs, expect=302,
                               location=r"^/payments/[%x%-]+/$", **post)
            h.check_one(h.server, ipn_requests[-1][0], expect=200, body=ipn_requests[-1][1])
            ipn = _measure(h, "handle an IPN", ipn_requests[:-1], runs, expect=200, **post)
            paid = h.one("SELECT count(*) FROM payments_paymentintent WHERE tran_id LIKE 'SHBB%%'"
                         " AND status = 'paid'")[0]
        finally:
            sandbox.terminate()
            sandbox.wait(timeout=10)
    ipn["db_paid"] = paid
    return [
        {"endpoint": "start a payment (intent + gateway session over HTTP)", **started, "ceiling": "bare INSERT",
         "goal": "≥ 30 %", "goal_ratio": 0.30},
        {"endpoint": "handle an IPN (signature, validation API, PAID + ledger)", **ipn, "ceiling": "bare INSERT",
         "goal": "≥ 30 %", "goal_ratio": 0.30},
    ]
