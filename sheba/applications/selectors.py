"""Reads for applications: who may see which application, the office picker, the fee, the
public status lookup."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet

from sheba.applications.models import Application, ApplicationAttachment, ApplicationEvent, Status
from sheba.catalog.models import RequiredDocument, Service, ServiceFee
from sheba.catalog.selectors import service_fee_at, service_for_citizen
from sheba.core.errors import NotFound
from sheba.core.money import Money
from sheba.directory.models import Office


def applications_visible_to(user: Any) -> QuerySet[Application]:
    """The applications ``user`` may see. Citizens: their own, at every office (drafts too).
    Officers: the submitted ones their offices hold now. Anyone else: none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Application.objects.none()
    if user.is_officer:
        from sheba.accounts.selectors import officer_offices

        return Application.objects.filter(holder_office__in=officer_offices(user).values("pk")).exclude(
            status=Status.DRAFT
        )
    return Application.objects.filter(applicant=user)


def _as_uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise NotFound() from None


def application_get(user: Any, public_id: Any) -> Application:
    """One application ``user`` may see, or NotFound (also for someone else's)."""
    found = (
        applications_visible_to(user)
        .select_related("service", "office", "holder_office", "applicant")
        .filter(public_id=_as_uuid(public_id))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def my_applications(user: Any, *, status: str | None = None) -> QuerySet[Application]:
    """The citizen's dashboard: their own applications, newest first, optionally of one status."""
    queryset = applications_visible_to(user).filter(applicant=user)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("service", "office", "holder_office").order_by("-created_at", "-pk")


def application_history(application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.select_related("office").order_by("at", "pk")


def application_attachments(application: Application) -> QuerySet[ApplicationAttachment]:
    return application.attachments.select_related("version", "version__document").order_by("pk")


# --- Applying -------------------------------------------------------------------------------


def offices_offering(service: Service) -> QuerySet[Office]:
    """The active offices where one can apply for ``service``."""
    if service.offered_everywhere_of_type:
        type_ids = [service.office_type_id, *service.other_office_types.values_list("pk", flat=True)]
        queryset = Office.objects.filter(office_type_id__in=type_ids)
    else:
        queryset = service.offering_offices.all()
    return queryset.filter(is_active=True)


def office_choices(
    service: Service, *, district_id: int | None = None, upazila_id: int | None = None, text: str = "",
    limit: int = 50,
) -> list[Office]:
    """Offices for the picker, narrowed by district, upazila or part of the name (Bengali or English)."""
    queryset = offices_offering(service).select_related("district", "upazila", "union")
    if upazila_id:
        queryset = queryset.filter(upazila_id=upazila_id)
    elif district_id:
        queryset = queryset.filter(district_id=district_id)
    if text:
        queryset = queryset.filter(
            Q(name_bn__icontains=text)
            | Q(name_en__icontains=text)
            | Q(union__name_bn__icontains=text)
            | Q(union__name_en__icontains=text)
            | Q(upazila__name_bn__icontains=text)
            | Q(upazila__name_en__icontains=text)
        )
    return list(queryset.order_by("name_bn", "pk")[:limit])


def home_office(service: Service, profile: Any) -> Office | None:
    """The office of the citizen's own union (present address) that offers ``service``, if any."""
    union_id = getattr(profile, "present_union_id", None)
    if not union_id:
        return None
    return offices_offering(service).filter(union_id=union_id).first()


def office_offering_get(service: Service, public_id: Any) -> Office:
    found = offices_offering(service).filter(public_id=_as_uuid(public_id)).first()
    if found is None:
        raise NotFound()
    return found


def fee_at(service: Service, office: Office):
    """The fee and charter deadline of ``service`` at ``office`` (the catalogue's rule)."""
    return service_fee_at(service, office)


def fees_at(service: Service, offices: list[Office]) -> dict[int, Money | None]:
    """Fee per office id for the picker, in one query."""
    rows = {
        r.office_id: r
        for r in ServiceFee.objects.filter(service=service, office_id__in=[o.pk for o in offices])
    }
    return {
        o.pk: (rows[o.pk].amount if o.pk in rows and rows[o.pk].amount_poisha is not None else service.default_fee)
        for o in offices
    }


def uploadable_documents(service: Service) -> list[RequiredDocument]:
    """Required documents the citizen attaches online (the rest are shown at the counter)."""
    return [d for d in service.documents.all() if not d.bring_to_counter]


def counter_documents(service: Service) -> list[RequiredDocument]:
    return [d for d in service.documents.all() if d.bring_to_counter]


def published_service_get(slug: str) -> Service:
    """A published service by slug (the catalogue's selector), or NotFound."""
    return service_for_citizen(slug)


# --- The public status page -----------------------------------------------------------------

STATUS_COLUMNS = (
    "status",
    "due_on",
    "submitted_at",
    "holder_office__name_bn",
    "holder_office__name_en",
    "service__name_bn",
    "service__name_en",
)


def public_status(canonical_tracking_number: str) -> dict[str, Any] | None:
    """What the public status page shows, and nothing more: one indexed query, no personal data.
    Drafts have no tracking number, so they are never found."""
    rows = list(
        Application.objects.filter(tracking_number=canonical_tracking_number).order_by().values(*STATUS_COLUMNS)[:1]
    )
    return rows[0] if rows else None


def status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status
