"""Writes: signing keys (create, rotate), certificates (issue, revoke).

These services do not decide WHO may sign or revoke: the calling view (the chairman's
dashboard) authorises; the services enforce the rules of keys and certificates.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PrivateFormat, PublicFormat
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sheba.audit.services import audit_record
from sheba.certificates import kek, payload
from sheba.certificates.models import Certificate, KeyStatus, SerialCounter, SigningKey
from sheba.core import clock
from sheba.core.errors import Conflict, InvalidInput, NotFound
from sheba.directory.enums import OfficeTypeCode
from sheba.directory.models import Office, Post

ISSUER = "BD-Sheba"


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def office_code(office: Office) -> str:
    """Short code of an office on serial numbers and in the QR: "UP-3506" for a union parishad."""
    if office.union_id and office.office_type.code == OfficeTypeCode.UNION_PARISHAD:
        return f"UP-{office.union_id}"
    return f"OF-{office.pk}"


def _new_key(*, actor: Any, post: Post) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    public_raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    private_raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, _no_encryption())
    kid = payload.kid_for(public_raw)
    key = SigningKey.objects.create(
        post=post,
        kid=kid,
        public_key=public_raw,
        private_key_encrypted=kek.seal(private_raw, kid=kid),
        status=KeyStatus.ACTIVE,
        created_at=clock.now(),
        created_by=_user(actor),
    )
    return key


def _no_encryption():
    from cryptography.hazmat.primitives.serialization import NoEncryption

    return NoEncryption()


@transaction.atomic
def signing_key_create(*, actor: Any, post: Post) -> SigningKey:
    """Give a post its first signing key. Refuses if the post already has an active key (rotate instead)."""
    Post.objects.select_for_update().get(pk=post.pk)
    if SigningKey.objects.filter(post=post, status=KeyStatus.ACTIVE).exists():
        raise Conflict(_("This post already has a signing key. Rotate it instead."))
    key = _new_key(actor=actor, post=post)
    audit_record(
        actor=actor,
        action="certificates.key_create",
        object_type="certificates.SigningKey",
        object_id=key.kid_hex,
        data={"post": post.pk},
    )
    return key


@transaction.atomic
def signing_key_rotate(*, actor: Any, post: Post) -> SigningKey:
    """Retire the post's active key (it stays published, so its certificates still verify) and make a new one."""
    Post.objects.select_for_update().get(pk=post.pk)
    now = clock.now()
    old = list(SigningKey.objects.select_for_update().filter(post=post, status=KeyStatus.ACTIVE))
    for key in old:
        key.status = KeyStatus.RETIRED
        key.retired_at = now
        key.save(update_fields=["status", "retired_at"])
    key = _new_key(actor=actor, post=post)
    audit_record(
        actor=actor,
        action="certificates.key_rotate",
        object_type="certificates.SigningKey",
        object_id=key.kid_hex,
        data={"post": post.pk, "retired": [k.kid_hex for k in old]},
    )
    return key


def _private_key(key: SigningKey) -> Ed25519PrivateKey:
    raw = kek.unseal(bytes(key.private_key_encrypted), kid=bytes(key.kid))
    return Ed25519PrivateKey.from_private_bytes(raw)


def qr_payload_sign(certificate: Certificate) -> str:
    """The signed QR text of a certificate (signed with the certificate's key)."""
    office = certificate.office
    post = certificate.signer_post
    claims = payload.build_claims(
        issuer=ISSUER,
        issued_at=certificate.issued_at,
        expires_on=certificate.valid_until,
        serial=certificate.serial,
        type_code=certificate.type_code,
        type_names=(certificate.type_name_bn, certificate.type_name_en),
        holder_names=(certificate.holder_name_bn, certificate.holder_name_en),
        holder_id_last4=certificate.holder_id_last4,
        office_code=office_code(office),
        office_names=(office.name_bn, office.name_en),
        issued_on=certificate.issued_on,
        post_names=(post.name_bn, post.name_en),
    )
    key = certificate.signing_key
    return payload.sign_claims(claims, private_key=_private_key(key), kid=bytes(key.kid))


def _next_number(office: Office, year: int) -> int:
    counter, _created = SerialCounter.objects.get_or_create(office=office, year=year)
    counter = SerialCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@transaction.atomic
def certificate_issue(
    *,
    actor: Any,
    signer_post: Post,
    type_code: str,
    type_name_bn: str,
    type_name_en: str,
    holder_name_bn: str,
    holder_name_en: str = "",
    holder_id: str = "",
    issued_on: date | None = None,
    valid_until: date | None = None,
    application: Any = None,
) -> Certificate:
    """Number, sign and store one certificate of the signer post's office. Only the last 4 digits of ``holder_id`` are kept."""
    holder_name_bn = holder_name_bn.strip()
    if not holder_name_bn or not type_code:
        raise InvalidInput(_("A certificate needs a holder's name and a type."))
    digits = "".join(ch for ch in holder_id if ch.isdigit())
    key = SigningKey.objects.filter(post=signer_post, status=KeyStatus.ACTIVE).first()
    if key is None:
        raise NotFound(_("This post has no signing key yet."))
    office = Office.objects.select_related("office_type").get(pk=signer_post.office_id)
    issued_on = issued_on or clock.today()
    number = _next_number(office, issued_on.year)
    certificate = Certificate(
        serial=f"{office_code(office)}-{issued_on.year}-{number:06d}",
        office=office,
        year=issued_on.year,
        number=number,
        application=application,
        type_code=type_code,
        type_name_bn=type_name_bn,
        type_name_en=type_name_en,
        holder_name_bn=holder_name_bn,
        holder_name_en=holder_name_en.strip(),
        holder_id_last4=digits[-4:],
        issued_on=issued_on,
        valid_until=valid_until,
        signer_post=signer_post,
        signing_key=key,
        issued_at=clock.now(),
        issued_by=_user(actor),
    )
    certificate.payload = qr_payload_sign(certificate)
    certificate.save()
    audit_record(
        actor=actor,
        action="certificates.issue",
        object_type="certificates.Certificate",
        object_id=certificate.serial,
        data={"kid": key.kid_hex, "type": type_code},
    )
    return certificate


@transaction.atomic
def certificate_revoke(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Please give the reason for revoking this certificate."))
    if len(reason) > 500:
        raise InvalidInput(_("The reason is too long (500 characters at most)."))
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise Conflict(_("This certificate has already been revoked."))
    locked.revoked_at = clock.now()
    locked.revocation_reason = reason
    locked.revoked_by = _user(actor)
    locked.save(update_fields=["revoked_at", "revocation_reason", "revoked_by"])
    audit_record(
        actor=actor,
        action="certificates.revoke",
        object_type="certificates.Certificate",
        object_id=locked.serial,
        data={"reason": reason},
    )
    certificate.revoked_at, certificate.revocation_reason = locked.revoked_at, locked.revocation_reason
    certificate.revoked_by = locked.revoked_by
    return locked
