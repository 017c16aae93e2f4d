"""The register simulator as a real subprocess, for any app's tests (registered in the root conftest.py).

Fixtures:

* ``identity_register``: the simulator's base URL, with settings pointing Sheba's HTTP client at
  it (short timeout) and the fault switch reset to ``none``.
* ``identity_register_sim``: the same simulator as an object: ``.url``, ``.fault("slow" | "down" |
  "flaky" | "none")``, ``.client_id``, ``.secret``, ``.people`` (the synthetic people) and
  ``.demo`` (the demo citizen's record).

One simulator process per test session (per xdist worker), started on a free port.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from sheba.identity.simulator import load_people
from sheba.identity.synthetic import DEFAULT_PATH

ROOT = Path(__file__).resolve().parents[2]
TEST_CLIENT_ID = "sheba-test"
TEST_SECRET = "test-secret-for-the-simulator"
ADMIN_TOKEN = "test-admin-token"
CLIENT_TIMEOUT_SECONDS = 0.5
SLOW_SECONDS = 3.0


@dataclass
class RegisterSimulator:
    process: subprocess.Popen[str]
    url: str
    client_id: str = TEST_CLIENT_ID
    secret: str = TEST_SECRET
    people: list[dict[str, Any]] = field(default_factory=list)

    @property
    def demo(self) -> dict[str, Any]:
        return self.people[0]

    def fault(self, mode: str) -> None:
        response = requests.post(self.url + "/_sim/fault", json={"mode": mode},
                                 headers={"X-Sim-Admin": ADMIN_TOKEN}, timeout=5)
        response.raise_for_status()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def start_simulator(data: Path = DEFAULT_PATH) -> RegisterSimulator:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SHEBA_NID_SIM_FAULT": "none"}
    process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "sheba.identity.simulator", "--port", "0", "--data", str(data),
         "--client-id", TEST_CLIENT_ID, "--secret", TEST_SECRET, "--admin-token", ADMIN_TOKEN,
         "--slow-seconds", str(SLOW_SECONDS)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # "identity register simulator on http://127.0.0.1:PORT (...)"
    if "http://" not in line:
        process.kill()
        raise RuntimeError(f"the identity register simulator did not start: {line!r}")
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
    return RegisterSimulator(process=process, url=url, people=load_people(data))


@pytest.fixture(scope="session")
def _identity_register_process() -> Iterator[RegisterSimulator]:
    simulator = start_simulator()
    yield simulator
    simulator.stop()


@pytest.fixture
def identity_register_sim(_identity_register_process: RegisterSimulator, settings: Any) -> Iterator[
        RegisterSimulator]:
    simulator = _identity_register_process
    simulator.fault("none")
    settings.SHEBA_NID_BACKEND = "http"
    settings.SHEBA_NID_URL = simulator.url
    settings.SHEBA_NID_CLIENT_ID = simulator.client_id
    settings.SHEBA_NID_SECRET = simulator.secret
    settings.SHEBA_NID_TIMEOUT_SECONDS = CLIENT_TIMEOUT_SECONDS
    yield simulator
    simulator.fault("none")


@pytest.fixture
def identity_register(identity_register_sim: RegisterSimulator) -> str:
    return identity_register_sim.url
