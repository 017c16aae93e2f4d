"""A sandbox payment gateway speaking the SSLCommerz protocol, as its own HTTP service.

    python -m sheba.payments.sandbox --port 8091 [--state var/payment-sandbox.sqlite3]

Stdlib only (http.server + sqlite3); its state survives restarts in the SQLite file.

* ``POST /gwprocess/v4/api.php`` — create a session (``store_id``, ``store_passwd``,
  ``total_amount``, ``currency``, ``tran_id``, ``success_url``, ``fail_url``, ``cancel_url``,
  ``ipn_url`` …) → ``{"status": "SUCCESS", "sessionkey", "GatewayPageURL"}``. The same tran_id
  with the same amount gives the same session (a retried checkout).
* ``GET /pay/<sessionkey>`` — the hosted payment page (Bengali and English, no JavaScript): the
  payer picks card, bKash, Nagad, Rocket or internet banking and pays, fails or cancels.
  The payer is then sent back (303) to the shop's success/fail/cancel URL with ``tran_id``,
  ``val_id`` and ``status``, and the signed IPN is POSTed to ``ipn_url``.
* ``GET /validator/api/validationserverAPI.php?val_id=…`` — Order Validation API (VALID the
  first time, VALIDATED after; INVALID_TRANSACTION for an unknown val_id).
* ``GET /validator/api/merchantTransIDvalidationAPI.php?tran_id=…`` — transaction query;
  with ``bank_tran_id`` + ``refund_amount`` + ``refe_id`` — the refund API (idempotent per
  refe_id; never more than what remains); with ``refund_ref_id`` — refund status.
* ``GET /settlement/report.csv?date=YYYY-MM-DD`` — the day's settled transactions (CSV).
* ``POST /_sim/fault`` (header ``X-Sim-Admin: <token>``, JSON) — fault switches:
  ``timeout`` (seconds to stall, on the APIs listed in ``timeout_on``), ``drop`` (APIs whose
  answer is dropped after the work is done), ``duplicate_ipn`` (extra copies), ``late_ipn``
  (seconds to wait before the IPN, after the payer is sent back), ``no_ipn``, ``amount_delta``
  (poisha added to the amount reported), ``currency`` (currency reported), ``risk`` (risk_level).
  ``POST /_sim/reset`` clears them, ``POST /_sim/wipe`` empties the books; ``POST /_sim/tamper`` changes the books for reconciliation
  tests (``{"action": "forget"|"amount"|"add", …}``); ``GET /_sim/ipn-log`` lists IPNs sent.
  The same switches can be given at start as ``--fault name=value``.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import os
import secrets
import sqlite3
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sheba.payments.gateways import protocol

DEMO_STORE_ID = "sheba-demo"
DEMO_STORE_PASSWD = "sheba-demo-store-passwd"  # noqa: S105 - the sandbox's demo credential
DHAKA = timezone(timedelta(hours=6))
MAX_BODY = 32 * 1024
APIS = ("session", "validate", "query", "refund", "settlement")
DEFAULT_FAULTS: dict[str, Any] = {
    "timeout": 0.0, "timeout_on": [], "drop": [], "duplicate_ipn": 0, "late_ipn": 0.0, "no_ipn": False,
    "amount_delta": 0, "currency": "", "risk": 0,
}
METHODS = [
    ("card", "VISA-Dutch Bangla", "কার্ড (ভিসা/মাস্টারকার্ড)", "Card (Visa/Mastercard)"),
    ("bkash", "BKASH-BKash", "বিকাশ", "bKash"),
    ("nagad", "NAGAD-Nagad", "নগদ", "Nagad"),
    ("rocket", "DBBLMOBILEB-Dbbl Mobile Banking", "রকেট", "Rocket"),
    ("ibanking", "IBBL-Islami Bank", "ইন্টারনেট ব্যাংকিং", "Internet banking"),
]
SCHEMA = """
CREATE TABLE IF NOT EXISTS session (
    tran_id TEXT PRIMARY KEY, sessionkey TEXT UNIQUE NOT NULL, amount INTEGER NOT NULL, currency TEXT NOT NULL,
    success_url TEXT, fail_url TEXT, cancel_url TEXT, ipn_url TEXT, product_name TEXT,
    status TEXT NOT NULL DEFAULT 'PENDING', val_id TEXT UNIQUE, bank_tran_id TEXT UNIQUE, card_type TEXT,
    reported_amount INTEGER, reported_currency TEXT, risk_level INTEGER DEFAULT 0, validated INTEGER DEFAULT 0,
    refunded INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, tran_date TEXT
);
CREATE TABLE IF NOT EXISTS refund (
    refe_id TEXT PRIMARY KEY, bank_tran_id TEXT NOT NULL, amount INTEGER NOT NULL, status TEXT NOT NULL,
    refund_ref_id TEXT NOT NULL, reason TEXT, at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS setting (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ipn_log (id INTEGER PRIMARY KEY AUTOINCREMENT, tran_id TEXT, at TEXT, http_status INTEGER);
"""


def _now() -> datetime:
    return datetime.now(UTC)


class Gateway:
    """The sandbox's books (SQLite) and switches, shared by every request thread."""

    def __init__(self, state: Path, *, store_id: str, store_passwd: str, admin_token: str, public_url: str) -> None:
        self.path = state
        self.store_id, self.store_passwd, self.admin_token = store_id, store_passwd, admin_token
        self.public_url = public_url.rstrip("/")
        self.lock = threading.RLock()
        state.parent.mkdir(parents=True, exist_ok=True)
        with self.db() as db:
            db.executescript(SCHEMA)

    def db(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA journal_mode=WAL")
        return connection

    # -- switches -----------------------------------------------------------------------------
    def faults(self) -> dict[str, Any]:
        with self.db() as db:
            row = db.execute("SELECT value FROM setting WHERE name='faults'").fetchone()
        return {**DEFAULT_FAULTS, **(json.loads(row["value"]) if row else {})}

    def set_faults(self, changes: dict[str, Any]) -> dict[str, Any]:
        unknown = set(changes) - set(DEFAULT_FAULTS)
        if unknown:
            raise ValueError(f"unknown fault switches: {', '.join(sorted(unknown))}")
        with self.lock:
            faults = {**self.faults(), **changes}
            with self.db() as db:
                db.execute("INSERT OR REPLACE INTO setting (name, value) VALUES ('faults', ?)", (json.dumps(faults),))
        return faults

    def reset_faults(self) -> None:
        with self.lock, self.db() as db:
            db.execute("DELETE FROM setting WHERE name='faults'")

    def wipe(self) -> None:
        """Forget every session, refund and IPN (tests start each from empty books)."""
        with self.lock, self.db() as db:
            db.execute("DELETE FROM session")
            db.execute("DELETE FROM refund")
            db.execute("DELETE FROM ipn_log")

    def credentials_ok(self, data: dict[str, str]) -> bool:
        import hmac

        return hmac.compare_digest(data.get("store_id", ""), self.store_id) and hmac.compare_digest(
            data.get("store_passwd", ""), self.store_passwd)

    # -- sessions ---------------------------------------------------------------------------
    def create_session(self, data: dict[str, str]) -> dict[str, Any]:
        if not self.credentials_ok(data):
            return {"status": "FAILED", "failedreason": "Store Credential Error Or Store is De-active"}
        amount = protocol.poisha_from_text(data.get("total_amount", ""))
        tran_id = data.get("tran_id", "")
        if amount is None or amount < 1000 or amount > 50_000_000:  # 10.00 to 500000.00 taka
            return {"status": "FAILED", "failedreason": "Invalid total_amount"}
        if not tran_id or len(tran_id) > 30:
            return {"status": "FAILED", "failedreason": "Invalid tran_id"}
        if data.get("currency", "") != "BDT":
            return {"status": "FAILED", "failedreason": "Invalid currency"}
        for name in ("success_url", "fail_url", "cancel_url", "ipn_url"):
            if not data.get(name, "").startswith(("http://", "https://")):
                return {"status": "FAILED", "failedreason": f"Invalid {name}"}
        with self.lock, self.db() as db:
            row = db.execute("SELECT * FROM session WHERE tran_id=?", (tran_id,)).fetchone()
            if row is not None:
                if row["amount"] != amount:
                    return {"status": "FAILED", "failedreason": "Duplicate tran_id with another amount"}
                key = row["sessionkey"]
            else:
                key = secrets.token_hex(16).upper()
                db.execute(
                    "INSERT INTO session (tran_id, sessionkey, amount, currency, success_url, fail_url, cancel_url,"
                    " ipn_url, product_name, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (tran_id, key, amount, "BDT", data["success_url"], data["fail_url"], data["cancel_url"],
                     data["ipn_url"], data.get("product_name", "")[:100], _now().isoformat()),
                )
        return {"status": "SUCCESS", "failedreason": "", "sessionkey": key,
                "GatewayPageURL": f"{self.public_url}/pay/{key}"}

    def session_by_key(self, key: str) -> sqlite3.Row | None:
        with self.db() as db:
            return db.execute("SELECT * FROM session WHERE sessionkey=?", (key,)).fetchone()

    def complete(self, key: str, method: str, outcome: str) -> sqlite3.Row | None:
        """The payer pays, fails or cancels on the hosted page. Only a PENDING session changes."""
        faults = self.faults()
        card_type = next((m[1] for m in METHODS if m[0] == method), "")
        with self.lock, self.db() as db:
            row = db.execute("SELECT * FROM session WHERE sessionkey=?", (key,)).fetchone()
            if row is None or row["status"] != "PENDING":
                return row
            now = _now().astimezone(DHAKA).strftime("%Y-%m-%d %H:%M:%S")
            if outcome == "success" and card_type:
                db.execute(
                    "UPDATE session SET status='VALID', val_id=?, bank_tran_id=?, card_type=?, reported_amount=?,"
                    " reported_currency=?, risk_level=?, tran_date=? WHERE sessionkey=?",
                    (secrets.token_hex(10) + str(int(time.time())), "BT" + secrets.token_hex(8).upper(), card_type,
                     row["amount"] + int(faults["amount_delta"]), faults["currency"] or "BDT", int(faults["risk"]),
                     now, key),
                )
            else:
                status = "CANCELLED" if outcome == "cancel" else "FAILED"
                db.execute("UPDATE session SET status=?, card_type=?, tran_date=? WHERE sessionkey=?",
                           (status, card_type, now, key))
            return db.execute("SELECT * FROM session WHERE sessionkey=?", (key,)).fetchone()

    # -- what the gateway reports -------------------------------------------------------------
    def element(self, row: sqlite3.Row) -> dict[str, Any]:
        amount = row["reported_amount"] if row["reported_amount"] is not None else row["amount"]
        currency = row["reported_currency"] or "BDT"
        return {
            "status": row["status"], "tran_date": row["tran_date"] or "", "tran_id": row["tran_id"],
            "val_id": row["val_id"] or "", "amount": protocol.taka_text(amount),
            "store_amount": protocol.taka_text(amount - amount * 2 // 100), "currency": "BDT",
            "bank_tran_id": row["bank_tran_id"] or "", "card_type": row["card_type"] or "",
            "currency_type": currency, "currency_amount": protocol.taka_text(amount),
            "risk_level": str(row["risk_level"] or 0), "risk_title": "Safe" if not row["risk_level"] else "Risky",
            "refunded_amount": protocol.taka_text(row["refunded"]),
        }

    def validate(self, data: dict[str, str]) -> dict[str, Any]:
        if not self.credentials_ok(data):
            return {"status": "INVALID_TRANSACTION", "error": "store credentials"}
        with self.lock, self.db() as db:
            row = db.execute("SELECT * FROM session WHERE val_id=?", (data.get("val_id", ""),)).fetchone()
            if row is None or row["status"] not in ("VALID", "REFUNDED"):
                return {"status": "INVALID_TRANSACTION"}
            answer = self.element(row)
            answer["status"] = "VALIDATED" if row["validated"] else "VALID"
            db.execute("UPDATE session SET validated=1 WHERE tran_id=?", (row["tran_id"],))
        return answer

    def query(self, data: dict[str, str]) -> dict[str, Any]:
        if not self.credentials_ok(data):
            return {"APIConnect": "INVALID_REQUEST"}
        with self.db() as db:
            rows = db.execute("SELECT * FROM session WHERE tran_id=?", (data.get("tran_id", ""),)).fetchall()
        elements = [self.element(r) for r in rows]
        return {"APIConnect": "DONE", "no_of_trans_found": len(elements), "element": elements}

    def refund(self, data: dict[str, str]) -> dict[str, Any]:
        if not self.credentials_ok(data):
            return {"APIConnect": "INVALID_REQUEST"}
        refe_id = data.get("refe_id", "")
        amount = protocol.poisha_from_text(data.get("refund_amount", ""))
        bank_tran_id = data.get("bank_tran_id", "")
        base = {"APIConnect": "DONE", "bank_tran_id": bank_tran_id}
        if not refe_id or amount is None or amount <= 0:
            return {**base, "status": "failed", "errorReason": "refund_amount and refe_id are required"}
        with self.lock, self.db() as db:
            done = db.execute("SELECT * FROM refund WHERE refe_id=?", (refe_id,)).fetchone()
            if done is not None:  # the same refund asked again: the same answer
                return {**base, "status": done["status"], "refund_ref_id": done["refund_ref_id"], "errorReason": ""}
            row = db.execute("SELECT * FROM session WHERE bank_tran_id=?", (bank_tran_id,)).fetchone()
            if row is None or row["status"] not in ("VALID", "REFUNDED"):
                return {**base, "status": "failed", "errorReason": "no such captured transaction"}
            captured = row["reported_amount"] if row["reported_amount"] is not None else row["amount"]
            if row["refunded"] + amount > captured:
                return {**base, "status": "failed", "errorReason": "refund exceeds the remaining amount"}
            ref = "RF" + secrets.token_hex(8).upper()
            db.execute("INSERT INTO refund (refe_id, bank_tran_id, amount, status, refund_ref_id, reason, at)"
                       " VALUES (?,?,?,?,?,?,?)", (refe_id, bank_tran_id, amount, "success", ref,
                                                   data.get("refund_remarks", "")[:200], _now().isoformat()))
            db.execute("UPDATE session SET refunded=refunded+? WHERE tran_id=?", (amount, row["tran_id"]))
        return {**base, "status": "success", "refund_ref_id": ref, "errorReason": ""}

    def refund_status(self, data: dict[str, str]) -> dict[str, Any]:
        if not self.credentials_ok(data):
            return {"APIConnect": "INVALID_REQUEST"}
        with self.db() as db:
            row = db.execute("SELECT * FROM refund WHERE refund_ref_id=?", (data.get("refund_ref_id", ""),)).fetchone()
        if row is None:
            return {"APIConnect": "DONE", "status": "failed", "errorReason": "unknown refund_ref_id"}
        return {"APIConnect": "DONE", "status": "refunded", "refund_ref_id": row["refund_ref_id"],
                "bank_tran_id": row["bank_tran_id"], "initiated_on": row["at"], "refunded_on": row["at"]}

    def settlement(self, day: str) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["tran_id", "val_id", "bank_tran_id", "amount", "currency", "status", "refunded_amount",
                         "tran_date"])
        with self.db() as db:
            rows = db.execute("SELECT * FROM session WHERE status IN ('VALID') AND substr(tran_date, 1, 10)=?"
                              " ORDER BY tran_date, tran_id", (day,)).fetchall()
        for row in rows:
            e = self.element(row)
            writer.writerow([e["tran_id"], e["val_id"], e["bank_tran_id"], e["amount"], e["currency_type"],
                             "REFUNDED" if row["refunded"] else "VALID", e["refunded_amount"], e["tran_date"]])
        return out.getvalue()

    def tamper(self, data: dict[str, Any]) -> dict[str, Any]:
        action = data.get("action")
        with self.lock, self.db() as db:
            if action == "forget":
                db.execute("DELETE FROM session WHERE tran_id=?", (data["tran_id"],))
            elif action == "amount":
                db.execute("UPDATE session SET reported_amount=? WHERE tran_id=?",
                           (int(data["amount_poisha"]), data["tran_id"]))
            elif action == "add":
                day = data.get("tran_date") or _now().astimezone(DHAKA).strftime("%Y-%m-%d %H:%M:%S")
                db.execute(
                    "INSERT INTO session (tran_id, sessionkey, amount, currency, status, val_id, bank_tran_id,"
                    " card_type, created_at, tran_date) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (data["tran_id"], secrets.token_hex(16), int(data["amount_poisha"]), "BDT", "VALID",
                     secrets.token_hex(12), "BT" + secrets.token_hex(8).upper(), "BKASH-BKash",
                     _now().isoformat(), day))
            else:
                raise ValueError("action must be forget, amount or add")
        return {"ok": True}

    # -- IPN ------------------------------------------------------------------------------------
    def ipn_fields(self, row: sqlite3.Row) -> dict[str, str]:
        fields = {k: str(v) for k, v in self.element(row).items() if k != "refunded_amount"}
        fields.update({"card_no": "", "card_issuer": "", "card_brand": "", "store_id": self.store_id})
        return {**fields, **protocol.sign(fields, self.store_passwd)}

    def send_ipn(self, row: sqlite3.Row) -> None:
        faults = self.faults()
        if faults["no_ipn"] or not row["ipn_url"]:
            return
        copies = 1 + int(faults["duplicate_ipn"])
        delay = float(faults["late_ipn"])
        body = urllib.parse.urlencode(self.ipn_fields(row)).encode()
        url, tran_id = row["ipn_url"], row["tran_id"]

        def deliver() -> None:
            if delay:
                time.sleep(delay)
            for _copy in range(copies):
                status = 0
                for _attempt in range(3):
                    try:
                        request = urllib.request.Request(  # noqa: S310 - the shop's own ipn_url
                            url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
                        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                            status = response.status
                    except urllib.error.HTTPError as exc:
                        status = exc.code
                    except (urllib.error.URLError, OSError):
                        status = 0
                    if status == 200 or 400 <= status < 500:
                        break
                    time.sleep(0.2)
                with self.db() as db:
                    db.execute("INSERT INTO ipn_log (tran_id, at, http_status) VALUES (?,?,?)",
                               (tran_id, _now().isoformat(), status))

        threading.Thread(target=deliver, daemon=True).start()

    def ipn_log(self) -> list[dict[str, Any]]:
        with self.db() as db:
            return [dict(r) for r in db.execute("SELECT tran_id, at, http_status FROM ipn_log ORDER BY id")]


PAGE_CSS = (
    "body{font-family:'Noto Sans Bengali','Noto Sans',sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;"
    "color:#111}fieldset{border:1px solid #888;padding:1rem}label{display:block;padding:.4rem 0}"
    "button{font-size:1rem;padding:.6rem 1rem;margin:.3rem .3rem 0 0}.en{color:#333}"
)


def page(title: str, body: str) -> bytes:
    return (
        f'<!doctype html><html lang="bn"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{PAGE_CSS}</style></head>"
        f"<body><main>{body}</main></body></html>"
    ).encode()


def payment_page(row: sqlite3.Row, error: str = "") -> bytes:
    amount = protocol.taka_text(row["amount"])
    options = "".join(
        f'<label><input type="radio" name="method" value="{code}"{" checked" if i == 1 else ""}> '
        f'{bn} <span lang="en" class="en">({en})</span></label>'
        for i, (code, _card, bn, en) in enumerate(METHODS)
    )
    warning = f'<p role="alert">{html.escape(error)}</p>' if error else ""
    body = (
        '<h1>স্যান্ডবক্স পেমেন্ট গেটওয়ে <span lang="en" class="en">(Sandbox payment gateway)</span></h1>'
        f"<p>পরিশোধ করবেন <strong>৳ {html.escape(amount)}</strong> "
        f'<span lang="en" class="en">(you pay Tk {html.escape(amount)})</span> — {html.escape(row["product_name"] or "")}</p>'
        f"{warning}"
        f'<form method="post" action="/pay/{html.escape(row["sessionkey"])}">'
        f'<fieldset><legend>পরিশোধের মাধ্যম বেছে নিন <span lang="en" class="en">(Choose how to pay)</span></legend>'
        f"{options}</fieldset>"
        '<p><button type="submit" name="outcome" value="success">পরিশোধ করুন <span lang="en">(Pay)</span></button>'
        '<button type="submit" name="outcome" value="fail">ব্যর্থ করুন <span lang="en">(Fail)</span></button>'
        '<button type="submit" name="outcome" value="cancel">বাতিল করুন <span lang="en">(Cancel)</span></button></p>'
        "</form><p>এটি একটি পরীক্ষামূলক গেটওয়ে; কোনো টাকা কাটা হয় না। "
        '<span lang="en" class="en">This is a test gateway; no money moves.</span></p>'
    )
    return page("পেমেন্ট — Payment", body)


class Handler(BaseHTTPRequestHandler):
    server_version = "ShebaPaymentSandbox/1"
    gateway: Gateway  # set on the subclass made by make_handler

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        if os.environ.get("SHEBA_PAYMENT_SANDBOX_LOG"):
            super().log_message(format, *args)

    # -- plumbing -------------------------------------------------------------------------------
    def _body(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return None
        if length < 0 or length > MAX_BODY:
            return None
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    def _fault(self, api: str) -> bool:
        """Apply the switches for ``api`` before answering; True when the answer must be dropped."""
        faults = self.gateway.faults()
        if faults["timeout"] and api in faults["timeout_on"]:
            time.sleep(float(faults["timeout"]))
        return api in faults["drop"]

    def _drop(self) -> None:
        self.close_connection = True

    def _form(self, raw: bytes) -> dict[str, str]:
        return {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True).items()}

    def _admin(self) -> bool:
        import hmac

        token = self.headers.get("X-Sim-Admin", "")
        return bool(self.gateway.admin_token) and hmac.compare_digest(token, self.gateway.admin_token)

    # -- routes ---------------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        url = urllib.parse.urlsplit(self.path)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
        gw = self.gateway
        if url.path == "/healthz":
            return self._json(200, {"ok": True, "faults": gw.faults()})
        if url.path.startswith("/pay/"):
            row = gw.session_by_key(url.path[5:])
            if row is None:
                return self._send(404, page("Not found", "<h1>সেশন পাওয়া যায়নি (No such session)</h1>"),
                                  "text/html; charset=utf-8")
            if row["status"] != "PENDING":
                return self._return_payer(row)
            return self._send(200, payment_page(row), "text/html; charset=utf-8")
        if url.path == protocol.VALIDATION_PATH:
            drop = self._fault("validate")
            answer = gw.validate(query)
            return self._drop() if drop else self._json(200, answer)
        if url.path == protocol.QUERY_PATH:
            if "bank_tran_id" in query and "refund_amount" in query:
                drop = self._fault("refund")
                answer = gw.refund(query)
            elif "refund_ref_id" in query:
                drop, answer = False, gw.refund_status(query)
            else:
                drop = self._fault("query")
                answer = gw.query(query)
            return self._drop() if drop else self._json(200, answer)
        if url.path == protocol.SETTLEMENT_PATH:
            if not gw.credentials_ok(query):
                return self._json(403, {"error": "store credentials"})
            if self._fault("settlement"):
                return self._drop()
            try:
                day = datetime.strptime(query.get("date", ""), "%Y-%m-%d").date().isoformat()  # noqa: DTZ007
            except ValueError:
                return self._json(400, {"error": "date must be YYYY-MM-DD"})
            return self._send(200, gw.settlement(day).encode(), "text/csv; charset=utf-8")
        if url.path == "/_sim/ipn-log" and self._admin():
            return self._json(200, gw.ipn_log())
        return self._json(404, {"error": "no_such_endpoint"})

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        url = urllib.parse.urlsplit(self.path)
        raw = self._body()
        if raw is None:
            return self._json(400, {"error": "body size"})
        gw = self.gateway
        if url.path == protocol.SESSION_PATH:
            drop = self._fault("session")
            answer = gw.create_session(self._form(raw))
            return self._drop() if drop else self._json(200, answer)
        if url.path.startswith("/pay/"):
            key = url.path[5:]
            form = self._form(raw)
            row = gw.session_by_key(key)
            if row is None:
                return self._send(404, page("Not found", "<h1>সেশন পাওয়া যায়নি (No such session)</h1>"),
                                  "text/html; charset=utf-8")
            outcome = form.get("outcome", "")
            method = form.get("method", "")
            if outcome not in ("success", "fail", "cancel") or (outcome == "success" and method not in
                                                                 [m[0] for m in METHODS]):
                return self._send(400, payment_page(row, "একটি মাধ্যম বেছে নিন। (Choose a way to pay.)"),
                                  "text/html; charset=utf-8")
            was_pending = row["status"] == "PENDING"
            row = gw.complete(key, method, outcome)
            assert row is not None
            if was_pending and row["status"] != "PENDING":
                gw.send_ipn(row)
            return self._return_payer(row)
        if url.path.startswith("/_sim/"):
            if not self._admin():
                return self._json(403, {"error": "forbidden"})
            try:
                data = json.loads(raw or b"{}")
                if not isinstance(data, dict):
                    raise ValueError("a JSON object, please")
                if url.path == "/_sim/fault":
                    return self._json(200, gw.set_faults(data))
                if url.path == "/_sim/reset":
                    gw.reset_faults()
                    return self._json(200, gw.faults())
                if url.path == "/_sim/wipe":
                    gw.wipe()
                    return self._json(200, {"ok": True})
                if url.path == "/_sim/tamper":
                    return self._json(200, gw.tamper(data))
            except (ValueError, KeyError, TypeError, sqlite3.Error) as exc:
                return self._json(400, {"error": str(exc)})
        return self._json(404, {"error": "no_such_endpoint"})

    def _return_payer(self, row: sqlite3.Row) -> None:
        """Send the payer back to the shop (303), as SSLCommerz does after the hosted page."""
        target = {"VALID": row["success_url"], "REFUNDED": row["success_url"], "FAILED": row["fail_url"],
                  "CANCELLED": row["cancel_url"]}.get(row["status"]) or row["fail_url"]
        params = {"tran_id": row["tran_id"], "status": row["status"], "val_id": row["val_id"] or "",
                  "amount": protocol.taka_text(row["amount"])}
        location = f"{target}{'&' if '?' in target else '?'}{urllib.parse.urlencode(params)}"
        self._send(303, page("…", f'<p><a href="{html.escape(location)}">ফিরে যান (Return)</a></p>'),
                   "text/html; charset=utf-8", {"Location": location})


def make_server(gateway: Gateway, host: str, port: int) -> ThreadingHTTPServer:
    handler = type("BoundHandler", (Handler,), {"gateway": gateway})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def _parse_fault(text: str) -> tuple[str, Any]:
    name, _, value = text.partition("=")
    default = DEFAULT_FAULTS.get(name)
    if default is None:
        raise argparse.ArgumentTypeError(f"unknown fault {name!r}")
    if isinstance(default, list):
        return name, [v for v in value.split(",") if v]
    if isinstance(default, bool):
        return name, value.lower() in {"1", "true", "yes", "on"}
    if isinstance(default, (int, float)):
        return name, type(default)(value)
    return name, value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Sheba's sandbox payment gateway (SSLCommerz protocol).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8091)
    parser.add_argument("--state", type=Path, default=Path(os.environ.get("SHEBA_PAYMENT_SANDBOX_STATE")
                                                           or "var/payment-sandbox.sqlite3"))
    parser.add_argument("--store-id", default=os.environ.get("SHEBA_PAYMENT_STORE_ID") or DEMO_STORE_ID)
    parser.add_argument("--store-passwd", default=os.environ.get("SHEBA_PAYMENT_STORE_PASSWD") or DEMO_STORE_PASSWD)
    parser.add_argument("--admin-token", default=os.environ.get("SHEBA_PAYMENT_SANDBOX_ADMIN_TOKEN", ""))
    parser.add_argument("--public-url", default="", help="the URL payers' browsers reach this service at")
    parser.add_argument("--fault", action="append", type=_parse_fault, default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)
    server_holder: list[ThreadingHTTPServer] = []
    gateway = Gateway(args.state, store_id=args.store_id, store_passwd=args.store_passwd,
                      admin_token=args.admin_token, public_url=args.public_url or "http://placeholder")
    server = make_server(gateway, args.host, args.port)
    server_holder.append(server)
    gateway.public_url = (args.public_url or f"http://{args.host}:{server.server_port}").rstrip("/")
    if args.fault:
        gateway.set_faults(dict(args.fault))
    print(f"payment sandbox on http://{args.host}:{server.server_port} (state {args.state})", flush=True)  # noqa: T201
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
