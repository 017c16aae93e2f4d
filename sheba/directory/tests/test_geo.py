from __future__ import annotations

import csv
import shutil
import unicodedata
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from sheba.directory.geo import DEFAULT_DATA_DIR, geo_import, union_slug
from sheba.directory.models import District, Division, Union, Upazila
from sheba.directory.selectors import districts_of, divisions, unions_of, upazilas_of

from .conftest import GOPALGANJ, GOPALGANJ_SADAR, PAIKKANDI

pytestmark = pytest.mark.django_db


def test_import_counts_exactly_the_source(geo):
    assert (
        Division.objects.count(),
        District.objects.count(),
        Upazila.objects.count(),
        Union.objects.count(),
    ) == (
        8,
        64,
        494,
        4540,
    )
    assert geo.created == {"divisions": 8, "districts": 64, "upazilas": 494, "unions": 4540}
    assert geo.updated == {"divisions": 0, "districts": 0, "upazilas": 0, "unions": 0}


def test_second_import_changes_nothing_and_only_reads(geo):
    with CaptureQueriesContext(connection) as queries:
        again = geo_import()
    assert again.changed is False
    assert again.created == {"divisions": 0, "districts": 0, "upazilas": 0, "unions": 0}
    assert again.updated == {"divisions": 0, "districts": 0, "upazilas": 0, "unions": 0}
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    assert set(statements) <= {"SELECT", "SAVEPOINT", "RELEASE"}
    assert Union.objects.count() == 4540


def test_rows_carry_names_websites_and_coordinates(geo):
    paikkandi = Union.objects.select_related("upazila__district__division").get(pk=PAIKKANDI)
    assert (paikkandi.name_en, paikkandi.name_bn) == ("Paikkandi", "পাইককান্দি")
    assert paikkandi.website == "paikkandiup.gopalganj.gov.bd"
    assert paikkandi.upazila_id == GOPALGANJ_SADAR
    assert paikkandi.upazila.name_en == "Gopalganj Sadar"
    district = paikkandi.upazila.district
    assert (district.pk, district.name_en, district.name_bn, district.website) == (
        GOPALGANJ,
        "Gopalganj",
        "গোপালগঞ্জ",
        "www.gopalganj.gov.bd",
    )
    assert district.division.name_en == "Dhaka"
    assert district.latitude is not None and district.longitude is not None
    assert 20 < district.latitude < 27 and 88 < district.longitude < 93


def test_coordinates_are_rounded_to_the_column(geo):
    rangamati = District.objects.get(pk=4)  # source: 22.65561018, 92.17541121
    assert str(rangamati.latitude) == "22.6556102"
    assert str(rangamati.longitude) == "92.1754112"


@pytest.mark.parametrize(
    ("website", "slug"),
    [
        ("paikkandiup.gopalganj.gov.bd", "paikkandiup"),
        ("www.raruliup.khulna.gov.bd", "raruliup"),
        ("Suabilup.chittagong.gov.bd", "suabilup"),
        ("khajura.bdgovportal.com", "khajura"),
        ("https://paikkandiup.gopalganj.gov.bd/bn/", "paikkandiup"),
        ("", ""),
    ],
)
def test_union_slug(website, slug):
    assert union_slug(website) == slug


def test_union_slugs_come_from_the_website_host(geo):
    assert Union.objects.get(pk=PAIKKANDI).slug == "paikkandiup"
    assert Union.objects.get(pk=1884).slug == "raruliup"  # www.raruliup.khulna.gov.bd
    assert Union.objects.filter(website="").count() == Union.objects.filter(slug="").count()
    assert not Union.objects.exclude(website="").filter(slug="").exists()


def _known_issue_union_ids() -> set[int]:
    ids: set[int] = set()
    with (DEFAULT_DATA_DIR / "known_issues.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["table"] != "unions":
                continue
            for part in row["id"].split(";"):
                if "-" in part:
                    first, last = part.split("-")
                    ids.update(range(int(first), int(last) + 1))
                else:
                    ids.add(int(part))
            # "… again under Lalmai (upazila 17, ids 185-192)": the other half of a pair.
            if "ids " in row["issue"]:
                span = row["issue"].split("ids ")[1].split(")")[0]
                first, last = span.split("-")
                ids.update(range(int(first), int(last) + 1))
    return ids


def test_duplicates_are_marked_and_point_at_a_kept_row(geo):
    duplicates = list(Union.objects.filter(duplicate_of__isnull=False).select_related("duplicate_of"))
    assert len(duplicates) == 17
    assert Union.objects.filter(duplicate_of__isnull=True).count() == 4540 - 17
    listed = _known_issue_union_ids()
    for union in duplicates:
        kept = union.duplicate_of
        assert kept.duplicate_of_id is None
        assert union.pk in listed and kept.pk in listed
        assert union.name_bn == kept.name_bn
    # Moved unions are kept under their new upazila; same-upazila repeats keep the first row.
    assert Union.objects.get(pk=159).duplicate_of_id == 185  # Bagmara (North): Sadar South -> Lalmai
    assert Union.objects.get(pk=665).duplicate_of_id == 810  # Char Patharghata: Patiya -> Karnafuli
    assert Union.objects.get(pk=2353).duplicate_of_id == 2352  # Awajpur twice under Charfesson
    assert Union.objects.get(pk=3686).duplicate_of_id == 3685  # Bhojoanpur, second row's URL is wrong
    # The two Natai rows are South and North, not duplicates.
    assert Union.objects.filter(pk__in=[242, 243], duplicate_of__isnull=True).count() == 2


def test_pickers_leave_out_duplicates(geo):
    assert unions_of(17).count() == 8  # Lalmai keeps its 8 unions
    assert not unions_of(14).filter(pk__in=range(159, 167)).exists()  # Sadar South loses the stale rows
    assert list(unions_of(261).filter(name_en="Awajpur").values_list("pk", flat=True)) == [2352]
    assert PAIKKANDI in set(unions_of(GOPALGANJ_SADAR).values_list("pk", flat=True))


def test_pickers_sort_by_the_page_language(geo):
    bn = list(upazilas_of(GOPALGANJ))
    assert [u.name_bn for u in bn] == sorted(u.name_bn for u in bn)
    assert len(bn) == 5
    with translation.override("en"):
        en = [d.name_en for d in districts_of(6)]
        assert en == sorted(en)
        assert len(en) == 13  # Dhaka division
        assert [d.name_en for d in divisions()][:2] == ["Barisal", "Chattagram"]
    assert len(list(divisions())) == 8


def test_bengali_text_is_stored_nfc(tmp_path: Path, db):
    data = tmp_path / "bd-geo"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    # Not NFC: o-kar typed as e-kar + aa-kar, and the precomposed ya-with-nukta U+09DF.
    raw = "\u0995\u09c7\u09be\u09df\u09be"  # "কোয়া"
    nfc = "\u0995\u09cb\u09af\u09bc\u09be"
    assert not unicodedata.is_normalized("NFC", raw)
    assert unicodedata.normalize("NFC", raw) == nfc
    path = data / "unions.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    rows = [line.replace("পাইককান্দি", raw) if line.startswith(f"{PAIKKANDI},") else line for line in rows]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")

    geo_import(data_dir=data)

    assert Union.objects.get(pk=PAIKKANDI).name_bn == nfc
    bad = [u.pk for u in Union.objects.all() if not unicodedata.is_normalized("NFC", u.name_bn)]
    assert bad == []


def test_import_repairs_a_changed_row(geo):
    Union.objects.filter(pk=PAIKKANDI).update(name_en="Wrong", slug="wrong")
    result = geo_import()
    assert result.updated == {"divisions": 0, "districts": 0, "upazilas": 0, "unions": 1}
    union = Union.objects.get(pk=PAIKKANDI)
    assert (union.name_en, union.slug) == ("Paikkandi", "paikkandiup")
