"""In Debian's Chromium: apply for another person with a locker file, get the tracking number,
look it up on the public page; axe-core on every page of the flow."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from conftest import assert_accessible
from sheba.applications.models import Application, Status
from sheba.notifications.models import Message

from .helpers import locker_file, make_citizen, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_browser(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.session.session_key, "url": live_server.url}])


def test_apply_for_father_with_locker_file_and_find_it_on_the_status_page(page, live_server):
    world = make_world()
    citizen = make_citizen(world)
    nid = locker_file(citizen)
    sign_in_browser(page.context, live_server, citizen)

    page.goto(reverse("applications:start", args=[world.service.slug]))
    assert page.is_checked(f"input[value='{world.office_a.public_id}']")  # own union pre-selected
    assert_accessible(page)
    page.get_by_role("button", name="এগিয়ে যান").click()
    page.wait_for_url(re.compile(r"/applications/[0-9a-f-]+/edit/$"))

    assert page.input_value("#id_f-applicant_name") == "রহিম উদ্দিন"  # from the profile
    page.check("#id_for_whom_1")
    page.fill("#id_other_name", "করিম উদ্দিন")
    page.fill("#id_other_mobile", "01819-123456")
    page.select_option("#id_doc_nid_copy", str(nid.public_id))
    page.check("#id_f-declaration")
    assert_accessible(page)
    page.get_by_role("button", name="আবেদন জমা দিন").click()
    page.wait_for_url(re.compile(r"/applications/[0-9a-f-]+/$"))
    assert_accessible(page)

    application = Application.objects.get()
    assert application.status == Status.SUBMITTED
    assert application.tracking_display in page.inner_text("main")
    recipients = set(Message.objects.filter(event="application_submitted").values_list("recipient", flat=True))
    assert recipients == {"+8801711000001", "+8801819123456"}

    page.goto(reverse("applications:status"))
    page.fill("#id_number", application.tracking_display.lower().replace("-", " "))
    page.get_by_role("button", name="অবস্থা দেখুন").click()
    page.wait_for_load_state()
    assert "জমা হয়েছে" in page.inner_text("main")
    assert_accessible(page)

    page.goto(reverse("applications:mine"))
    assert application.tracking_display in page.inner_text("main")
    assert_accessible(page)
