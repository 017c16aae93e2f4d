"""The citizen's dashboard: only its owner sees it, officers are sent to their desk, completeness."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from sheba.accounts.models import Profile
from sheba.accounts.tests.helpers_profile import (
    client_for,
    make_citizen,
    make_geo,
    make_officer,
    profile_post,
)

pytestmark = pytest.mark.django_db
DASHBOARD = "/accounts/dashboard/"


def english(user):
    client = client_for(user)
    client.cookies["sheba_language"] = "en"
    return client


def test_url_names():
    assert reverse("accounts:dashboard") == DASHBOARD
    assert reverse("accounts:profile") == "/accounts/profile/"


@pytest.mark.parametrize("url", [DASHBOARD, "/accounts/profile/", "/accounts/profile/edit/"])
def test_anonymous_is_sent_to_login(url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("url", [DASHBOARD, "/accounts/profile/", "/accounts/profile/edit/",
                                 "/accounts/profile/address-options/"])
def test_officers_are_sent_to_their_desk(url):
    response = client_for(make_officer()).get(url)
    assert response.status_code == 302
    assert response["Location"] == "/officer/"


def test_officer_cannot_save_a_profile():
    officer = make_officer()
    response = client_for(officer).post("/accounts/profile/edit/", profile_post())
    assert response.status_code == 302
    assert not Profile.objects.exists()


def test_each_citizen_sees_only_their_own_dashboard():
    alice, bob = make_citizen("+8801711000001"), make_citizen("+8801811000002")
    Profile.objects.create(user=alice, name_en="Alice Akter", name_bn="আলিস আক্তার")
    Profile.objects.create(user=bob, name_en="Bob Biswas", name_bn="বব বিশ্বাস")
    html = english(alice).get(DASHBOARD).content.decode()
    assert "Welcome, Alice Akter" in html
    assert "Bob" not in html and "01811" not in html
    assert "01711-000001" in html
    html = english(bob).get(DASHBOARD).content.decode()
    assert "Welcome, Bob Biswas" in html
    assert "Alice" not in html
    bn = client_for(alice).get(DASHBOARD).content.decode()
    assert "আলিস আক্তার" in bn
    assert "০১৭১১-০০০০০১" in bn


def test_dashboard_content_for_a_new_citizen():
    citizen = make_citizen()
    response = english(citizen).get(DASHBOARD)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "<h1>Welcome</h1>" in html
    assert "0 of 9 parts are filled in." in html
    for missing in ("Name in Bengali", "Father&#x27;s name", "Date of birth", "NID or birth registration number",
                    "Present address", "Permanent address", "Confirmed e-mail address"):
        assert f"<li>{missing}</li>" in html
    assert "My applications" in html
    assert "You have no applications yet." in html
    assert 'href="/accounts/profile/"' in html
    assert 'href="/accounts/profile/edit/"' in html
    assert 'action="/accounts/logout/"' in html
    try:
        change_mobile = reverse("accounts:change_mobile")
    except NoReverseMatch:
        assert "Change your mobile number" not in html
    else:
        assert f'<a href="{change_mobile}">Change your mobile number</a>' in html


def test_completeness_counts_what_is_filled():
    geo = make_geo()
    citizen = make_citizen()
    client = english(citizen)
    client.post("/accounts/profile/edit/", profile_post(geo))
    html = client.get(DASHBOARD).content.decode()
    assert "8 of 9 parts are filled in." in html
    assert "<li>Confirmed e-mail address</li>" in html
    assert "<li>Present address</li>" not in html
    from sheba.core import clock

    citizen.email, citizen.email_verified_at = "rahim@example.com", clock.now()
    citizen.save()
    html = client.get(DASHBOARD).content.decode()
    assert "Your profile is complete." in html
    assert "parts are filled in" not in html


def test_dashboard_in_bengali_digits():
    citizen = make_citizen()
    html = client_for(citizen).get(DASHBOARD).content.decode()
    assert "৯টির মধ্যে ০টি অংশ পূরণ করা হয়েছে।" in html
