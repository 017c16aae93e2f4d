"""Reads for the locker, above all "which documents may this user see".

Every view (and later the applications' and officers' views) goes through
:func:`document_visible_to` / :func:`versions_visible_to`; anything outside them answers 404,
exactly like something that does not exist.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Prefetch, QuerySet

from sheba.core.errors import NotFound
from sheba.locker.models import Document, DocumentVersion


def _officer_visible_version_ids(user: Any) -> QuerySet[DocumentVersion, Any] | None:
    """HOOK for the applications/workflow work: the versions an officer may see.

    SECURITY.md: documents are visible "to the owner and to officers handling an application that
    uses them". Return here the ids of versions attached to applications whose file currently
    sits with a post this officer holds (e.g. ``DocumentVersion.objects.filter(
    attachments__application__in=applications_handled_by(user)).values("pk")``), and log the
    view in the audit trail where it is served. Until that work lands officers see nothing.
    """
    # Filled by the applications work: versions attached to applications this officer's offices hold.
    from sheba.applications.selectors import applications_visible_to

    return DocumentVersion.objects.filter(attachments__application__in=applications_visible_to(user)).values("pk")


def version_in_use(version: DocumentVersion) -> bool:
    """HOOK for the applications work: does any application refer to this version?

    A version attached to an application must stay, so its document cannot be deleted. The
    applications work fills this (e.g. ``version.attachments.exists()``); for now nothing uses one.
    """
    # Filled by the applications work: any application (a draft too) that carries this version.
    return version.attachments.exists()


def document_in_use(document: Document) -> bool:
    return any(version_in_use(version) for version in document.versions.all())


def document_visible_to(user: Any) -> QuerySet[Document]:
    """The documents ``user`` may see: their own (citizen); officers through the hook above."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Document.objects.none()
    if user.is_officer:
        version_ids = _officer_visible_version_ids(user)
        if version_ids is None:
            return Document.objects.none()
        return Document.objects.filter(versions__in=version_ids).distinct()
    return Document.objects.filter(owner=user)


def versions_visible_to(user: Any) -> QuerySet[DocumentVersion]:
    """The versions ``user`` may see (and, when clean, download)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return DocumentVersion.objects.none()
    if user.is_officer:
        version_ids = _officer_visible_version_ids(user)
        if version_ids is None:
            return DocumentVersion.objects.none()
        return DocumentVersion.objects.filter(pk__in=version_ids)
    return DocumentVersion.objects.filter(document__owner=user)


def _as_uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise NotFound() from None


def document_get(user: Any, public_id: Any) -> Document:
    """One document the user may see, or NotFound (also for someone else's)."""
    found = document_visible_to(user).filter(public_id=_as_uuid(public_id)).first()
    if found is None:
        raise NotFound()
    return found


def version_get(user: Any, public_id: Any) -> DocumentVersion:
    found = versions_visible_to(user).select_related("document").filter(public_id=_as_uuid(public_id)).first()
    if found is None:
        raise NotFound()
    return found


def locker_of(user: Any) -> QuerySet[Document]:
    """The user's own documents with their versions, newest version first (the locker page)."""
    return (
        document_visible_to(user)
        .filter(owner=user)
        .prefetch_related(Prefetch("versions", queryset=DocumentVersion.objects.order_by("-number")))
        .order_by("kind", "-created_at")
    )


def usable_versions(user: Any) -> QuerySet[DocumentVersion]:
    """Clean versions the user owns, for "attach from the locker" (the applications work)."""
    return (
        versions_visible_to(user)
        .filter(document__owner=user, scan_status="clean")
        .select_related("document")
        .order_by("document__kind", "-number")
    )


def latest_version(document: Document) -> DocumentVersion | None:
    return document.versions.order_by("-number").first()


def issued_documents_of(user: Any) -> QuerySet[Any]:
    """The documents offices issued to ``user`` (their own only), newest first."""
    from sheba.locker.models import IssuedDocument

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return IssuedDocument.objects.none()
    return IssuedDocument.objects.filter(owner=user).select_related("certificate").order_by("-issued_on", "-created_at")
