"""The workflow underneath the pages: validation, version pinning, the UP and DC paths, who may act."""

from __future__ import annotations

import pytest

from sheba.applications.models import Status
from sheba.audit.models import AuditEvent
from sheba.core.errors import NotFound
from sheba.notifications.models import Message
from sheba.workflow import errors
from sheba.workflow.models import ActionKind, FileNote, Route, Task, Workflow, WorkflowAction, WorkflowStep
from sheba.workflow.selectors import open_task
from sheba.workflow.services import (
    application_resubmit,
    task_act,
    task_claim,
    workflow_new_version,
    workflow_validate,
)

from .helpers import VALID, hold, locker_file, make_citizen, make_desk, make_officer, post_at, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    return make_desk()


def action(task: Task, kind: str) -> WorkflowAction:
    return task.step.actions.get(kind=kind)


def test_shipped_workflows_are_valid_and_seeding_is_idempotent(desk):
    from sheba.workflow.seeding import workflows_seed

    from .helpers import TYPES

    # up_certificate, up_to_upazila, single_desk (UP), dc_office, single_desk (DC)
    assert Workflow.objects.count() == 5
    assert workflows_seed(office_type_codes=TYPES) == []
    assert Workflow.objects.count() == 5
    for workflow in Workflow.objects.exclude(code="up_to_upazila"):
        assert workflow_validate(workflow) == []
    # This small world has no upazila office type, so the UP → upazila route is refused as such.
    assert workflow_validate(Workflow.objects.get(code="up_to_upazila"))[0] == (
        "Step “uno_decide” routes to the office type “test-uno”, which does not exist.")


def test_validation_refuses_unreachable_end_unreachable_step_and_unknown_post(desk):
    workflow = Workflow.objects.get(code="up_certificate")
    decide = workflow.steps.get(code="decide")
    decide.actions.all().delete()  # the chairman can no longer finish the file
    problems = workflow_validate(workflow)
    assert "No path leads from the first step “check” to an end step." in problems
    assert "Step “done” cannot be reached from the first step." in problems
    assert "Step “deliver” cannot be reached from the first step." in problems
    assert "Step “decide” has no action, so files would stay there for ever." in problems
    WorkflowAction.objects.create(step=decide, kind=ActionKind.APPROVE, label_bn="x", label_en="x",
                                  post_code="no_such_post", route=Route.STEP, to_step=workflow.steps.get(code="done"))
    problems = workflow_validate(workflow)
    assert ("Action “approve” at step “decide”: no office of this type has the post “no_such_post”, "
            "so nobody can take it.") in problems
    assert "No path leads from the first step “check” to an end step." not in problems


def test_validation_messages_are_translated(desk):
    from django.utils import translation

    workflow = Workflow.objects.get(code="up_certificate")
    workflow.steps.get(code="decide").actions.all().delete()
    with translation.override("bn"):
        problems = workflow_validate(workflow)
    assert "প্রথম ধাপ “check” থেকে কোনো শেষ ধাপে যাওয়ার পথ নেই।" in problems


def test_up_path_end_to_end_with_sms_at_each_status_change(desk):
    application = submitted(desk)
    task = open_task(application)
    assert (task.step.code, task.post.code, task.office) == ("check", "up_secretary", desk.world.office_a)
    assert task.workflow.code == "up_certificate"
    assert Message.objects.filter(event="application_status").count() == 0
    # The secretary sends it back for a missing document.
    assert task_act(actor=desk.secretary, task=task, action=action(task, ActionKind.SEND_BACK),
                    note="জাতীয় পরিচয়পত্রের কপি অস্পষ্ট", fields_to_correct=["doc:nid_copy", "nonsense"]) is None
    application.refresh_from_db()
    assert application.status == Status.SENT_BACK
    task.refresh_from_db()
    assert task.fields_to_correct == ["doc:nid_copy"]
    assert open_task(application) is None
    assert application.messages.get().text == "জাতীয় পরিচয়পত্রের কপি অস্পষ্ট"
    # The citizen corrects and resubmits the same file.
    new_task = application_resubmit(actor=desk.citizen, application=application, form_data=VALID,
                                    attachments=[(locker_file(desk.citizen), "nid_copy")], message="নতুন কপি দিলাম")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert (new_task.step.code, new_task.workflow_id) == ("check", task.workflow_id)
    assert application.attachments.count() == 1
    # Forward, then the chairman approves, then the secretary delivers.
    following = task_act(actor=desk.secretary, task=new_task, action=action(new_task, ActionKind.FORWARD),
                         note="ঠিক আছে")
    assert (following.step.code, following.post.code) == ("decide", "up_chairman")
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    delivery = task_act(actor=desk.chairman, task=following, action=action(following, ActionKind.APPROVE),
                        note="অনুমোদিত")
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert task_act(actor=desk.secretary, task=delivery, action=action(delivery, ActionKind.DELIVER),
                    note="সনদ দেওয়া হলো") is None
    application.refresh_from_db()
    assert application.status == Status.DELIVERED
    assert open_task(application) is None
    statuses = [e.to_status for e in application.events.order_by("at", "pk")]
    assert statuses == ["submitted", "sent_back", "submitted", "in_review", "approved", "delivered"]
    # One progress SMS per status change after submission (5), to the applicant's mobile.
    sms = Message.objects.filter(event="application_status", channel="sms")
    assert sms.count() == 5
    assert set(sms.values_list("recipient", flat=True)) == {desk.citizen.mobile}
    notes = list(FileNote.objects.filter(application=application).order_by("at", "pk"))
    assert [(n.author_id, n.post_name_en, n.action_kind) for n in notes] == [
        (desk.secretary.pk, "Secretary", "send_back"), (desk.secretary.pk, "Secretary", "forward"),
        (desk.chairman.pk, "Chairman", "approve"), (desk.secretary.pk, "Secretary", "deliver"),
    ]
    assert AuditEvent.objects.filter(action="workflow.approve", object_id=str(application.public_id)).count() == 1


def test_dc_path(desk):
    from sheba.catalog.models import Service

    service = desk.world.service
    service.offered_everywhere_of_type = False
    service.save()
    service.other_office_types.add(desk.dc_type)
    service.offering_offices.add(desk.dc_office)
    Service.objects.filter(pk=service.pk).update(workflow_code="dc_office")
    people = {}
    for code in ("front_desk", "dc", "adc_general", "gc_assistant"):
        people[code] = make_officer(f"dc.{code}")
        hold(people[code], desk.dc_office.posts.get(code=code))
    application = submitted(desk, office=desk.dc_office, service=Service.objects.get(pk=service.pk))
    task = open_task(application)
    assert task.workflow.code == "dc_office"
    route = []
    for code, kind in [("front_desk", "forward"), ("dc", "forward"), ("adc_general", "forward"),
                       ("gc_assistant", "forward"), ("dc", "approve"), ("front_desk", "deliver")]:
        route.append(task.step.code)
        assert task.post.code == code
        task = task_act(actor=people[code], task=task, action=action(task, kind), note=f"{code} {kind}")
    assert task is None
    assert route == ["receive", "dc_mark", "officer", "branch", "dc_decide", "deliver"]
    application.refresh_from_db()
    assert application.status == Status.DELIVERED


def test_version_pinning_file_finishes_on_its_old_version(desk):
    application = submitted(desk)
    old = Workflow.objects.get(code="up_certificate")
    new = workflow_new_version(actor=None, workflow=old)
    assert (new.version, new.is_active) == (2, True)
    old.refresh_from_db()
    assert old.is_active is False
    # The designer changes the new version: the secretary may approve alone, in 5 days.
    check = new.steps.get(code="check")
    WorkflowStep.objects.filter(pk=check.pk).update(deadline_days=5)
    WorkflowAction.objects.create(step=check, kind=ActionKind.APPROVE, label_bn="x", label_en="x",
                                  post_code="up_secretary", route=Route.STEP, to_step=new.steps.get(code="done"))
    assert workflow_validate(new) == []
    task = open_task(application)
    assert [a.kind for a in task.step.actions.all()] == ["forward", "send_back", "ask_info"]
    following = task_act(actor=desk.secretary, task=task, action=action(task, ActionKind.FORWARD), note="ok")
    assert (following.workflow_id, following.step.workflow_id, following.step.code) == (old.pk, old.pk, "decide")
    task_act(actor=desk.chairman, task=following, action=action(following, ActionKind.APPROVE), note="ok")
    # A new file starts on version 2.
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    second = submitted(desk)
    assert open_task(second).workflow_id == new.pk
    assert open_task(second).step.actions.filter(kind=ActionKind.APPROVE).exists()


def test_acting_in_charge_can_act(desk):
    acting = make_officer("acting.chair")
    hold(acting, desk.world.office_a.posts.get(code="up_chairman"), acting=True)
    application = submitted(desk)
    task = open_task(application)
    following = task_act(actor=desk.secretary, task=task, action=action(task, ActionKind.FORWARD), note="ok")
    task_act(actor=acting, task=following, action=action(following, ActionKind.APPROVE), note="ভারপ্রাপ্ত হিসেবে")
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert FileNote.objects.get(author=acting).is_acting is True


def test_wrong_post_is_refused_and_nothing_changes(desk):
    application = submitted(desk)
    task = open_task(application)
    with pytest.raises(errors.WrongPost):
        task_act(actor=desk.chairman, task=task, action=action(task, ActionKind.FORWARD), note="x")
    with pytest.raises(errors.WrongPost):  # the secretary of another union
        task_act(actor=desk.secretary_b, task=task, action=action(task, ActionKind.FORWARD), note="x")
    following = task_act(actor=desk.secretary, task=task, action=action(task, ActionKind.FORWARD), note="ok")
    with pytest.raises(errors.WrongPost):  # the secretary may not take the chairman's decision
        task_act(actor=desk.secretary, task=following, action=action(following, ActionKind.APPROVE), note="x")
    with pytest.raises(errors.WrongPost):  # an action of another step
        task_act(actor=desk.chairman, task=following, action=action(task, ActionKind.FORWARD), note="x")
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert FileNote.objects.count() == 1
    assert open_task(application).pk == following.pk


def test_note_and_fields_are_required(desk):
    application = submitted(desk)
    task = open_task(application)
    with pytest.raises(errors.NoteRequired):
        task_act(actor=desk.secretary, task=task, action=action(task, ActionKind.FORWARD), note="   ")
    with pytest.raises(errors.FieldsRequired):
        task_act(actor=desk.secretary, task=task, action=action(task, ActionKind.SEND_BACK), note="x",
                 fields_to_correct=["not_a_field"])
    assert FileNote.objects.count() == 0
    assert open_task(application).pk == task.pk


def test_already_decided_is_refused_with_the_name(desk):
    second = make_officer("sec.two")
    hold(second, desk.world.office_a.posts.get(code="up_secretary"))
    application = submitted(desk)
    task = open_task(application)
    stale = Task.objects.get(pk=task.pk)
    task_act(actor=desk.secretary, task=task, action=action(task, ActionKind.FORWARD), note="ok")
    with pytest.raises(errors.AlreadyDecided) as refused:
        task_act(actor=second, task=stale, action=action(stale, ActionKind.FORWARD), note="me too")
    assert str(refused.value.message) == f"This file was already decided by {desk.secretary}."
    assert FileNote.objects.count() == 1
    assert Task.objects.filter(application=application).count() == 2


def test_own_application_is_refused(desk):
    desk.chairman.mobile = "+8801811000009"
    desk.chairman.save()
    application = submitted(desk, for_self=False, other=("চেয়ারম্যান", "+8801811000009"))
    task = open_task(application)
    following = task_act(actor=desk.secretary, task=task, action=action(task, ActionKind.FORWARD), note="ok")
    with pytest.raises(errors.OwnApplication):
        task_act(actor=desk.chairman, task=following, action=action(following, ActionKind.APPROVE), note="x")
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW


def test_shared_pool_claim(desk):
    second = make_officer("sec.two")
    hold(second, desk.world.office_a.posts.get(code="up_secretary"))
    application = submitted(desk)
    task = open_task(application)
    assert task.assigned_to is None
    claimed = task_claim(actor=second, task=task)
    assert claimed.assigned_to == second
    with pytest.raises(errors.ClaimedByOther):
        task_claim(actor=desk.secretary, task=task)
    with pytest.raises(errors.ClaimedByOther):
        task_act(actor=desk.secretary, task=task, action=action(task, ActionKind.FORWARD), note="x")
    with pytest.raises(errors.WrongPost):
        task_claim(actor=desk.chairman, task=task)
    task_act(actor=second, task=task, action=action(task, ActionKind.FORWARD), note="ok")


def test_resubmit_only_by_the_applicant_and_only_when_sent_back(desk):
    application = submitted(desk)
    with pytest.raises(errors.NotSentBack):
        application_resubmit(actor=desk.citizen, application=application, form_data=VALID)
    task = open_task(application)
    task_act(actor=desk.secretary, task=task, action=action(task, ActionKind.SEND_BACK), note="x",
             fields_to_correct=["father_name"])
    other = make_citizen(desk.world, mobile="+8801911000077")
    with pytest.raises(NotFound):
        application_resubmit(actor=other, application=application, form_data=VALID)
    application.refresh_from_db()
    assert application.status == Status.SENT_BACK
    assert open_task(application) is None


def test_step_post_missing_at_office_makes_validation_fail(desk):
    workflow = Workflow.objects.get(code="single_desk", office_type__code="test-up")
    WorkflowStep.objects.filter(workflow=workflow, code="decide").update(post_code="uno")
    assert "Step “decide”: no office of this type has the post “uno”." in workflow_validate(workflow)
    post_at(desk.world.office_b, "uno", "x", "x")
    assert "Step “decide”: no office of this type has the post “uno”." not in workflow_validate(workflow)
