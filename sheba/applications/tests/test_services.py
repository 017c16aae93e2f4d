"""The services underneath the pages: the transition table, submission rules, idempotency,
database constraints, the locker hook."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from sheba.applications import errors
from sheba.applications.models import TRANSITIONS, Application, ApplicationEvent, Status
from sheba.applications.services import (
    application_start,
    application_submit,
    application_transition,
    application_update_draft,
)
from sheba.catalog.services import service_save
from sheba.core import tracking
from sheba.locker.checks import UploadRefused
from sheba.locker.selectors import version_in_use
from sheba.notifications.models import Message

from .helpers import locker_file, make_citizen, make_world

pytestmark = pytest.mark.django_db

VALID = {"applicant_name": "রহিম উদ্দিন", "father_name": "করিম উদ্দিন", "nid": "1234567890", "declaration": True}
TOKEN = "services-token-00000001"


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def citizen(world):
    return make_citizen(world)


def draft_with(world, citizen, *, data=None, attach=True, for_self=True, other=("", "")):
    draft = application_start(actor=citizen, service=world.service, office=world.office_a, submission_token=TOKEN)
    attachments = [(locker_file(citizen), "nid_copy")] if attach else []
    application_update_draft(actor=citizen, application=draft, for_self=for_self, other_name=other[0],
                             other_mobile=other[1], form_data=VALID if data is None else data, attachments=attachments)
    return draft


def test_submit_twice_with_the_same_token_is_one_submission(world, citizen):
    draft = draft_with(world, citizen)
    first = application_submit(actor=citizen, application=draft, submission_token=TOKEN)
    again = Application.objects.get(pk=draft.pk)
    second = application_submit(actor=citizen, application=again, submission_token=TOKEN)
    assert first.tracking_number == second.tracking_number
    assert Message.objects.filter(event="application_submitted").count() == 1
    assert ApplicationEvent.objects.count() == 1


def test_submit_with_another_token_is_refused(world, citizen):
    draft = draft_with(world, citizen)
    with pytest.raises(errors.InvalidInput):
        application_submit(actor=citizen, application=draft, submission_token="something-else-entirely")
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_someone_else_cannot_submit_my_draft(world, citizen):
    from sheba.core.errors import NotFound

    other = make_citizen(world, mobile="+8801911000002")
    draft = draft_with(world, citizen)
    with pytest.raises(NotFound):
        application_submit(actor=other, application=draft, submission_token=TOKEN)
    with pytest.raises(NotFound):
        application_update_draft(actor=other, application=draft, for_self=True, other_name="", other_mobile="",
                                 form_data={}, attachments=[])


def test_invalid_answers_missing_documents_and_other_person_are_refused(world, citizen):
    draft = draft_with(world, citizen, data={"applicant_name": "x"})
    with pytest.raises(errors.FormIncomplete):
        application_submit(actor=citizen, application=draft, submission_token=TOKEN)
    Application.objects.all().delete()
    draft = draft_with(world, citizen, attach=False)
    with pytest.raises(errors.DocumentsMissing):
        application_submit(actor=citizen, application=draft, submission_token=TOKEN)
    Application.objects.all().delete()
    draft = draft_with(world, citizen, for_self=False, other=("বাবা", ""))
    with pytest.raises(errors.OtherPersonIncomplete):
        application_submit(actor=citizen, application=draft, submission_token=TOKEN)
    Application.objects.all().delete()
    draft = draft_with(world, citizen, for_self=False, other=("বাবা", "02-9123456"))  # a landline
    with pytest.raises(errors.OtherPersonIncomplete):
        application_submit(actor=citizen, application=draft, submission_token=TOKEN)
    assert not Message.objects.exists()
    assert not ApplicationEvent.objects.exists()


def test_changed_service_draft_is_refused_until_updated(world, citizen):
    draft = draft_with(world, citizen)
    service = world.service
    schema = dict(service.form_schema)
    schema["properties"] = {**schema["properties"], "village": {"type": "string", "x-label-bn": "গ্রাম",
                                                                "x-label-en": "Village"}}
    schema["required"] = [*schema["required"], "village"]
    service.form_schema = schema
    service_save(actor=None, service=service, is_new=False)
    with pytest.raises(errors.ServiceChanged):
        application_submit(actor=citizen, application=draft, submission_token=TOKEN)
    draft.refresh_from_db()
    assert draft.form_data == VALID  # nothing lost
    assert draft.status == Status.DRAFT


def test_eleven_attachments_are_refused(world, citizen):
    draft = application_start(actor=citizen, service=world.service, office=world.office_a, submission_token=TOKEN)
    files = [(locker_file(citizen, kind="other", name=f"f{i}.png"), "other") for i in range(11)]
    with pytest.raises(UploadRefused):
        application_update_draft(actor=citizen, application=draft, for_self=True, other_name="", other_mobile="",
                                 form_data=VALID, attachments=files)
    assert not draft.attachments.exists()


def test_someone_elses_locker_file_cannot_be_attached(world, citizen):
    from sheba.core.errors import NotFound

    other = make_citizen(world, mobile="+8801911000002")
    theirs = locker_file(other)
    draft = application_start(actor=citizen, service=world.service, office=world.office_a, submission_token=TOKEN)
    with pytest.raises(NotFound):
        application_update_draft(actor=citizen, application=draft, for_self=True, other_name="", other_mobile="",
                                 form_data=VALID, attachments=[(theirs, "nid_copy")])


def test_transition_table_is_enforced_and_each_move_is_recorded(world, citizen):
    draft = draft_with(world, citizen, for_self=False, other=("বাবা", "+8801819123456"))
    application = application_submit(actor=citizen, application=draft, submission_token=TOKEN)
    with pytest.raises(errors.IllegalTransition):
        application_transition(actor=None, application=application, to_status=Status.DELIVERED)
    with pytest.raises(errors.IllegalTransition):
        application_transition(actor=None, application=application, to_status="no-such-status")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert ApplicationEvent.objects.count() == 1
    application_transition(actor=None, application=application, to_status=Status.IN_REVIEW)
    assert application.status == Status.IN_REVIEW
    status_sms = list(Message.objects.filter(event="application_status").values_list("recipient", flat=True))
    assert sorted(status_sms) == ["+8801711000001", "+8801819123456"]  # the other person gets progress too
    assert all(application.tracking_display in m.body for m in Message.objects.filter(event="application_status"))
    assert list(ApplicationEvent.objects.values_list("to_status", flat=True)) == ["submitted", "in_review"]


def test_every_state_has_a_row_in_the_table():
    assert set(TRANSITIONS) == set(Status.values)
    assert all(target in Status.values for targets in TRANSITIONS.values() for target in targets)


def test_database_refuses_a_submitted_application_without_tracking_number(world, citizen):
    draft = draft_with(world, citizen)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=draft.pk).update(status=Status.SUBMITTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=draft.pk).update(tracking_number="ABCDEFGHIJK")


def test_tracking_numbers_are_unique_in_the_database(world, citizen):
    draft = draft_with(world, citizen)
    application = application_submit(actor=citizen, application=draft, submission_token=TOKEN)
    second = application_start(actor=citizen, service=world.service, office=world.office_b,
                               submission_token="services-token-00000002")
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=second.pk).update(tracking_number=application.tracking_number)
    assert tracking.is_valid(application.tracking_number)


def test_attached_versions_are_in_use_for_the_locker(world, citizen):
    draft = draft_with(world, citizen)
    attached = draft.attachments.get().version
    loose = locker_file(citizen, kind="photo", name="me.png")
    assert version_in_use(attached) is True
    assert version_in_use(loose) is False
