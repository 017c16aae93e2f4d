"""The simulator behaves like a partner API: signatures, clocks, replays, malformed input."""

import json
import time

import pytest
import requests

from sheba.identity import protocol
from sheba.identity.simulator import Malformed, Register, make_app, parse_query

PAYLOAD = {
    "kind": "nid",
    "number": "1990561234567",
    "name_bn": "রহিমা খাতুন",
    "date_of_birth": "1990-03-15",
}


def signed(sim, payload=None, *, timestamp=None, secret=None, client_id=None, body=None):
    if body is None:
        body = json.dumps({"request_id": str(time.monotonic_ns()), **(payload or PAYLOAD)},
                          ensure_ascii=False).encode()
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = protocol.sign(secret or sim.secret, "POST", protocol.VERIFY_PATH, timestamp, body)
    headers = {"Content-Type": "application/json", "X-Client-Id": client_id or sim.client_id,
               "X-Timestamp": timestamp, "X-Signature": signature}
    return body, headers


def post(sim, body, headers):
    return requests.post(sim.url + protocol.VERIFY_PATH, data=body, headers=headers, timeout=5)


def test_a_good_request(identity_register_sim):
    response = post(identity_register_sim, *signed(identity_register_sim))
    assert response.status_code == 200
    assert response.json()["status"] == "match"


def test_a_bad_signature_is_rejected(identity_register_sim):
    body, headers = signed(identity_register_sim, secret="wrong")
    response = post(identity_register_sim, body, headers)
    assert (response.status_code, response.json()) == (401, {"error": "bad_signature"})


def test_a_tampered_body_is_rejected(identity_register_sim):
    body, headers = signed(identity_register_sim)
    tampered = body.replace(b"1990-03-15", b"1990-03-16")
    response = post(identity_register_sim, tampered, headers)
    assert (response.status_code, response.json()) == (401, {"error": "bad_signature"})


def test_missing_headers_are_rejected(identity_register_sim):
    response = requests.post(identity_register_sim.url + protocol.VERIFY_PATH, json=PAYLOAD, timeout=5)
    assert (response.status_code, response.json()) == (401, {"error": "unknown_client"})
    body, headers = signed(identity_register_sim, client_id="someone-else")
    assert post(identity_register_sim, body, headers).json() == {"error": "unknown_client"}


def test_a_replayed_request_is_rejected(identity_register_sim):
    body, headers = signed(identity_register_sim)
    first = post(identity_register_sim, body, headers)
    second = post(identity_register_sim, body, headers)
    assert first.status_code == 200
    assert (second.status_code, second.json()) == (401, {"error": "replayed"})


@pytest.mark.parametrize("offset", [-310, 310, -3600])
def test_a_stale_timestamp_is_rejected(identity_register_sim, offset):
    body, headers = signed(identity_register_sim, timestamp=int(time.time()) + offset)
    response = post(identity_register_sim, body, headers)
    assert (response.status_code, response.json()) == (401, {"error": "stale_timestamp"})


def test_a_timestamp_that_is_not_a_number(identity_register_sim):
    body, headers = signed(identity_register_sim, timestamp="yesterday")
    assert post(identity_register_sim, body, headers).json() == {"error": "stale_timestamp"}


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"not json", "body is not JSON"),
        (b"[1, 2]", "body must be a JSON object"),
        (json.dumps({**PAYLOAD, "kind": "passport"}).encode(), "kind must be nid or brn"),
        (json.dumps({**PAYLOAD, "number": "12345"}).encode(), "number has the wrong length or is not digits"),
        (json.dumps({**PAYLOAD, "kind": "brn"}).encode(), "number has the wrong length or is not digits"),
        (json.dumps({**PAYLOAD, "date_of_birth": "15/03/1990"}).encode(), "date_of_birth must be YYYY-MM-DD"),
        (json.dumps({**PAYLOAD, "name_bn": ""}).encode(), "name_bn or name_en is required"),
        (json.dumps({**PAYLOAD, "name_bn": 7}).encode(), "name_bn must be a string"),
        (json.dumps({**PAYLOAD, "name_en": "x" * 201}).encode(), "name_en is too long"),
    ],
)
def test_malformed_input_is_400(identity_register_sim, body, detail):
    response = post(identity_register_sim, *signed(identity_register_sim, body=body))
    assert (response.status_code, response.json()) == (400, {"error": "malformed", "detail": detail})


def test_a_huge_body_is_refused(identity_register_sim):
    body = json.dumps({**PAYLOAD, "padding": "x" * 20000}).encode()
    response = post(identity_register_sim, *signed(identity_register_sim, body=body))
    assert response.status_code == 400


def test_other_paths_and_methods(identity_register_sim):
    url = identity_register_sim.url
    assert requests.get(url + protocol.VERIFY_PATH, timeout=5).status_code == 405
    assert requests.post(url + "/api/v2/verify", timeout=5).status_code == 404
    health = requests.get(url + "/healthz", timeout=5).json()
    assert health == {"ok": True, "fault": "none", "people": 200}


def test_the_fault_switch_needs_the_admin_token(identity_register_sim):
    url = identity_register_sim.url + "/_sim/fault"
    refused = requests.post(url, json={"mode": "down"}, headers={"X-Sim-Admin": "guess"}, timeout=5)
    assert refused.status_code == 403
    assert requests.get(identity_register_sim.url + "/healthz", timeout=5).json()["fault"] == "none"
    with pytest.raises(requests.HTTPError):
        identity_register_sim.fault("explode")


def test_down_answers_503_before_authentication(identity_register_sim):
    identity_register_sim.fault("down")
    response = requests.post(identity_register_sim.url + protocol.VERIFY_PATH, json=PAYLOAD, timeout=5)
    assert (response.status_code, response.json()) == (503, {"error": "maintenance"})


def test_the_replay_window_forgets_old_signatures():
    now = [1_000_000.0]
    register = Register([], {"c": "s"}, clock=lambda: now[0])
    assert register.remember("sig") is True
    assert register.remember("sig") is False
    now[0] += 2 * protocol.MAX_SKEW_SECONDS + 1
    assert register.remember("sig") is True
    assert make_app(register) is not None


def test_parse_query_normalises_bengali_digits():
    parsed = parse_query(json.dumps({**PAYLOAD, "number": "১৯৯০৫৬১২৩৪৫৬৭"}, ensure_ascii=False).encode())
    assert parsed["number"] == "1990561234567"
    with pytest.raises(Malformed):
        parse_query(json.dumps({**PAYLOAD, "date_of_birth": ""}).encode())


def test_create_app_for_a_wsgi_server(monkeypatch):
    import io

    from sheba.identity.simulator import create_app

    monkeypatch.setenv("SHEBA_NID_SIM_FAULT", "down")
    app = create_app()
    seen = []
    body = b"".join(app({"REQUEST_METHOD": "GET", "PATH_INFO": "/healthz", "wsgi.input": io.BytesIO()},
                        lambda status, headers: seen.append(status)))
    assert seen == ["200 OK"]
    assert json.loads(body) == {"ok": True, "fault": "down", "people": 200}
