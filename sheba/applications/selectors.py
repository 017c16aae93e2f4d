"""Reads for applications: who may see which application, the office picker, the fee, the
public status lookup."""

from __future__ import annotations

import datetime
import time
import uuid
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

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


DASHBOARD_LIMIT = 200
_DASHBOARD_SQL = (
    "SELECT public_id, tracking_number, status, due_on, updated_at, service_id, office_id, holder_office_id"
    " FROM applications_application WHERE applicant_id = %s{status}"
    " ORDER BY created_at DESC, id DESC LIMIT %s"
)


def dashboard_rows(user: Any, *, status: str | None = None) -> list[dict[str, Any]]:
    """The citizen's dashboard as plain rows (``my_applications``' applications, same order):
    one indexed query on the applicant, office and service names (bn, en) from the
    per-process name cache. Keys: public_id, tracking_number, status, due_on, updated_at,
    service, office, holder_office (the names as (bn, en) pairs; holder_office may be ("", ""))."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_officer:
        return []
    for names in (_office_names, _service_names):
        if not names.ready():
            names.load()
    params: list[Any] = [user.pk]
    if status:
        params.append(status)
    params.append(DASHBOARD_LIMIT)
    with connection.cursor() as cursor:
        cursor.execute(_DASHBOARD_SQL.format(status=" AND status = %s" if status else ""), params)
        rows = cursor.fetchall()
    found = []
    for public_id, tracking_number, row_status, due_on, updated_at, service_id, office_id, holder_id in rows:
        if updated_at is not None and settings.USE_TZ and timezone.is_naive(updated_at):
            updated_at = timezone.make_aware(updated_at, datetime.UTC)  # SQLite: naive UTC
        found.append(
            {
                "public_id": public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id)),
                "tracking_number": tracking_number,
                "status": row_status,
                "due_on": due_on,
                "updated_at": updated_at,
                "service": _service_names.get(service_id),
                "office": _office_names.get(office_id),
                "holder_office": _office_names.get(holder_id),
            }
        )
    return found


def application_history(application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.select_related("office").order_by("at", "pk")


def application_attachments(application: Application) -> QuerySet[ApplicationAttachment]:
    return application.attachments.select_related("version", "version__document").order_by("pk")


# --- Applying -------------------------------------------------------------------------------


def offices_offering(service: Service) -> QuerySet[Office]:
    """The active offices where one can apply for ``service``."""
    if service.offered_everywhere_of_type:
        # One query: the other office types as a subquery, not a list read first.
        other_types = Service.other_office_types.through.objects.filter(service_id=service.pk).values("officetype_id")
        queryset = Office.objects.filter(Q(office_type_id=service.office_type_id) | Q(office_type_id__in=other_types))
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


_PUBLIC_STATUS_SQL = (
    "SELECT status, due_on, submitted_at, holder_office_id, service_id FROM applications_application"
    " WHERE tracking_number = %s LIMIT 1"
)
_PUBLIC_STATUS_JOINED_SQL = (
    "SELECT a.status, a.due_on, a.submitted_at, o.name_bn, o.name_en, s.name_bn, s.name_en"
    " FROM applications_application a"
    " LEFT JOIN directory_office o ON o.id = a.holder_office_id"
    " LEFT JOIN catalog_service s ON s.id = a.service_id"
    " WHERE a.tracking_number = %s LIMIT 1"
)
NAMES_TTL_SECONDS = 300.0
NAMES_LOAD_AFTER = 20  # lookups answered with the joined query before the names are loaded


class _Names:
    """Names (bn, en) of offices or services by id, kept in this process for the status page.

    Loaded whole (a few thousand short names) once the page is busy; a later miss (a new row)
    loads that row. Dropped every ``NAMES_TTL_SECONDS`` and, in this process, whenever a row is
    saved or deleted, so a renamed office shows its new name everywhere within minutes."""

    def __init__(self, model: type[Any]) -> None:
        self.model = model
        self.names: dict[int, tuple[str, str]] = {}
        self.loaded_at = -1e18

    def ready(self) -> bool:
        return time.monotonic() - self.loaded_at <= NAMES_TTL_SECONDS

    def load(self) -> None:
        rows = self.model._base_manager.values_list("pk", "name_bn", "name_en")
        self.names = {row[0]: (row[1], row[2]) for row in rows}
        self.loaded_at = time.monotonic()

    def get(self, pk: int | None) -> tuple[str, str]:
        if pk is None:
            return ("", "")
        found = self.names.get(pk)
        if found is None:
            rows = self.model._base_manager.filter(pk=pk).values_list("name_bn", "name_en")
            found = next(iter(rows), ("", ""))
            self.names[pk] = found
        return found

    def clear(self, **_kwargs: Any) -> None:
        self.names, self.loaded_at = {}, -1e18


_office_names = _Names(Office)
_service_names = _Names(Service)
_cold_lookups = 0
for _model, _names in ((Office, _office_names), (Service, _service_names)):
    post_save.connect(_names.clear, sender=_model, weak=False, dispatch_uid=f"sheba-status-names-{_model.__name__}")
    post_delete.connect(_names.clear, sender=_model, weak=False, dispatch_uid=f"sheba-status-names-d-{_model.__name__}")


def public_status(canonical_tracking_number: str) -> dict[str, Any] | None:
    """What the public status page shows, and nothing more: one indexed query, no personal data.
    Drafts have no tracking number, so they are never found.

    The hottest public read: plain SQL on the unique tracking number index, no model building.
    Once the page is busy, the office and service names come from a per-process cache (the
    joined query costs more to plan than to run). Keys as ``STATUS_COLUMNS``."""
    global _cold_lookups
    warm = _office_names.ready() and _service_names.ready()
    with connection.cursor() as cursor:
        cursor.execute(_PUBLIC_STATUS_SQL if warm else _PUBLIC_STATUS_JOINED_SQL, [canonical_tracking_number])
        row = cursor.fetchone()
    if row is None:
        return None
    status, due_on, submitted_at = row[:3]
    if submitted_at is not None and settings.USE_TZ and timezone.is_naive(submitted_at):
        submitted_at = timezone.make_aware(submitted_at, datetime.UTC)  # SQLite hands naive UTC back
    names: tuple[str, ...]
    if warm:
        names = (*_office_names.get(row[3]), *_service_names.get(row[4]))
    else:
        names = tuple(name or "" for name in row[3:])
        _cold_lookups += 1
        if _cold_lookups >= NAMES_LOAD_AFTER:
            _cold_lookups = 0
            _office_names.load()
            _service_names.load()
    return dict(zip(STATUS_COLUMNS, (status, due_on, submitted_at, *names), strict=True))


STATUS_VALUES = frozenset(Status.values)


def status_label(status: str) -> str:
    return str(Status(status).label) if status in STATUS_VALUES else status
