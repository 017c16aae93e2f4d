"""Union portals: by path (/up/<name>/) and by host (<name>.<base domain>), Paikkandi union of
Gopalganj Sadar (id 3506 in data/bd-geo/unions.csv), unknown names, the list/search at /up/."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from sheba.catalog.models import ServiceFee
from sheba.catalog.seeding import catalog_seed
from sheba.directory.demo import demo_people_seed
from sheba.directory.enums import OfficeTypeCode
from sheba.directory.geo import DEFAULT_DATA_DIR, portal_slugs
from sheba.directory.models import Office, Union
from sheba.directory.tests.conftest import gopalganj, gopalganj_data  # noqa: F401 - fixtures
from sheba.locker.tests.helpers import media_root  # noqa: F401 - fixture
from sheba.portals import selectors

pytestmark = pytest.mark.django_db

PAIKKANDI = 3506
GOPALGANJ = 51
GOPALGANJ_SADAR = 385


@pytest.fixture
def paikkandi(settings, gopalganj):  # noqa: F811 - Gopalganj's geography and offices (directory fixture)
    settings.SHEBA_BASE_DOMAIN = "sheba.test"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".sheba.test"]
    catalog_seed()
    demo_people_seed(password="a long demo password 1", check_password=False)
    return Union.objects.get(pk=PAIKKANDI)


def english() -> Client:
    client = Client()
    client.cookies["sheba_language"] = "en"
    return client


def test_paikkandi_has_its_portal_name_from_the_website_host(paikkandi):
    assert paikkandi.website == "paikkandiup.gopalganj.gov.bd"
    assert paikkandi.portal_slug == "paikkandiup"
    assert paikkandi.upazila_id == GOPALGANJ_SADAR


def test_portal_names_are_unique_and_duplicates_have_none():
    """Over the whole country (the CSV, no database): 4,540 rows, 17 duplicate listings."""
    import csv

    with (DEFAULT_DATA_DIR / "unions.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with (DEFAULT_DATA_DIR / "duplicates.csv").open(encoding="utf-8") as handle:
        duplicates = {int(row["id"]) for row in csv.DictReader(handle)}
    names = portal_slugs((int(r["id"]), r["url"], int(r["id"]) in duplicates) for r in rows)
    given = [name for name in names.values() if name]
    assert len(rows) == 4540 and len(duplicates) == 17
    assert len(given) == len(set(given)) == 4540 - 17
    assert all(names[pk] is None for pk in duplicates)
    assert names[PAIKKANDI] == "paikkandiup"
    # a short name several unions share gets the district label of its host
    assert (names[7], names[418]) == ("rasulpurup-comilla", "rasulpurup-noakhali")
    assert names[1887] == "fultolaup-khulna"  # www.fultolaup.khulna.gov.bd
    assert names[185] == "bagmaranorthup"  # the kept row of a duplicate pair


def _check_portal(page: str, office: Office) -> None:
    assert "Paikkandi" in page
    assert "Gopalganj Sadar" in page
    assert "Chairman" in page and "Abdul Karim Molla" in page
    assert "Secretary" in page and "Md. Rafiqul Islam" in page
    assert "paikkandiup.gopalganj.gov.bd" in page
    apply_links = re.findall(r'href="(/applications/apply/[^"?]+/\?office=[^"]+)"', page)
    assert apply_links and all(link.endswith(f"office={office.public_id}") for link in apply_links)


def test_portal_by_path(paikkandi):
    office = Office.objects.get(office_type__code=OfficeTypeCode.UNION_PARISHAD, union=paikkandi)
    response = english().get("/up/paikkandiup/")
    assert response.status_code == 200
    page = response.content.decode()
    _check_portal(page, office)
    assert "Citizenship (nationality) certificate" in page
    assert len(response.content) < 100_000


def test_portal_by_host_and_links_work_under_it(paikkandi):
    office = Office.objects.get(office_type__code=OfficeTypeCode.UNION_PARISHAD, union=paikkandi)
    client = english()
    response = client.get("/", HTTP_HOST="paikkandiup.sheba.test")
    assert response.status_code == 200
    _check_portal(response.content.decode(), office)
    # the rest of the site keeps working under the union's host
    assert client.get("/up/", HTTP_HOST="paikkandiup.sheba.test").status_code == 200
    assert client.get(reverse("applications:status"), HTTP_HOST="paikkandiup.sheba.test").status_code == 200
    link = re.findall(r'href="(/applications/apply/[^"]+)"', response.content.decode())[0].replace("&amp;", "&")
    start = client.get(link, HTTP_HOST="paikkandiup.sheba.test")
    assert start.status_code == 302 and "login" in start["Location"]  # apply needs a citizen: log in first
    # the official two-label form of the host works as well
    assert client.get("/", HTTP_HOST="paikkandiup.gopalganj.sheba.test").status_code == 200
    # and the base domain itself is the ordinary home page, not a portal
    assert "Chairman" not in client.get("/", HTTP_HOST="sheba.test").content.decode()


def test_apply_link_preselects_the_union_office(paikkandi):
    from sheba.accounts.models import User

    office = Office.objects.get(office_type__code=OfficeTypeCode.UNION_PARISHAD, union=paikkandi)
    citizen = User.objects.get(username="+8801711000001")
    client = english()
    client.force_login(citizen)
    page = client.get("/up/paikkandiup/").content.decode()
    link = re.findall(r'href="(/applications/apply/up-citizenship/[^"]+)"', page)[0].replace("&amp;", "&")
    start = client.get(link).content.decode()
    assert re.search(rf'value="{office.public_id}"[^>]*checked|checked[^>]*value="{office.public_id}"', start)


def test_fees_are_the_union_office_fees(paikkandi):
    office = Office.objects.get(office_type__code=OfficeTypeCode.UNION_PARISHAD, union=paikkandi)
    rows = {row.service.slug: row for row in selectors.office_services(office)}
    assert "up-citizenship" in rows
    recorded = ServiceFee.objects.filter(office=office, amount_poisha__isnull=False).select_related("service").first()
    if recorded is not None and recorded.service.slug in rows:
        assert rows[recorded.service.slug].fee == recorded.amount


@pytest.mark.parametrize("language", ["bn", "en"])
def test_unknown_union_is_a_friendly_404(paikkandi, language):
    client = Client()
    client.cookies["sheba_language"] = language
    for response in (client.get("/up/nowhereup/"), client.get("/", HTTP_HOST="nowhereup.sheba.test")):
        assert response.status_code == 404
        page = response.content.decode()
        assert ("Union not found" if language == "en" else "ইউনিয়ন পাওয়া যায়নি") in page
        assert 'href="/up/"' in page


def test_a_shared_short_name_lists_the_unions_that_share_it(paikkandi):
    # Gopalganj has Gopinathpur (gopinathpurup.gopalganj.gov.bd); give it a namesake elsewhere.
    gopinathpur = Union.objects.get(pk=3505)
    Union.objects.filter(pk=3505).update(portal_slug="gopinathpurup-gopalganj")
    Union.objects.create(id=99_001, upazila=gopinathpur.upazila, name_bn="গোপীনাথপুর", name_en="Gopinathpur",
                         website="gopinathpurup.rangpur.gov.bd", slug="gopinathpurup",
                         portal_slug="gopinathpurup-rangpur")
    response = english().get("/up/gopinathpurup/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "/up/gopinathpurup-gopalganj/" in page and "/up/gopinathpurup-rangpur/" in page


@pytest.mark.parametrize("name", ["x" * 500, "%00", "..", "paikkandiup.evil", "-"])
def test_odd_names_never_fail(paikkandi, name):
    assert Client().get(f"/up/{name}/").status_code in (404, 400)
    assert Client(raise_request_exception=False).get("/", HTTP_HOST=f"{name}.sheba.test").status_code in (200, 400, 404)


def test_list_by_district_and_upazila(paikkandi):
    client = english()
    assert client.get("/up/").status_code == 200
    page = client.get("/up/", {"district": GOPALGANJ, "upazila": GOPALGANJ_SADAR}).content.decode()
    assert "/up/paikkandiup/" in page
    assert "/up/paikkandiup/" in client.get("/up/", {"q": "Paikk"}).content.decode()
    assert "/up/paikkandiup/" in client.get("/up/", {"q": "পাইককান্দি"}).content.decode()
    assert "/up/paikkandiup/" not in client.get("/up/", {"district": 1, "q": "Paikk"}).content.decode()
    assert client.get("/up/", {"district": "abc", "upazila": "-1", "q": "x" * 500}).status_code == 200


def test_demo_path_portal_apply_citizenship_with_a_simulator_nid(paikkandi, identity_register, media_root):  # noqa: F811
    """As on `make demo`: Paikkandi's portal -> নাগরিকত্ব সনদ -> the pre-filled form of the demo
    citizen (the simulator's first person) -> submitted to Paikkandi UP, identity check passed."""
    from sheba.accounts.models import User
    from sheba.applications.models import Application, Status
    from sheba.applications.tests.helpers import locker_file
    from sheba.identity.models import IdentityCheck

    office = Office.objects.get(office_type__code=OfficeTypeCode.UNION_PARISHAD, union=paikkandi)
    citizen = User.objects.get(username="+8801711000001")
    client = Client()
    client.force_login(citizen)
    page = client.get("/up/paikkandiup/").content.decode()
    link = re.findall(r'href="(/applications/apply/up-citizenship/[^"]+)"', page)[0].replace("&amp;", "&")
    assert client.get(link).status_code == 200
    response = client.post(link.split("?")[0], {"office": str(office.public_id), "submission_token": "demo-path-token-0001"})
    assert response.status_code == 302
    application = Application.objects.get(submission_token="demo-path-token-0001")
    edit = client.get(response["Location"])
    form = edit.context["form"]
    values = {f"f-{name}": form[name].value() for name in ("name_bn", "name_en", "father_name", "mother_name",
                                                            "date_of_birth", "identity_number", "address")}
    assert values["f-identity_number"] == "1990561234567" and values["f-name_bn"] == "রহিমা খাতুন"
    values = {k: ("" if v is None else str(v)) for k, v in values.items()}
    nid_copy = locker_file(citizen)
    response = client.post(response["Location"], {
        **values, "f-ward_no": "3", "f-declaration": "on", "for_whom": "self", "action": "submit",
        "submission_token": application.submission_token, "doc_nid_copy": str(nid_copy.public_id),
    })
    assert response.status_code == 302, [str(e) for e in response.context["form"].errors.values()]
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.holder_office_id == office.pk  # it lands in Paikkandi UP's inbox
    assert IdentityCheck.objects.get(application=application).status == "passed"
