"""The officer inbox and file page, and the applicant's correction page, through HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from sheba.applications.models import Status
from sheba.audit.models import AuditEvent
from sheba.core import clock
from sheba.notifications.models import Message
from sheba.workflow.models import ActionKind, FileNote, Task
from sheba.workflow.selectors import open_task

from .helpers import (
    citizen_client,
    hold,
    locker_file,
    make_desk,
    make_officer,
    officer_client,
    post_at,
    submitted,
)

pytestmark = pytest.mark.django_db
VIEW = getattr(__import__("sheba.audit.services", fromlist=["x"]), "VIEW_ACTION", "view")


@pytest.fixture
def desk():
    return make_desk()


def act_url(application):
    return reverse("workflow:act", args=[application.public_id])


def file_url(application):
    return reverse("workflow:file", args=[application.public_id])


def test_up_path_through_the_pages(desk):
    """Citizen applies → secretary sends back for a missing document → citizen corrects and
    resubmits → secretary forwards → chairman approves."""
    application = submitted(desk)
    secretary, chairman = officer_client(desk.secretary), officer_client(desk.chairman)
    inbox = secretary.get(reverse("workflow:inbox"))
    assert inbox.status_code == 200
    assert application.tracking_display in inbox.content.decode()
    page = secretary.get(file_url(application))
    assert page.status_code == 200
    assert AuditEvent.objects.filter(action=VIEW, object_id=str(application.public_id), actor=desk.secretary).count() == 1
    task = open_task(application)
    send_back = task.step.actions.get(kind=ActionKind.SEND_BACK)
    # No note: refused on the same page, keeping what was ticked.
    refused = secretary.post(act_url(application), {"action": send_back.pk, "note": " ", "fields": ["doc:nid_copy"]})
    assert refused.status_code == 400
    assert "Write a note before you act on the file." in refused.content.decode()
    assert open_task(application).pk == task.pk
    done = secretary.post(act_url(application), {"action": send_back.pk, "note": "নোট-এক NID কপি নেই",
                                                 "fields": ["doc:nid_copy"]})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SENT_BACK
    # The citizen sees what to correct and resubmits the same file with a new document.
    citizen = citizen_client(desk.citizen)
    url = reverse("workflow:citizen_file", args=[application.public_id])
    page = citizen.get(url)
    assert page.status_code == 200
    assert "needs-correction" in page.content.decode()
    assert "NID কপি নেই" in page.content.decode()
    new_copy = locker_file(desk.citizen)
    form = {"intent": "resubmit", "f-applicant_name": "রহিম উদ্দিন", "f-father_name": "করিম উদ্দিন",
            "f-nid": "1234567890", "f-declaration": "on", "message": "নতুন কপি"}
    missing = citizen.post(url, form)
    assert missing.status_code == 400
    application.refresh_from_db()
    assert application.status == Status.SENT_BACK
    again = citizen.post(url, {**form, "doc-nid_copy": str(new_copy.public_id)})
    assert again.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert list(application.attachments.values_list("version_id", flat=True)) == [new_copy.pk]
    task = open_task(application)
    forward = task.step.actions.get(kind=ActionKind.FORWARD)
    assert secretary.post(act_url(application), {"action": forward.pk, "note": "নোট-দুই"}).status_code == 302
    task = open_task(application)
    approve = task.step.actions.get(kind=ActionKind.APPROVE)
    assert chairman.post(act_url(application), {"action": approve.pk, "note": "নোট-তিন"}).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert Message.objects.filter(event="application_status", recipient=desk.citizen.mobile).count() == 4
    # The file page shows the notes in order with names and posts.
    body = chairman.get(file_url(application)).content.decode()
    assert body.index("নোট-এক") < body.index("নোট-দুই") < body.index("নোট-তিন")


def test_officer_of_another_office_gets_404(desk):
    application = submitted(desk)
    other = officer_client(desk.secretary_b)
    assert other.get(file_url(application)).status_code == 404
    task = open_task(application)
    forward = task.step.actions.get(kind=ActionKind.FORWARD)
    assert other.post(act_url(application), {"action": forward.pk, "note": "x"}).status_code == 404
    assert other.post(reverse("workflow:claim", args=[application.public_id])).status_code == 404
    assert application.tracking_display not in other.get(reverse("workflow:inbox")).content.decode()
    assert not AuditEvent.objects.filter(action=VIEW, actor=desk.secretary_b).exists()
    assert FileNote.objects.count() == 0
    citizen = citizen_client(desk.citizen)
    assert citizen.get(file_url(application)).status_code == 302  # citizens are sent to their own desk


def test_wrong_post_and_already_decided_through_the_page(desk):
    application = submitted(desk)
    task = open_task(application)
    forward = task.step.actions.get(kind=ActionKind.FORWARD)
    chairman = officer_client(desk.chairman)
    page = chairman.get(file_url(application)).content.decode()
    assert "The file is with another post" in page
    wrong = chairman.post(act_url(application), {"action": forward.pk, "note": "x"})
    assert wrong.status_code == 400
    assert "Your post may not take this action on this file." in wrong.content.decode()
    officer_client(desk.secretary).post(act_url(application), {"action": forward.pk, "note": "ok"})
    second = make_officer("sec.two")
    hold(second, desk.world.office_a.posts.get(code="up_secretary"))
    late = officer_client(second).post(act_url(application), {"action": forward.pk, "note": "late"})
    assert late.status_code == 400  # the file moved on: the old step's action is not offered any more
    assert FileNote.objects.count() == 1


def test_shared_pool_claim_through_the_page(desk):
    second = make_officer("sec.two")
    hold(second, desk.world.office_a.posts.get(code="up_secretary"))
    application = submitted(desk)
    client = officer_client(second)
    assert "Shared pool" in client.get(reverse("workflow:inbox")).content.decode()
    assert client.post(reverse("workflow:claim", args=[application.public_id])).status_code == 302
    assert open_task(application).assigned_to == second
    # Now it is gone from the other secretary's inbox.
    assert application.tracking_display not in officer_client(desk.secretary).get(reverse("workflow:inbox")).content.decode()


def test_inbox_filters_and_overdue_first(desk):
    with time_machine.travel(clock.now() - timedelta(days=30), tick=False):
        late = submitted(desk)
    fresh = submitted(desk)
    client = officer_client(desk.secretary)
    body = client.get(reverse("workflow:inbox")).content.decode()
    assert body.index(late.tracking_display) < body.index(fresh.tracking_display)
    assert body.count("overdue-badge") == 1
    only_overdue = client.get(reverse("workflow:inbox"), {"overdue": "1"}).content.decode()
    assert late.tracking_display in only_overdue and fresh.tracking_display not in only_overdue
    by_number = client.get(reverse("workflow:inbox"), {"q": fresh.tracking_display}).content.decode()
    assert fresh.tracking_display in by_number and late.tracking_display not in by_number
    by_name = client.get(reverse("workflow:inbox"), {"q": "নেই এমন নাম"}).content.decode()
    assert "No files match your search." in by_name
    by_status = client.get(reverse("workflow:inbox"), {"status": "approved"}).content.decode()
    assert late.tracking_display not in by_status
    bad = client.get(reverse("workflow:inbox"), {"service": "abc", "status": "nonsense"})
    assert bad.status_code == 200
    assert Task.objects.filter(completed_at__isnull=True).count() == 2


def test_acting_in_charge_sees_and_acts(desk):
    acting = make_officer("acting.sec")
    post = post_at(desk.world.office_a, "up_office_assistant", "সহকারী", "Assistant")
    hold(acting, post)
    hold(acting, desk.world.office_a.posts.get(code="up_secretary"), acting=True)
    application = submitted(desk)
    client = officer_client(acting)
    assert application.tracking_display in client.get(reverse("workflow:inbox")).content.decode()
    forward = open_task(application).step.actions.get(kind=ActionKind.FORWARD)
    assert client.post(act_url(application), {"action": forward.pk, "note": "ভারপ্রাপ্ত"}).status_code == 302
    assert FileNote.objects.get().is_acting is True


def test_officer_downloads_an_attached_document_only(desk):
    application = submitted(desk)
    client = officer_client(desk.secretary)
    version = application.attachments.get().version
    response = client.get(reverse("workflow:document", args=[application.public_id, version.public_id]))
    assert response.status_code == 200
    other_version = locker_file(desk.citizen)
    assert client.get(reverse("workflow:document", args=[application.public_id, other_version.public_id])
                      ).status_code == 404


def test_messages_between_citizen_and_office(desk):
    application = submitted(desk)
    citizen = citizen_client(desk.citizen)
    url = reverse("workflow:citizen_file", args=[application.public_id])
    assert citizen.post(url, {"intent": "message", "text": ""}).status_code == 400
    assert citizen.post(url, {"intent": "message", "text": "কবে পাব?"}).status_code == 302
    officer = officer_client(desk.secretary)
    assert "কবে পাব?" in officer.get(file_url(application)).content.decode()
    assert officer.post(reverse("workflow:message", args=[application.public_id]), {"text": "আগামী সপ্তাহে"}
                        ).status_code == 302
    assert [m.from_office for m in application.messages.order_by("at", "pk")] == [False, True]
    stranger = citizen_client(__import__("sheba.applications.tests.helpers", fromlist=["x"]).make_citizen(
        desk.world, mobile="+8801911000055"))
    assert stranger.get(url).status_code == 404
