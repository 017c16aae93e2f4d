"""In Debian's Chromium, with axe-core: the office back office beyond the inbox — an overdue file
escalated to the supervisor (marked in their inbox), a Union Parishad file forwarded to the
upazila office, and the office dashboard with its SVG charts and tables. Bengali (the default)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from conftest import assert_accessible
from sheba.core import clock
from sheba.workflow.selectors import open_task
from sheba.workflow.services import task_act, tasks_escalate_overdue
from sheba.workflow.tests.helpers import officer_client, submitted
from sheba.workflow.tests.test_routing_escalation import make_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _templates(_seeded_templates, settings, tmp_path):
    """The applications' and the workflow's notification templates (their data migrations),
    emptied by earlier transactional tests; uploads go to a temporary directory."""
    from importlib import import_module

    from django.apps import apps

    settings.MEDIA_ROOT = tmp_path
    settings.SHEBA_VIRUS_SCANNER = "eicar"
    for module in ("sheba.applications.migrations.0002_notification_templates",
                   "sheba.workflow.migrations.0003_escalation_templates"):
        import_module(module).seed(apps, None)


def sign_in(context, live_server, client) -> None:
    context.add_cookies([{"name": "sessionid", "value": client.session.session_key, "url": live_server.url}])


def test_escalated_file_in_the_supervisors_inbox_and_the_dashboard(page, live_server):
    tree = make_tree()
    desk = tree.desk
    with time_machine.travel(clock.now() - timedelta(days=20), tick=False):
        late = submitted(desk)
    with time_machine.travel(clock.now() - timedelta(days=15), tick=False):
        decided = submitted(desk)
        task = open_task(decided)
        task = task_act(actor=desk.secretary, task=task, action=task.step.actions.get(kind="forward"), note="ঠিক আছে")
    task_act(actor=desk.chairman, task=task, action=task.step.actions.get(kind="reject"), note="শর্ত পূরণ হয়নি")
    assert tasks_escalate_overdue() == 1

    sign_in(page.context, live_server, officer_client(desk.chairman))
    page.goto(reverse("workflow:inbox"))
    row = page.get_by_role("row").filter(has_text=late.tracking_display)
    assert row.get_by_text("আপনার কাছে প্রেরিত").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="দপ্তরের ড্যাশবোর্ড").click()
    page.wait_for_url(re.compile(r"/officer/files/dashboard/[0-9a-f-]+/$"))
    assert page.locator("html").get_attribute("lang") == "bn"
    assert page.get_by_role("img", name="সেবাভিত্তিক নথি").is_visible()
    assert page.get_by_role("table", name="কর্মকর্তাভিত্তিক নথি").is_visible()
    assert_accessible(page)
    page.fill("#id_from", "2000-01-01")
    page.fill("#id_to", "2000-01-31")
    page.get_by_role("button", name="সংখ্যা দেখুন").click()
    assert page.get_by_text("এই সময়ে এই দপ্তরে কোনো নথি আসেনি।").first.is_visible()
    assert_accessible(page)


def test_union_file_forwarded_to_the_upazila_office(page, live_server):
    tree = make_tree()
    desk = tree.desk
    service = desk.world.service
    service.workflow_code = "upazila_review"
    service.save(update_fields=["workflow_code"])
    application = submitted(desk)
    task = open_task(application)
    task = task_act(actor=desk.secretary, task=task, action=task.step.actions.get(kind="forward"), note="যাচাই শেষ")

    sign_in(page.context, live_server, officer_client(desk.chairman))
    page.goto(reverse("workflow:file", args=[application.public_id]))
    page.get_by_label(re.compile("অগ্রায়ণ করুন")).check()
    page.fill("#id_note", "উপজেলা নির্বাহী অফিসারের সিদ্ধান্তের জন্য পাঠানো হলো")
    page.get_by_role("button", name="এই নোটসহ ব্যবস্থা নিন").click()
    page.wait_for_url(re.compile(r"/officer/files/$"))
    assert open_task(application).office == tree.uno_office

    page.context.clear_cookies()
    sign_in(page.context, live_server, officer_client(tree.uno))
    page.goto(reverse("workflow:inbox"))
    page.get_by_role("link", name=application.tracking_display).click()
    page.wait_for_url(re.compile(r"/officer/files/[0-9a-f-]+/$"))
    assert page.get_by_text("উপজেলা নির্বাহী অফিসারের সিদ্ধান্তের জন্য পাঠানো হলো").is_visible()
    assert_accessible(page)
