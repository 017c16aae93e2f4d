"""Writes to the catalogue. Every change to a service goes through here so that its ``version``
goes up by one (applications record the version they were made against) and its search keys
stay in step with its names, sector and office types."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from sheba.audit.services import audit_record
from sheba.catalog.forms_engine import schema_problems
from sheba.catalog.models import Service
from sheba.catalog.search import fold
from sheba.core.errors import InvalidInput


def service_search_keys(service: Service, *, other_office_types: list | None = None) -> tuple[str, str]:
    """(names key, context key) for ``Service.search_key`` and ``Service.search_context``."""
    names = f"{fold(service.name_bn)} {fold(service.name_en)}".strip()
    context_parts = [service.sector.name_bn, service.sector.name_en]
    office_types = [service.office_type]
    if other_office_types is not None:
        office_types += other_office_types
    elif service.pk:
        office_types += list(service.other_office_types.all())
    for office_type in office_types:
        context_parts += [office_type.name_bn, office_type.name_en]
    context = " ".join(fold(part) for part in context_parts if part)
    return names, context


def service_refresh_search(*, service: Service) -> Service:
    """Recompute the search keys (after a sector or office type was renamed, or M2M changes)."""
    names, context = service_search_keys(service)
    if (names, context) != (service.search_key, service.search_context):
        Service.objects.filter(pk=service.pk).update(search_key=names, search_context=context)
        service.search_key, service.search_context = names, context
    return service


@transaction.atomic
def service_save(*, actor: Any, service: Service, is_new: bool, bump: bool = True) -> Service:
    """Save a service a designer created or edited. The form schema must pass the schema
    validator; an edit raises the version by one (``bump=False`` when the caller bumps once
    after the related rows are saved too, as the admin does)."""
    problems = schema_problems(service.form_schema)
    if problems:
        raise InvalidInput(problems[0])
    service.search_key, service.search_context = service_search_keys(service)
    service.save()
    audit_record(
        actor=actor,
        action="catalog.service_created" if is_new else "catalog.service_changed",
        object_type="catalog.service",
        object_id=service.slug,
        data={"published": service.is_published},
    )
    if not is_new and bump:
        service_bump_version(actor=actor, service=service)
    return service


@transaction.atomic
def service_bump_version(*, actor: Any, service: Service) -> int:
    """Raise the version by one (documents, fees or offering offices changed)."""
    Service.objects.filter(pk=service.pk).update(version=F("version") + 1)
    service.version = Service.objects.values_list("version", flat=True).get(pk=service.pk)
    audit_record(
        actor=actor,
        action="catalog.service_version_raised",
        object_type="catalog.service",
        object_id=service.slug,
        data={"version": service.version},
    )
    return service.version


def service_after_related_change(*, actor: Any, service: Service, changed: bool) -> None:
    """After inlines and many-to-many fields were saved (admin): refresh search keys, and when
    anything changed, bump the version."""
    service_refresh_search(service=service)
    if changed:
        service_bump_version(actor=actor, service=service)
