"""Signing keys: encrypted at rest under the KEK, one active key per post, rotation; revocation rules."""

from __future__ import annotations

import base64
import os
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.db import connection

from sheba.certificates import kek
from sheba.certificates.models import Certificate, KeyStatus, SigningKey
from sheba.certificates.services import (
    _private_key,
    certificate_revoke,
    signing_key_create,
    signing_key_rotate,
)
from sheba.core.errors import Conflict, InvalidInput, NotFound

pytestmark = pytest.mark.django_db


def test_private_key_is_encrypted_at_rest_and_needs_the_kek(signing_key, _kek):
    assert stat.S_IMODE(os.stat(_kek).st_mode) == 0o600
    private = _private_key(signing_key)
    public_raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert public_raw == bytes(signing_key.public_key)
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT private_key_encrypted, public_key FROM certificates_signingkey WHERE id = %s",
            [signing_key.pk],
        )
        stored, stored_public = (bytes(x) for x in cursor.fetchone())
    assert raw not in stored
    assert raw.hex().encode() not in stored
    assert base64.b64encode(raw) not in stored
    assert stored_public == public_raw
    # Another KEK cannot open it, and the blob cannot be moved to another key id.
    with pytest.raises(kek.KekError):
        kek.unseal(stored, kid=bytes(signing_key.kid), kek=os.urandom(32))
    with pytest.raises(kek.KekError):
        kek.unseal(stored, kid=b"\x00" * 8)
    assert kek.unseal(stored, kid=bytes(signing_key.kid)) == raw


def test_kid_is_the_sha256_prefix_of_the_public_key(signing_key):
    import hashlib

    assert bytes(signing_key.kid) == hashlib.sha256(bytes(signing_key.public_key)).digest()[:8]


def test_second_key_for_a_post_is_refused(signing_key, chairman_post):
    with pytest.raises(Conflict):
        signing_key_create(actor=None, post=chairman_post)
    assert SigningKey.objects.filter(post=chairman_post).count() == 1


def test_rotation_retires_the_old_key(signing_key, chairman_post):
    new = signing_key_rotate(actor=None, post=chairman_post)
    assert list(SigningKey.objects.filter(post=chairman_post, status=KeyStatus.ACTIVE)) == [new]
    signing_key.refresh_from_db()
    assert signing_key.status == KeyStatus.RETIRED


def test_production_refuses_to_create_a_kek(settings, tmp_path, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    settings.PRODUCTION = True
    monkeypatch.setenv("SHEBA_CERT_KEK_FILE", str(tmp_path / "absent.key"))
    with pytest.raises(ImproperlyConfigured):
        kek.load_kek()
    assert not (tmp_path / "absent.key").exists()


def test_kek_command_refuses_to_overwrite(tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "k.key"
    call_command("certificates_kek", "--path", str(path))
    before = path.read_bytes()
    with pytest.raises(CommandError):
        call_command("certificates_kek", "--path", str(path))
    assert path.read_bytes() == before
    assert len(base64.b64decode(before.strip())) == 32


def test_issue_without_a_key_is_refused(chairman_post):
    from sheba.certificates.services import certificate_issue

    with pytest.raises(NotFound):
        certificate_issue(
            actor=None,
            signer_post=chairman_post,
            type_code="citizenship",
            type_name_bn="নাগরিকত্ব সনদ",
            type_name_en="Citizenship certificate",
            holder_name_bn="করিম",
        )
    assert Certificate.objects.count() == 0


def test_revoke_needs_a_reason_and_happens_once(issue):
    cert = issue()
    with pytest.raises(InvalidInput):
        certificate_revoke(actor=None, certificate=cert, reason="   ")
    cert.refresh_from_db()
    assert cert.revoked_at is None
    certificate_revoke(actor=None, certificate=cert, reason="তথ্য ভুল ছিল")
    cert.refresh_from_db()
    assert cert.revoked_at is not None and cert.revocation_reason == "তথ্য ভুল ছিল"
    first = cert.revoked_at
    with pytest.raises(Conflict):
        certificate_revoke(actor=None, certificate=cert, reason="again")
    cert.refresh_from_db()
    assert (cert.revoked_at, cert.revocation_reason) == (first, "তথ্য ভুল ছিল")


def test_unrelated_private_key_is_not_the_stored_one(signing_key):
    other = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert other != bytes(signing_key.public_key)


def test_keygen_command_creates_then_rotates(chairman_post, capsys):
    from django.core.management import CommandError, call_command

    call_command("certificates_keygen", "--union", "3506")
    first = SigningKey.objects.get(post=chairman_post)
    assert first.kid_hex in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("certificates_keygen", "--union", "3506")
    call_command("certificates_keygen", "--union", "3506", "--rotate")
    assert SigningKey.objects.filter(post=chairman_post).count() == 2
    assert SigningKey.objects.get(post=chairman_post, status=KeyStatus.ACTIVE).pk != first.pk
    with pytest.raises(CommandError):
        call_command("certificates_keygen", "--union", "999999")
