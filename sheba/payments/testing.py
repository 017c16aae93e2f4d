"""The sandbox payment gateway as a real subprocess, for any app's tests (root conftest.py).

Fixtures:

* ``payment_sandbox``: the running sandbox as an object — ``.url``, ``.fault(**switches)``,
  ``.reset()``, ``.wipe()``, ``.pay(gateway_url, method="bkash", outcome="success")`` (what the payer does on
  the hosted page; returns the redirect back to the shop), ``.tamper(...)``, ``.ipn_log()`` —
  with settings pointing Sheba at it (2-second timeout) and every fault switch off.
* ``payment_live``: ``payment_sandbox`` plus Django's ``live_server`` as the IPN target, so the
  sandbox's signed IPNs reach the platform over HTTP (transactional database).

One sandbox process per test session (per xdist worker), on a free port, its state in a
temporary SQLite file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
STORE_ID = "sheba-test"
STORE_PASSWD = "test-store-passwd"  # noqa: S105 - the sandbox's test credential
ADMIN_TOKEN = "test-sandbox-admin"  # noqa: S105
CLIENT_TIMEOUT_SECONDS = 2.0


@dataclass
class PaymentSandbox:
    process: subprocess.Popen[str]
    url: str
    store_id: str = STORE_ID
    store_passwd: str = STORE_PASSWD

    def _admin(self, path: str, payload: dict[str, Any] | None = None) -> Any:
        response = requests.post(self.url + path, json=payload or {}, headers={"X-Sim-Admin": ADMIN_TOKEN}, timeout=5)
        response.raise_for_status()
        return response.json()

    def fault(self, **switches: Any) -> dict[str, Any]:
        return self._admin("/_sim/fault", switches)

    def reset(self) -> None:
        self._admin("/_sim/reset")

    def wipe(self) -> None:
        self._admin("/_sim/wipe")

    def tamper(self, **payload: Any) -> None:
        self._admin("/_sim/tamper", payload)

    def ipn_log(self) -> list[dict[str, Any]]:
        response = requests.get(self.url + "/_sim/ipn-log", headers={"X-Sim-Admin": ADMIN_TOKEN}, timeout=5)
        response.raise_for_status()
        return response.json()

    def pay(self, gateway_url: str, *, method: str = "bkash", outcome: str = "success") -> str:
        """Do what the payer does on the hosted page; return where the payer is sent back to."""
        response = requests.post(gateway_url, data={"method": method, "outcome": outcome}, allow_redirects=False,
                                 timeout=10)
        assert response.status_code == 303, response.text[:300]
        return response.headers["Location"]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def start_sandbox(state: Path) -> PaymentSandbox:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "sheba.payments.sandbox", "--port", "0", "--state", str(state),
         "--store-id", STORE_ID, "--store-passwd", STORE_PASSWD, "--admin-token", ADMIN_TOKEN],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # "payment sandbox on http://127.0.0.1:PORT (...)"
    if "http://" not in line:
        process.kill()
        raise RuntimeError(f"the payment sandbox did not start: {line!r}")
    url = line.split(" on ", 1)[1].split()[0]
    deadline = time.monotonic() + 10
    while True:
        try:
            if requests.get(url + "/healthz", timeout=1).ok:
                break
        except requests.RequestException:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    return PaymentSandbox(process=process, url=url)


@pytest.fixture(scope="session")
def _payment_sandbox_process() -> Iterator[PaymentSandbox]:
    with tempfile.TemporaryDirectory(prefix="sheba-pay-sandbox-") as directory:
        sandbox = start_sandbox(Path(directory) / "sandbox.sqlite3")
        yield sandbox
        sandbox.stop()


@pytest.fixture
def payment_sandbox(_payment_sandbox_process: PaymentSandbox, settings: Any) -> Iterator[PaymentSandbox]:
    sandbox = _payment_sandbox_process
    sandbox.reset()
    sandbox.wipe()  # every test starts from empty books, as its database does
    settings.SHEBA_PAYMENT_GATEWAY_URL = sandbox.url
    settings.SHEBA_PAYMENT_STORE_ID = sandbox.store_id
    settings.SHEBA_PAYMENT_STORE_PASSWD = sandbox.store_passwd
    settings.SHEBA_PAYMENT_TIMEOUT_SECONDS = CLIENT_TIMEOUT_SECONDS
    settings.SHEBA_PAYMENT_IPN_BASE_URL = ""
    yield sandbox
    sandbox.reset()


@pytest.fixture
def payment_live(payment_sandbox: PaymentSandbox, live_server: Any, settings: Any) -> PaymentSandbox:
    settings.SHEBA_PAYMENT_IPN_BASE_URL = live_server.url
    return payment_sandbox
