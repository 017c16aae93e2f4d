from __future__ import annotations

import time
import unicodedata

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from sheba.directory.enums import OfficeTypeCode, PostCode
from sheba.directory.models import Office, OfficeType, OfficeUnit, Post, Union
from sheba.directory.seeding import OFFICE_TYPES, office_types_ensure, offices_seed

from .conftest import GOPALGANJ, GOPALGANJ_SADAR, PAIKKANDI

pytestmark = pytest.mark.django_db


def _gopalganj_unions() -> int:
    return Union.objects.filter(upazila__district_id=GOPALGANJ, duplicate_of__isnull=True).count()


def test_office_types_include_the_services_csv_levels(db):
    types = office_types_ensure()
    codes = set(types)
    assert {
        "union_parishad",
        "upazila_nirbahi_office",
        "dc_office",
        "union_land_office",
        "upazila_land_office",
        "upazila_election_office",
        "upazila_social_services_office",
        "national_agency",
        "paurashava",
        "city_corporation",
    } == codes
    assert types["union_parishad"].name_bn == "ইউনিয়ন পরিষদ"
    assert types["upazila_nirbahi_office"].name_bn == "উপজেলা নির্বাহী অফিসারের কার্যালয়"
    assert types["dc_office"].name_bn == "জেলা প্রশাসকের কার্যালয়"
    assert office_types_ensure().keys() == codes
    assert OfficeType.objects.count() == len(OFFICE_TYPES)


def test_district_seed_builds_every_office_with_its_structure(gopalganj):
    unions = _gopalganj_unions()
    assert gopalganj.created == {
        "offices": 1 + 5 + unions,
        "units": 5 + 5 + unions,
        "posts": 6 + 5 * 2 + unions * 2,
    }
    dc = Office.objects.get(office_type__code=OfficeTypeCode.DC_OFFICE, district_id=GOPALGANJ)
    assert dc.parent_id is None
    assert (dc.name_bn, dc.name_en) == (
        "জেলা প্রশাসকের কার্যালয়, গোপালগঞ্জ",
        "Deputy Commissioner's Office, Gopalganj",
    )
    assert sorted(dc.units.values_list("name_en", flat=True)) == [
        "Administration",
        "Front desk (e-service centre)",
        "General Certificate branch",
        "Record room",
        "Revenue branch",
    ]
    posts = {p.code: p for p in dc.posts.all()}
    assert set(posts) == {
        "dc",
        "adc_general",
        "front_desk",
        "gc_assistant",
        "record_room_assistant",
        "revenue_assistant",
    }
    assert posts["dc"].is_office_head and posts["dc"].supervisor_id is None
    assert posts["adc_general"].supervisor_id == posts["dc"].pk
    for code in ("front_desk", "gc_assistant", "record_room_assistant", "revenue_assistant"):
        assert posts[code].supervisor_id == posts["adc_general"].pk
        assert not posts[code].is_office_head
    assert posts["front_desk"].unit.name_bn == "ফ্রন্ট ডেস্ক (ই-সেবা কেন্দ্র)"

    uno_office = Office.objects.get(
        office_type__code=OfficeTypeCode.UPAZILA_NIRBAHI_OFFICE, upazila_id=GOPALGANJ_SADAR
    )
    assert uno_office.parent_id == dc.pk
    uno = uno_office.posts.get(code=PostCode.UNO)
    assert uno.is_office_head and uno.supervisor_id == posts["dc"].pk
    assert uno_office.posts.get(code=PostCode.OFFICE_ASSISTANT).supervisor_id == uno.pk

    up = Office.objects.get(office_type__code=OfficeTypeCode.UNION_PARISHAD, union_id=PAIKKANDI)
    assert (up.name_bn, up.name_en) == ("পাইককান্দি ইউনিয়ন পরিষদ", "Paikkandi Union Parishad")
    assert (up.parent_id, up.upazila_id, up.district_id, up.division_id) == (
        uno_office.pk,
        GOPALGANJ_SADAR,
        GOPALGANJ,
        6,
    )
    assert up.units.count() == 1
    chairman = up.posts.get(code=PostCode.UP_CHAIRMAN)
    secretary = up.posts.get(code=PostCode.UP_SECRETARY)
    assert (chairman.name_bn, secretary.name_bn) == (
        unicodedata.normalize("NFC", "চেয়ারম্যান"),
        "সচিব",
    )
    assert chairman.is_office_head and not secretary.is_office_head
    assert secretary.supervisor_id == chairman.pk
    assert chairman.supervisor_id == uno.pk
    assert secretary.unit_id == chairman.unit_id == up.units.get().pk


def test_every_union_parishad_has_both_posts_and_links(gopalganj):
    ups = Office.objects.filter(office_type__code=OfficeTypeCode.UNION_PARISHAD, district_id=GOPALGANJ)
    assert ups.count() == _gopalganj_unions()
    for up in ups.prefetch_related("posts"):
        posts = {p.code: p for p in up.posts.all()}
        assert set(posts) == {PostCode.UP_CHAIRMAN, PostCode.UP_SECRETARY}
        assert posts[PostCode.UP_SECRETARY].supervisor_id == posts[PostCode.UP_CHAIRMAN].pk
        uno = Post.objects.get(office=up.parent, code=PostCode.UNO)
        assert posts[PostCode.UP_CHAIRMAN].supervisor_id == uno.pk
        assert up.parent.upazila_id == up.upazila_id


def test_second_seed_creates_nothing(gopalganj):
    counts = (Office.objects.count(), OfficeUnit.objects.count(), Post.objects.count())
    again = offices_seed(district_ids=[GOPALGANJ])
    assert again.changed is False
    assert again.created == {"offices": 0, "units": 0, "posts": 0}
    assert (Office.objects.count(), OfficeUnit.objects.count(), Post.objects.count()) == counts


def test_seed_adds_only_what_is_missing(geo):
    offices_seed(district_ids=[GOPALGANJ])
    before = set(Office.objects.values_list("pk", flat=True))
    again = offices_seed(district_ids=[GOPALGANJ, 32])  # Pirojpur added
    pirojpur_unions = Union.objects.filter(upazila__district_id=32, duplicate_of__isnull=True).count()
    assert again.created == {
        "offices": 1 + 7 + pirojpur_unions,
        "units": 5 + 7 + pirojpur_unions,
        "posts": 6 + 7 * 2 + pirojpur_unions * 2,
    }
    new = Office.objects.exclude(pk__in=before)
    assert set(new.values_list("district_id", flat=True)) == {32}
    assert Office.objects.filter(pk__in=before).count() == len(before)


def test_duplicate_unions_get_no_office(geo):
    offices_seed(district_ids=[1])  # Cumilla: Sadar South's stale copies of the Lalmai unions
    assert not Office.objects.filter(union__duplicate_of__isnull=False).exists()
    assert Office.objects.filter(upazila_id=17, office_type__code=OfficeTypeCode.UNION_PARISHAD).count() == 8
    assert not Office.objects.filter(union_id__in=range(159, 167)).exists()


def test_seed_offices_command_filters_and_refuses_unknown_district(geo):
    call_command("seed_offices", "--district", str(GOPALGANJ), verbosity=0)
    assert set(Office.objects.values_list("district_id", flat=True)) == {GOPALGANJ}
    with pytest.raises(CommandError):
        call_command("seed_offices", "--district", "999", verbosity=0)


def test_seed_offices_command_needs_geography(db):
    with pytest.raises(CommandError):
        call_command("seed_offices", verbosity=0)
    assert not Office.objects.exists()


def test_full_seed_covers_the_country(geo):
    started = time.monotonic()
    result = offices_seed()
    first = time.monotonic() - started
    unions = 4540 - 17
    assert result.created == {
        "offices": 64 + 494 + unions,
        "units": 64 * 5 + 494 + unions,
        "posts": 64 * 6 + 494 * 2 + unions * 2,
    }
    by_type = dict(Office.objects.values_list("office_type__code").annotate(n=Count("pk")))
    assert by_type == {"dc_office": 64, "upazila_nirbahi_office": 494, "union_parishad": unions}
    assert not Post.objects.filter(code=PostCode.UP_SECRETARY, supervisor__isnull=True).exists()
    assert not Post.objects.filter(code=PostCode.UP_CHAIRMAN, supervisor__code__isnull=True).exists()
    assert not Post.objects.filter(code=PostCode.UNO).exclude(supervisor__code=PostCode.DC).exists()
    started = time.monotonic()
    assert offices_seed().changed is False
    second = time.monotonic() - started
    assert second < 1.0, second
    print(f"full office seed: {first:.1f} s, second run {second:.2f} s")
