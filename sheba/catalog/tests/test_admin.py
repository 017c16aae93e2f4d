from __future__ import annotations

import json

import pytest

from sheba.catalog.admin import ServiceAdminForm
from sheba.catalog.interchange import service_to_dict
from sheba.catalog.models import Service
from sheba.catalog.services import service_after_related_change, service_save
from sheba.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


def test_changelist_and_change_page(admin_client, catalog):
    assert admin_client.get("/admin/catalog/service/").status_code == 200
    service = Service.objects.get(slug="up-warish")
    body = admin_client.get(f"/admin/catalog/service/{service.pk}/change/").content.decode()
    assert f"/admin/catalog/service/{service.pk}/preview/" in body


def test_preview_renders_the_citizen_form_and_checks_answers(admin_client, catalog):
    service = Service.objects.get(slug="up-warish")
    url = f"/admin/catalog/service/{service.pk}/preview/"
    body = admin_client.get(url).content.decode()
    assert "ওয়ারিশ সনদের আবেদন" in body
    assert 'for="id_heirs__0__name"' in body
    assert "<legend>ওয়ারিশগণের তালিকা</legend>" in body
    response = admin_client.post(url, {"name_bn": "র", "heirs__0__name": "করিম"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in body
    assert "অন্তত ২টি অক্ষর লিখুন।" in body
    assert 'value="করিম"' in body  # nothing typed is lost


def test_preview_needs_the_admin(client, catalog):
    service = Service.objects.get(slug="up-warish")
    response = client.get(f"/admin/catalog/service/{service.pk}/preview/")
    assert response.status_code == 302


def test_admin_form_refuses_a_bad_schema(catalog):
    service = Service.objects.get(slug="up-citizenship")
    data = {
        "slug": service.slug, "name_bn": service.name_bn, "name_en": service.name_en, "sector": service.sector_id,
        "recipient_types": [r.pk for r in service.recipient_types.all()], "office_type": service.office_type_id,
        "offered_everywhere_of_type": "on", "is_published": "on",
        "form_schema": json.dumps({"type": "object", "properties": {"x": {"type": "string", "x-label-bn": "ক", "size": 3}}}),
    }  # fmt: skip
    form = ServiceAdminForm(data=data, instance=service)
    assert not form.is_valid()
    assert form.errors["form_schema"] == ["x: x-label-en লেবেলটি নেই।", "x: অজানা শব্দ “size”।"]
    data["form_schema"] = json.dumps(service.form_schema)
    assert ServiceAdminForm(data=data, instance=service).is_valid()


def test_saving_through_the_service_layer_bumps_the_version(catalog, designer):
    service = Service.objects.get(slug="up-citizenship")
    service.name_en = "Nationality certificate"
    service_save(actor=designer, service=service, is_new=False)
    service.refresh_from_db()
    assert (service.version, service.search_key) == (2, "nagarakat sanad natanalat sartapacat")
    service_after_related_change(actor=designer, service=service, changed=False)
    assert Service.objects.get(pk=service.pk).version == 2
    service_after_related_change(actor=designer, service=service, changed=True)
    assert Service.objects.get(pk=service.pk).version == 3
    service.form_schema = {"type": "object", "properties": {"x": {"type": "text"}}}
    with pytest.raises(InvalidInput):
        service_save(actor=designer, service=service, is_new=False)
    assert Service.objects.get(pk=service.pk).version == 3


def test_admin_change_post_bumps_version_once(admin_client, catalog):
    service = Service.objects.get(slug="up-income")
    url = f"/admin/catalog/service/{service.pk}/change/"
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name == "form_schema":
            value = json.dumps(value)
        elif hasattr(value, "__iter__") and not isinstance(value, str):
            value = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, bool):
            value = "on" if value else ""
        if value is None:
            value = ""
        data[name] = value
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        data.update({f"{fs.prefix}-{k}": v for k, v in fs.management_form.initial.items()})
        for i, inline_form in enumerate(fs.forms):
            for name in inline_form.fields:
                value = inline_form.initial.get(name)
                if name == "id":
                    value = inline_form.instance.pk
                if isinstance(value, bool):
                    value = "on" if value else ""
                data[f"{fs.prefix}-{i}-{name}"] = "" if value is None else value
    data = {k: v for k, v in data.items() if v != ""}
    data["name_en"] = "Annual income certificate"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.name_en, service.version) == ("Annual income certificate", 2)


def test_export_action_and_import_page_round_trip(admin_client, catalog):
    services = Service.objects.filter(slug__in=["up-warish", "up-trade-license"])
    response = admin_client.post(
        "/admin/catalog/service/",
        {"action": "export_selected", "_selected_action": [s.pk for s in services]},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="services.json"'
    payload = json.loads(response.content)
    assert [s["slug"] for s in payload["services"]] == ["up-trade-license", "up-warish"]
    before = {s.slug: service_to_dict(s) for s in services}

    payload["services"][1]["name_en"] = "Warish certificate"
    upload = _upload(json.dumps(payload, ensure_ascii=False))
    response = admin_client.post("/admin/catalog/service/import/", {"file": upload})
    assert response.status_code == 302
    warish = Service.objects.get(slug="up-warish")
    assert (warish.name_en, warish.version) == ("Warish certificate", 2)
    trade = Service.objects.get(slug="up-trade-license")
    assert service_to_dict(trade) == before["up-trade-license"]


def test_import_page_refuses_a_bad_file_and_changes_nothing(admin_client, catalog):
    before = service_to_dict(Service.objects.get(slug="up-warish"))
    response = admin_client.post("/admin/catalog/service/import/", {"file": _upload("not json")})
    assert response.status_code == 200
    assert "ফাইলটি সঠিক JSON নয়।" in response.content.decode()
    bad = {"format": "sheba-services", "format_version": 1, "services": [{**before, "sector": "space"}]}
    response = admin_client.post("/admin/catalog/service/import/", {"file": _upload(json.dumps(bad))})
    assert "সেবা “up-warish”: অজানা খাত: space।" in response.content.decode()
    assert service_to_dict(Service.objects.get(slug="up-warish")) == before


def _upload(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("services.json", text.encode("utf-8"), content_type="application/json")


def test_changes_are_audited(catalog, designer):
    from sheba.audit.models import AuditEvent

    service = Service.objects.get(slug="up-character")
    service.name_en = "Good character certificate"
    service_save(actor=designer, service=service, is_new=False)
    events = list(
        AuditEvent.objects.filter(object_id="up-character").order_by("id").values_list("action", "data")
    )
    assert events == [
        ("catalog.service_changed", {"published": True}),
        ("catalog.service_version_raised", {"version": 2}),
    ]
