"""Stand-ins for the outside world, for any app's tests (registered in the root conftest.py).

* ``SmsGatewayStub``: a real HTTP server on 127.0.0.1 in a thread that records every request
  and answers by mode: ``ok`` (200 + a provider id), ``error`` (HTTP 500), ``slow`` (answers only
  after ``slow_seconds``, longer than the client's timeout) or ``down`` (the port is closed).
* ``SmtpStub``: a real SMTP server (aiosmtpd) that records what it receives.

Fixtures: ``sms_gateway`` (the stub, with settings pointing the ``http`` SMS backend at it),
``sms_fallback_gateway`` (a second stub as SHEBA_SMS_FALLBACK_URL), ``smtp_server`` (the SMTP
stub with SHEBA_EMAIL_BACKEND = smtp), ``smtp_down`` (SMTP settings pointing at a closed port)
and ``notification_outbox`` (read and deliver queued messages in a test). In transactional and
browser tests the seeded templates are put back if an earlier test flushed them.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

MODES = ("ok", "error", "slow", "down")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: bytes
    json: Any
    mode: str


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    stub: SmsGatewayStub


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet in tests
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        stub = self.server.stub
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            parsed = json.loads(body.decode("utf-8"))
        except ValueError:
            parsed = None
        mode = stub.mode
        with stub.lock:
            stub.requests.append(RecordedRequest(self.path, dict(self.headers.items()), body, parsed, mode))
            number = len(stub.requests)
        if mode == "slow":
            stub.release.wait(stub.slow_seconds)
            self._reply(200, {"id": f"{stub.name}-{number}"})
        elif mode == "error":
            self._reply(500, {"error": "internal error"})
        else:
            if stub.delay:
                stub.release.wait(stub.delay)
            self._reply(200, {"id": f"{stub.name}-{number}", "status": "accepted"})

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up (timeout); that is the point of "slow"


@dataclass
class SmsGatewayStub:
    """A local SMS gateway speaking the ``http`` backend's protocol."""

    name: str = "gw"
    token: str = "test-sms-token"
    slow_seconds: float = 2.0
    delay: float = 0.0  # in "ok" mode, wait this long before answering
    port: int = 0
    requests: list[RecordedRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)
    _mode: str = "ok"
    _server: _Server | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sms/send"

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if mode == "down" and self._server is not None:
            self._close()
        elif mode != "down" and self._server is None:
            self._open()
        self._mode = mode

    def start(self) -> SmsGatewayStub:
        self._open()
        return self

    def _open(self) -> None:
        self.release.clear()
        server = _Server(("127.0.0.1", self.port), _Handler)
        server.stub = self
        self.port = int(server.server_address[1])
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def _close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            self.release.set()  # wake "slow" handlers so they end
            server.shutdown()
            server.server_close()

    def stop(self) -> None:
        self._close()

    def references(self) -> Counter[str]:
        """How many requests arrived per message reference."""
        with self.lock:
            return Counter(str((r.json or {}).get("reference")) for r in self.requests)

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()


class SmtpStub:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it receives."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd hook
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        self.messages.append(email.message_from_bytes(raw, policy=email.policy.default))  # type: ignore[arg-type]
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def start(self) -> SmtpStub:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


class NotificationOutbox:
    """What tests of other apps need: the messages written, and a way to 'run the worker'."""

    def messages(self, *, to: str | None = None, event: str | None = None) -> list[Any]:
        from sheba.notifications.models import Message

        rows = Message.objects.order_by("created_at", "pk")
        if to:
            rows = rows.filter(recipient=to)
        if event:
            rows = rows.filter(event=event)
        return list(rows)

    def last(self, *, to: str, event: str | None = None) -> Any:
        rows = self.messages(to=to, event=event)
        return rows[-1] if rows else None

    def deliver(self) -> list[str]:
        """Send every due message now, as the worker would (outside a request)."""
        from django.db.models import Q

        from sheba.core import clock
        from sheba.notifications.models import Message, MessageStatus
        from sheba.notifications.services import message_deliver

        due = Message.objects.filter(status=MessageStatus.CREATED).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=clock.now())
        )
        return [message_deliver(message_id=str(pk)) for pk in due.order_by("created_at").values_list("pk", flat=True)]


def seed_templates() -> int:
    """Put back the seeded templates a flush removed; returns how many were missing."""
    import importlib

    from sheba.notifications.models import NotificationTemplate

    seed = importlib.import_module("sheba.notifications.migrations.0002_seed_templates")
    created = 0
    for event, channel, language, subject, body in seed.TEMPLATES:
        _, was_created = NotificationTemplate.objects.get_or_create(
            event=event, channel=channel, language=language, defaults={"subject": subject, "body": body}
        )
        created += was_created
    return created


@pytest.fixture(autouse=True)
def _notification_templates_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional and browser tests run on a database that an earlier test may have flushed
    (and serialized_rollback is not reliable once Playwright has started): make sure the seeded
    templates are there, so ``notify`` works in every test."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        seed_templates()


@pytest.fixture
def sms_gateway(settings: Any) -> Iterator[SmsGatewayStub]:
    stub = SmsGatewayStub(name="primary", token="primary-token", slow_seconds=2.0).start()
    settings.SHEBA_SMS_BACKEND = "http"
    settings.SHEBA_SMS_URL = stub.url
    settings.SHEBA_SMS_TOKEN = stub.token
    settings.SHEBA_SMS_FALLBACK_URL = ""
    settings.SHEBA_SMS_FALLBACK_TOKEN = ""
    settings.SHEBA_SMS_TIMEOUT_SECONDS = 0.5
    yield stub
    stub.stop()


@pytest.fixture
def sms_fallback_gateway(settings: Any, sms_gateway: SmsGatewayStub) -> Iterator[SmsGatewayStub]:
    stub = SmsGatewayStub(name="fallback", token="fallback-token", slow_seconds=2.0).start()
    settings.SHEBA_SMS_FALLBACK_URL = stub.url
    settings.SHEBA_SMS_FALLBACK_TOKEN = stub.token
    yield stub
    stub.stop()


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpStub]:
    stub = SmtpStub().start()
    settings.SHEBA_EMAIL_BACKEND = "smtp"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = stub.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    yield stub
    stub.stop()


@pytest.fixture
def smtp_down(settings: Any) -> int:
    """SMTP settings pointing at a port nobody listens on; returns the port."""
    port = free_port()
    settings.SHEBA_EMAIL_BACKEND = "smtp"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_TIMEOUT = 2
    return port


@pytest.fixture
def notification_outbox(db: Any) -> NotificationOutbox:
    return NotificationOutbox()
