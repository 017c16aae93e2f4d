from __future__ import annotations

import pytest
from django.core.management import call_command

from sheba.catalog.forms_engine import ordered_properties, schema_problems
from sheba.catalog.models import RecipientType, RequiredDocument, Sector, Service, ServiceFee
from sheba.catalog.seeding import catalog_seed
from sheba.directory.models import Office

from .conftest import MIJANPUR, PACHPIR

pytestmark = pytest.mark.django_db


def test_seed_creates_all_63_services_with_their_facts(catalog):
    assert Service.objects.count() == 63
    assert catalog.created["services"] == 63
    assert Sector.objects.count() == 10
    assert set(RecipientType.objects.values_list("code", flat=True)) == {
        "citizen",
        "business",
        "government_organisation",
        "private_organisation",
        "government_official",
        "student",
    }
    citizenship = Service.objects.get(slug="up-citizenship")
    assert citizenship.name_bn == "নাগরিকত্ব সনদ"
    assert citizenship.name_en == "Citizenship (nationality) certificate"
    assert citizenship.sector.code == "certificate"
    assert citizenship.office_type.code == "union_parishad"
    assert [r.code for r in citizenship.recipient_types.all()] == ["citizen"]
    assert citizenship.default_fee_poisha == 0
    assert citizenship.charter_days == 1
    assert citizenship.eligibility_bn == "ইউপির স্থায়ী বাসিন্দা হতে হবে"
    assert citizenship.source_url.startswith("https://mijanpurup.rajbari.gov.bd/")
    assert len(citizenship.other_sources()) == 3
    assert citizenship.workflow_code == "up_certificate"
    assert citizenship.output_template_code == "up_citizenship"
    assert citizenship.version == 1
    assert citizenship.search_key.startswith("nagarakat sanad")

    warish = Service.objects.get(slug="up-warish")
    assert warish.default_fee_poisha == 100 * 100
    passport = Service.objects.get(slug="np-epassport-48-5y-regular")
    assert passport.default_fee_poisha == 4025 * 100
    assert passport.office_type.code == "national_agency"
    assert passport.output_template_code == ""
    birth = Service.objects.get(slug="bdr-birth-45d")
    assert birth.office_type.code == "union_parishad"
    assert sorted(t.code for t in birth.other_office_types.all()) == ["city_corporation", "paurashava"]
    assert Service.objects.get(slug="dc-khatian-urgent").office_type.code == "dc_office"
    assert Service.objects.get(slug="uz-disability-stipend").recipient_types.get().code == "student"
    # Empty in the CSV means "not stated": no fee, no deadline.
    trade = Service.objects.get(slug="up-trade-license")
    assert trade.default_fee_poisha is None
    assert trade.recipient_types.get().code == "business"
    assert Service.objects.get(slug="up-succession").charter_days is None


def test_at_least_ten_services_have_valid_forms(catalog):
    with_forms = [s for s in Service.objects.all() if s.has_form]
    assert len(with_forms) >= 10
    slugs = {s.slug for s in with_forms}
    assert {
        "up-citizenship",
        "up-warish",
        "up-character",
        "up-trade-license",
        "up-unmarried",
        "up-landless",
        "bdr-birth-45d",
        "bdr-death-45d",
        "up-succession",
        "up-income",
    } <= slugs
    for service in with_forms:
        assert schema_problems(service.form_schema) == [], service.slug
    heirs = Service.objects.get(slug="up-warish").form_schema["properties"]["heirs"]
    assert heirs["type"] == "array"
    # PostgreSQL's jsonb does not keep key order; x-order does.
    assert [name for name, _spec in ordered_properties(heirs["items"])] == [
        "name",
        "relation",
        "age",
        "alive",
    ]


def test_documents_are_seeded(catalog):
    warish = Service.objects.get(slug="up-warish")
    assert [(d.code, d.is_optional, d.bring_to_counter) for d in warish.documents.all()] == [
        ("nid_copy", False, False),
        ("death_certificate", False, False),
        ("ward_member_recommendation", False, True),
    ]
    # Services without a hand-written list get theirs from the charter's wording.
    namjari = Service.objects.get(slug="uz-namjari")
    assert [d.code for d in namjari.documents.all()] == ["nid_copy", "photo", "court_fee"]
    assert RequiredDocument.objects.filter(
        service__slug="dc-mouza-map", code="court_fee", bring_to_counter=True
    ).exists()


def test_fees_wait_for_offices_and_are_added_on_the_next_run(catalog, union_offices):
    assert ServiceFee.objects.count() == 0
    assert catalog.offices_missing > 0
    again = catalog_seed()
    assert again.created == {"services": 0, "documents": 0, "fees": again.created["fees"]}
    assert again.created["fees"] > 0
    pachpir = Office.objects.get(union_id=PACHPIR, office_type__code="union_parishad")
    mijanpur = Office.objects.get(union_id=MIJANPUR, office_type__code="union_parishad")
    assert ServiceFee.objects.get(service__slug="up-warish", office=pachpir).amount_poisha == 300 * 100
    assert ServiceFee.objects.get(service__slug="up-warish", office=mijanpur).amount_poisha == 100 * 100
    assert ServiceFee.objects.get(service__slug="up-citizenship", office=pachpir).amount_poisha == 20 * 100
    mijanpur_citizenship = ServiceFee.objects.get(service__slug="up-citizenship", office=mijanpur)
    assert (mijanpur_citizenship.amount_poisha, mijanpur_citizenship.charter_days) == (0, 1)
    assert mijanpur_citizenship.note_bn == "বিনামূল্যে; ১ দিন"
    # Pachpir lists 20 services; every one maps to a catalogue service.
    assert ServiceFee.objects.filter(office=pachpir).count() == 21  # 20 rows; the birth/death row covers two
    assert again.unmapped_fee_names == []
    assert ServiceFee.objects.filter(online_collection_enabled=True).count() == 0


def test_seed_is_idempotent(catalog, union_offices):
    catalog_seed()
    counts = (Service.objects.count(), RequiredDocument.objects.count(), ServiceFee.objects.count())
    versions = dict(Service.objects.values_list("slug", "version"))
    third = catalog_seed()
    assert third.created == {"services": 0, "documents": 0, "fees": 0}
    assert (Service.objects.count(), RequiredDocument.objects.count(), ServiceFee.objects.count()) == counts
    assert dict(Service.objects.values_list("slug", "version")) == versions
    assert catalog_seed(update=True).updated == 0
    assert dict(Service.objects.values_list("slug", "version")) == versions


def test_designer_edits_survive_a_reseed_unless_update(catalog):
    Service.objects.filter(slug="up-citizenship").update(name_en="Nationality certificate")
    catalog_seed()
    assert Service.objects.get(slug="up-citizenship").name_en == "Nationality certificate"
    result = catalog_seed(update=True)
    assert result.updated == 1
    service = Service.objects.get(slug="up-citizenship")
    assert (service.name_en, service.version) == ("Citizenship (nationality) certificate", 2)


def test_seed_command_runs_twice(db, capsys):
    call_command("seed_catalog")
    call_command("seed_catalog")
    out = capsys.readouterr().out
    assert "services: 63 new" in out
    assert "services: 0 new, documents: 0 new, fees: 0 new" in out
    assert Service.objects.count() == 63
