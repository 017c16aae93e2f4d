"""The signed QR payload, in the scheme of the EU Digital COVID Certificate.

    text = "BD1:" + base45( zlib( COSE_Sign1 ) )

COSE_Sign1 (CBOR tag 18) = [ protected: bstr({1: -8 (EdDSA), 4: kid}), unprotected: {},
payload: bstr(CWT claims), signature: Ed25519 over Sig_structure ]. The CWT claims are
``{1: iss, 6: iat, 4: exp (optional), "sbc": {...}}`` with the certificate's minimal fields:

    v   payload version (1)        sn  serial ("UP-3506-2026-000123")
    t   certificate type code      tn  [type name bn, type name en]
    hn  [holder name bn, en]       id  last 4 digits of the holder's NID/BRN, or ""
    o   office code ("UP-3506")    on  [office name bn, en]
    d   issue date (ISO)           p   [signer post bn, en]

No database here: verification takes the published key list, so ``verify_certificate`` works
offline and any standard COSE library (pycose, the DCC verifiers) can check the same bytes.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import base45
import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PREFIX = "BD1:"
COSE_SIGN1_TAG = 18
ALG_EDDSA = -8
HEADER_ALG = 1
HEADER_KID = 4
CLAIM_ISS, CLAIM_EXP, CLAIM_IAT = 1, 4, 6
CLAIM_SHEBA = "sbc"
PAYLOAD_VERSION = 1
# Far above any real payload (a few hundred characters); stops a 100 KB paste early.
MAX_TEXT = 4096
MAX_COSE = 4096


class PayloadError(Exception):
    """The text is not a valid, correctly signed certificate code."""

    code = "invalid"


class BadPrefix(PayloadError):
    code = "bad_prefix"


class BadBase45(PayloadError):
    code = "bad_base45"


class BadCompression(PayloadError):
    code = "bad_zlib"


class BadCose(PayloadError):
    code = "bad_cose"


class UnknownKey(PayloadError):
    code = "unknown_key"

    def __init__(self, kid: bytes):
        self.kid = kid
        super().__init__(f"unknown key id {kid.hex()}")


class BadSignature(PayloadError):
    code = "bad_signature"


class KeyNotValid(PayloadError):
    """The key is known but was not allowed to sign at the claimed time (or was withdrawn)."""

    code = "key_not_valid"


@dataclass(frozen=True)
class PublishedKey:
    """One public key as published in keys.json."""

    kid: bytes
    public_key: Ed25519PublicKey
    status: str = "active"
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    info: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VerifiedPayload:
    kid: bytes
    issuer: str
    issued_at: datetime
    expires_at: datetime | None
    claims: Mapping[str, Any]

    @property
    def serial(self) -> str:
        return str(self.claims.get("sn", ""))

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at < datetime.now(tz=UTC)


def kid_for(public_raw: bytes) -> bytes:
    """The key id: the first 8 bytes of SHA-256 of the raw public key (as the DCC does for certificates)."""
    import hashlib

    return hashlib.sha256(public_raw).digest()[:8]


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])


def cose_sign(claims: Mapping[Any, Any], *, private_key: Ed25519PrivateKey, kid: bytes) -> bytes:
    protected = cbor2.dumps({HEADER_ALG: ALG_EDDSA, HEADER_KID: kid})
    payload = cbor2.dumps(dict(claims))
    signature = private_key.sign(_sig_structure(protected, payload))
    return cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))


def encode_text(cose: bytes) -> str:
    return PREFIX + base45.b45encode(zlib.compress(cose, 9)).decode("ascii")


def sign_claims(claims: Mapping[Any, Any], *, private_key: Ed25519PrivateKey, kid: bytes) -> str:
    return encode_text(cose_sign(claims, private_key=private_key, kid=kid))


def _loads_exact(data: bytes) -> Any:
    """Decode exactly one CBOR item: trailing bytes are an error."""
    stream = io.BytesIO(data)
    try:
        item = cbor2.CBORDecoder(stream).decode()
    except Exception as exc:  # noqa: BLE001 - cbor2 raises many kinds on junk
        raise BadCose("not CBOR") from exc
    if stream.tell() != len(data):
        raise BadCose("trailing bytes after the CBOR item")
    return item


def decode_text(text: str) -> bytes:
    """The COSE bytes inside a pasted or scanned code."""
    if not isinstance(text, str):
        raise BadPrefix("not text")
    if len(text) > MAX_TEXT * 2:
        raise BadPrefix("too long")
    # A code copied from print may be broken over lines; base45 has no line breaks (but has spaces).
    text = text.strip().replace("\r", "").replace("\n", "").replace("\t", "")
    if len(text) > MAX_TEXT:
        raise BadPrefix("too long")
    if not text.startswith(PREFIX):
        raise BadPrefix("missing prefix")
    body = text[len(PREFIX) :]
    try:
        compressed = base45.b45decode(body)
    except Exception as exc:  # noqa: BLE001 - ValueError, KeyError, … on junk
        raise BadBase45("not base45") from exc
    try:
        inflater = zlib.decompressobj()
        cose = inflater.decompress(compressed, MAX_COSE)
        if inflater.unconsumed_tail or not inflater.eof:
            raise BadCompression("truncated or too large")
    except zlib.error as exc:
        raise BadCompression("not zlib") from exc
    return cose


def _lookup(keys: Mapping[bytes, PublishedKey] | Iterable[PublishedKey]) -> Mapping[bytes, PublishedKey]:
    if isinstance(keys, Mapping):
        return keys
    return {key.kid: key for key in keys}


def _as_datetime(value: Any, name: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadCose(f"{name} is not a number")
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise BadCose(f"{name} out of range") from exc


def unverified_kid(cose: bytes) -> bytes | None:
    """The kid a COSE_Sign1 claims (NOT verified), to fetch just that key; None if there is none."""
    try:
        item = _loads_exact(cose)
        header = _loads_exact(item.value[0])
        kid = header[HEADER_KID]
    except (PayloadError, AttributeError, IndexError, KeyError, TypeError):
        return None
    return kid if isinstance(kid, bytes) and len(kid) <= 64 else None


def verify_cose(cose: bytes, keys: Mapping[bytes, PublishedKey] | Iterable[PublishedKey]) -> VerifiedPayload:
    """Check a COSE_Sign1 against the published keys; raise a PayloadError subclass if anything is off."""
    item = _loads_exact(cose)
    if not isinstance(item, cbor2.CBORTag) or item.tag != COSE_SIGN1_TAG:
        raise BadCose("not a tagged COSE_Sign1")
    parts = item.value
    if not isinstance(parts, list) or len(parts) != 4:
        raise BadCose("COSE_Sign1 is not a 4-element array")
    protected, unprotected, payload, signature = parts
    if not all(isinstance(x, bytes) for x in (protected, payload, signature)):
        raise BadCose("COSE_Sign1 parts have the wrong types")
    # Nothing unsigned is allowed to carry meaning: the unprotected header must be empty.
    if not isinstance(unprotected, dict) or unprotected:
        raise BadCose("unexpected unprotected header")
    header = _loads_exact(protected)
    if not isinstance(header, dict) or set(header) != {HEADER_ALG, HEADER_KID}:
        raise BadCose("protected header must hold exactly alg and kid")
    if header[HEADER_ALG] != ALG_EDDSA:
        raise BadCose("algorithm is not EdDSA")
    kid = header[HEADER_KID]
    if not isinstance(kid, bytes):
        raise BadCose("kid is not a byte string")
    if len(signature) != 64:
        raise BadSignature("signature has the wrong length")
    key = _lookup(keys).get(kid)
    if key is None:
        raise UnknownKey(kid)
    try:
        key.public_key.verify(signature, _sig_structure(protected, payload))
    except InvalidSignature as exc:
        raise BadSignature("signature does not match") from exc
    # Signed, so from here on the content is the signer's; still check its shape.
    claims = _loads_exact(payload)
    if not isinstance(claims, dict):
        raise BadCose("claims are not a map")
    issued_at = _as_datetime(claims.get(CLAIM_IAT), "iat")
    expires_at = _as_datetime(claims[CLAIM_EXP], "exp") if CLAIM_EXP in claims else None
    body = claims.get(CLAIM_SHEBA)
    if not isinstance(body, dict) or body.get("v") != PAYLOAD_VERSION:
        raise BadCose("missing or unknown certificate claims")
    if key.status == "withdrawn":
        raise KeyNotValid("key withdrawn")
    # A retired key signs nothing new: a later iat means someone signed with it after retirement.
    if key.valid_to is not None and issued_at > key.valid_to:
        raise KeyNotValid("signed after the key was retired")
    if key.valid_from is not None and issued_at < key.valid_from.replace(microsecond=0):
        raise KeyNotValid("signed before the key existed")
    return VerifiedPayload(
        kid=kid,
        issuer=str(claims.get(CLAIM_ISS, "")),
        issued_at=issued_at,
        expires_at=expires_at,
        claims=body,
    )


def verify_text(text: str, keys: Mapping[bytes, PublishedKey] | Iterable[PublishedKey]) -> VerifiedPayload:
    return verify_cose(decode_text(text), keys)


def build_claims(
    *,
    issuer: str,
    issued_at: datetime,
    expires_on: date | None,
    serial: str,
    type_code: str,
    type_names: tuple[str, str],
    holder_names: tuple[str, str],
    holder_id_last4: str,
    office_code: str,
    office_names: tuple[str, str],
    issued_on: date,
    post_names: tuple[str, str],
) -> dict[Any, Any]:
    claims: dict[Any, Any] = {
        CLAIM_ISS: issuer,
        CLAIM_IAT: int(issued_at.timestamp()),
        CLAIM_SHEBA: {
            "v": PAYLOAD_VERSION,
            "sn": serial,
            "t": type_code,
            "tn": list(type_names),
            "hn": list(holder_names),
            "id": holder_id_last4[-4:],
            "o": office_code,
            "on": list(office_names),
            "d": issued_on.isoformat(),
            "p": list(post_names),
        },
    }
    if expires_on is not None:
        end = datetime(expires_on.year, expires_on.month, expires_on.day, 23, 59, 59, tzinfo=UTC)
        claims[CLAIM_EXP] = int(end.timestamp())
    return claims


def qr_payload_verify(
    text: str, keys: Mapping[bytes, PublishedKey] | Iterable[PublishedKey]
) -> VerifiedPayload:
    """Verify a scanned or pasted code offline against the given keys (raises a PayloadError subclass)."""
    return verify_text(text, keys)
