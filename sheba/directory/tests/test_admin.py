from __future__ import annotations

from datetime import date

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from sheba.audit.models import AuditEvent
from sheba.directory.enums import PostCode
from sheba.directory.models import Office, Post, PostTerm
from sheba.directory.services import post_term_assign

from .conftest import PAIKKANDI

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "/admin/directory/division/",
    "/admin/directory/district/",
    "/admin/directory/upazila/",
    "/admin/directory/union/",
    "/admin/directory/union/?q=paikkandi",
    "/admin/directory/union/?duplicate=yes",
    "/admin/directory/officetype/",
    "/admin/directory/office/",
    "/admin/directory/office/?q=%E0%A6%AA%E0%A6%BE%E0%A6%87%E0%A6%95%E0%A6%95%E0%A6%BE%E0%A6%A8%E0%A7%8D%E0%A6%A6%E0%A6%BF",
    "/admin/directory/officeunit/",
    "/admin/directory/post/",
    "/admin/directory/postterm/",
]


def _login_verified(client, user):
    """Log in and mark the session as having passed TOTP, as the officers' login does."""
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def superuser(db):
    from sheba.accounts.models import User

    return User.objects.create_superuser("root", None)


@pytest.fixture
def admin_client(client, superuser):
    return _login_verified(client, superuser)


@pytest.mark.parametrize("url", CHANGELISTS)
def test_changelists_load_for_a_superuser(admin_client, gopalganj, url):
    response = admin_client.get(url)
    assert response.status_code == 200


def test_union_search_finds_paikkandi(admin_client, gopalganj):
    response = admin_client.get("/admin/directory/union/?q=paikkandi")
    assert response.status_code == 200
    assert "পাইককান্দি" in response.content.decode()


def test_office_change_page_shows_units_and_posts(admin_client, gopalganj):
    office = Office.objects.get(union_id=PAIKKANDI)
    response = admin_client.get(f"/admin/directory/office/{office.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "up_secretary" in body and "up_chairman" in body


@pytest.mark.parametrize(
    "url", ["/admin/directory/union/", "/admin/directory/office/", "/admin/directory/postterm/"]
)
def test_changelists_refused_for_a_citizen(client, citizen, gopalganj, url):
    client.force_login(citizen)
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/directory/" not in response.url.split("?")[0]


def test_geography_is_read_only(admin_client, gopalganj):
    assert admin_client.get("/admin/directory/union/add/").status_code == 403
    response = admin_client.post(f"/admin/directory/union/{PAIKKANDI}/change/", {"name_en": "X"})
    assert response.status_code == 403


def _term_form(post, person, **extra):
    return {"post": post.pk, "person": person.pk, "starts_on": "2026-01-01", "ends_on": "", **extra}


def test_adding_a_term_goes_through_the_service(admin_client, superuser, gopalganj, make_officer):
    post = Post.objects.get(office__union_id=PAIKKANDI, code=PostCode.UP_SECRETARY)
    officer = make_officer()
    response = admin_client.post("/admin/directory/postterm/add/", _term_form(post, officer))
    assert response.status_code == 302, response.content.decode()[:2000]
    term = PostTerm.objects.get()
    assert (term.post, term.person, term.starts_on, term.ends_on, term.is_acting) == (
        post,
        officer,
        date(2026, 1, 1),
        None,
        False,
    )
    event = AuditEvent.objects.get(action="directory.post_term_assign")
    assert event.actor_id == superuser.pk and event.object_id == str(term.pk)


def test_admin_refuses_an_overlapping_term_on_the_same_page(admin_client, gopalganj, make_officer, citizen):
    post = Post.objects.get(office__union_id=PAIKKANDI, code=PostCode.UP_SECRETARY)
    post_term_assign(actor=None, post=post, person=make_officer(), starts_on=date(2025, 1, 1))
    response = admin_client.post("/admin/directory/postterm/add/", _term_form(post, make_officer()))
    assert response.status_code == 200
    assert "আগে সেই দায়িত্বকাল শেষ করুন" in response.content.decode()
    response = admin_client.post(
        "/admin/directory/postterm/add/", _term_form(post, citizen, starts_on="2030-01-01", is_acting="on")
    )
    assert response.status_code == 200
    assert "কেবল একজন কর্মকর্তা পদে দায়িত্ব পালন করতে পারেন।" in response.content.decode()
    assert PostTerm.objects.count() == 1
    assert AuditEvent.objects.filter(action="directory.post_term_assign").count() == 1


def test_admin_ends_a_term_through_the_service(admin_client, gopalganj, make_officer):
    post = Post.objects.get(office__union_id=PAIKKANDI, code=PostCode.UP_CHAIRMAN)
    term = post_term_assign(actor=None, post=post, person=make_officer(), starts_on=date(2026, 1, 1))
    url = f"/admin/directory/postterm/{term.pk}/change/"
    response = admin_client.post(url, {"ends_on": "2025-12-31"})
    assert response.status_code == 200  # before the start: refused on the page
    assert PostTerm.objects.get(pk=term.pk).ends_on is None
    response = admin_client.post(url, {"ends_on": "2026-06-30"})
    assert response.status_code == 302
    assert PostTerm.objects.get(pk=term.pk).ends_on == date(2026, 6, 30)
    assert AuditEvent.objects.filter(action="directory.post_term_end").count() == 1
    assert (
        admin_client.post(f"/admin/directory/postterm/{term.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert PostTerm.objects.filter(pk=term.pk).exists()


def test_post_unit_must_belong_to_the_post_office(admin_client, gopalganj):
    post = Post.objects.get(office__union_id=PAIKKANDI, code=PostCode.UP_SECRETARY)
    other_unit = Office.objects.get(office_type__code="dc_office").units.first()
    response = admin_client.post(
        f"/admin/directory/post/{post.pk}/change/",
        {
            "office": post.office_id,
            "code": post.code,
            "name_bn": post.name_bn,
            "name_en": post.name_en,
            "unit": other_unit.pk,
            "supervisor": post.supervisor_id,
            "is_office_head": "",
        },
    )
    assert response.status_code == 200
    assert "এই দপ্তরের একটি শাখা বেছে নিন।" in response.content.decode()
    assert Post.objects.get(pk=post.pk).unit.office_id == post.office_id
