"""Profile: edit round trip, formats (dates, NID/BRN, Bengali digits), names, pickers without
JavaScript and the htmx options partial, and the audit trail with the NID masked."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheba.accounts.models import Profile
from sheba.accounts.tests.helpers_profile import client_for, make_citizen, make_geo, profile_post
from sheba.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
EDIT = "/accounts/profile/edit/"


def options(html: str, name: str) -> list[tuple[str, str]]:
    """(value, label) of every option of the select called ``name``."""
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', match.group(1))


def selected(html: str, name: str) -> str | None:
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    found = re.search(r'<option value="([^"]*)"[^>]*selected', match.group(1))
    return found.group(1) if found else None


@pytest.fixture
def geo():
    return make_geo()


@pytest.fixture
def citizen():
    return make_citizen()


@pytest.fixture
def client(citizen):
    c = client_for(citizen)
    c.cookies["sheba_language"] = "en"
    return c


def test_urls():
    assert reverse("accounts:profile_edit") == EDIT
    assert reverse("accounts:address_options") == "/accounts/profile/address-options/"


def test_edit_round_trip(client, citizen, geo):
    page = client.get(EDIT)
    assert page.status_code == 200
    assert Profile.objects.filter(user=citizen).count() == 0

    response = client.post(EDIT, profile_post(geo))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"

    profile = Profile.objects.get(user=citizen)
    assert (profile.name_bn, profile.name_en) == ("রহিম উদ্দিন", "Rahim Uddin")
    assert (profile.father_name, profile.mother_name) == ("করিম উদ্দিন", "রহিমা বেগম")
    assert profile.date_of_birth == date(1990, 3, 15)
    assert (profile.identity_kind, profile.identity_number) == ("nid", "1990123456789")
    assert (profile.present_division, profile.present_district) == (geo.dhaka, geo.gazipur)
    assert (profile.present_upazila, profile.present_union) == (geo.kaliakair, geo.atabaha)
    assert profile.present_line == "বাড়ি ১২, রোড ৩, আটাবহ"
    # "same as present" copied every part of the address
    assert (profile.permanent_division, profile.permanent_district) == (geo.dhaka, geo.gazipur)
    assert (profile.permanent_upazila, profile.permanent_union) == (geo.kaliakair, geo.atabaha)
    assert profile.permanent_line == "বাড়ি ১২, রোড ৩, আটাবহ"

    view = client.get("/accounts/profile/").content.decode()
    assert "Rahim Uddin" in view
    assert "Same as the present address" in view
    assert "Atabaha, Kaliakair, Gazipur, Dhaka" in view
    assert "1990123456789" not in view  # the profile page masks the number
    assert "•••••••••6789" in view

    # editable later: the form comes back filled in, and a change is kept
    html = client.get(EDIT).content.decode()
    assert 'value="15/03/1990"' in html
    assert selected(html, "present_union") == str(geo.atabaha.pk)
    assert [v for v, _ in options(html, "present_union")] == ["", str(geo.atabaha.pk), str(geo.boali.pk)]
    assert re.search(r'name="permanent_same"[^>]*checked', html)
    client.post(EDIT, profile_post(geo, name_en="Rahim Uddin Khan", present_union=geo.boali.pk))
    profile.refresh_from_db()
    assert profile.name_en == "Rahim Uddin Khan"
    assert profile.present_union == geo.boali
    assert profile.permanent_union == geo.boali


def test_separate_permanent_address(client, citizen, geo):
    data = profile_post(geo, permanent_same=None, permanent_division=geo.dhaka.pk,
                        permanent_district=geo.narsingdi.pk, permanent_upazila=geo.palash.pk,
                        permanent_line="গ্রাম: চরসিন্দুর")
    assert client.post(EDIT, data).status_code == 302
    profile = Profile.objects.get(user=citizen)
    assert (profile.permanent_district, profile.permanent_upazila) == (geo.narsingdi, geo.palash)
    assert profile.permanent_union is None
    assert profile.permanent_line == "গ্রাম: চরসিন্দুর"
    assert profile.present_upazila == geo.kaliakair


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("১৫/০৩/১৯৯০", date(1990, 3, 15)),
        ("15-3-1990", date(1990, 3, 15)),
        ("1990-03-15", date(1990, 3, 15)),
        ("২৯.০২.২০০০", date(2000, 2, 29)),
    ],
)
def test_birth_date_formats(client, citizen, typed, expected):
    assert client.post(EDIT, profile_post(date_of_birth=typed)).status_code == 302
    assert Profile.objects.get(user=citizen).date_of_birth == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/1990", "This date does not exist. Check the day and the month."),
        ("15/03/2999", "A date of birth cannot be in the future."),
        ("01/01/1850", "Check the year: a date of birth more than 120 years ago is not accepted."),
        ("March 1990", "Write the date as day/month/year, for example 15/03/1990."),
    ],
)
def test_birth_date_refused(client, citizen, typed, message):
    response = client.post(EDIT, profile_post(date_of_birth=typed))
    assert response.status_code == 200
    assert response.context["form"].errors["date_of_birth"] == [message]
    assert f'value="{typed}"' in response.content.decode()  # kept as typed
    assert not Profile.objects.filter(user=citizen).exists()


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("nid", "1234567890", "1234567890"),
        ("nid", "1990123456789", "1990123456789"),
        ("nid", "19901234567890123", "19901234567890123"),
        ("nid", "১২৩৪৫৬৭৮৯০", "1234567890"),
        ("nid", "1234 567 890", "1234567890"),
        ("brn", "১৯৯০২৬১৮১২৩৪৫৬৭৮১", "19902618123456781"),
        ("brn", "1990-2618-1234-56781", "19902618123456781"),
    ],
)
def test_identity_numbers_accepted(client, citizen, kind, typed, stored):
    response = client.post(EDIT, profile_post(identity_kind=kind, identity_number=typed))
    assert response.status_code == 302, response.context["form"].errors
    profile = Profile.objects.get(user=citizen)
    assert (profile.identity_kind, profile.identity_number) == (kind, stored)


@pytest.mark.parametrize(
    ("kind", "typed", "message"),
    [
        ("nid", "123456789012", "An NID number has 10, 13 or 17 digits; this one has 12."),
        ("nid", "12345abcde", "Use digits only."),
        ("brn", "1234567890123", "A birth registration number has 17 digits; this one has 13."),
        ("brn", "1990261812345678", None),  # 16 digits: the legacy number
        ("brn", "১৯৯০২৬১৮১২৩৪৫৬৭৮", None),
        ("", "1234567890", "Say whether this is an NID or a birth registration number."),
    ],
)
def test_identity_numbers_refused(client, citizen, kind, typed, message):
    response = client.post(EDIT, profile_post(identity_kind=kind, identity_number=typed))
    assert response.status_code == 200
    errors = response.context["form"].errors
    if message is None:
        assert errors["identity_number"] == [
            "This is an old 16-digit birth registration number. Only the 17-digit numbers of the online birth "
            "registration system are accepted: ask the office that registered the birth (Union Parishad or "
            "municipality) to convert it to the 17-digit number, then enter that."
        ]
    elif kind:
        assert errors["identity_number"] == [message]
    else:
        assert errors["identity_kind"] == [message]
    assert not Profile.objects.filter(user=citizen).exists()


def test_legacy_brn_message_in_bengali(citizen):
    client = client_for(citizen)
    response = client.post(EDIT, profile_post(identity_kind="brn", identity_number="1990261812345678"))
    message = response.context["form"].errors["identity_number"][0]
    assert "১৬" in message and "১৭" in message
    assert message in response.content.decode()


def test_ten_thousand_character_name_refused_and_kept(client, citizen):
    long_name = "ক" * 10_000
    response = client.post(EDIT, profile_post(name_bn=long_name))
    assert response.status_code == 200
    assert response.context["form"].errors["name_bn"] == [
        "A name can be at most 100 characters long; this one has 10000."
    ]
    assert long_name in response.content.decode()  # nothing the person typed is lost
    assert 'value="Rahim Uddin"' in response.content.decode()
    assert not Profile.objects.filter(user=citizen).exists()
    assert not AuditEvent.objects.exists()


def test_long_name_message_in_bengali_digits(citizen):
    client = client_for(citizen)
    response = client.post(EDIT, profile_post(father_name="x" * 101))
    assert response.context["form"].errors["father_name"] == [
        "একটি নাম সর্বোচ্চ ১০০ অক্ষরের হতে পারে; এটিতে আছে ১০১টি।"
    ]


def test_exactly_100_characters_is_fine(client, citizen):
    assert client.post(EDIT, profile_post(name_en="A" * 100)).status_code == 302
    assert Profile.objects.get(user=citizen).name_en == "A" * 100


def test_html_in_names_is_stored_as_text_and_shown_escaped(client, citizen):
    evil = '<script>alert("x")</script><b>রহিম</b>'
    assert client.post(EDIT, profile_post(name_bn=evil, father_name="<img src=x onerror=alert(1)>")).status_code == 302
    assert Profile.objects.get(user=citizen).name_bn == evil
    for url in ("/accounts/profile/", "/accounts/dashboard/", EDIT):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;রহিম&lt;/b&gt;" in client.get(
        "/accounts/profile/").content.decode()


def test_names_are_nfc(client, citizen):
    typed = "\u09b0\u09be\u099c\u09bf\u09df\u09be"  # রাজিয়া with the precomposed য় (U+09DF)
    assert unicodedata.normalize("NFC", typed) != typed
    assert client.post(EDIT, profile_post(mother_name=typed)).status_code == 302
    assert Profile.objects.get(user=citizen).mother_name == "\u09b0\u09be\u099c\u09bf\u09af\u09bc\u09be"


# --- address pickers -----------------------------------------------------------------------------


def test_pickers_without_javascript_filter_and_do_not_save(client, citizen, geo):
    empty = profile_post()
    html = client.get(EDIT).content.decode()
    assert [label for _, label in options(html, "present_district")] == ["— choose a division first —"]

    response = client.post(EDIT, {**empty, "present_division": geo.dhaka.pk, "refresh": "present"})
    assert response.status_code == 200
    html = response.content.decode()
    assert options(html, "present_district") == [
        ("", "— choose a district —"), (str(geo.gazipur.pk), "Gazipur"), (str(geo.narsingdi.pk), "Narsingdi"),
    ]
    assert options(html, "present_upazila") == [("", "— choose a district first —")]
    assert selected(html, "present_division") == str(geo.dhaka.pk)
    assert 'value="Rahim Uddin"' in html  # the rest of the form is kept
    assert "errorlist" not in html  # nothing is judged yet
    assert not Profile.objects.filter(user=citizen).exists()
    assert not AuditEvent.objects.exists()

    response = client.post(EDIT, {**empty, "present_division": geo.dhaka.pk, "present_district": geo.gazipur.pk,
                                  "refresh": "present"})
    html = response.content.decode()
    assert options(html, "present_upazila") == [
        ("", "— choose an upazila —"), (str(geo.kaliakair.pk), "Kaliakair"), (str(geo.kapasia.pk), "Kapasia"),
    ]
    # permanent pickers are untouched by the present ones
    assert options(html, "permanent_district") == [("", "— choose a division first —")]

    # changing the division drops the lists below it
    response = client.post(EDIT, {**empty, "present_division": geo.khulna.pk, "present_district": geo.gazipur.pk,
                                  "present_upazila": geo.kaliakair.pk, "refresh": "present"})
    html = response.content.decode()
    assert options(html, "present_district") == [("", "— choose a district —"), (str(geo.jessore.pk), "Jessore")]
    assert options(html, "present_upazila") == [("", "— choose a district first —")]
    assert not Profile.objects.filter(user=citizen).exists()


def test_pickers_show_bengali_names_on_bengali_pages(citizen, geo):
    client = client_for(citizen)
    response = client.post(EDIT, {**profile_post(), "present_division": geo.dhaka.pk, "refresh": "present"})
    labels = [label for _, label in options(response.content.decode(), "present_district")]
    assert labels[1:] == ["গাজীপুর", "নরসিংদী"]


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"present_division": "KHULNA"}, "present_district", "This district is not in the division you chose."),
        ({"present_district": "NARSINGDI"}, "present_upazila", "This upazila is not in the district you chose."),
        ({"present_union": "DURGAPUR"}, "present_union", "This union is not in the upazila you chose."),
        ({"present_division": ""}, "present_district", "Choose the division first."),
        ({"present_union": "999999999"}, "present_union", "Choose a place from the list."),
        ({"present_union": "99999999999999999999999"}, "present_union", "Choose a place from the list."),
        ({"present_division": "-1"}, "present_division", "Choose a place from the list."),
    ],
)
def test_address_that_does_not_fit_is_refused(client, citizen, geo, override, field, message):
    names = {"KHULNA": geo.khulna.pk, "NARSINGDI": geo.narsingdi.pk, "DURGAPUR": geo.durgapur.pk}
    data = profile_post(geo, **{k: names.get(v, v) for k, v in override.items()})
    response = client.post(EDIT, data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not Profile.objects.filter(user=citizen).exists()


def test_service_refuses_a_district_of_another_division(citizen, geo):
    from sheba.accounts.profile_services import profile_update
    from sheba.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        profile_update(actor=citizen, user=citizen, data={"present_division": geo.khulna, "present_district": geo.gazipur})
    assert not Profile.objects.filter(user=citizen).exists()


def test_options_partial(client, geo):
    url = reverse("accounts:address_options")
    response = client.get(url, {"prefix": "permanent", "permanent_division": geo.dhaka.pk,
                                "permanent_district": geo.gazipur.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="address-permanent"')
    assert "<html" not in html
    assert options(html, "permanent_upazila") == [
        ("", "— choose an upazila —"), (str(geo.kaliakair.pk), "Kaliakair"), (str(geo.kapasia.pk), "Kapasia"),
    ]
    assert options(html, "permanent_union") == [("", "— choose an upazila first —")]
    assert 'name="present_division"' not in html
    # a district from another division is not kept and its children are not offered
    html = client.get(url, {"prefix": "present", "present_division": geo.khulna.pk,
                            "present_district": geo.gazipur.pk}).content.decode()
    assert selected(html, "present_district") is None
    assert options(html, "present_upazila") == [("", "— choose a district first —")]
    # junk is harmless
    assert client.get(url, {"prefix": "<x>", "present_division": "abc"}).status_code == 200


def test_pickers_carry_htmx_attributes(client):
    html = client.get(EDIT).content.decode()
    tag = re.search(r'<select name="present_division"[^>]*>', html).group(0)
    assert 'hx-get="/accounts/profile/address-options/?prefix=present"' in tag
    assert 'hx-target="#address-present"' in tag
    assert 'hx-include="#address-present"' in tag


def test_options_partial_needs_a_signed_in_citizen(geo):
    from django.test import Client

    response = Client().get(reverse("accounts:address_options"), {"prefix": "present"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- audit -------------------------------------------------------------------------------------


def test_every_save_is_audited_with_the_nid_masked(client, citizen, geo):
    client.post(EDIT, profile_post(geo))
    events = list(AuditEvent.objects.filter(action="profile.update"))
    assert len(events) == 1
    first = events[0]
    assert first.actor == citizen
    assert first.object_type == "accounts.profile"
    assert first.object_id == str(citizen.public_id)
    changes = first.data["changes"]
    assert changes["identity_number"] == {"old": "", "new": "•••••••••6789"}
    assert changes["name_en"] == {"old": "", "new": "Rahim Uddin"}
    assert changes["date_of_birth"] == {"old": None, "new": "1990-03-15"}
    assert changes["present_district"] == {"old": None, "new": geo.gazipur.pk}
    assert changes["permanent_union"] == {"old": None, "new": geo.atabaha.pk}
    assert "1990123456789" not in json.dumps(first.data)

    client.post(EDIT, profile_post(geo, identity_number="1234567890", name_en="Rahim U."))
    second = AuditEvent.objects.filter(action="profile.update").order_by("pk").last()
    assert AuditEvent.objects.filter(action="profile.update").count() == 2
    assert second.data["changes"] == {
        "name_en": {"old": "Rahim Uddin", "new": "Rahim U."},
        "identity_number": {"old": "•••••••••6789", "new": "••••••7890"},
    }
    assert "1234567890" not in json.dumps(second.data)


def test_save_without_changes_and_double_submit_write_no_extra_row(client, geo):
    data = profile_post(geo)
    assert client.post(EDIT, data).status_code == 302
    assert client.post(EDIT, data).status_code == 302  # double-clicked submit
    assert AuditEvent.objects.filter(action="profile.update").count() == 1
    assert Profile.objects.count() == 1


def test_only_the_owner_can_update(citizen):
    from sheba.accounts.profile_services import profile_update
    from sheba.core.errors import PermissionDenied

    other = make_citizen("+8801811000002")
    with pytest.raises(PermissionDenied):
        profile_update(actor=other, user=citizen, data={"name_en": "Mallory"})
    assert not Profile.objects.filter(user=citizen).exists()
    assert not AuditEvent.objects.exists()


# --- fuzz: any input gives a page, never a server error -------------------------------------------

FIELDS = ["name_bn", "name_en", "father_name", "mother_name", "date_of_birth", "identity_kind", "identity_number",
          "email", "present_division", "present_district", "present_upazila", "present_union", "present_line",
          "permanent_same", "refresh"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=300), max_size=len(FIELDS)))
def test_fuzzed_profile_form_never_fails(client, geo, data):
    clean = dict(data)
    response = client.post(EDIT, clean)
    assert response.status_code in (200, 302)
    response = client.get(reverse("accounts:address_options"), {**clean, "prefix": "present"})
    assert response.status_code == 200


def test_saved_birth_date_comes_back_in_bengali_digits_on_bengali_pages(citizen):
    client = client_for(citizen)
    assert client.post(EDIT, profile_post()).status_code == 302
    assert 'value="১৫/০৩/১৯৯০"' in client.get(EDIT).content.decode()
    assert client.post(EDIT, profile_post(date_of_birth="১৫/০৩/১৯৯০")).status_code == 302
    assert AuditEvent.objects.filter(action="profile.update").count() == 1
