"""Import Bangladesh's administrative geography from data/bd-geo (MIT, nuhil/bangladesh-geocode).

Idempotent and bulk: every table is read once, compared with the CSV in memory, and only the
missing or changed rows are written, so a second run writes nothing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.utils.text import slugify

from sheba.core.bengali import nfc
from sheba.directory.models import District, Division, Union, Upazila

DEFAULT_DATA_DIR = Path(settings.BASE_DIR) / "data" / "bd-geo"
BATCH = 500


@dataclass
class GeoImportResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())

    def summary(self) -> str:
        return ", ".join(
            f"{name}: {self.created.get(name, 0)} new, {self.updated.get(name, 0)} changed"
            for name in self.created
        )


def union_slug(website: str) -> str:
    """The union portal's name: the first label of its website host (paikkandiup.gopalganj.gov.bd ->
    paikkandiup). A leading ``www.`` (some Khulna hosts) is skipped; no website gives ""."""
    host = website.strip().lower()
    for prefix in ("https://", "http://"):
        host = host.removeprefix(prefix)
    host = host.split("/", 1)[0]
    labels = [label for label in host.split(".") if label]
    if labels and labels[0] == "www":
        labels = labels[1:]
    return slugify(labels[0])[:100] if labels else ""


def _host_labels(website: str) -> list[str]:
    host = website.strip().lower()
    for prefix in ("https://", "http://"):
        host = host.removeprefix(prefix)
    labels = [label for label in host.split("/", 1)[0].split(".") if label]
    return labels[1:] if labels and labels[0] == "www" else labels


def portal_slugs(rows: Iterable[tuple[int, str, bool]]) -> dict[int, str | None]:
    """Each union's portal name from (id, website, is_duplicate) rows: the first label of its host
    where no other kept union shares it (paikkandiup), otherwise the first two labels joined
    (rasulpurup-noakhali, as rasulpurup.noakhali.gov.bd), and the id appended if even that is
    shared. Duplicate listings and unions without a host get None."""
    rows = list(rows)
    kept = [(pk, _host_labels(site)) for pk, site, duplicate in rows if not duplicate and _host_labels(site)]
    first_counts: dict[str, int] = {}
    for _pk, labels in kept:
        first = slugify(labels[0])
        first_counts[first] = first_counts.get(first, 0) + 1
    result: dict[int, str | None] = {pk: None for pk, _site, _duplicate in rows}
    taken: set[str] = set()
    for pk, labels in sorted(kept):
        first = slugify(labels[0])[:100]
        name = first
        if first_counts[first] > 1 and len(labels) > 1:
            name = f"{first}-{slugify(labels[1])}"[:110]
        if not name or name in taken:
            name = f"{name or 'union'}-{pk}"
        taken.add(name)
        result[pk] = name
    return result


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(handle)]


def _decimal(text: str) -> Decimal | None:
    """A coordinate rounded to the column's 7 places (~1 cm), so re-imports compare equal."""
    return Decimal(text).quantize(Decimal("1e-7"), rounding=ROUND_HALF_UP) if text else None


def _read_duplicates(data_dir: Path) -> dict[int, int]:
    path = data_dir / "duplicates.csv"
    if not path.exists():
        return {}
    return {int(row["id"]): int(row["duplicate_of"]) for row in _read(path)}


def _sync(model: type[models.Model], rows: Iterable[dict], fields: list[str]) -> tuple[int, int]:
    """Create the rows whose id is missing; update those whose fields differ. Returns (created, updated)."""
    existing = {obj.pk: obj for obj in model._default_manager.only("pk", *fields)}
    new, changed = [], []
    for row in rows:
        obj = existing.get(row["id"])
        if obj is None:
            new.append(model(**row))
            continue
        dirty = False
        for name in fields:
            if getattr(obj, name) != row[name]:
                setattr(obj, name, row[name])
                dirty = True
        if dirty:
            changed.append(obj)
    if new:
        model._default_manager.bulk_create(new, batch_size=BATCH)
    if changed:
        model._default_manager.bulk_update(changed, fields, batch_size=BATCH)
    return len(new), len(changed)


@transaction.atomic
def geo_import(*, data_dir: Path = DEFAULT_DATA_DIR) -> GeoImportResult:
    """Bring divisions, districts, upazilas and unions in line with the CSVs (ids are the source ids).

    Bengali names are NFC-normalised; each union gets its portal slug, and the rows listed in
    duplicates.csv point at the row that is kept. Rows missing from the CSVs are left alone.
    """
    result = GeoImportResult()

    def name(row: dict[str, str]) -> dict:
        return {"id": int(row["id"]), "name_bn": nfc(row["name_bn"]), "name_en": nfc(row["name_en"])}

    divisions = [{**name(r), "website": r["url"]} for r in _read(data_dir / "divisions.csv")]
    districts = [
        {
            **name(r),
            "division_id": int(r["parent_id"]),
            "website": r["url"],
            "latitude": _decimal(r.get("lat", "")),
            "longitude": _decimal(r.get("lon", "")),
        }
        for r in _read(data_dir / "districts.csv")
    ]
    upazilas = [
        {**name(r), "district_id": int(r["parent_id"]), "website": r["url"]}
        for r in _read(data_dir / "upazilas.csv")
    ]
    duplicates = _read_duplicates(data_dir)
    union_rows = _read(data_dir / "unions.csv")
    portals = portal_slugs((int(r["id"]), r["url"], int(r["id"]) in duplicates) for r in union_rows)
    unions = [
        {
            **name(r),
            "upazila_id": int(r["parent_id"]),
            "website": r["url"],
            "slug": union_slug(r["url"]),
            "portal_slug": portals[int(r["id"])],
            "duplicate_of_id": duplicates.get(int(r["id"])),
        }
        for r in union_rows
    ]

    base = ["name_bn", "name_en", "website"]
    plan: list[tuple[str, type[models.Model], list[dict], list[str]]] = [
        ("divisions", Division, divisions, base),
        ("districts", District, districts, [*base, "division_id", "latitude", "longitude"]),
        ("upazilas", Upazila, upazilas, [*base, "district_id"]),
        ("unions", Union, unions, [*base, "upazila_id", "slug", "portal_slug", "duplicate_of_id"]),
    ]
    for label, model, rows, fields in plan:
        result.created[label], result.updated[label] = _sync(model, rows, fields)
    return result
