"""A stand-in for the national identity register: a small WSGI service on its own port.

    python -m sheba.identity.simulator --port 8090 [--data data/identity/synthetic_people.json]

It holds synthetic people only (see sheba/identity/synthetic.py) and behaves like a partner API:
HMAC-signed requests (sheba/identity/protocol.py), stale timestamps and replayed signatures refused
with 401, malformed input 400, unknown numbers ``{"status": "not_found"}``.

Client credentials: ``--client-id``/``--secret`` or SHEBA_NID_CLIENT_ID/SHEBA_NID_SECRET (the same
variables Sheba's client reads; demo values when unset).

Fault switches, for trying what Sheba does when the register misbehaves: ``--fault`` or
SHEBA_NID_SIM_FAULT at start, or at run time ``POST /_sim/fault {"mode": ...}`` with header
``X-Sim-Admin: <admin token>`` (``--admin-token`` or SHEBA_NID_SIM_ADMIN_TOKEN; without a token
the admin endpoint does not exist). Modes: ``none``; ``slow`` (answers after ``--slow-seconds``,
longer than any client timeout); ``down`` (503 to everything); ``flaky`` (every other verify
request, starting with the first, gets a 500). ``GET /healthz`` answers while the service runs.
"""

from __future__ import annotations

import argparse
import hmac
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from sheba.identity import protocol
from sheba.identity.matching import digits, name_matches_any
from sheba.identity.synthetic import DEFAULT_PATH

DEMO_CLIENT_ID = "sheba-demo"
DEMO_SECRET = "demo-only-nid-secret-not-for-production"
FAULTS = ("none", "slow", "down", "flaky")
MAX_BODY = 16 * 1024
NAME_MAX = 200

StartResponse = Callable[..., Any]


class Register:
    """The people, the clients and the fault switch, shared by every request thread."""

    def __init__(
        self,
        people: list[dict[str, Any]],
        clients: dict[str, str],
        *,
        fault: str = "none",
        slow_seconds: float = 15.0,
        admin_token: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.clients = clients
        self.slow_seconds = slow_seconds
        self.admin_token = admin_token
        self.clock = clock
        self._lock = threading.Lock()
        self._seen: dict[str, float] = {}  # signature -> when it expires from the replay window
        self._flaky_count = 0
        self.fault = "none"
        self.set_fault(fault)
        self.by_nid: dict[str, dict[str, Any]] = {}
        self.by_brn: dict[str, dict[str, Any]] = {}
        for person in people:
            nid, brn = person.get("nid", ""), person.get("brn", "")
            born = person["date_of_birth"][:4]
            if nid:
                self.by_nid[nid] = person
                # An old 13-digit number and its 17-digit form (birth year + 13 digits) are one card.
                if len(nid) == 17 and nid[:4] == born:
                    self.by_nid.setdefault(nid[4:], person)
                elif len(nid) == 13:
                    self.by_nid.setdefault(born + nid, person)
            if brn:
                self.by_brn[brn] = person

    def set_fault(self, mode: str) -> None:
        if mode not in FAULTS:
            raise ValueError(f"fault must be one of {', '.join(FAULTS)}")
        with self._lock:
            self.fault = mode
            self._flaky_count = 0

    def flaky_fails(self) -> bool:
        with self._lock:
            self._flaky_count += 1
            return self._flaky_count % 2 == 1

    def remember(self, signature: str) -> bool:
        """Record a signature; False when it was already used inside the replay window."""
        now = self.clock()
        with self._lock:
            for old in [sig for sig, until in self._seen.items() if until < now]:
                del self._seen[old]
            if signature in self._seen:
                return False
            self._seen[signature] = now + 2 * protocol.MAX_SKEW_SECONDS
            return True

    # -- the verification itself ------------------------------------------------------------
    def verify(self, query: dict[str, Any]) -> dict[str, Any]:
        kind, number = query["kind"], query["number"]
        person = (self.by_nid if kind == "nid" else self.by_brn).get(number)
        answer: dict[str, Any] = {"request_id": query.get("request_id", "")}
        if person is None:
            return {**answer, "status": "not_found", "fields": dict.fromkeys(protocol.FIELDS)}
        fields: dict[str, bool | None] = {}
        names = [query.get("name_bn", ""), query.get("name_en", "")]
        fields["name"] = all(
            name_matches_any(name, person.get("name_bn", ""), person.get("name_en", "")) for name in names if name
        )
        fields["date_of_birth"] = query["date_of_birth"] == person["date_of_birth"]
        for parent in ("father_name", "mother_name"):
            typed = query.get(parent, "")
            fields[parent] = (
                name_matches_any(typed, person.get(f"{parent}_bn", ""), person.get(f"{parent}_en", ""))
                if typed
                else None
            )
        status = "match" if all(value is not False for value in fields.values()) else "mismatch"
        return {**answer, "status": status, "fields": fields}


class Malformed(ValueError):
    pass


def parse_query(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Malformed("body is not JSON") from exc
    if not isinstance(data, dict):
        raise Malformed("body must be a JSON object")
    for key in ("request_id", "kind", "number", "name_bn", "name_en", "date_of_birth", "father_name",
                "mother_name"):
        if key in data and not isinstance(data[key], str):
            raise Malformed(f"{key} must be a string")
        if len(data.get(key, "")) > NAME_MAX:
            raise Malformed(f"{key} is too long")
    kind = data.get("kind")
    if kind not in {"nid", "brn"}:
        raise Malformed("kind must be nid or brn")
    number = digits(data.get("number", ""))
    lengths = {10, 13, 17} if kind == "nid" else {17}
    if not number.isascii() or not number.isdigit() or len(number) not in lengths:
        raise Malformed("number has the wrong length or is not digits")
    try:
        born = date.fromisoformat(data.get("date_of_birth", ""))
    except ValueError as exc:
        raise Malformed("date_of_birth must be YYYY-MM-DD") from exc
    if not (data.get("name_bn") or data.get("name_en")):
        raise Malformed("name_bn or name_en is required")
    return {**data, "number": number, "date_of_birth": born.isoformat()}


def _json(start_response: StartResponse, status: str, payload: dict[str, Any]) -> list[bytes]:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    start_response(status, [("Content-Type", "application/json; charset=utf-8"),
                            ("Content-Length", str(len(body)))])
    return [body]


def make_app(register: Register) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            return _json(start_response, "400 Bad Request", {"error": "malformed", "detail": "body size"})
        body = environ["wsgi.input"].read(length) if length else b""

        if path == "/healthz" and method == "GET":
            return _json(start_response, "200 OK", {"ok": True, "fault": register.fault,
                                                    "people": len(register.by_brn)})
        if path == "/_sim/fault" and register.admin_token:
            token = environ.get("HTTP_X_SIM_ADMIN", "")
            if method != "POST" or not hmac.compare_digest(token, register.admin_token):
                return _json(start_response, "403 Forbidden", {"error": "forbidden"})
            try:
                register.set_fault(json.loads(body or b"{}").get("mode", ""))
            except (ValueError, AttributeError) as exc:
                return _json(start_response, "400 Bad Request", {"error": "malformed", "detail": str(exc)})
            return _json(start_response, "200 OK", {"fault": register.fault})
        if path != protocol.VERIFY_PATH:
            return _json(start_response, "404 Not Found", {"error": "no_such_endpoint"})
        if method != "POST":
            return _json(start_response, "405 Method Not Allowed", {"error": "method_not_allowed"})

        fault = register.fault
        if fault == "down":
            return _json(start_response, "503 Service Unavailable", {"error": "maintenance"})
        if fault == "slow":
            time.sleep(register.slow_seconds)
        if fault == "flaky" and register.flaky_fails():
            return _json(start_response, "500 Internal Server Error", {"error": "internal"})

        # Authentication, exactly in the order a partner API checks it.
        client_id = environ.get("HTTP_X_CLIENT_ID", "")
        timestamp = environ.get("HTTP_X_TIMESTAMP", "")
        signature = environ.get("HTTP_X_SIGNATURE", "")
        secret = register.clients.get(client_id)
        if secret is None:
            return _json(start_response, "401 Unauthorized", {"error": "unknown_client"})
        if not protocol.signature_valid(secret, method, path, timestamp, body, signature):
            return _json(start_response, "401 Unauthorized", {"error": "bad_signature"})
        try:
            sent_at = int(timestamp)
        except ValueError:
            return _json(start_response, "401 Unauthorized", {"error": "stale_timestamp"})
        if abs(register.clock() - sent_at) > protocol.MAX_SKEW_SECONDS:
            return _json(start_response, "401 Unauthorized", {"error": "stale_timestamp"})
        if not register.remember(signature):
            return _json(start_response, "401 Unauthorized", {"error": "replayed"})

        try:
            query = parse_query(body)
        except Malformed as exc:
            return _json(start_response, "400 Bad Request", {"error": "malformed", "detail": str(exc)})
        return _json(start_response, "200 OK", register.verify(query))

    return app


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - wsgiref's signature
        if os.environ.get("SHEBA_NID_SIM_LOG"):
            super().log_message(format, *args)


def load_people(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data["people"] if isinstance(data, dict) else data)


def create_app() -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """For a WSGI server: ``gunicorn -w 1 --threads 8 'sheba.identity.simulator:create_app()'``.

    Reads SHEBA_NID_SIM_DATA (default: the synthetic people file), SHEBA_NID_CLIENT_ID,
    SHEBA_NID_SECRET, SHEBA_NID_SIM_FAULT and SHEBA_NID_SIM_ADMIN_TOKEN. Use one worker process:
    the replay window and the fault switch live in memory.
    """
    register = Register(
        load_people(Path(os.environ.get("SHEBA_NID_SIM_DATA") or DEFAULT_PATH)),
        {os.environ.get("SHEBA_NID_CLIENT_ID") or DEMO_CLIENT_ID: os.environ.get("SHEBA_NID_SECRET") or DEMO_SECRET},
        fault=os.environ.get("SHEBA_NID_SIM_FAULT") or "none",
        admin_token=os.environ.get("SHEBA_NID_SIM_ADMIN_TOKEN", ""),
    )
    return make_app(register)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Sheba's national identity register simulator.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--data", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--client-id", default=os.environ.get("SHEBA_NID_CLIENT_ID") or DEMO_CLIENT_ID)
    parser.add_argument("--secret", default=os.environ.get("SHEBA_NID_SECRET") or DEMO_SECRET)
    parser.add_argument("--fault", default=os.environ.get("SHEBA_NID_SIM_FAULT") or "none", choices=FAULTS)
    parser.add_argument("--slow-seconds", type=float, default=15.0)
    parser.add_argument("--admin-token", default=os.environ.get("SHEBA_NID_SIM_ADMIN_TOKEN", ""))
    args = parser.parse_args(argv)
    register = Register(
        load_people(args.data),
        {args.client_id: args.secret},
        fault=args.fault,
        slow_seconds=args.slow_seconds,
        admin_token=args.admin_token,
    )
    server = make_server(args.host, args.port, make_app(register), server_class=_ThreadingWSGIServer,
                         handler_class=_QuietHandler)
    print(f"identity register simulator on http://{args.host}:{server.server_port} "  # noqa: T201
          f"({len(register.by_brn)} synthetic people, fault={register.fault})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
