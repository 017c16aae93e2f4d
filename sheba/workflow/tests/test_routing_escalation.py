"""Routing a file to another office, overdue escalation to the supervising post, and the office
dashboard (with who may see it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from sheba.accounts.models import User
from sheba.applications.models import Application, Status
from sheba.audit.models import AuditEvent
from sheba.core import clock
from sheba.core.errors import NotFound
from sheba.directory.models import Office, OfficeLevel, OfficeType, Post
from sheba.notifications.models import Message
from sheba.workflow import errors
from sheba.workflow.models import Escalation, Task, Workflow
from sheba.workflow.selectors import file_for_officer, office_dashboard, open_task
from sheba.workflow.services import task_act, tasks_escalate_overdue, workflow_validate

from .helpers import Desk, citizen_client, hold, make_desk, make_officer, officer_client, post_at, submitted

pytestmark = pytest.mark.django_db


@dataclass
class Tree:
    desk: Desk
    uno_office: Office
    uno: User
    far_uno: User
    far_uno_office: Office
    dc: User


def make_tree() -> Tree:
    """The desk's two unions under an upazila office, under the DC office; heads and supervisors set."""
    desk = make_desk()
    world = desk.world
    uno_type = OfficeType.objects.create(code="test-uno", level=OfficeLevel.UPAZILA, name_bn="ইউএনও অফিস",
                                         name_en="UNO office")
    uno_office = Office.objects.create(office_type=uno_type, upazila=world.upazila, district=world.district,
                                       parent=desk.dc_office, name_bn="ইউএনও অফিস, কালিয়াকৈর",
                                       name_en="UNO office Kaliakair")
    far_uno_office = Office.objects.create(office_type=uno_type, district=world.other_district,
                                           name_bn="ইউএনও অফিস, পলাশ", name_en="UNO office Palash")
    Office.objects.filter(pk__in=[world.office_a.pk, world.office_b.pk]).update(parent=uno_office)
    Office.objects.filter(pk=world.office_far.pk).update(parent=far_uno_office)
    for office in (world.office_a, world.office_b, world.office_far):
        office.refresh_from_db()
    chairman_post = Post.objects.get(office=world.office_a, code="up_chairman")
    Post.objects.filter(pk=chairman_post.pk).update(is_office_head=True)
    Post.objects.filter(office=world.office_a, code="up_secretary").update(supervisor=chairman_post)
    uno, far_uno, dc = make_officer("uno.k"), make_officer("uno.p"), make_officer("dc.g")
    uno_post = post_at(uno_office, "uno", "উপজেলা নির্বাহী অফিসার", "Upazila Nirbahi Officer")
    Post.objects.filter(pk=uno_post.pk).update(is_office_head=True)
    hold(uno, uno_post)
    far_post = post_at(far_uno_office, "uno", "উপজেলা নির্বাহী অফিসার", "Upazila Nirbahi Officer")
    Post.objects.filter(pk=far_post.pk).update(is_office_head=True)
    hold(far_uno, far_post)
    dc_post = Post.objects.get(office=desk.dc_office, code="dc")
    Post.objects.filter(pk=dc_post.pk).update(is_office_head=True)
    hold(dc, dc_post)
    User.objects.filter(pk=desk.chairman.pk).update(email="chairman@example.org", preferred_language="en")
    User.objects.filter(pk=uno.pk).update(email="uno@example.org")
    return Tree(desk, uno_office, uno, far_uno, far_uno_office, dc)


@pytest.fixture
def tree():
    return make_tree()


def upazila_file(tree: Tree) -> Application:
    service = tree.desk.world.service
    service.workflow_code = "upazila_review"
    service.save(update_fields=["workflow_code"])
    return submitted(tree.desk)


def act(task: Task, who: User, kind: str, note: str = "ঠিক আছে") -> Task | None:
    return task_act(actor=who, task=task, action=task.step.actions.get(kind=kind), note=note)


# --- Routing to another office -----------------------------------------------------------------


def test_up_file_goes_to_the_upazila_office_and_comes_back(tree):
    desk = tree.desk
    assert workflow_validate(Workflow.objects.get(code="up_to_upazila")) == []
    application = upazila_file(tree)
    task = open_task(application)
    assert task.workflow.code == "up_to_upazila" and task.office == desk.world.office_a
    task = act(task, desk.secretary, "forward")
    task = act(task, desk.chairman, "forward")
    assert task.office == tree.uno_office and task.post.code == "uno"
    application.refresh_from_db()
    assert application.holder_office == tree.uno_office
    routed = AuditEvent.objects.filter(action="workflow.routed", object_id=str(application.public_id)).get()
    assert routed.data["to_office"] == str(tree.uno_office.public_id)
    # The UNO sees it in the inbox and opens it; the union's secretary no longer holds it, the far UNO never.
    assert application.tracking_display in officer_client(tree.uno).get(reverse("workflow:inbox")).content.decode()
    assert officer_client(tree.uno).get(reverse("workflow:file", args=[application.public_id])).status_code == 200
    for outsider in (desk.secretary, tree.far_uno):
        assert officer_client(outsider).get(reverse("workflow:file", args=[application.public_id])).status_code == 404
    # The union's chairman cannot take the UNO's step.
    with pytest.raises(errors.WrongPost):
        act(task, desk.chairman, "approve")
    task = act(task, tree.uno, "approve")
    assert task.office == desk.world.office_a and task.post.code == "up_secretary"
    application.refresh_from_db()
    assert application.holder_office == desk.world.office_a and application.status == Status.APPROVED
    assert act(task, desk.secretary, "deliver") is None
    application.refresh_from_db()
    assert application.status == Status.DELIVERED


def test_no_office_above_refuses_the_forward_and_changes_nothing(tree):
    desk = tree.desk
    application = upazila_file(tree)
    Office.objects.filter(pk=desk.world.office_a.pk).update(parent=None)
    task = act(open_task(application), desk.secretary, "forward")
    events = AuditEvent.objects.count()
    with pytest.raises(errors.NoOfficeToRoute):
        act(task, desk.chairman, "forward")
    assert open_task(application).pk == task.pk
    application.refresh_from_db()
    assert application.holder_office == desk.world.office_a
    assert AuditEvent.objects.count() == events


def test_the_refusal_is_shown_on_the_file_page_not_a_500(tree):
    desk = tree.desk
    application = upazila_file(tree)
    Office.objects.filter(pk=desk.world.office_a.pk).update(parent=None)
    task = act(open_task(application), desk.secretary, "forward")
    response = officer_client(desk.chairman).post(
        reverse("workflow:act", args=[application.public_id]),
        {"action": task.step.actions.get(kind="forward").pk, "note": "উপজেলায় পাঠালাম"},
    )
    assert response.status_code == 400
    assert "There is no office above this one to send the file to." in response.content.decode()


def test_cross_office_validation_messages(tree):
    workflow = Workflow.objects.get(code="up_to_upazila")
    step = workflow.steps.get(code="uno_decide")
    step.office_type_code = "no-such-type"
    step.save()
    assert "Step “uno_decide” routes to the office type “no-such-type”, which does not exist." in workflow_validate(
        workflow)
    # A type that exists but is not above any Union Parishad.
    OfficeType.objects.create(code="test-land", level=OfficeLevel.UPAZILA, name_bn="ভূমি অফিস", name_en="Land office")
    step.office_type_code = "test-land"
    step.save()
    problems = workflow_validate(workflow)
    assert ("Step “uno_decide”: no office of type “test-land” is above the offices of this workflow, so files "
            "cannot be routed there.") in problems
    # The right type, but a post that office type does not have: neither the step nor its actions can be worked.
    step.office_type_code = "test-uno"
    step.post_code = "up_chairman"
    step.save()
    problems = workflow_validate(workflow)
    assert "Step “uno_decide”: no office of this type has the post “up_chairman”." in problems
    step.post_code = "uno"
    step.save()
    step.actions.filter(kind="approve").update(post_code="up_secretary")
    assert ("Action “approve” at step “uno_decide”: no office of this type has the post “up_secretary”, so nobody "
            "can take it.") in workflow_validate(workflow)


# --- Overdue escalation ------------------------------------------------------------------------


def test_overdue_task_escalates_once_to_the_supervisor_in_the_same_office(tree):
    desk = tree.desk
    with time_machine.travel(clock.now() - timedelta(days=20), tick=False):
        late = submitted(desk)
    fresh = submitted(desk)
    assert tasks_escalate_overdue() == 1
    assert tasks_escalate_overdue() == 0  # idempotent
    escalation = Escalation.objects.get()
    assert escalation.task.application == late and escalation.to_post.code == "up_chairman"
    assert escalation.days_overdue > 0
    audited = AuditEvent.objects.filter(action="workflow.escalated", object_id=str(late.public_id))
    assert audited.count() == 1
    mail = Message.objects.get(event="task_escalated")
    assert mail.recipient == "chairman@example.org" and late.tracking_display in mail.subject
    assert "was not finished by its deadline" in mail.body  # the chairman reads English
    body = officer_client(desk.chairman).get(reverse("workflow:inbox")).content.decode()
    assert late.tracking_display in body and "Escalated to you" in body
    assert fresh.tracking_display not in body  # the chairman is not the fresh file's post
    page = officer_client(desk.chairman).get(reverse("workflow:file", args=[late.public_id])).content.decode()
    assert "Escalated" in page
    # The secretary still works it, overdue first.
    secretary = officer_client(desk.secretary).get(reverse("workflow:inbox")).content.decode()
    assert secretary.index(late.tracking_display) < secretary.index(fresh.tracking_display)


def test_head_of_office_escalates_to_the_head_of_the_supervising_office(tree):
    desk = tree.desk
    with time_machine.travel(clock.now() - timedelta(days=20), tick=False):
        application = submitted(desk)
        act(open_task(application), desk.secretary, "forward")  # now at the chairman, the office head
    assert tasks_escalate_overdue() == 1
    escalation = Escalation.objects.get()
    assert escalation.to_post.code == "uno" and escalation.to_office == tree.uno_office
    assert Message.objects.filter(event="task_escalated", recipient="uno@example.org").count() == 1
    # The UNO may open the file (marked), but cannot act on the chairman's step; the far UNO sees nothing.
    assert file_for_officer(tree.uno, application.public_id) == application
    page = officer_client(tree.uno).get(reverse("workflow:file", args=[application.public_id])).content.decode()
    assert "Escalated" in page and 'name="action"' not in page
    assert application.tracking_display in officer_client(tree.uno).get(reverse("workflow:inbox")).content.decode()
    with pytest.raises(NotFound):
        file_for_officer(tree.far_uno, application.public_id)
    # Once the chairman acts, the escalation no longer opens the file to the UNO.
    act(open_task(application), desk.chairman, "approve")
    with pytest.raises(NotFound):
        file_for_officer(tree.uno, application.public_id)


def test_done_and_not_yet_due_tasks_do_not_escalate(tree):
    desk = tree.desk
    with time_machine.travel(clock.now() - timedelta(days=20), tick=False):
        done = submitted(desk)
    submitted(desk)
    Task.objects.filter(application=done).update(completed_at=clock.now())
    assert tasks_escalate_overdue() == 0
    assert not Escalation.objects.exists()


def test_escalate_command_and_task(tree, capsys):
    from django.core.management import call_command

    from sheba.workflow.tasks import escalate_overdue

    with time_machine.travel(clock.now() - timedelta(days=20), tick=False):
        submitted(tree.desk)
        submitted(tree.desk)
    call_command("workflow_escalate")
    assert "2 overdue task(s) escalated." in capsys.readouterr().out
    assert escalate_overdue.call() == 0


# --- The office dashboard ----------------------------------------------------------------------


def test_dashboard_numbers_per_service_and_officer(tree):
    desk = tree.desk
    with time_machine.travel(clock.now() - timedelta(days=10), tick=False):
        late = submitted(desk)
        decided = submitted(desk)
        task = act(open_task(decided), desk.secretary, "forward")
    with time_machine.travel(clock.now() - timedelta(days=6), tick=False):
        act(task, desk.chairman, "approve")
    submitted(desk)
    data = office_dashboard(desk.world.office_a, start=clock.today() - timedelta(days=30), end=clock.today())
    totals = data["totals"]
    assert totals["received"] == 3 and totals["decided"] == 1
    assert totals["pending"] == 3  # the late one, the fresh one, and the approved one waiting to be handed over
    assert totals["overdue"] == 2  # late's check and the approved file's hand-over were due days ago
    assert 3.9 < totals["median_days"] < 4.1
    (service_row,) = data["per_service"]
    assert service_row["received"] == 3 and service_row["decided"] == 1
    by_officer = {row["label"]: row for row in data["per_officer"]}
    assert by_officer[str(desk.chairman)]["decided"] == 1
    assert by_officer[str(desk.secretary)]["decided"] == 0
    assert by_officer[None]["pending"] == 3  # the shared pool
    # Outside the date range: nothing.
    old = office_dashboard(desk.world.office_a, start=clock.today() - timedelta(days=90),
                           end=clock.today() - timedelta(days=60))
    assert old["totals"]["received"] == 0 and old["per_service"] == []
    assert late


def test_dashboard_page_access_and_accessibility(tree):
    desk = tree.desk
    submitted(desk)
    url = reverse("workflow:dashboard", args=[desk.world.office_a.public_id])
    for allowed in (desk.secretary, desk.chairman, tree.uno, tree.dc):  # the office and the offices above it
        response = officer_client(allowed).get(url)
        assert response.status_code == 200, allowed
    body = officer_client(desk.secretary).get(url).content.decode()
    assert "<title id=\"chart-services-title\">" in body and "<desc id=\"chart-services-desc\">" in body
    assert "<table>" in body and " style=" not in body and "<script>" not in body
    assert len(body.encode()) < 100_000
    for outsider in (desk.secretary_b, tree.far_uno):  # another union, another upazila
        assert officer_client(outsider).get(url).status_code == 404
    assert citizen_client(desk.citizen).get(url).status_code == 302
    from django.test import Client

    assert Client().get(url).status_code == 302
    # The UNO's index lists the upazila office and the unions under it.
    index = officer_client(tree.uno).get(reverse("workflow:dashboard_index")).content.decode()
    assert "UNO office Kaliakair" in index and desk.world.office_a.name_en in index
    assert desk.world.office_far.name_en not in index


def test_dashboard_bad_dates_get_a_message(tree):
    url = reverse("workflow:dashboard", args=[tree.desk.world.office_a.public_id])
    client = officer_client(tree.desk.secretary)
    for params, message in (
        ({"from": "not-a-date"}, "Enter the dates as year-month-day"),
        ({"from": "2026-05-01", "to": "2026-01-01"}, "The start date must not be after the end date."),
        ({"from": "2000-01-01", "to": "2026-01-01"}, "Choose a period of at most three years."),
        ({"from": "2026-02-30"}, "Enter the dates as year-month-day"),
    ):
        response = client.get(url, params)
        assert response.status_code == 400 and message in response.content.decode(), params


def test_dashboard_in_bengali(tree):
    from django.conf import settings

    client = officer_client(tree.desk.secretary)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bn"
    submitted(tree.desk)
    body = client.get(reverse("workflow:dashboard", args=[tree.desk.world.office_a.public_id])).content.decode()
    assert "lang=\"bn\"" in body and "১" in body


def test_inbox_pages_of_25(tree):
    from sheba.workflow.views import INBOX_PAGE

    made = [submitted(tree.desk) for _ in range(INBOX_PAGE + 2)]
    client = officer_client(tree.desk.secretary)
    first = client.get(reverse("workflow:inbox")).content.decode()
    assert sum(a.tracking_display in first for a in made) == INBOX_PAGE
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get(reverse("workflow:inbox"), {"page": "2"}).content.decode()
    assert sum(a.tracking_display in second for a in made) == 2
    assert 'rel="prev"' in second and 'rel="next"' not in second
    for bad in ("0", "-1", "abc", "99999999"):
        assert client.get(reverse("workflow:inbox"), {"page": bad}).status_code == 200
    beyond = client.get(reverse("workflow:inbox"), {"page": "9"}).content.decode()
    assert "No files match your search." in beyond
