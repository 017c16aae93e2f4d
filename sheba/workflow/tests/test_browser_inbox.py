"""In Debian's Chromium, with axe-core: the inbox, the file page (send back with a note), and the
applicant's correction page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import assert_accessible
from sheba.applications.models import Status

from .helpers import citizen_client, make_desk, officer_client, submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(context, live_server, client) -> None:
    context.add_cookies([{"name": "sessionid", "value": client.session.session_key, "url": live_server.url}])


def test_inbox_file_page_and_correction_page_are_accessible(page, live_server):
    desk = make_desk()
    application = submitted(desk)
    sign_in(page.context, live_server, officer_client(desk.secretary))
    page.goto(reverse("workflow:inbox"))
    assert_accessible(page)
    page.get_by_role("link", name=application.tracking_display).click()
    page.wait_for_url(re.compile(r"/officer/files/[0-9a-f-]+/$"))
    assert_accessible(page)
    page.get_by_label("সংশোধনের জন্য ফেরত দিন").check()
    page.fill("#id_note", "এনআইডি কপি স্পষ্ট নয়")
    page.get_by_label("জাতীয় পরিচয়পত্রের কপি").check()
    page.get_by_role("button", name="এই নোটসহ ব্যবস্থা নিন").click()
    page.wait_for_url(re.compile(r"/officer/files/$"))
    application.refresh_from_db()
    assert application.status == Status.SENT_BACK
    page.context.clear_cookies()
    sign_in(page.context, live_server, citizen_client(desk.citizen))
    page.goto(reverse("workflow:citizen_file", args=[application.public_id]))
    assert_accessible(page)
