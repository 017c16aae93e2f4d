"""Reads: the published keys, and the online verification of a pasted or scanned code."""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno

from sheba.certificates import payload
from sheba.certificates.keyfile import keys_document
from sheba.certificates.models import Certificate, KeyStatus, SigningKey
from sheba.certificates.payload import PayloadError, PublishedKey, VerifiedPayload
from sheba.core import clock


def published_keys(*, kid: bytes | None = None) -> list[PublishedKey]:
    """Every key that ever signed (active and retired): old certificates must keep verifying.
    With ``kid``: only that key (or none)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    keys = []
    rows = SigningKey.objects.select_related("post__office").order_by("created_at", "pk")
    if kid is not None:
        rows = rows.filter(kid=kid)
    for key in rows:
        office = key.post.office
        keys.append(
            PublishedKey(
                kid=bytes(key.kid),
                public_key=Ed25519PublicKey.from_public_bytes(bytes(key.public_key)),
                status=key.status,
                valid_from=key.created_at,
                valid_to=key.retired_at if key.status == KeyStatus.RETIRED else None,
                info={
                    "post": {"code": key.post.code, "name_bn": key.post.name_bn, "name_en": key.post.name_en},
                    "office": {
                        "id": str(office.public_id),
                        "name_bn": office.name_bn,
                        "name_en": office.name_en,
                    },
                },
            )
        )
    return keys


def published_keys_document() -> dict:
    return keys_document(published_keys(), generated_at=clock.now())


@dataclass(frozen=True)
class Verification:
    """What /verify shows. ``status``: valid, revoked, expired, unknown_key, invalid."""

    status: str
    payload: VerifiedPayload | None = None
    certificate: Certificate | None = None
    error: str = ""


def certificate_verify(text: str) -> Verification:
    """Verify a code against the published keys, then look up its revocation status."""
    try:
        cose = payload.decode_text(text)
        kid = payload.unverified_kid(cose)
        verified = payload.verify_cose(cose, published_keys(kid=kid) if kid is not None else [])
    except payload.UnknownKey:
        return Verification(status="unknown_key", error="unknown_key")
    except PayloadError as exc:
        return Verification(status="invalid", error=exc.code)
    certificate = (
        Certificate.objects.select_related("office", "signing_key").filter(serial=verified.serial).first()
    )
    if certificate is None or bytes(certificate.signing_key.kid) != verified.kid:
        # Signed by a real key but not on record: say it is not valid rather than guess.
        return Verification(status="invalid", payload=verified, error="not_on_record")
    if certificate.revoked_at is not None:
        return Verification(status="revoked", payload=verified, certificate=certificate)
    if verified.expires_at is not None and verified.expires_at < clock.now():
        return Verification(status="expired", payload=verified, certificate=certificate)
    return Verification(status="valid", payload=verified, certificate=certificate)


def qr_image(text: str, *, kind: str = "svg", scale: int = 4) -> bytes:
    """The QR code of a payload as SVG or PNG bytes (alphanumeric mode: base45 fits it)."""
    if kind not in {"svg", "png"}:
        raise ValueError("kind must be svg or png")
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind=kind, scale=scale, border=4)
    return buffer.getvalue()
