from __future__ import annotations

import pytest
from django.utils.html import escape

from sheba.catalog.models import Service, ServiceFee
from sheba.catalog.seeding import catalog_seed
from sheba.directory.models import Office

from .conftest import MIJANPUR, PACHPIR

pytestmark = pytest.mark.django_db


def test_list_shows_every_published_service(client, catalog):
    response = client.get("/services/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "৬৩টি সেবা" in body
    assert body.count('class="card service-card"') == 63
    assert 'href="/services/up-citizenship/"' in body


def test_browse_filters_work_without_javascript(client, catalog):
    body = client.get("/services/", {"recipient": "business"}).content.decode()
    assert body.count('class="card service-card"') == 6
    assert '<option value="business" selected>' in body
    body = client.get("/services/", {"sector": "travel", "office_type": "national_agency"}).content.decode()
    assert body.count('class="card service-card"') == 7
    # Birth registration is also offered by paurashavas, which provide no service of their own.
    body = client.get("/services/", {"office_type": "paurashava"}).content.decode()
    assert body.count('class="card service-card"') == 7
    assert '<option value="paurashava" selected>পৌরসভা (৭)</option>' in body
    # An unknown code is ignored, not an error.
    response = client.get("/services/", {"sector": "<script>", "recipient": "x" * 500})
    assert response.status_code == 200
    assert response.content.decode().count('class="card service-card"') == 63


def test_search_page_ranks_and_escapes(client, catalog):
    body = client.get("/services/", {"q": "nagorik sonod"}).content.decode()
    first = body.index('class="card service-card"')
    assert body.index("নাগরিকত্ব সনদ", first) < body.index("চারিত্রিক সনদ", first)
    response = client.get("/services/", {"q": '<script>alert("x")</script>'})
    assert response.status_code == 200
    text = response.content.decode()
    assert '<script>alert("x")</script>' not in text
    assert escape('<script>alert("x")</script>') in text


def test_control_characters_in_the_query_are_harmless(client, catalog):
    response = client.get("/services/", {"q": "nagorik\x00\x1f sonod"})
    assert response.status_code == 200
    assert "নাগরিকত্ব সনদ" in response.content.decode()


def test_a_10000_character_query_is_cut_with_a_note(client, catalog):
    response = client.get("/services/", {"q": "ক" * 10_000})
    assert response.status_code == 200
    body = response.content.decode()
    assert "শুধু প্রথম ২০০টি অক্ষর খোঁজা হয়েছে।" in body


def test_english_page(client, catalog):
    client.cookies["sheba_language"] = "en"
    body = client.get("/services/", {"q": "warish"}).content.decode()
    assert "Heirship (warish) certificate" in body
    assert "services match “warish”" in body


def test_service_page_shows_the_charter(client, catalog):
    response = client.get("/services/up-warish/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>ওয়ারিশ সনদ</h1>" in body
    assert '<dd id="fee-default">৳ ১০০' in body
    assert '<dd id="deadline">১ কার্যদিবস</dd>' in body
    assert "মৃত্যু নিবন্ধন সনদ" in body  # a required document
    assert "অফিসে নিয়ে আসুন" in body  # the ward member's recommendation is brought to the counter
    assert 'href="https://doailup.jamalpur.gov.bd/' in body
    assert '<a class="button" href="/applications/apply/up-warish/">এই সেবার জন্য আবেদন করুন</a>' in body


def test_apply_button_is_disabled_with_a_note_when_there_is_no_online_form(client, catalog):
    body = client.get("/services/np-pcc/").content.decode()
    assert (
        '<button type="button" disabled aria-describedby="apply-note">এই সেবার জন্য আবেদন করুন</button>' in body
    )
    assert "এই সেবার জন্য এখনো অনলাইনে আবেদন করা যায় না।" in body


def test_apply_button_is_disabled_while_applications_are_not_installed(client, catalog, monkeypatch):
    from django.urls import NoReverseMatch

    from sheba.catalog import selectors

    def missing(*args, **kwargs):
        raise NoReverseMatch("applications:start")

    monkeypatch.setattr(selectors, "reverse", missing)
    body = client.get("/services/up-warish/").content.decode()
    assert '<button type="button" disabled aria-describedby="apply-note">' in body
    assert "অনলাইন আবেদন শিগগিরই চালু হবে।" in body


def test_service_page_shows_the_fee_at_a_chosen_office(client, catalog, union_offices):
    catalog_seed()
    pachpir = Office.objects.get(union_id=PACHPIR, office_type__code="union_parishad")
    mijanpur = Office.objects.get(union_id=MIJANPUR, office_type__code="union_parishad")
    body = client.get("/services/up-warish/", {"office": str(pachpir.public_id)}).content.decode()
    assert f"<strong>{pachpir.name_bn}</strong>: ৳ ৩০০" in body
    body = client.get("/services/up-warish/", {"office": str(mijanpur.public_id)}).content.decode()
    assert f"<strong>{mijanpur.name_bn}</strong>: ৳ ১০০" in body
    assert f'<option value="{mijanpur.public_id}" selected>' in body
    # An office without a fee of its own shows the general fee, and says so.
    other = (
        Office.objects.filter(office_type__code="union_parishad")
        .exclude(pk__in=[pachpir.pk, mijanpur.pk])
        .first()
    )
    body = client.get("/services/up-warish/", {"office": str(other.public_id)}).content.decode()
    assert f"<strong>{other.name_bn}</strong>: ৳ ১০০" in body
    assert "এই অফিসের নিজস্ব ফি নথিতে নেই" in body
    assert ServiceFee.objects.filter(service__slug="up-warish", office=other).count() == 0


def test_bad_office_and_unknown_service(client, catalog):
    response = client.get("/services/up-warish/", {"office": "not-a-uuid" * 100})
    assert response.status_code == 200
    assert "অফিসটি খুঁজে পাওয়া যায়নি" in response.content.decode()
    assert client.get("/services/no-such-service/").status_code == 404
    Service.objects.filter(slug="up-warish").update(is_published=False)
    assert client.get("/services/up-warish/").status_code == 404


def test_post_is_refused(client, catalog):
    assert client.post("/services/").status_code == 405


def test_offices_offering_a_service(client, catalog, union_offices):
    from sheba.catalog.selectors import offices_offering, service_is_offered_at

    warish = Service.objects.get(slug="up-warish")
    pachpir = Office.objects.get(union_id=PACHPIR, office_type__code="union_parishad")
    assert service_is_offered_at(warish, pachpir)
    assert (
        offices_offering(warish).count() == Office.objects.filter(office_type__code="union_parishad").count()
    )
    passport = Service.objects.get(slug="np-epassport-48-5y-regular")
    assert not service_is_offered_at(passport, pachpir)
    # Offered only at listed offices.
    warish.offered_everywhere_of_type = False
    warish.save()
    assert not service_is_offered_at(warish, pachpir)
    warish.offering_offices.add(pachpir)
    assert list(offices_offering(warish)) == [pachpir]
    body = client.get("/services/up-warish/").content.decode()
    assert f"<dt>শুধু এই অফিসগুলোতে</dt><dd>{pachpir.name_bn}</dd>" in body
