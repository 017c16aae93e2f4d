"""The published key list (keys.json): writing it from PublishedKey objects and reading it back.

Each key is a JWK-style entry (kty OKP, crv Ed25519, x = base64url of the raw public key) with
its kid in hex and base64, the signing post and office, validity and status. No database here.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from sheba.certificates.payload import PublishedKey, kid_for

FORMAT = "sheba-certificate-keys/1"


class KeyFileError(Exception):
    pass


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_entry(key: PublishedKey) -> dict[str, Any]:
    raw = key.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {
        "kid": key.kid.hex(),
        "kid_b64": base64.b64encode(key.kid).decode("ascii"),
        "kty": "OKP",
        "crv": "Ed25519",
        "alg": "EdDSA",
        "x": _b64url(raw),
        "status": key.status,
        "valid_from": key.valid_from.isoformat() if key.valid_from else None,
        "valid_to": key.valid_to.isoformat() if key.valid_to else None,
        **dict(key.info),
    }


def keys_document(keys: Iterable[PublishedKey], *, generated_at: datetime) -> dict[str, Any]:
    return {"format": FORMAT, "generated_at": generated_at.isoformat(), "keys": [key_entry(k) for k in keys]}


def parse_keys_document(document: Any) -> dict[bytes, PublishedKey]:
    if (
        not isinstance(document, dict)
        or document.get("format") != FORMAT
        or not isinstance(document.get("keys"), list)
    ):
        raise KeyFileError("not a Sheba certificate key list")
    keys: dict[bytes, PublishedKey] = {}
    for entry in document["keys"]:
        try:
            if entry["kty"] != "OKP" or entry["crv"] != "Ed25519":
                continue
            raw = _unb64url(entry["x"])
            kid = bytes.fromhex(entry["kid"])
            if kid != kid_for(raw):
                raise KeyFileError(f"kid {entry['kid']} does not match its key")
            keys[kid] = PublishedKey(
                kid=kid,
                public_key=Ed25519PublicKey.from_public_bytes(raw),
                status=str(entry.get("status", "active")),
                valid_from=datetime.fromisoformat(entry["valid_from"]) if entry.get("valid_from") else None,
                valid_to=datetime.fromisoformat(entry["valid_to"]) if entry.get("valid_to") else None,
                info={k: v for k, v in entry.items() if k in {"post", "office"}},
            )
        except KeyFileError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise KeyFileError("a key entry is malformed") from exc
    return keys


def load_key_file(path: str | Path) -> dict[bytes, PublishedKey]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KeyFileError(f"cannot read {path}: {exc}") from exc
    return parse_keys_document(document)
