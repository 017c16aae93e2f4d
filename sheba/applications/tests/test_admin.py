"""The admin shows applications (with history and files) and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from sheba.accounts.models import User
from sheba.applications.services import application_start, application_submit, application_update_draft
from sheba.core.models import Holiday

from .helpers import locker_file, make_citizen, make_world

pytestmark = pytest.mark.django_db


def admin_client() -> Client:
    user = User.objects.create_superuser("root", "a long admin password 1")
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_admin_lists_and_shows_but_cannot_change_or_delete():
    world = make_world()
    citizen = make_citizen(world)
    nid = locker_file(citizen)
    draft = application_start(actor=citizen, service=world.service, office=world.office_a,
                              submission_token="admin-token-0000000001")
    application_update_draft(actor=citizen, application=draft, for_self=True, other_name="", other_mobile="",
                             form_data={"applicant_name": "ক", "father_name": "খ", "nid": "1234567890",
                                        "declaration": True}, attachments=[(nid, "nid_copy")])
    application = application_submit(actor=citizen, application=draft, submission_token=draft.submission_token)
    client = admin_client()
    listing = client.get("/admin/applications/application/")
    assert listing.status_code == 200
    assert application.tracking_number in listing.content.decode()
    page = client.get(f"/admin/applications/application/{application.pk}/change/")
    assert page.status_code == 200
    assert "admin-token" not in page.content.decode()
    assert client.post(f"/admin/applications/application/{application.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/applications/application/add/").status_code == 403
    application.refresh_from_db()
    assert application.status == "submitted"


def test_holidays_are_kept_in_the_admin():
    client = admin_client()
    response = client.post("/admin/core/holiday/add/", {"date": "2026-12-16", "name_bn": "বিজয় দিবস",
                                                         "name_en": "Victory Day"})
    assert response.status_code == 302
    assert Holiday.objects.get().name_bn == "বিজয় দিবস"
