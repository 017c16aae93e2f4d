from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from sheba.catalog.interchange import service_to_dict, services_export, services_import
from sheba.catalog.models import Service, ServiceFee
from sheba.catalog.seeding import catalog_seed
from sheba.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


def test_export_then_import_into_an_empty_catalogue_is_identical(catalog, union_offices, tmp_path):
    catalog_seed()
    assert ServiceFee.objects.count() > 0
    before = {s.slug: service_to_dict(s) for s in Service.objects.all()}
    path = tmp_path / "services.json"
    call_command("export_services", str(path))
    ServiceFee.objects.all().delete()
    Service.objects.all().delete()
    call_command("import_services", str(path))
    after = {s.slug: service_to_dict(s) for s in Service.objects.all()}
    assert after == before
    assert (
        Service.objects.get(slug="up-citizenship").search_key
        == "nagarakat sanad satajansap natanalat sartapacat"
    )


def test_reimporting_unchanged_keeps_versions(catalog):
    payload = services_export(Service.objects.all())
    report = services_import(actor=None, payload=json.loads(json.dumps(payload)))
    assert (len(report["created"]), len(report["updated"]), len(report["unchanged"])) == (0, 0, 63)
    assert set(Service.objects.values_list("version", flat=True)) == {1}


def test_import_refuses_bad_files_whole(catalog):
    payload = services_export(Service.objects.filter(slug__in=["up-warish", "up-character"]).order_by("slug"))
    payload["services"][0]["name_en"] = "Changed"
    payload["services"][1]["form_schema"] = {"type": "object", "properties": {"a": {"type": "string"}}}
    with pytest.raises(InvalidInput) as refused:
        services_import(actor=None, payload=payload)
    assert str(refused.value.message) == "সেবা “up-warish”: a: x-label-bn লেবেলটি নেই।"
    assert Service.objects.get(slug="up-character").name_en == "Character certificate"  # rolled back
    for bad in [[], {"format": "other"}, {"format": "sheba-services", "format_version": 9, "services": []}]:
        with pytest.raises(InvalidInput):
            services_import(actor=None, payload=bad)


def test_import_command_reports_errors(tmp_path, db):
    path = tmp_path / "bad.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_services", str(path))
    with pytest.raises(CommandError):
        call_command("import_services", str(tmp_path / "missing.json"))
