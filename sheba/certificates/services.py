"""Writes: signing keys (create, rotate), templates (save, seed), certificates (issue, issue on
approval, render, revoke).

WHO may sign is decided by the workflow (only the holder of the post at the approving step acts);
WHO may revoke by the calling view (``selectors.certificate_for_revoker``). These services enforce
the rules of keys and certificates.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PrivateFormat, PublicFormat
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sheba.audit.services import audit_record
from sheba.certificates import kek, payload, rendering
from sheba.certificates.models import Certificate, CertificateTemplate, KeyStatus, SerialCounter, SigningKey
from sheba.core import clock
from sheba.core.errors import Conflict, DomainError, InvalidInput, NotFound
from sheba.directory.enums import OfficeTypeCode
from sheba.directory.models import Office, Post

ISSUER = "BD-Sheba"
logger = logging.getLogger(__name__)


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
    signer_name: str = "",
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
        signer_name=signer_name[:200],
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


# --- Templates ------------------------------------------------------------------------------

TEMPLATE_FIELDS = ("name_bn", "name_en", "body_bn", "body_en", "valid_to_fiscal_year_end", "sample_data", "is_active")


def template_problems(*, body_bn: str, body_en: str) -> list[str]:
    problems = rendering.template_problems(body_bn or "")
    if not (body_bn or "").strip():
        problems.insert(0, str(_("The Bengali text is required.")))
    if (body_en or "").strip():
        problems += rendering.template_problems(body_en)
    return problems


@transaction.atomic
def template_save(*, actor: Any, template: CertificateTemplate, fields: dict[str, Any]) -> CertificateTemplate:
    """Save a designer's change: refused (with every problem listed) unless both texts render safely."""
    problems = template_problems(body_bn=fields.get("body_bn", template.body_bn),
                                 body_en=fields.get("body_en", template.body_en))
    if problems:
        raise InvalidInput(" ".join(problems))
    for name in TEMPLATE_FIELDS:
        if name in fields:
            setattr(template, name, fields[name])
    created = template.pk is None
    if not created:
        template.version = CertificateTemplate.objects.select_for_update().get(pk=template.pk).version + 1
    template.updated_at = clock.now()
    template.updated_by = _user(actor)
    template.save()
    audit_record(actor=actor, action="certificates.template_create" if created else "certificates.template_change",
                 object_type="certificates.CertificateTemplate", object_id=template.code,
                 data={"version": template.version})
    return template


@transaction.atomic
def templates_seed(*, actor: Any = None) -> list[CertificateTemplate]:
    """Create the shipped templates that do not exist yet (an existing one may have been edited: kept)."""
    from sheba.certificates.template_data import shipped

    created = []
    for code, fields in shipped().items():
        if CertificateTemplate.objects.filter(code=code).exists():
            continue
        created.append(template_save(actor=actor, template=CertificateTemplate(code=code), fields=fields))
    return created


def template_for(service: Any) -> CertificateTemplate | None:
    code = (getattr(service, "output_template_code", "") or "").strip()
    if not code:
        return None
    return CertificateTemplate.objects.filter(code=code, is_active=True).first()


# --- Issue on approval ----------------------------------------------------------------------


class NoSigningKey(DomainError):
    code = "no_signing_key"
    status = 409
    default_message = _(
        "This service issues a certificate, but your post has no signing key yet, so the file cannot be "
        "approved. Ask the system administrator to create the key (manage.py certificates_keygen); "
        "nothing has been changed."
    )


def fiscal_year_end(day: date) -> date:
    """30 June that ends the Bangladesh fiscal year (1 July – 30 June) containing ``day``."""
    return date(day.year + 1 if day.month >= 7 else day.year, 6, 30)


def approval_guard(*, actor: Any, application: Any, task: Any, action: Any) -> None:
    """Refuse to approve a file whose service issues a certificate when the approving post cannot sign."""
    if template_for(application.service) is None:
        return
    if task.post_id is None or not SigningKey.objects.filter(post_id=task.post_id, status=KeyStatus.ACTIVE).exists():
        raise NoSigningKey()


def approval_effect(*, actor: Any, application: Any, task: Any, action: Any) -> None:
    """On approval: issue, sign and store the certificate in the same transaction; the PDF follows."""
    template = template_for(application.service)
    if template is None or task.post is None:
        return
    certificate_issue_for_application(actor=actor, application=application, signer_post=task.post, template=template)


def _bodies(certificate: Certificate, template: CertificateTemplate, application: Any,
            holder: rendering.Holder) -> tuple[str, str]:
    found = []
    for language, body in (("bn", template.body_bn), ("en", template.body_en)):
        if not body.strip():
            found.append("")
            continue
        context = rendering.certificate_context(
            language=language, office=certificate.office, serial=certificate.serial, issued_on=certificate.issued_on,
            valid_until=certificate.valid_until, signer_post=certificate.signer_post,
            signer_name=certificate.signer_name, holder=holder, schema=application.service.form_schema or {},
            data=application.form_data or {},
        )
        found.append(rendering.render_body(body, context))
    return found[0], found[1]


@transaction.atomic
def certificate_issue_for_application(
    *, actor: Any, application: Any, signer_post: Post, template: CertificateTemplate
) -> Certificate:
    """Number, sign and store the certificate of an approved application, fix its text, and put it in
    the applicant's locker. Idempotent: an application's certificate is issued once."""
    existing = Certificate.objects.filter(application=application).first()
    if existing is not None:
        return existing
    holder = rendering.holder_of(application)
    today = clock.today()
    certificate = certificate_issue(
        actor=actor, signer_post=signer_post, type_code=template.code, type_name_bn=template.name_bn,
        type_name_en=template.name_en, holder_name_bn=holder.name_bn,
        holder_name_en=holder.name_en, holder_id=holder.identity, issued_on=today,
        valid_until=fiscal_year_end(today) if template.valid_to_fiscal_year_end else None,
        application=application, signer_name=str(actor) if getattr(actor, "pk", None) else "",
    )
    certificate.template = template
    certificate.template_version = template.version
    certificate.body_bn, certificate.body_en = _bodies(certificate, template, application, holder)
    certificate.save(update_fields=["template", "template_version", "body_bn", "body_en"])
    from sheba.locker.services import issued_document_deliver

    issued_document_deliver(owner=application.applicant, certificate=certificate)
    pk = certificate.pk
    transaction.on_commit(lambda: _schedule_render(pk), robust=True)
    return certificate


def _schedule_render(pk: int) -> None:
    from sheba.certificates.tasks import render_certificate

    render_certificate.enqueue(pk)


# --- The PDF --------------------------------------------------------------------------------


def _place(office: Office, language: str) -> str:
    attr = "name_en" if language == "en" else "name_bn"
    parts = [getattr(x, attr, "") for x in (office.upazila, office.district) if x is not None]
    return ", ".join(p for p in parts if p)


def certificate_page(certificate: Certificate, *, language: str = "bn", signed: bool = True) -> rendering.Page:
    """The page of an issued certificate; ``signed=False``: the same page without QR (benchmark)."""
    from django.conf import settings

    english = language == "en" and bool(certificate.body_en)
    language = "en" if english else "bn"
    office, post = certificate.office, certificate.signer_post
    return rendering.Page(
        language=language,
        title=certificate.type_name_en if english else certificate.type_name_bn,
        body=(certificate.body_en if english else certificate.body_bn) or "",
        office=office.name_en if english else office.name_bn,
        place=_place(office, language),
        serial=certificate.serial,
        issued_on=certificate.issued_on,
        valid_until=certificate.valid_until,
        signer_name=certificate.signer_name,
        signer_post=post.name_en if english else post.name_bn,
        qr_png=qr_png(certificate.payload) if signed else None,
        verify_url=settings.SHEBA_SITE_URL.rstrip("/") + "/verify/",
    )


def qr_png(text: str) -> bytes:
    """The QR of a signed payload for the PDF: a small PNG (2 pixels a module) printed without
    smoothing (``image-rendering: pixelated``), so it stays sharp at any size. Measured: an SVG QR,
    or a large PNG, or letting segno try all eight masks, each added 10–40 % to the render; mask 0
    is as valid for every reader."""
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False, mask=0).save(buffer, kind="png", scale=2, border=4)
    return buffer.getvalue()


def certificate_pdf_bytes(certificate: Certificate, *, language: str = "bn", signed: bool = True) -> bytes:
    return rendering.html_to_pdf(rendering.page_html(certificate_page(certificate, language=language, signed=signed)))


def _write_pdf(data: bytes) -> str:
    from sheba.locker.services import storage_path

    token = uuid.uuid4().hex
    name = f"certificates/{token[:2]}/{token}.pdf"
    path = storage_path(name)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    temporary = path.with_suffix(".part")
    with open(temporary, "xb") as handle:
        os.fchmod(handle.fileno(), 0o640)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return name


def pdf_path(name: str) -> Path:
    from sheba.locker.services import storage_path

    return storage_path(name)


def certificate_render(*, certificate_id: int, language: str = "bn", certificate: Certificate | None = None) -> str:
    """Render and store the PDF of a certificate in ``language`` once; return its storage name.

    Rendering (about 0.2 s) runs with no transaction open; the row is then locked and the name
    saved unless another worker got there first (then our file is removed). Idempotent."""
    field = "pdf_en" if language == "en" else "pdf_bn"
    if certificate is None or certificate.pk != certificate_id:
        certificate = Certificate.objects.select_related("office__upazila", "office__district", "signer_post").get(
            pk=certificate_id
        )
    if language == "en" and not certificate.body_en:
        raise NotFound(_("This certificate has no English version."))
    stored = str(getattr(certificate, field))
    if stored and pdf_path(stored).exists():
        return stored
    data = certificate_pdf_bytes(certificate, language=language)
    name = _write_pdf(data)
    try:
        with transaction.atomic():
            locked = Certificate.objects.select_for_update().get(pk=certificate_id)
            current = getattr(locked, field)
            if current and pdf_path(current).exists():
                pdf_path(name).unlink(missing_ok=True)
                return str(current)
            setattr(locked, field, name)
            locked.save(update_fields=[field])
    except BaseException:
        pdf_path(name).unlink(missing_ok=True)
        raise
    # Not an audit event (the issue was; the file can always be made again from the stored text).
    logger.info("certificates: rendered", extra={"serial": certificate.serial, "language": language,
                                                 "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
    return name


def template_preview_pdf(*, template: CertificateTemplate, language: str = "bn", office: Office | None = None) -> bytes:
    """A sample PDF of a (possibly unsaved) template from its sample answers: marked SAMPLE, no QR."""
    from django.conf import settings

    from sheba.catalog.models import Service

    english = language == "en" and template.has_english
    language = "en" if english else "bn"
    problems = template_problems(body_bn=template.body_bn, body_en=template.body_en)
    if problems:
        raise InvalidInput(" ".join(problems))
    service = Service.objects.filter(output_template_code=template.code).first()
    office = office or Office.objects.filter(office_type__code="union_parishad").select_related(
        "union", "upazila", "district").order_by("pk").first()
    today = clock.today()
    sample = template.sample_data if isinstance(template.sample_data, dict) else {}
    holder = rendering.Holder(name_bn=str(sample.get("name_bn") or sample.get("owner_name_bn") or "নমুনা নাম"),
                              name_en=str(sample.get("name_en") or "Sample name"),
                              identity=str(sample.get("identity_number") or sample.get("owner_nid") or ""))
    valid_until = fiscal_year_end(today) if template.valid_to_fiscal_year_end else None
    post_names = ("চেয়ারম্যান", "Chairman")
    context = rendering.certificate_context(
        language=language, office=office, serial="UP-0000-0000-000000", issued_on=today, valid_until=valid_until,
        signer_post=None, signer_name="", holder=holder, schema=(service.form_schema if service else {}) or {},
        data=sample,
    )
    context["signer_post"] = post_names[1] if english else post_names[0]
    body = rendering.render_body(template.body_en if english else template.body_bn, context)
    page = rendering.Page(
        language=language, title=template.name_en if english else template.name_bn, body=body,
        office=(getattr(office, "name_en" if english else "name_bn", "") if office else ""),
        place=_place(office, language) if office else "", serial="UP-0000-0000-000000", issued_on=today,
        valid_until=valid_until, signer_name="", signer_post=context["signer_post"],
        verify_url=settings.SHEBA_SITE_URL.rstrip("/") + "/verify/", sample=True,
    )
    return rendering.html_to_pdf(rendering.page_html(page))
