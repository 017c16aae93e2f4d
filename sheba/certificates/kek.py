"""The key-encryption key (KEK) that wraps every signing key's private half.

The KEK is 32 random bytes, base64 in a file (``SHEBA_CERT_KEK_FILE``, default
``$SHEBA_VAR_DIR/keys/cert-kek.key``, mode 600) or in the ``SHEBA_CERT_KEK`` environment variable.
It is never in the repository or the database. ``manage.py certificates_kek`` creates the file;
outside production it is also created on first use, production refuses to.

Private keys are sealed with AES-256-GCM; the key id is the associated data, so a sealed blob
cannot be moved onto another key row.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = b"\x01"
_AAD = b"sheba-certificate-signing-key:"


class KekError(Exception):
    """The KEK is missing or wrong: a sealed key cannot be opened."""


def kek_path() -> Path:
    default = Path(settings.VAR_DIR) / "keys" / "cert-kek.key"
    return Path(
        os.environ.get("SHEBA_CERT_KEK_FILE") or getattr(settings, "SHEBA_CERT_KEK_FILE", "") or default
    )


def kek_create(path: Path | None = None) -> Path:
    """Write a new KEK file (mode 600). Refuses to overwrite: that would orphan every sealed key."""
    path = path or kek_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(os.urandom(32)).decode("ascii") + "\n")
    return path


def _decode(text: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured("The certificate KEK is not base64.") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured("The certificate KEK must be 32 bytes.")
    return raw


def load_kek() -> bytes:
    from_env = os.environ.get("SHEBA_CERT_KEK")
    if from_env:
        return _decode(from_env)
    path = kek_path()
    if not path.exists():
        if settings.PRODUCTION:
            raise ImproperlyConfigured(f"No certificate KEK at {path}: run `manage.py certificates_kek`.")
        try:
            kek_create(path)
        except FileExistsError:  # another process created it first
            pass
    return _decode(path.read_text(encoding="ascii"))


def seal(private_raw: bytes, *, kid: bytes, kek: bytes | None = None) -> bytes:
    nonce = os.urandom(12)
    return VERSION + nonce + AESGCM(kek or load_kek()).encrypt(nonce, private_raw, _AAD + kid)


def unseal(blob: bytes, *, kid: bytes, kek: bytes | None = None) -> bytes:
    blob = bytes(blob)
    if blob[:1] != VERSION or len(blob) < 1 + 12 + 16:
        raise KekError("unknown sealed-key format")
    try:
        return AESGCM(kek or load_kek()).decrypt(blob[1:13], blob[13:], _AAD + kid)
    except InvalidTag as exc:
        raise KekError("the KEK does not open this key") from exc
