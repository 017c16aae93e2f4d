"""The biller simulator as a real subprocess, for any app's tests (registered in the root conftest.py).

Fixtures:

* ``biller_sim``: the simulator (``.url``, ``.fault(*faults, slow_seconds=…, today=…)``,
  ``.state()`` — every posting and posting-request count —, ``.reset()``), with settings pointing
  Sheba's biller client at it (short timeout), its postings forgotten and faults off.
* ``billers``: the billers of data/billers loaded into the test database.

One simulator process per test session (per xdist worker), started on a free port.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
TEST_CLIENT_ID = "sheba-test"
TEST_SECRET = "test-secret-for-the-biller-simulator"  # noqa: S105 - test-only credential
ADMIN_TOKEN = "test-admin-token"  # noqa: S105 - test-only credential
CLIENT_TIMEOUT_SECONDS = 0.5
SLOW_SECONDS = 2.0


@dataclass
class BillerSimulator:
    process: subprocess.Popen[str]
    url: str
    client_id: str = TEST_CLIENT_ID
    secret: str = TEST_SECRET

    def _admin(self, method: str, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        response = requests.request(method, self.url + path, json=payload, headers={"X-Sim-Admin": ADMIN_TOKEN},
                                    timeout=5)
        response.raise_for_status()
        return dict(response.json())

    def fault(self, *faults: str, slow_seconds: float = SLOW_SECONDS, today: str | None = None) -> None:
        payload: dict[str, Any] = {"faults": list(faults), "slow_seconds": slow_seconds}
        if today is not None:
            payload["today"] = today
        self._admin("POST", "/_sim/fault", payload)

    def state(self) -> dict[str, Any]:
        return self._admin("GET", "/_sim/state")

    def reset(self) -> None:
        self._admin("POST", "/_sim/reset", {})

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def start_simulator() -> BillerSimulator:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "sheba.billpay.simulator", "--port", "0", "--client-id", TEST_CLIENT_ID,
         "--secret", TEST_SECRET, "--admin-token", ADMIN_TOKEN, "--slow-seconds", str(SLOW_SECONDS)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # "biller simulator on http://127.0.0.1:PORT (...)"
    if "http://" not in line:
        process.kill()
        raise RuntimeError(f"the biller simulator did not start: {line!r}")
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
    return BillerSimulator(process=process, url=url)


@pytest.fixture(scope="session")
def _biller_sim_process() -> Iterator[BillerSimulator]:
    simulator = start_simulator()
    yield simulator
    simulator.stop()


@pytest.fixture
def biller_sim(_biller_sim_process: BillerSimulator, settings: Any) -> Iterator[BillerSimulator]:
    simulator = _biller_sim_process
    simulator.reset()
    settings.SHEBA_BILLER_URL = simulator.url
    settings.SHEBA_BILLER_CLIENT_ID = simulator.client_id
    settings.SHEBA_BILLER_SECRET = simulator.secret
    settings.SHEBA_BILLER_TIMEOUT_SECONDS = CLIENT_TIMEOUT_SECONDS
    yield simulator
    simulator.reset()


@pytest.fixture
def billers(db: Any) -> dict[str, Any]:
    from sheba.billpay.catalogue import billers_ensure
    from sheba.billpay.models import Biller

    billers_ensure()
    return {biller.code: biller for biller in Biller.objects.all()}
