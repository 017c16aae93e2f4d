"""Seed the catalogue from data/services (``manage.py seed_catalog``).

Idempotent and fast: a second run reads which services, documents and fee rows exist and adds
only what is missing. It works before or after ``seed_offices``: per-union fees are recorded for
the Union Parishad offices that exist, and those of offices created later are added on the next
run. Services a designer has edited keep their edits unless ``update=True`` (then seeded fields
are rewritten and the version raised where something differed).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from sheba.catalog import seed_data
from sheba.catalog.models import RecipientType, RequiredDocument, Sector, Service, ServiceFee
from sheba.catalog.services import service_search_keys
from sheba.core.bengali import nfc, to_ascii_digits
from sheba.core.money import POISHA_PER_TAKA
from sheba.directory.enums import OfficeTypeCode, office_type_code_for_level
from sheba.directory.models import Office
from sheba.directory.seeding import office_types_ensure

DATA_DIR = Path(settings.BASE_DIR) / "data" / "services"
SEEDED_FIELDS = [
    "name_bn", "name_en", "description_bn", "description_en", "sector_id", "office_type_id",
    "eligibility_bn", "process_bn", "process_en", "documents_text_bn", "charter_days", "default_fee_poisha",
    "notes", "source_url", "other_source_urls", "form_schema", "workflow_code", "output_template_code",
]  # fmt: skip


@dataclass
class CatalogSeedResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: int = 0
    unmapped_fee_names: list[str] = field(default_factory=list)
    offices_missing: int = 0

    def summary(self) -> str:
        parts = [f"{name}: {count} new" for name, count in self.created.items()]
        parts.append(f"services updated: {self.updated}")
        if self.offices_missing:
            parts.append(f"fee observations waiting for their union office: {self.offices_missing}")
        return ", ".join(parts)


def _read(name: str, data_dir: Path) -> list[dict[str, str]]:
    with (data_dir / name).open(encoding="utf-8", newline="") as handle:
        return [{k: nfc(v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _int(text: str) -> int | None:
    text = to_ascii_digits(text).strip()
    return int(text) if text.isdigit() else None


def _ensure_codes(model: type, rows: Iterable[tuple[str, str, str]]) -> dict[str, Any]:
    existing = {obj.code: obj for obj in model.objects.all()}
    missing = [
        model(code=code, name_bn=bn, name_en=en, position=index)
        for index, (code, bn, en) in enumerate(rows)
        if code not in existing
    ]
    for obj in model.objects.bulk_create(missing):
        existing[obj.code] = obj
    return existing


def _desired(row: dict[str, str], sectors: dict, office_types: dict) -> dict[str, Any]:
    slug = row["service_id"]
    levels = [office_type_code_for_level(level) for level in row["office_level"].split(";") if level]
    workflow = seed_data.workflow_for(row)
    process_bn, process_en = seed_data.PROCESS[workflow]
    description_bn, description_en = seed_data.DESCRIPTIONS.get(slug, ("", ""))
    fee = _int(row["fee_bdt"])
    documents_text = row["required_documents"]
    issues_document = row["sector"] in {"certificate", "civil_registration"} or slug.startswith(
        "up-trade-license"
    )
    return {
        "name_bn": row["name_bn"],
        "name_en": row["name_en"],
        "description_bn": description_bn,
        "description_en": description_en,
        "sector_id": sectors[row["sector"]].pk,
        "office_type_id": office_types[levels[0]].pk,
        "eligibility_bn": documents_text if "বাসিন্দা" in documents_text else "",
        "process_bn": process_bn,
        "process_en": process_en,
        "documents_text_bn": documents_text,
        "charter_days": _int(row["days"]),
        "default_fee_poisha": None if fee is None else fee * POISHA_PER_TAKA,
        "notes": row["notes"],
        "source_url": row["source_url"],
        "other_source_urls": "\n".join(row["other_source_urls"].split()),
        "form_schema": seed_data.FORMS.get(slug, {}),
        "workflow_code": workflow,
        "output_template_code": slug.replace("-", "_") if issues_document else "",
        # not compared on update:
        "_levels": levels,
        "_recipient": row["recipient_type"],
    }


def _documents_for(slug: str, documents_text: str) -> list[RequiredDocument]:
    spec = seed_data.DOCUMENTS.get(slug) or seed_data.documents_from_text(documents_text)
    found = []
    for position, (code, optional, counter) in enumerate(spec):
        bn, en = seed_data.DOC_LABELS[code]
        found.append(
            RequiredDocument(
                code=code,
                label_bn=bn,
                label_en=en,
                is_optional=optional,
                bring_to_counter=counter,
                position=position,
            )
        )
    return found


@transaction.atomic
def catalog_seed(*, data_dir: Path | None = None, update: bool = False) -> CatalogSeedResult:
    """Create the missing sectors, recipient types, services (with documents and forms) and
    per-union fee rows from services.csv and up_service_fee_observations.csv."""
    data_dir = data_dir or DATA_DIR
    result = CatalogSeedResult()
    office_types = office_types_ensure()
    sectors = _ensure_codes(Sector, seed_data.SECTORS)
    recipients = _ensure_codes(RecipientType, seed_data.RECIPIENT_TYPES)
    rows = _read("services.csv", data_dir)

    existing = {s.slug: s for s in Service.objects.select_related("sector", "office_type")}
    sectors_by_id = {sector.pk: sector for sector in sectors.values()}
    types_by_id = {office_type.pk: office_type for office_type in office_types.values()}
    created: list[tuple[Service, str, list[str]]] = []
    for row in rows:
        slug = row["service_id"]
        desired = _desired(row, sectors, office_types)
        levels, recipient = desired.pop("_levels"), desired.pop("_recipient")
        service = existing.get(slug)
        if service is None:
            service = Service(slug=slug, **desired)
            service.sector = sectors_by_id[desired["sector_id"]]
            service.office_type = types_by_id[desired["office_type_id"]]
            others = [office_types[code] for code in levels[1:]]
            service.search_key, service.search_context = service_search_keys(
                service, other_office_types=others
            )
            created.append((service, recipient, levels[1:]))
            continue
        if update:
            changed = [name for name, value in desired.items() if getattr(service, name) != value]
            if changed:
                for name in changed:
                    setattr(service, name, desired[name])
                service.version += 1
                service.save(update_fields=[*changed, "version", "updated_at"])
                result.updated += 1
            keys = service_search_keys(
                Service.objects.select_related("sector", "office_type").get(pk=service.pk)
            )
            if keys != (service.search_key, service.search_context):
                Service.objects.filter(pk=service.pk).update(search_key=keys[0], search_context=keys[1])
    # New services in a handful of queries: the rows, their many-to-many rows, their documents.
    Service.objects.bulk_create([service for service, _r, _l in created])
    recipients_through = Service.recipient_types.through
    types_through = Service.other_office_types.through
    recipients_through.objects.bulk_create(
        [recipients_through(service_id=s.pk, recipienttype_id=recipients[r].pk) for s, r, _l in created]
    )
    types_through.objects.bulk_create(
        [
            types_through(service_id=s.pk, officetype_id=office_types[c].pk)
            for s, _r, codes in created
            for c in codes
        ]
    )
    documents: list[RequiredDocument] = []
    for service, _recipient, _levels in created:
        for document in _documents_for(service.slug, service.documents_text_bn):
            document.service = service
            documents.append(document)
        existing[service.slug] = service
    new_services = len(created)
    RequiredDocument.objects.bulk_create(documents)
    result.created["services"] = new_services
    result.created["documents"] = len(documents)
    result.created["fees"] = _seed_fees(data_dir, existing, result)
    return result


def _seed_fees(data_dir: Path, services: dict[str, Service], result: CatalogSeedResult) -> int:
    """Per-union fee rows from the observations: the first row that states an amount wins for a
    (service, union); rows without an amount still record the deadline and the note."""
    wanted: dict[tuple[str, int], dict[str, Any]] = {}
    for row in _read("up_service_fee_observations.csv", data_dir):
        name = row["service_bn"]
        if name in seed_data.FEE_SERVICE_IGNORED:
            continue
        slugs = seed_data.FEE_SERVICE_NAMES.get(name)
        if slugs is None:
            result.unmapped_fee_names.append(name)
            continue
        amount = _int(row["fee_bdt"])
        note = "; ".join(part for part in (row["fee_note"], row["days_note"]) if part)[:300]
        for slug in slugs:
            if slug not in services:
                continue
            key = (slug, int(row["union_id"]))
            previous = wanted.get(key)
            if previous is None or (previous["amount_poisha"] is None and amount is not None):
                wanted[key] = {
                    "amount_poisha": None if amount is None else amount * POISHA_PER_TAKA,
                    "charter_days": _int(row["days"]),
                    "note_bn": note,
                    "source_url": row["source_url"],
                }
    union_ids = {union_id for _slug, union_id in wanted}
    offices = dict(
        Office.objects.filter(
            office_type__code=OfficeTypeCode.UNION_PARISHAD, union_id__in=union_ids
        ).values_list("union_id", "pk")
    )
    service_ids = {slug: services[slug].pk for slug, _union in wanted}
    have = set(
        ServiceFee.objects.filter(service_id__in=service_ids.values()).values_list("service_id", "office_id")
    )
    new_rows = []
    for (slug, union_id), values in wanted.items():
        office_id = offices.get(union_id)
        if office_id is None:
            result.offices_missing += 1
            continue
        if (service_ids[slug], office_id) in have:
            continue
        new_rows.append(ServiceFee(service_id=service_ids[slug], office_id=office_id, **values))
    ServiceFee.objects.bulk_create(new_rows)
    return len(new_rows)
