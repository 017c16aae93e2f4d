"""/verify (public) and /certificates/keys.json; the offline command with a key file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import base45
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from sheba.certificates import payload
from sheba.certificates.services import certificate_revoke, signing_key_rotate

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_verify_is_mounted_at_the_top_level():
    assert reverse("verify") == "/verify/"
    assert reverse("certificates:verify") == "/certificates/verify/"


def test_form_shows_without_login(client):
    response = client.get("/verify/")
    assert response.status_code == 200
    assert b'<label for="id_code">' in response.content
    assert b'name="code"' in response.content


def test_valid_certificate_shows_only_whats_needed(client, issue):
    cert = issue()
    response = client.post("/verify/", {"code": cert.payload})
    assert response.status_code == 200
    assert response.context["result"].status == "valid"
    html = response.content.decode()
    assert "মোছাঃ খাদিজা আক্তার" in html
    assert "নাগরিকত্ব সনদ" in html
    assert cert.serial in html
    assert "1990123456789" not in html
    assert "6789" not in html.replace(cert.payload, "")


def test_scanned_code_in_english(client, issue):
    cert = issue()
    client.cookies["sheba_language"] = "en"
    response = client.get("/verify/", {"code": cert.payload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Valid certificate" in html and "Mst. Khadija Akter" in html and "Citizenship certificate" in html


def test_revocation_is_shown_with_reason_and_date(client, issue):
    cert = issue()
    certificate_revoke(actor=None, certificate=cert, reason="Wrong father's name")
    client.cookies["sheba_language"] = "en"
    response = client.post("/verify/", {"code": cert.payload})
    assert response.status_code == 200
    assert response.context["result"].status == "revoked"
    html = response.content.decode()
    assert "This certificate has been revoked" in html
    assert "Wrong father&#x27;s name" in html
    assert "It was revoked on" in html


def test_old_certificate_still_verifies_after_rotation(client, issue, chairman_post):
    cert = issue()
    signing_key_rotate(actor=None, post=chairman_post)
    response = client.post("/verify/", {"code": cert.payload})
    assert response.context["result"].status == "valid"


def test_unknown_key_and_tampered_codes(client, issue):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    cert = issue()
    forged = payload.sign_claims(
        {1: "BD-Sheba", 6: 1, "sbc": {"v": 1, "sn": cert.serial}},
        private_key=Ed25519PrivateKey.generate(),
        kid=b"abcdefgh",
    )
    response = client.post("/verify/", {"code": forged})
    assert response.status_code == 200
    assert response.context["result"].status == "unknown_key"
    assert response.context["shown"] is None
    cose = bytearray(payload.decode_text(cert.payload))
    cose[-3] ^= 0x10
    response = client.post("/verify/", {"code": payload.encode_text(bytes(cose))})
    assert response.context["result"].status == "invalid"
    assert response.context["result"].error == "bad_signature"
    assert cert.holder_name_bn not in response.content.decode()


@pytest.mark.parametrize(
    "code",
    [
        "",
        "   ",
        "x" * 100_000,
        "BD1:" + "Z" * 100_000,
        "not a code at all",
        "BD1:%%%%",
        "BD1:" + base45.b45encode(b"\x78\x9c garbage").decode(),
        "BD1:" + base45.b45encode(os.urandom(300)).decode(),
        "BD1:\x00\x01",
        "BD1:০১২৩",
    ],
)
def test_garbage_never_gives_a_500(client, code):
    response = client.post("/verify/", {"code": code})
    assert response.status_code in {200, 400}
    assert b'name="code"' in response.content
    if response.status_code == 200:
        assert response.context["result"].status == "invalid"


def test_verification_is_rate_limited(client, issue, monkeypatch):
    from sheba.certificates import views

    cert = issue()
    monkeypatch.setattr(views, "VERIFY_PER_MINUTE", 2)
    assert client.post("/verify/", {"code": cert.payload}).status_code == 200
    assert client.post("/verify/", {"code": cert.payload}).status_code == 200
    response = client.post("/verify/", {"code": cert.payload})
    assert response.status_code == 429
    assert response["Retry-After"]
    assert response.context["result"] is None
    assert cert.payload in response.content.decode()  # what was typed is kept


def test_keys_json_lists_active_and_retired_keys(client, issue, chairman_post, signing_key):
    issue()
    new = signing_key_rotate(actor=None, post=chairman_post)
    response = client.get(reverse("certificates:keys"))
    assert response.status_code == 200
    document = response.json()
    assert document["format"] == "sheba-certificate-keys/1"
    by_kid = {k["kid"]: k for k in document["keys"]}
    assert by_kid[bytes(signing_key.kid).hex()]["status"] == "retired"
    assert by_kid[bytes(signing_key.kid).hex()]["valid_to"]
    assert by_kid[bytes(new.kid).hex()]["status"] == "active"
    assert by_kid[bytes(new.kid).hex()]["valid_to"] is None
    assert by_kid[bytes(new.kid).hex()]["office"]["name_en"]
    assert "private" not in response.content.decode().lower()


def test_offline_command_verifies_with_only_the_key_file(issue, tmp_path, capsys, django_assert_num_queries):
    cert = issue()
    keys = tmp_path / "keys.json"
    call_command("certificates_export_keys", str(keys))
    capsys.readouterr()
    with django_assert_num_queries(0):
        call_command("verify_certificate", cert.payload, "--keys", str(keys))
    out = json.loads(capsys.readouterr().out)
    assert out["valid"] is True
    assert out["claims"]["sn"] == cert.serial
    assert out["kid"] == bytes(cert.kid).hex()
    cose = bytearray(payload.decode_text(cert.payload))
    cose[40] ^= 1
    with django_assert_num_queries(0), pytest.raises(CommandError, match="NOT VALID"):
        call_command("verify_certificate", payload.encode_text(bytes(cose)), "--keys", str(keys))


def test_offline_command_runs_without_any_database(issue, tmp_path):
    """A separate process whose database does not exist: the command must not need it."""
    cert = issue()
    keys = tmp_path / "keys.json"
    call_command("certificates_export_keys", str(keys))
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none", "SHEBA_ENV": "test"}
    done = subprocess.run(
        [sys.executable, "manage.py", "verify_certificate", cert.payload, "--keys", str(keys)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["claims"]["sn"] == cert.serial
    bad = subprocess.run(
        [sys.executable, "manage.py", "verify_certificate", "BD1:JUNK", "--keys", str(keys)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 1
    assert "NOT VALID" in bad.stderr


def test_expired_certificate_is_shown_as_expired(client, issue):
    import datetime as dt

    import time_machine

    from sheba.core import clock

    cert = issue(valid_until=clock.today() + dt.timedelta(days=1))
    assert client.post("/verify/", {"code": cert.payload}).context["result"].status == "valid"
    with time_machine.travel(clock.now() + dt.timedelta(days=3)):
        response = client.post("/verify/", {"code": cert.payload})
    assert response.status_code == 200
    assert response.context["result"].status == "expired"
