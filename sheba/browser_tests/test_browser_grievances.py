"""In Debian's Chromium, with axe-core: a citizen files a complaint from the application page,
the grievance officer answers it, the citizen reads the answer and the appeal form; the public
complaint status page. All in Bengali (the default)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import assert_accessible
from sheba.grievances.enums import ComplaintStatus
from sheba.grievances.models import Complaint
from sheba.grievances.tests.helpers import make_grs
from sheba.workflow.tests.helpers import citizen_client, officer_client, submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _templates(_seeded_templates, settings, tmp_path):
    """The applications' and the complaints' notification templates (their data migrations),
    emptied by earlier transactional tests; uploads go to a temporary directory."""
    from importlib import import_module

    from django.apps import apps

    settings.MEDIA_ROOT = tmp_path
    settings.SHEBA_VIRUS_SCANNER = "eicar"
    for module in ("sheba.applications.migrations.0002_notification_templates",
                   "sheba.grievances.migrations.0002_notification_templates"):
        import_module(module).seed(apps, None)


def sign_in(context, live_server, client) -> None:
    context.add_cookies([{"name": "sessionid", "value": client.session.session_key, "url": live_server.url}])


def test_file_a_complaint_answer_it_and_read_the_answer(page, live_server):
    grs = make_grs()
    application = submitted(grs.desk)
    sign_in(page.context, live_server, citizen_client(grs.citizen))
    page.context.add_cookies([{"name": "django_language", "value": "bn", "url": live_server.url}])
    page.goto(reverse("applications:detail", args=[application.public_id]))
    assert_accessible(page)
    page.get_by_role("link", name="অভিযোগ দাখিল করুন").click()
    page.wait_for_url(re.compile(r"/grievances/new/\?application="))
    assert_accessible(page)
    page.get_by_label("কর্মকর্তা/কর্মচারীর আচরণ (ঘুষ চাওয়া, হয়রানি, দুর্ব্যবহার)").check()
    page.fill("#id_text", "ঘুষ চাওয়া হয়েছে, সচিব টাকা ছাড়া সনদ দিতে রাজি নন।")
    page.get_by_role("button", name="অভিযোগ দাখিল করুন").click()
    page.wait_for_url(re.compile(r"/grievances/[0-9a-f-]+/$"))
    assert_accessible(page)
    complaint = Complaint.objects.get()
    assert complaint.number_display in page.content()

    page.context.clear_cookies()
    sign_in(page.context, live_server, officer_client(grs.uno))
    page.context.add_cookies([{"name": "django_language", "value": "bn", "url": live_server.url}])
    page.goto(reverse("grievances:inbox"))
    assert_accessible(page)
    page.get_by_role("link", name=complaint.number_display).click()
    page.wait_for_url(re.compile(r"/grievances/desk/[0-9a-f-]+/$"))
    assert_accessible(page)
    page.get_by_label("নিষ্পন্ন: অভিযোগের প্রতিকার হয়েছে").check()
    page.fill("#id_reply", "সচিবকে লিখিতভাবে সতর্ক করা হয়েছে; আগামীকাল সনদ দেওয়া হবে।")
    page.get_by_role("button", name="উত্তর পাঠান").click()
    page.wait_for_url(re.compile(r"/grievances/desk/$"))
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESOLVED

    page.context.clear_cookies()
    sign_in(page.context, live_server, citizen_client(grs.citizen))
    page.context.add_cookies([{"name": "django_language", "value": "bn", "url": live_server.url}])
    page.goto(reverse("grievances:detail", args=[complaint.public_id]))
    assert "সচিবকে লিখিতভাবে সতর্ক করা হয়েছে" in page.content()
    assert page.get_by_role("button", name="আপিল দাখিল করুন").is_visible()
    assert_accessible(page)
    page.goto(reverse("grievances:mine"))
    assert_accessible(page)


def test_public_complaint_status_page(page, live_server):
    page.goto(reverse("grievances:status"))
    assert_accessible(page)
    page.fill("#id_number", "GR-0000")
    page.get_by_role("button", name="অবস্থা দেখুন").click()
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)
