"""Writes for the locker: upload (a new document or a new version), rescan, delete.

Order of an upload, and why: every content check and the virus scan run first, with no database
transaction open (the scanner may be a socket call); then the file is written under a generated
name and the rows are created in one transaction (the file is removed again if that fails).
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from sheba.accounts.models import User
from sheba.audit.services import audit_record
from sheba.core import clock
from sheba.core.errors import Conflict, InvalidInput, NotFound
from sheba.locker import scanning
from sheba.locker.checks import (
    MAX_FILES_PER_APPLICATION,
    CheckedFile,
    UploadRefused,
    check_attachment_count,
    check_file,
    read_upload,
)
from sheba.locker.models import Document, DocumentKind, DocumentVersion, ScanStatus
from sheba.locker.selectors import document_in_use

__all__ = [
    "MAX_FILES_PER_APPLICATION",
    "UploadInfected",
    "UploadRefused",
    "check_attachment_count",
    "document_delete",
    "document_replace",
    "document_upload",
    "version_scan",
]

logger = logging.getLogger(__name__)

MAX_SCAN_ATTEMPTS = 6  # the upload's own scan plus five retries by the worker
SCAN_RETRY_BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15),
                      timedelta(hours=1), timedelta(hours=4)]


class UploadInfected(UploadRefused):
    code = "upload_infected"
    default_message = _("Our virus check found a virus in this file, so it was not saved. "
                        "Please check your device and upload a clean copy.")


# --- Storage --------------------------------------------------------------------------------

def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def storage_path(storage_name: str) -> Path:
    """Where a version's bytes are. Names are ours (``locker/ab/<hex>.pdf``), never the uploader's."""
    root = _media_root().resolve()
    path = (root / storage_name).resolve()
    if root not in path.parents:
        raise NotFound()
    return path


def _write_file(data: bytes, extension: str) -> str:
    token = uuid.uuid4().hex
    storage_name = f"locker/{token[:2]}/{token}{extension}"
    path = storage_path(storage_name)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    temporary = path.with_suffix(path.suffix + ".part")
    with open(temporary, "xb") as handle:
        os.fchmod(handle.fileno(), 0o640)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return storage_name


def _remove_file(storage_name: str) -> None:
    try:
        storage_path(storage_name).unlink(missing_ok=True)
    except OSError:  # a file left behind is harmless; its row is gone or marked unusable
        logger.warning("locker: could not remove a stored file", extra={"storage_name": storage_name})


def _remove_files(storage_names: list[str]) -> None:
    for storage_name in storage_names:
        _remove_file(storage_name)


def read_version_bytes(version: DocumentVersion) -> bytes:
    return storage_path(version.storage_name).read_bytes()


# --- Upload ---------------------------------------------------------------------------------

def _check_actor(actor: Any, owner: Any) -> None:
    # For now only the owner writes to a locker. Front-desk uploads on a citizen's behalf would
    # widen this check (and say so in the audit row).
    if not getattr(actor, "is_authenticated", False) or actor.pk != owner.pk or not owner.is_citizen:
        raise NotFound()


def _first_scan(data: bytes) -> tuple[str, str]:
    """Scan at upload. Infected: refuse. Scanner error: keep the file as "pending scan"."""
    try:
        verdict = scanning.scan(data)
    except scanning.ScannerError as error:
        logger.warning("locker: virus scanner unavailable; file kept as pending", extra={"reason": str(error)})
        return ScanStatus.PENDING, str(error)[:200]
    if verdict.infected:
        raise UploadInfected()
    return ScanStatus.CLEAN, ""


def _checked(uploaded_file: Any) -> tuple[bytes, CheckedFile]:
    """The bytes as sent (which the scanner sees) and the file as we will store it."""
    data = read_upload(uploaded_file)
    return data, check_file(name=getattr(uploaded_file, "name", "") or "",
                            declared_type=getattr(uploaded_file, "content_type", "") or "", data=data)


def _refuse_infected(*, actor: Any, owner: Any, kind: str) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="locker.upload_refused_infected", object_type="user",
                     object_id=str(owner.public_id), data={"kind": kind})


def document_upload(*, actor: Any, owner: Any, kind: str, uploaded_file: Any, title: str = "") -> DocumentVersion:
    """Keep a checked, scanned file in ``owner``'s locker.

    Kinds other than "other" are kept once per owner: a new upload of the same kind becomes the
    next version of that document (old versions stay). Refusals raise ``UploadRefused``; a virus
    raises ``UploadInfected`` and keeps nothing; a scanner error keeps the file "pending scan".
    """
    _check_actor(actor, owner)
    if kind not in DocumentKind.values:
        raise InvalidInput(_("Please choose what kind of document this is."))
    sent, checked = _checked(uploaded_file)
    try:
        status, detail = _first_scan(sent)
    except UploadInfected:
        _refuse_infected(actor=actor, owner=owner, kind=kind)
        raise
    return _store(actor=actor, owner=owner, kind=kind, title=title.strip()[:200], document=None,
                  checked=checked, status=status, detail=detail)


def document_replace(*, actor: Any, document: Document, uploaded_file: Any, title: str = "") -> DocumentVersion:
    """Add a new version to ``document`` (the old ones stay for the applications that used them)."""
    owner = document.owner
    _check_actor(actor, owner)
    sent, checked = _checked(uploaded_file)
    try:
        status, detail = _first_scan(sent)
    except UploadInfected:
        _refuse_infected(actor=actor, owner=owner, kind=document.kind)
        raise
    return _store(actor=actor, owner=owner, kind=document.kind, title=title.strip()[:200], document=document,
                  checked=checked, status=status, detail=detail)


REPEAT_WINDOW = timedelta(minutes=2)


def _same_upload_just_now(*, owner: Any, kind: str, document: Document | None, sha256: str,
                          now: Any) -> DocumentVersion | None:
    """The version this very file became moments ago (a double-clicked or resent form), if any."""
    recent = DocumentVersion.objects.filter(document__owner=owner, document__kind=kind, sha256=sha256,
                                            created_at__gte=now - REPEAT_WINDOW)
    if document is not None:
        recent = recent.filter(document=document)
    return recent.select_related("document").order_by("-created_at").first()


def _store(*, actor: Any, owner: Any, kind: str, title: str, document: Document | None, checked: CheckedFile,
           status: str, detail: str) -> DocumentVersion:
    sha256 = hashlib.sha256(checked.data).hexdigest()
    storage_name = _write_file(checked.data, checked.extension)
    try:
        with transaction.atomic():
            now = clock.now()
            # One lock order for every locker write: the owner's row, then the document's.
            User.objects.select_for_update().only("pk").get(pk=owner.pk)
            repeat = _same_upload_just_now(owner=owner, kind=kind, document=document, sha256=sha256, now=now)
            if repeat is not None:
                _remove_file(storage_name)  # a double-clicked submit: keep the first, add nothing
                return repeat
            if document is None and kind != DocumentKind.OTHER:
                document = Document.objects.filter(owner=owner, kind=kind).first()
            if document is None:
                document = Document.objects.create(owner=owner, kind=kind, title=title, created_at=now,
                                                   updated_at=now)
                created = True
            else:
                document = Document.objects.select_for_update().get(pk=document.pk, owner=owner)
                document.updated_at = now
                if title:
                    document.title = title
                document.save(update_fields=["updated_at", "title"])
                created = False
            last = document.versions.aggregate(last=Max("number"))["last"] or 0
            version = DocumentVersion.objects.create(
                document=document,
                number=last + 1,
                storage_name=storage_name,
                original_name=checked.original_name,
                content_type=checked.content_type,
                size=len(checked.data),
                sha256=sha256,
                width=checked.width,
                height=checked.height,
                scan_status=status,
                scan_attempts=1,
                scan_detail=detail,
                scanned_at=now if status == ScanStatus.CLEAN else None,
                created_by=actor,
                created_at=now,
            )
            audit_record(actor=actor, action="locker.document_created" if created else "locker.version_added",
                         object_type="document", object_id=str(document.public_id),
                         data={"kind": kind, "version": version.number, "scan": status,
                               "sha256": version.sha256, "size": version.size})
            if status == ScanStatus.PENDING:
                _schedule_scan(version.pk, attempt=1)
    except BaseException:
        _remove_file(storage_name)
        raise
    return version


# --- Later scans (the worker) ---------------------------------------------------------------

def _schedule_scan(version_pk: int, *, attempt: int) -> None:
    from sheba.locker.tasks import scan_version

    delay = SCAN_RETRY_BACKOFF[min(attempt - 1, len(SCAN_RETRY_BACKOFF) - 1)]
    run_after = clock.now() + delay
    transaction.on_commit(lambda: scan_version.using(run_after=run_after).enqueue(version_pk), robust=True)


def version_scan(*, version_id: int) -> str:
    """Scan a version still "pending scan"; mark it clean or infected, or count one more failure.

    After ``MAX_SCAN_ATTEMPTS`` failures it becomes "error": never usable, the owner uploads again.
    Idempotent: a version that is no longer pending is left as it is.
    """
    version = DocumentVersion.objects.filter(pk=version_id).first()
    if version is None or version.scan_status != ScanStatus.PENDING:
        return version.scan_status if version else "missing"
    verdict: scanning.ScanVerdict | None
    try:
        verdict = scanning.scan(read_version_bytes(version))
        reason = ""
    except (scanning.ScannerError, OSError) as error:
        verdict, reason = None, str(error)[:200]
    with transaction.atomic():
        version = DocumentVersion.objects.select_for_update().get(pk=version_id)
        if version.scan_status != ScanStatus.PENDING:
            return version.scan_status
        now = clock.now()
        version.scan_attempts += 1
        if verdict is None:
            version.scan_detail = reason
            if version.scan_attempts >= MAX_SCAN_ATTEMPTS:
                version.scan_status = ScanStatus.ERROR
            else:
                _schedule_scan(version.pk, attempt=version.scan_attempts)
        elif verdict.infected:
            version.scan_status = ScanStatus.INFECTED
            version.scan_detail = verdict.signature
            version.scanned_at = now
            name = version.storage_name
            transaction.on_commit(lambda: _remove_file(name))
        else:
            version.scan_status = ScanStatus.CLEAN
            version.scan_detail = ""
            version.scanned_at = now
        version.save(update_fields=["scan_status", "scan_attempts", "scan_detail", "scanned_at"])
        audit_record(actor=None, action="locker.version_scanned", object_type="document_version",
                     object_id=str(version.public_id), data={"scan": version.scan_status})
    return version.scan_status


# --- Delete ---------------------------------------------------------------------------------

@transaction.atomic
def document_delete(*, actor: Any, document: Document) -> None:
    """The owner deletes a document and all its versions, unless an application refers to one."""
    _check_actor(actor, document.owner)
    User.objects.select_for_update().only("pk").get(pk=document.owner_id)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document_in_use(document):
        raise Conflict(_("An application uses this document, so it cannot be deleted. "
                         "You can upload a new version instead."))
    names = list(document.versions.values_list("storage_name", flat=True))
    audit_record(actor=actor, action="locker.document_deleted", object_type="document",
                 object_id=str(document.public_id), data={"kind": document.kind, "versions": len(names)})
    document.delete()
    transaction.on_commit(lambda: _remove_files(names))


# --- Issued documents -----------------------------------------------------------------------

@transaction.atomic
def issued_document_deliver(*, owner: Any, certificate: Any) -> Any:
    """Put a certificate an office issued into ``owner``'s locker (once; in the issuing transaction)."""
    from sheba.locker.models import IssuedDocument

    found = IssuedDocument.objects.filter(certificate=certificate).first()
    if found is not None:
        return found
    office = certificate.office
    entry = IssuedDocument.objects.create(
        owner=owner, certificate=certificate, title_bn=certificate.type_name_bn,
        title_en=certificate.type_name_en or certificate.type_name_bn, issuer_bn=office.name_bn,
        issuer_en=office.name_en or office.name_bn, reference=certificate.serial, issued_on=certificate.issued_on,
        created_at=clock.now(),
    )
    audit_record(actor=None, action="locker.issued_document_added", object_type="user",
                 object_id=str(owner.public_id), data={"reference": certificate.serial})
    return entry
