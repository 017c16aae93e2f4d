"""Designers in the admin: an invalid active workflow is refused, a version in use is read-only
and "Make a new version" copies it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sheba.accounts.models import User, UserKind
from sheba.workflow.models import Workflow, WorkflowStep

from .helpers import english, make_desk, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser("designer", "a long admin password 1", kind=UserKind.OFFICER)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    client.force_login(admin)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return english(client)


def step_form(workflow: Workflow, **changes) -> dict:
    steps = list(workflow.steps.order_by("position", "pk"))
    data = {
        "code": workflow.code, "version": workflow.version, "office_type": workflow.office_type_id,
        "name_bn": workflow.name_bn, "name_en": workflow.name_en, "is_active": "on" if workflow.is_active else "",
        "steps-TOTAL_FORMS": len(steps), "steps-INITIAL_FORMS": len(steps), "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 1000,
    }
    for i, step in enumerate(steps):
        data.update({
            f"steps-{i}-id": step.pk, f"steps-{i}-workflow": workflow.pk, f"steps-{i}-position": step.position,
            f"steps-{i}-code": step.code, f"steps-{i}-label_bn": step.label_bn, f"steps-{i}-label_en": step.label_en,
            f"steps-{i}-post_code": step.post_code, f"steps-{i}-deadline_days": step.deadline_days,
            f"steps-{i}-is_end": "on" if step.is_end else "",
        })
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_invalid_active_workflow_is_refused_and_nothing_is_saved(admin_client):
    make_desk()
    workflow = Workflow.objects.get(code="up_certificate")
    url = reverse("admin:workflow_workflow_change", args=[workflow.pk])
    assert admin_client.get(url).status_code == 200
    # Making "done" not an end step leaves no end reachable.
    index = [s.code for s in workflow.steps.order_by("position", "pk")].index("done")
    response = admin_client.post(url, step_form(workflow, **{f"steps-{index}-is_end": "", "name_en": "Changed"}),
                                 follow=True)
    body = response.content.decode()
    assert "Not saved: this workflow is not valid." in body
    assert "No path leads from the first step “check” to an end step." in body
    workflow.refresh_from_db()
    assert workflow.name_en == "Union Parishad certificate"
    assert WorkflowStep.objects.get(workflow=workflow, code="done").is_end is True
    # A valid edit is saved.
    response = admin_client.post(url, step_form(workflow, name_en="UP certificate"))
    assert response.status_code == 302
    workflow.refresh_from_db()
    assert workflow.name_en == "UP certificate"


def test_editing_a_version_in_use_saves_a_new_version_and_the_file_keeps_the_old(admin_client):
    desk = make_desk()
    application = submitted(desk)
    workflow = Workflow.objects.get(code="up_certificate")
    url = reverse("admin:workflow_workflow_change", args=[workflow.pk])
    index = [s.code for s in workflow.steps.order_by("position", "pk")].index("check")
    response = admin_client.post(url, step_form(workflow, name_en="Changed", **{f"steps-{index}-deadline_days": 5}),
                                 follow=True)
    assert "Files use version 1, so your changes were saved as version 2." in response.content.decode()
    workflow.refresh_from_db()
    assert (workflow.name_en, workflow.is_active) == ("Union Parishad certificate", False)
    assert workflow.steps.get(code="check").deadline_days == 1
    new = Workflow.objects.get(code="up_certificate", version=2)
    assert (new.name_en, new.is_active, new.steps.count()) == ("Changed", True, 4)
    assert new.steps.get(code="check").deadline_days == 5
    assert application.tasks.get().workflow_id == workflow.pk
    # An invalid edit of a version in use makes no new version at all.
    index = [s.code for s in workflow.steps.order_by("position", "pk")].index("done")
    admin_client.post(url, step_form(workflow, **{f"steps-{index}-is_end": ""}))
    assert Workflow.objects.filter(code="up_certificate").count() == 2


def test_make_new_version_action(admin_client):
    make_desk()
    workflow = Workflow.objects.get(code="up_certificate")
    response = admin_client.post(reverse("admin:workflow_workflow_changelist"),
                                 {"action": "make_new_version", "_selected_action": [workflow.pk]})
    assert response.status_code == 302
    new = Workflow.objects.get(code="up_certificate", version=2)
    assert new.is_active and new.steps.count() == 4
    workflow.refresh_from_db()
    assert workflow.is_active is False
