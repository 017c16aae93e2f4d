"""A stand-in for the billers (DESCO, Titas, WASA …): a small WSGI service on its own port.

    python -m sheba.billpay.simulator --port 8092 [--data data/billers/simulator_accounts.json]

It holds synthetic accounts only (data/billers/simulator_accounts.json), each with at most one
open bill: amount, due date (``due_in_days`` after the simulator's start date) and a late fee
added when it is paid after the due date. It speaks the protocol in sheba/billpay/protocol.py
(HMAC-signed requests, replays and stale timestamps refused with 401) and keeps its postings in
memory; ``GET /api/v1/postings/report`` is the daily postings report.

Fault switches (``--fault`` at start, several allowed, or at run time ``POST /_sim/fault
{"faults": [...], "slow_seconds": n, "today": "YYYY-MM-DD"}`` with header ``X-Sim-Admin: <admin
token>``): ``down`` (503 to everything), ``slow`` (every answer after ``slow_seconds``, longer
than any client timeout), ``slow_post`` (a posting is recorded, then the answer comes late: the
client times out although the biller has it), ``post_fail`` (postings get a 500 and are not
recorded), ``post_reject`` (postings refused with 422), ``duplicate`` (the biller forgets to
de-duplicate: the same posting reference sent twice is recorded twice). ``GET /_sim/state`` lists
every posting and how many posting requests each reference got; ``POST /_sim/reset`` forgets all
postings and switches the faults off.
"""

from __future__ import annotations

import argparse
import hmac
import json
import os
import secrets
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from zoneinfo import ZoneInfo

from sheba.billpay import protocol

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT / "data" / "billers" / "simulator_accounts.json"
DEFAULT_BILLERS = ROOT / "data" / "billers" / "billers.json"
DEMO_CLIENT_ID = "sheba-demo"
DEMO_SECRET = "demo-only-biller-secret-not-for-production"  # noqa: S105 - the simulator's demo credential
FAULTS = ("down", "slow", "slow_post", "post_fail", "post_reject", "duplicate")
MAX_BODY = 16 * 1024
DHAKA = ZoneInfo("Asia/Dhaka")

StartResponse = Callable[..., Any]


class Malformed(ValueError):
    pass


def dhaka_today() -> date:
    return datetime.now(DHAKA).date()


class BillerBook:
    """Accounts, bills, postings and fault switches, shared by every request thread."""

    def __init__(self, accounts: list[dict[str, Any]], clients: dict[str, str], *,
                 amount_rules: dict[str, tuple[int, int]] | None = None, start: date | None = None,
                 faults: Iterable[str] = (), slow_seconds: float = 15.0, admin_token: str = "",
                 clock: Callable[[], float] = time.time) -> None:
        self.clients = clients
        self.admin_token = admin_token
        self.clock = clock
        self.start = start or dhaka_today()
        self.today_override: date | None = None
        self.slow_seconds = slow_seconds
        self.amount_rules = amount_rules or {}
        self._lock = threading.Lock()
        self._seen: dict[str, float] = {}
        self.faults: set[str] = set()
        self.set_faults(faults)
        self.accounts: dict[tuple[str, str, str], dict[str, Any]] = {}
        for account in accounts:
            key = (account["biller"], account.get("unit", ""), account["account"])
            self.accounts[key] = account
        self.postings: list[dict[str, Any]] = []
        self.requests: Counter[str] = Counter()
        self.paid_bills: dict[str, str] = {}  # bill id -> posting reference

    # -- switches --------------------------------------------------------------------------
    def set_faults(self, faults: Iterable[str]) -> None:
        wanted = set(faults)
        unknown = wanted - set(FAULTS)
        if unknown:
            raise ValueError(f"faults must be among {', '.join(FAULTS)}")
        with self._lock:
            self.faults = wanted

    def reset(self) -> None:
        with self._lock:
            self.faults = set()
            self.postings.clear()
            self.requests.clear()
            self.paid_bills.clear()
            self._seen.clear()
            self.today_override = None

    def today(self) -> date:
        return self.today_override or dhaka_today()

    def remember(self, signature: str) -> bool:
        now = self.clock()
        with self._lock:
            for old in [sig for sig, until in self._seen.items() if until < now]:
                del self._seen[old]
            if signature in self._seen:
                return False
            self._seen[signature] = now + 2 * protocol.MAX_SKEW_SECONDS
            return True

    # -- bills -----------------------------------------------------------------------------
    def bill_of(self, account: dict[str, Any]) -> dict[str, Any] | None:
        spec = account.get("bill")
        if not spec:
            return None
        due = self.start + timedelta(days=int(spec["due_in_days"]))
        month_day = (self.start.replace(day=1) - timedelta(days=1))
        unit = account.get("unit", "")
        bill_id = f"{account['biller']}-{unit + '-' if unit else ''}{account['account']}-{month_day:%Y%m}"
        return {
            "bill_id": bill_id,
            "month": f"{month_day:%Y-%m}",
            "amount_poisha": int(spec["amount_poisha"]),
            "late_fee_poisha": int(spec.get("late_fee_poisha", 0)),
            "due_date": due.isoformat(),
        }

    @staticmethod
    def payable(bill: dict[str, Any], on: date) -> int:
        late = on > date.fromisoformat(bill["due_date"])
        return bill["amount_poisha"] + (bill["late_fee_poisha"] if late else 0)

    def fetch(self, query: dict[str, Any]) -> dict[str, Any]:
        account = self.accounts.get((query["biller"], query.get("unit", ""), query["account"]))
        if account is None:
            return {"status": "not_found"}
        answer: dict[str, Any] = {"status": "ok", "holder_bn": account.get("holder_bn", ""),
                                  "holder_en": account.get("holder_en", ""), "bill": None}
        bill = self.bill_of(account)
        if bill is not None:
            with self._lock:
                paid = bill["bill_id"] in self.paid_bills
            answer["bill"] = {**bill, "payable_poisha": self.payable(bill, self.today()), "paid": paid}
        return answer

    def find_posting(self, reference: str) -> dict[str, Any] | None:
        with self._lock:
            for posting in self.postings:
                if posting["reference"] == reference:
                    return posting
        return None

    def post(self, query: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        reference = query["reference"]
        with self._lock:
            self.requests[reference] += 1
        account = self.accounts.get((query["biller"], query.get("unit", ""), query["account"]))
        if account is None:
            return "422 Unprocessable Entity", {"error": "unknown_account"}
        paid_on = query["paid_at"].astimezone(DHAKA).date()
        bill = self.bill_of(account)
        if bill is None:  # amount entered by the payer (fees): any amount inside the biller's range
            low, high = self.amount_rules.get(query["biller"], (1, 10**10))
            if not low <= query["amount_poisha"] <= high:
                return "422 Unprocessable Entity", {"error": "amount_mismatch"}
        else:
            if query["bill_id"] != bill["bill_id"]:
                return "422 Unprocessable Entity", {"error": "unknown_bill"}
            if query["amount_poisha"] != self.payable(bill, paid_on):
                return "422 Unprocessable Entity", {"error": "amount_mismatch"}
        with self._lock:
            if "duplicate" not in self.faults:
                for posting in self.postings:
                    if posting["reference"] == reference:
                        return "200 OK", {"status": "posted", "biller_txn_id": posting["biller_txn_id"],
                                          "duplicate": True}
            if bill is not None and "duplicate" not in self.faults:
                earlier = self.paid_bills.get(bill["bill_id"])
                if earlier is not None and earlier != reference:
                    return "409 Conflict", {"error": "already_paid"}
            posting = {
                "reference": reference,
                "biller": query["biller"],
                "unit": query.get("unit", ""),
                "account": query["account"],
                "bill_id": query["bill_id"],
                "amount_poisha": query["amount_poisha"],
                "biller_txn_id": "BTX" + secrets.token_hex(6).upper(),
                "posted_at": datetime.now(DHAKA).isoformat(),
                "posted_on": self.today().isoformat(),
            }
            self.postings.append(posting)
            if bill is not None:
                self.paid_bills.setdefault(bill["bill_id"], reference)
        return "200 OK", {"status": "posted", "biller_txn_id": posting["biller_txn_id"], "duplicate": False}

    def report(self, day: date) -> dict[str, Any]:
        with self._lock:
            rows = [dict(p) for p in self.postings if p["posted_on"] == day.isoformat()]
        for row in rows:
            row.pop("posted_on", None)
        return {"date": day.isoformat(), "postings": rows}


def _text(data: dict[str, Any], key: str, *, limit: int = 100, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or len(value) > limit or (required and not value):
        raise Malformed(f"{key} must be a non-empty string of at most {limit} characters")
    return value


def parse_json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Malformed("body is not JSON") from exc
    if not isinstance(data, dict):
        raise Malformed("body must be a JSON object")
    return data


def parse_fetch(data: dict[str, Any]) -> dict[str, Any]:
    return {"biller": _text(data, "biller", limit=20), "account": _text(data, "account", limit=20),
            "unit": _text(data, "unit", limit=20, required=False)}


def parse_post(data: dict[str, Any]) -> dict[str, Any]:
    query = parse_fetch(data)
    query["bill_id"] = _text(data, "bill_id")
    query["reference"] = _text(data, "reference", limit=64)
    amount = data.get("amount_poisha")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise Malformed("amount_poisha must be a positive integer")
    query["amount_poisha"] = amount
    try:
        paid_at = datetime.fromisoformat(_text(data, "paid_at", limit=40))
    except ValueError as exc:
        raise Malformed("paid_at must be an ISO 8601 date-time") from exc
    if paid_at.tzinfo is None:
        raise Malformed("paid_at needs a time zone")
    query["paid_at"] = paid_at
    return query


def _json(start_response: StartResponse, status: str, payload: dict[str, Any]) -> list[bytes]:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    start_response(status, [("Content-Type", "application/json; charset=utf-8"),
                            ("Content-Length", str(len(body)))])
    return [body]


def _admin(book: BillerBook, environ: dict[str, Any], method: str, path: str, body: bytes,
           start_response: StartResponse) -> list[bytes]:
    token = environ.get("HTTP_X_SIM_ADMIN", "")
    if not hmac.compare_digest(token, book.admin_token):
        return _json(start_response, "403 Forbidden", {"error": "forbidden"})
    if path == "/_sim/state" and method == "GET":
        with book._lock:
            state = {"faults": sorted(book.faults), "postings": [dict(p) for p in book.postings],
                     "requests": dict(book.requests), "today": book.today().isoformat()}
        return _json(start_response, "200 OK", state)
    if method != "POST":
        return _json(start_response, "405 Method Not Allowed", {"error": "method_not_allowed"})
    if path == "/_sim/reset":
        book.reset()
        return _json(start_response, "200 OK", {"reset": True})
    if path == "/_sim/fault":
        try:
            data = parse_json(body or b"{}")
            book.set_faults(data.get("faults", []))
            if "slow_seconds" in data:
                book.slow_seconds = float(data["slow_seconds"])
            if "today" in data:
                book.today_override = date.fromisoformat(data["today"]) if data["today"] else None
        except (ValueError, TypeError) as exc:
            return _json(start_response, "400 Bad Request", {"error": "malformed", "detail": str(exc)})
        return _json(start_response, "200 OK", {"faults": sorted(book.faults)})
    return _json(start_response, "404 Not Found", {"error": "no_such_endpoint"})


def make_app(book: BillerBook) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/")
        query_string = environ.get("QUERY_STRING", "")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            return _json(start_response, "400 Bad Request", {"error": "malformed", "detail": "body size"})
        body = environ["wsgi.input"].read(length) if length else b""

        if path == "/healthz" and method == "GET":
            return _json(start_response, "200 OK", {"ok": True, "faults": sorted(book.faults),
                                                    "accounts": len(book.accounts)})
        if path.startswith("/_sim/") and book.admin_token:
            return _admin(book, environ, method, path, body, start_response)
        routes = {protocol.FETCH_PATH: "POST", protocol.POST_PATH: "POST", protocol.QUERY_PATH: "POST",
                  protocol.REPORT_PATH: "GET"}
        if path not in routes:
            return _json(start_response, "404 Not Found", {"error": "no_such_endpoint"})
        if method != routes[path]:
            return _json(start_response, "405 Method Not Allowed", {"error": "method_not_allowed"})

        faults = set(book.faults)
        if "down" in faults:
            return _json(start_response, "503 Service Unavailable", {"error": "maintenance"})
        if "slow" in faults:
            time.sleep(book.slow_seconds)

        client_id = environ.get("HTTP_X_CLIENT_ID", "")
        timestamp = environ.get("HTTP_X_TIMESTAMP", "")
        signature = environ.get("HTTP_X_SIGNATURE", "")
        secret = book.clients.get(client_id)
        if secret is None:
            return _json(start_response, "401 Unauthorized", {"error": "unknown_client"})
        signed_path = path + ("?" + query_string if query_string else "")
        if not protocol.signature_valid(secret, method, signed_path, timestamp, body, signature):
            return _json(start_response, "401 Unauthorized", {"error": "bad_signature"})
        try:
            sent_at = int(timestamp)
        except ValueError:
            return _json(start_response, "401 Unauthorized", {"error": "stale_timestamp"})
        if abs(book.clock() - sent_at) > protocol.MAX_SKEW_SECONDS:
            return _json(start_response, "401 Unauthorized", {"error": "stale_timestamp"})
        if not book.remember(signature):
            return _json(start_response, "401 Unauthorized", {"error": "replayed"})

        try:
            if path == protocol.REPORT_PATH:
                params = parse_qs(query_string)
                try:
                    day = date.fromisoformat(params.get("date", [""])[0])
                except ValueError as exc:
                    raise Malformed("date must be YYYY-MM-DD") from exc
                return _json(start_response, "200 OK", book.report(day))
            data = parse_json(body)
            if path == protocol.FETCH_PATH:
                return _json(start_response, "200 OK", book.fetch(parse_fetch(data)))
            if path == protocol.QUERY_PATH:
                posting = book.find_posting(_text(data, "reference", limit=64))
                if posting is None:
                    return _json(start_response, "200 OK", {"status": "not_found"})
                return _json(start_response, "200 OK", {"status": "posted", **{
                    k: v for k, v in posting.items() if k != "posted_on"}})
            query = parse_post(data)
        except Malformed as exc:
            return _json(start_response, "400 Bad Request", {"error": "malformed", "detail": str(exc)})
        if "post_fail" in faults:
            with book._lock:
                book.requests[query["reference"]] += 1
            return _json(start_response, "500 Internal Server Error", {"error": "internal"})
        if "post_reject" in faults:
            with book._lock:
                book.requests[query["reference"]] += 1
            return _json(start_response, "422 Unprocessable Entity", {"error": "rejected"})
        status, answer = book.post(query)
        if "slow_post" in faults:
            time.sleep(book.slow_seconds)
        return _json(start_response, status, answer)

    return app


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - wsgiref's signature
        if os.environ.get("SHEBA_BILLER_SIM_LOG"):
            super().log_message(format, *args)


def load_accounts(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text(encoding="utf-8"))["accounts"])


def load_amount_rules(path: Path = DEFAULT_BILLERS) -> dict[str, tuple[int, int]]:
    """For billers where the payer enters the amount: the (lowest, highest) amount they accept."""
    rules = {}
    for biller in json.loads(path.read_text(encoding="utf-8"))["billers"]:
        if biller.get("fetch_mode") == "amount":
            rules[biller["code"]] = (int(biller.get("min_amount_poisha", 1)),
                                     int(biller.get("max_amount_poisha", 10**10)))
    return rules


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Sheba's biller simulator (synthetic accounts and bills).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8092)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--client-id", default=os.environ.get("SHEBA_BILLER_CLIENT_ID") or DEMO_CLIENT_ID)
    parser.add_argument("--secret", default=os.environ.get("SHEBA_BILLER_SECRET") or DEMO_SECRET)
    parser.add_argument("--fault", action="append", default=[], choices=FAULTS)
    parser.add_argument("--slow-seconds", type=float, default=15.0)
    parser.add_argument("--admin-token", default=os.environ.get("SHEBA_BILLER_SIM_ADMIN_TOKEN", ""))
    args = parser.parse_args(argv)
    book = BillerBook(load_accounts(args.data), {args.client_id: args.secret}, amount_rules=load_amount_rules(),
                      faults=args.fault, slow_seconds=args.slow_seconds, admin_token=args.admin_token)
    server = make_server(args.host, args.port, make_app(book), server_class=_ThreadingWSGIServer,
                         handler_class=_QuietHandler)
    print(f"biller simulator on http://{args.host}:{server.server_port} "  # noqa: T201
          f"({len(book.accounts)} synthetic accounts, faults={sorted(book.faults) or 'none'})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
