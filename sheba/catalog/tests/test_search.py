from __future__ import annotations

import pytest

from sheba.catalog.models import Service
from sheba.catalog.search import fold, transliterate, word_similarity
from sheba.catalog.selectors import search_services, services_browse

pytestmark = pytest.mark.django_db


def top(query: str, n: int = 1) -> list[str]:
    return [hit.service.slug for hit in search_services(query)[:n]]


@pytest.mark.parametrize(
    "query, slug",
    [
        ("নাগরিকত্ব সনদ", "up-citizenship"),
        ("নাগরিকতব", "up-citizenship"),  # typo: ত্ব typed as তব
        ("nagorik sonod", "up-citizenship"),
        ("nagorik", "up-citizenship"),
        ("Nagorik", "up-citizenship"),
        ("warish", "up-warish"),
        ("oyarish sonod", "up-warish"),
        ("charitrik", "up-character"),
        ("charitrik sonod", "up-character"),
        ("Citizenship certificate", "up-citizenship"),
        ("character certificate", "up-character"),
        ("vumihin", "up-landless"),
        ("obibahito", "up-unmarried"),
        ("ওয়ারিশ", "up-warish"),
        ("ওয়ারিশ", "up-warish"),  # decomposed য + nukta, as some keyboards type it
    ],
)
def test_search_examples(catalog, query, slug):
    assert top(query) == [slug]


def test_trade_license_finds_both_trade_licence_services_first(catalog):
    assert set(top("trade license", 2)) == {"up-trade-license", "up-trade-license-renew"}
    assert set(top("ট্রেড লাইসেন্স", 2)) == {"up-trade-license", "up-trade-license-renew"}


def test_exact_name_ranks_first(catalog):
    hits = search_services("জন্ম নিবন্ধন (৫ বছরের পর)")
    assert hits[0].service.slug == "bdr-birth-late"
    assert hits[0].score > hits[1].score
    assert top("ভূমিহীন সনদ") == ["up-landless"]


def test_sector_and_office_names_match(catalog):
    land = {hit.service.slug for hit in search_services("ভূমি সেবা")}
    assert {"uz-namjari", "uz-ldtax", "dc-khatian-urgent", "dc-mouza-map"} <= land
    # All ten services of the DC office come first; weaker matches ("Assistant Commissioner") follow.
    dc = [hit.service for hit in search_services("Deputy Commissioner")]
    assert {s.office_type.code for s in dc[:10]} == {"dc_office"}
    assert Service.objects.filter(office_type__code="dc_office").count() == 10
    assert all(s.office_type.code != "dc_office" for s in dc[10:])
    social = {hit.service.slug for hit in search_services("সমাজসেবা")}
    assert {"uz-old-age", "uz-widow"} <= social


def test_search_within_filters(catalog):
    within = services_browse(sector="licence")
    slugs = [hit.service.slug for hit in search_services("license", services=within)]
    assert "up-trade-license" in slugs
    assert all(Service.objects.get(slug=s).sector.code == "licence" for s in slugs)


def test_unpublished_services_are_not_found(catalog):
    Service.objects.filter(slug="up-warish").update(is_published=False)
    assert "up-warish" not in top("warish", 5)
    assert not services_browse().filter(slug="up-warish").exists()


def test_nonsense_and_huge_queries_return_quietly(catalog):
    assert search_services("") == []
    assert search_services("   !!! ") == []
    assert search_services("zzqxj") == []
    assert len(search_services("নাগরিক" * 2000)) <= 30


def test_transliteration_and_folding():
    assert transliterate("নাগরিকত্ব সনদ") == "nagorikot sonod"
    assert transliterate("চারিত্রিক") == "charitrik"
    assert transliterate("ওয়ারিশ") == "oyarish"
    assert fold("nagorik sonod") == "nagarak sanad"
    assert fold("warish") == fold("ওয়ারিশ") == "aras"
    assert fold("trade license") == fold("ট্রেড লাইসেন্স") == "trad lasans"
    assert fold("Trade licence") == "trad lasans"
    assert word_similarity("nagarak", "nagarakat sanad") == pytest.approx(7 / 8)


def test_browse_filters(catalog):
    business = set(services_browse(recipient="business").values_list("slug", flat=True))
    assert business == {
        "up-trade-license",
        "up-trade-license-renew",
        "dc-dealing-license",
        "dc-brick-kiln",
        "dc-acid-license",
        "dc-hotel-license",
    }
    assert services_browse(sector="travel").count() == 7
    assert services_browse(office_type="upazila_election_office").count() == 2
    # Birth registration is also provided by paurashavas.
    paurashava = set(services_browse(office_type="paurashava").values_list("slug", flat=True))
    assert "bdr-birth-45d" in paurashava and len(paurashava) == 7
    assert services_browse(recipient="citizen", sector="licence", office_type="dc_office").count() == 2
    assert services_browse().count() == 63


@pytest.mark.parametrize(
    "query", ["nagorik sonod", "নাগরিকতব", "warish", "charitrik", "trade license", "ভূমি সেবা"]
)
def test_python_scoring_for_sqlite_agrees_with_pg_trgm(catalog, query):
    """SQLite has no pg_trgm: the same scores are computed in Python. They match PostgreSQL's."""
    from sheba.catalog.selectors import _scores_postgresql, _scores_python, published_services

    key = fold(query)
    in_python = {pk: s for pk, s in _scores_python(key, published_services()).items() if s >= 0.3}
    in_postgresql = {pk: s for pk, s in _scores_postgresql(key, None).items() if s >= 0.3}
    assert in_postgresql
    assert set(in_python) == set(in_postgresql)
    for pk, score in in_postgresql.items():
        assert in_python[pk] == pytest.approx(score, abs=0.01)
