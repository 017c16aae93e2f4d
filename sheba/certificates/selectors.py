"""Reads: the published keys, and the online verification of a pasted or scanned code."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Any

import segno
from django.db.models import Q, QuerySet

from sheba.certificates import payload
from sheba.certificates.keyfile import keys_document
from sheba.certificates.models import Certificate, KeyStatus, SigningKey
from sheba.certificates.payload import PayloadError, PublishedKey, VerifiedPayload
from sheba.core import clock
from sheba.core.errors import NotFound


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


# --- Who may see and revoke issued certificates ----------------------------------------------


def certificates_visible_to(user: Any) -> QuerySet[Certificate]:
    """Citizens: certificates in their locker (issued on their applications). Officers: certificates of
    the offices where they hold a post today. Anyone else: none. Out of scope answers 404."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Certificate.objects.none()
    if getattr(user, "is_officer", False):
        from sheba.directory.selectors import posts_held_by

        offices = posts_held_by(user).values("office_id")
        if user.has_perm("certificates.revoke_certificate"):
            return Certificate.objects.all()
        return Certificate.objects.filter(office_id__in=offices)
    return Certificate.objects.filter(Q(locker_entry__owner=user) | Q(application__applicant=user))


def _as_uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise NotFound() from None


def certificate_get(user: Any, public_id: Any) -> Certificate:
    found = (
        certificates_visible_to(user)
        .select_related("office__upazila", "office__district", "signer_post", "signing_key", "application")
        .filter(public_id=_as_uuid(public_id))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def can_revoke(user: Any, certificate: Certificate) -> bool:
    """The holder (today) of the post that signs at the certificate's office, or an administrator
    with the revoke permission."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_officer", False):
        return False
    if user.has_perm("certificates.revoke_certificate"):
        return True
    from sheba.directory.selectors import posts_held_by

    return posts_held_by(user).filter(office_id=certificate.office_id, code=certificate.signer_post.code).exists()


def certificates_of_application(user: Any, application: Any) -> list[Certificate]:
    if application is None or getattr(application, "pk", None) is None:
        return []
    return list(certificates_visible_to(user).filter(application_id=application.pk).select_related("signer_post"))
