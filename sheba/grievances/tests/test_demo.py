"""Issue 4's "Done when" for grievances on the demo data: an overdue file; the citizen files a
complaint about it; the demo grievance officer (the UNO) resolves it; the citizen sees who opened
the file."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from sheba.accounts.models import User
from sheba.directory.demo import CITIZEN_MOBILE, GOPALGANJ_DISTRICT_ID, PASSWORD_ENV
from sheba.grievances.demo import DEMO_TOKEN
from sheba.grievances.enums import ComplaintStatus
from sheba.grievances.models import Complaint
from sheba.workflow.tests.helpers import citizen_client, officer_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    call_command("seed_demo", "--district", str(GOPALGANJ_DISTRICT_ID), stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_grievance_demo", stdout=out)
    return out.getvalue()


def test_the_overdue_file_complaint_and_its_resolution(demo):
    from sheba.applications.models import Application

    assert "Overdue demo file" in demo
    application = Application.objects.get(submission_token=DEMO_TOKEN)
    again = io.StringIO()
    call_command("seed_grievance_demo", stdout=again)  # a second run adds nothing
    assert "Overdue demo file" not in again.getvalue()
    assert Application.objects.filter(submission_token=DEMO_TOKEN).count() == 1

    citizen = citizen_client(User.objects.get(username=CITIZEN_MOBILE))
    form = citizen.get(reverse("grievances:new"), {"application": str(application.public_id)})
    assert form.status_code == 200 and 'value="delay"' in form.content.decode()
    response = citizen.post(reverse("grievances:new"), {
        "application": str(application.public_id), "reason": "delay", "submission_token": "demo-test-token-1",
        "text": "আমার চারিত্রিক সনদের আবেদন সময়সীমা পার হলেও নিষ্পত্তি হয়নি।",
    })
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.handling_office.office_type.code == "upazila_nirbahi_office"

    uno = officer_client(User.objects.get(username="uno"))
    assert complaint.number_display in uno.get(reverse("grievances:inbox")).content.decode()
    assert uno.get(reverse("grievances:officer_complaint", args=[complaint.public_id])).status_code == 200
    done = uno.post(reverse("grievances:decide", args=[complaint.public_id]),
                    {"decision": "resolve", "reply": "ইউপি সচিবকে আগামীকালের মধ্যে সনদ দিতে বলা হয়েছে।"})
    assert done.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESOLVED

    page = citizen.get(reverse("applications:detail", args=[application.public_id])).content.decode()
    trail = page[page.find("audit-trail"):]
    assert "Opened the file" in trail and "Nasrin Sultana" in trail  # the demo UNO looked at the file
