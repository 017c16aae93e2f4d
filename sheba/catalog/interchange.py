"""Services as JSON: export and import (admin action and page, ``export_services`` and
``import_services`` commands).

The file is ``{"format": "sheba-services", "format_version": 1, "services": [...]}``. Offices are
named by office type code and geography ids (bd-geo ids), never by database ids, so a file moves
between installations. Importing a service that exists (same slug) replaces its definition,
documents and office fees, and raises its version when anything differed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sheba.audit.services import audit_record
from sheba.catalog.forms_engine import schema_problems
from sheba.catalog.models import DocumentType, RecipientType, RequiredDocument, Sector, Service, ServiceFee
from sheba.catalog.services import service_search_keys
from sheba.core.errors import InvalidInput
from sheba.directory.models import Office, OfficeType

FORMAT = "sheba-services"
FORMAT_VERSION = 1
MAX_SERVICES = 2000
SCALAR_FIELDS = [
    "name_bn", "name_en", "description_bn", "description_en", "offered_everywhere_of_type",
    "eligibility_bn", "eligibility_en", "process_bn", "process_en", "documents_text_bn", "documents_text_en",
    "charter_days", "default_fee_poisha", "fee_note_bn", "notes", "source_url", "other_source_urls",
    "form_schema", "workflow_code", "output_template_code", "is_published",
]  # fmt: skip
BOOL_FIELDS = {"offered_everywhere_of_type", "is_published"}
INT_FIELDS = {"charter_days", "default_fee_poisha"}
DOC_FIELDS = ["code", "label_bn", "label_en", "is_optional", "bring_to_counter", "position"]
FEE_FIELDS = ["amount_poisha", "online_collection_enabled", "charter_days", "note_bn", "source_url"]


def office_ref(office: Office) -> dict[str, Any]:
    return {
        "type": office.office_type.code,
        "division": office.division_id,
        "district": office.district_id,
        "upazila": office.upazila_id,
        "union": office.union_id,
        "name_en": office.name_en,
    }


def _dict_from(service: Service, *, recipients, other_types, offices, documents, fees) -> dict[str, Any]:
    data: dict[str, Any] = {"slug": service.slug, "version": service.version}
    for name in SCALAR_FIELDS:
        data[name] = getattr(service, name)
    data["sector"] = service.sector.code
    data["recipient_types"] = sorted(r.code for r in recipients)
    data["office_type"] = service.office_type.code
    data["other_office_types"] = sorted(t.code for t in other_types)
    data["offering_offices"] = sorted((office_ref(o) for o in offices), key=repr)
    ordered_documents = sorted(documents, key=lambda d: (d.position, d.code))
    data["documents"] = [{name: getattr(d, name) for name in DOC_FIELDS} for d in ordered_documents]
    ordered_fees = sorted(fees, key=lambda f: (f.office.name_en, f.office_id))
    data["fees"] = [
        {"office": office_ref(f.office), **{n: getattr(f, n) for n in FEE_FIELDS}} for f in ordered_fees
    ]
    return data


PREFETCH = [
    "recipient_types", "other_office_types", "offering_offices__office_type", "documents", "fees__office__office_type",
]  # fmt: skip


def service_to_dict(service: Service) -> dict[str, Any]:
    """One service as exported (use a queryset with ``PREFETCH`` for many)."""
    return _dict_from(
        service,
        recipients=service.recipient_types.all(),
        other_types=service.other_office_types.all(),
        offices=service.offering_offices.all(),
        documents=service.documents.all(),
        fees=service.fees.all(),
    )


def services_export(services) -> dict[str, Any]:
    """The JSON document for the given services (a queryset)."""
    services = services.select_related("sector", "office_type").prefetch_related(*PREFETCH)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "services": [service_to_dict(s) for s in services],
    }


def _refuse(slug: str, message: str) -> InvalidInput:
    return InvalidInput(_("Service “%(slug)s”: %(message)s") % {"slug": slug, "message": message})


class _Lookups:
    """Codes and offices looked up once per import, not once per service."""

    def __init__(self) -> None:
        self.codes: dict[type, dict[str, Any]] = {
            model: {obj.code: obj for obj in model.objects.all()}
            for model in (Sector, RecipientType, OfficeType)
        }
        self.offices: dict[tuple, Office | None] = {}

    def office(self, ref: Any, slug: str) -> Office | None:
        if not isinstance(ref, dict) or not isinstance(ref.get("type"), str):
            raise _refuse(slug, _("an office must be given by its type and place."))
        filters: dict[str, Any] = {"office_type__code": ref["type"]}
        for key in ("division", "district", "upazila", "union"):
            value = ref.get(key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise _refuse(slug, _("an office must be given by its type and place."))
            filters[f"{key}_id"] = value
        key = tuple(sorted(filters.items()))
        if key not in self.offices:
            self.offices[key] = (
                Office.objects.select_related("office_type").filter(**filters).order_by("pk").first()
            )
        return self.offices[key]


def _codes(lookups: _Lookups, model: type, codes: Any, slug: str, what: str) -> list[Any]:
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise _refuse(slug, _("%(what)s must be a list of codes.") % {"what": what})
    found = {c: lookups.codes[model][c] for c in codes if c in lookups.codes[model]}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise _refuse(slug, _("unknown %(what)s: %(codes)s.") % {"what": what, "codes": ", ".join(unknown)})
    return [found[c] for c in codes]


def _comparable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "version"}


def _import_one(
    item: Any, report: dict[str, Any], skipped_offices: list[str], lookups: _Lookups, existing: dict
) -> None:
    if not isinstance(item, dict) or not isinstance(item.get("slug"), str) or not item["slug"]:
        raise InvalidInput(_("Every service needs a slug."))
    slug = item["slug"]
    service = existing.get(slug)
    before = _comparable(service_to_dict(service)) if service else None
    if service is None:
        service = Service(slug=slug)
    for name in SCALAR_FIELDS:
        if name not in item:
            continue
        value = item[name]
        if name in BOOL_FIELDS and not isinstance(value, bool):
            raise _refuse(slug, _("%(field)s must be true or false.") % {"field": name})
        if (
            name in INT_FIELDS
            and value is not None
            and (not isinstance(value, int) or isinstance(value, bool) or value < 0)
        ):
            raise _refuse(slug, _("%(field)s must be a whole number, 0 or more.") % {"field": name})
        if name == "form_schema":
            problems = schema_problems(value)
            if problems:
                raise _refuse(slug, problems[0])
        elif name not in BOOL_FIELDS | INT_FIELDS and not isinstance(value, str):
            raise _refuse(slug, _("%(field)s must be text.") % {"field": name})
        setattr(service, name, value)
    sector_code, office_type_code = item.get("sector"), item.get("office_type")
    service.sector = _codes(
        lookups, Sector, [sector_code] if isinstance(sector_code, str) else None, slug, _("sector")
    )[0]
    service.office_type = _codes(
        lookups,
        OfficeType,
        [office_type_code] if isinstance(office_type_code, str) else None,
        slug,
        _("office type"),
    )[0]
    recipients = _codes(lookups, RecipientType, item.get("recipient_types", []), slug, _("recipient type"))
    other_types = _codes(lookups, OfficeType, item.get("other_office_types", []), slug, _("office type"))
    try:
        service.full_clean(exclude=["slug"] if service.pk else None, validate_unique=not service.pk)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise _refuse(slug, f"{field}: {messages[0]}") from None
    is_new = service.pk is None
    offices = []
    for ref in item.get("offering_offices", []) or []:
        office = lookups.office(ref, slug)
        if office is None:
            skipped_offices.append(f"{slug}: {ref.get('name_en') or ref.get('type')}")
        else:
            offices.append(office)

    documents = item.get("documents", [])
    if not isinstance(documents, list):
        raise _refuse(slug, _("documents must be a list."))
    new_documents = []
    for position, doc in enumerate(documents):
        if not isinstance(doc, dict) or doc.get("code") not in DocumentType.values:
            raise _refuse(slug, _("a document has an unknown type."))
        document = RequiredDocument(
            service=service,
            code=doc["code"],
            label_bn=str(doc.get("label_bn") or ""),
            label_en=str(doc.get("label_en") or ""),
            is_optional=bool(doc.get("is_optional")),
            bring_to_counter=bool(doc.get("bring_to_counter")),
            position=doc.get("position", position)
            if isinstance(doc.get("position", position), int)
            else position,
        )
        try:
            document.full_clean(exclude=["service"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            raise _refuse(slug, f"{field}: {messages[0]}") from None
        new_documents.append(document)
    if len({d.code for d in new_documents}) != len(new_documents):
        raise _refuse(slug, _("a document type is listed twice."))

    fees = item.get("fees", [])
    if not isinstance(fees, list):
        raise _refuse(slug, _("fees must be a list."))
    new_fees: dict[int, ServiceFee] = {}
    for entry in fees:
        if not isinstance(entry, dict):
            raise _refuse(slug, _("fees must be a list."))
        office = lookups.office(entry.get("office"), slug)
        if office is None:
            skipped_offices.append(f"{slug}: {(entry.get('office') or {}).get('name_en', '?')}")
            continue
        fee = ServiceFee(service=service, office=office)
        for name in FEE_FIELDS:
            if name in entry:
                setattr(
                    fee,
                    name,
                    entry[name]
                    if entry[name] is not None or name in {"amount_poisha", "charter_days"}
                    else "",
                )
        try:
            fee.full_clean(exclude=["service", "office"], validate_unique=False)
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            raise _refuse(slug, f"{field}: {messages[0]}") from None
        new_fees[office.pk] = fee
    after = _comparable(
        _dict_from(
            service,
            recipients=recipients,
            other_types=other_types,
            offices=offices,
            documents=new_documents,
            fees=list(new_fees.values()),
        )
    )
    if not is_new and after == before:
        report["unchanged"].append(slug)  # nothing is written: ids and version stay
        return
    # Everything checked: write the service and replace its related rows.
    service.search_key, service.search_context = service_search_keys(service, other_office_types=other_types)
    if not is_new:
        service.version += 1
    service.save()
    service.recipient_types.set(recipients)
    service.other_office_types.set(other_types)
    service.offering_offices.set(offices)
    service.documents.all().delete()
    RequiredDocument.objects.bulk_create(new_documents)
    service.fees.all().delete()
    ServiceFee.objects.bulk_create(new_fees.values())
    report["created" if is_new else "updated"].append(slug)


@transaction.atomic
def services_import(*, actor: Any, payload: Any) -> dict[str, Any]:
    """Create or replace services from an exported JSON document. All or nothing: the first
    problem refuses the whole file with a message naming the service.

    Returns ``{"created": [slugs], "updated": [...], "unchanged": [...], "skipped_offices": [...]}``
    (offices the file names that do not exist here are skipped and listed)."""
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise InvalidInput(_("This is not a Sheba services file."))
    if payload.get("format_version") != FORMAT_VERSION:
        raise InvalidInput(_("This services file has a format version this installation does not read."))
    items = payload.get("services")
    if not isinstance(items, list) or len(items) > MAX_SERVICES:
        raise InvalidInput(_("The file must list the services (at most %(max)s).") % {"max": MAX_SERVICES})
    report: dict[str, Any] = {"created": [], "updated": [], "unchanged": [], "skipped_offices": []}
    lookups = _Lookups()
    slugs = [
        item.get("slug") for item in items if isinstance(item, dict) and isinstance(item.get("slug"), str)
    ]
    existing = {
        s.slug: s
        for s in Service.objects.filter(slug__in=slugs)
        .select_related("sector", "office_type")
        .prefetch_related(*PREFETCH)
    }
    seen: set[str] = set()
    for item in items:
        slug = item.get("slug") if isinstance(item, dict) else None
        if slug in seen:
            raise InvalidInput(_("The service “%(slug)s” is in the file twice.") % {"slug": slug})
        seen.add(slug)
        _import_one(item, report, report["skipped_offices"], lookups, existing)
    audit_record(
        actor=actor,
        action="catalog.services_imported",
        object_type="catalog.service",
        object_id="*",
        data={key: report[key] for key in ("created", "updated")},
    )
    return report
