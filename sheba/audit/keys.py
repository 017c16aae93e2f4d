"""The Ed25519 key that signs checkpoints. Private half: a file (mode 600) at SHEBA_AUDIT_KEY_FILE,
never in the repo or the database. Public halves: ``AuditKey`` rows, kept after rotation."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sheba.audit.chain import utc_iso
from sheba.audit.models import AuditKey
from sheba.core import clock

CHECKPOINT_CONTEXT = b"sheba-audit-checkpoint/v1\n"


def key_file() -> Path:
    default = Path(settings.VAR_DIR) / "keys" / "audit-ed25519.pem" if hasattr(settings, "VAR_DIR") else None
    path = getattr(settings, "SHEBA_AUDIT_KEY_FILE", None) or default
    if path is None:
        raise ImproperlyConfigured("SHEBA_AUDIT_KEY_FILE is not set.")
    return Path(path)


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(public_key: Ed25519PublicKey) -> str:
    return hashlib.sha256(_raw_public(public_key)).hexdigest()[:16]


def _publish(public_key: Ed25519PublicKey) -> AuditKey:
    key, _ = AuditKey.objects.get_or_create(
        key_id=key_id_of(public_key),
        defaults={"public_key": base64.b64encode(_raw_public(public_key)).decode(), "created_at": clock.now()},
    )
    return key


def _write_private(path: Path, private_key: Ed25519PrivateKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)  # atomic; a rotated-out private key is gone, its public half stays published


def generate(*, rotate: bool = False) -> AuditKey:
    """Create the signing key file (mode 600) and publish its public key. With ``rotate``, replace an
    existing key: the old public key stays in ``AuditKey`` (marked retired), so old checkpoints verify."""
    path = key_file()
    if path.exists() and not rotate:
        raise FileExistsError(f"{path} exists; use --rotate to replace it")
    private_key = Ed25519PrivateKey.generate()
    _write_private(path, private_key)
    new = _publish(private_key.public_key())
    AuditKey.objects.filter(retired_at__isnull=True).exclude(pk=new.pk).update(retired_at=clock.now())
    return new


def signing_key() -> tuple[Ed25519PrivateKey, AuditKey]:
    """The current private key and its published row. Outside production a missing key is created;
    in production it must have been made with ``manage.py audit_keygen``."""
    path = key_file()
    if not path.exists():
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured(f"No audit signing key at {path}: run `manage.py audit_keygen`.")
        generate()
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ImproperlyConfigured(f"{path} is readable by others (mode {mode:o}); chmod 600 it.")
    private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private_key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{path} is not an Ed25519 private key.")
    return private_key, _publish(private_key.public_key())


def checkpoint_message(*, seq: int, hash_: str, at: datetime, key_id: str) -> bytes:
    body = {"seq": seq, "hash": hash_, "at": utc_iso(at), "key_id": key_id}
    return CHECKPOINT_CONTEXT + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def sign_checkpoint(private_key: Ed25519PrivateKey, *, seq: int, hash_: str, at: datetime, key_id: str) -> str:
    message = checkpoint_message(seq=seq, hash_=hash_, at=at, key_id=key_id)
    return base64.b64encode(private_key.sign(message)).decode()


def verify_checkpoint(*, public_key_b64: str, signature: str, seq: int, hash_: str, at: datetime, key_id: str) -> bool:
    try:
        public_key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64, validate=True))
        public_key.verify(
            base64.b64decode(signature, validate=True), checkpoint_message(seq=seq, hash_=hash_, at=at, key_id=key_id)
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def key_id_of_b64(public_key_b64: str) -> str:
    try:
        return hashlib.sha256(base64.b64decode(public_key_b64, validate=True)).hexdigest()[:16]
    except ValueError:
        return ""
