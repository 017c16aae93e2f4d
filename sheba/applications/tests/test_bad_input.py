"""Bad input never gives a 500, and a real race of two submit clicks makes one application."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheba.applications.models import Application, ApplicationEvent, Status
from sheba.applications.services import application_start, application_submit, application_update_draft
from sheba.notifications.models import Message

from .helpers import answers, client_for, locker_file, make_citizen, make_world

VALID = {"applicant_name": "রহিম উদ্দিন", "father_name": "করিম উদ্দিন", "nid": "1234567890", "declaration": True}


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=80))
def test_status_page_never_fails_on_any_text(text):
    response = Client().get(reverse("applications:status"), {"number": text.replace("\x00", "")})
    assert response.status_code in {200, 400, 404, 429}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {"for_whom": "nobody"},
        {"doc_nid_copy": "../../etc/passwd"},
        {"doc_nid_copy": "00000000-0000-0000-0000-000000000000"},
        {"extra": ["not-a-uuid", "", "x" * 500]},
        {"f-declaration": "maybe", "f-purpose": "<script>alert(1)</script>"},
        {"f-applicant_name": "ক" * 5000},
        {"other_mobile": "+" + "9" * 40, "for_whom": "other", "other_name": "x" * 500},
        {"action": "delete-everything"},
        {"submission_token": ""},
    ],
)
def test_edit_page_refuses_garbage_with_a_message(changes):
    world = make_world()
    citizen = make_citizen(world)
    client = client_for(citizen)
    draft = application_start(actor=citizen, service=world.service, office=world.office_a,
                              submission_token="garbage-token-00000001")
    response = client.post(reverse("applications:edit", args=[draft.public_id]),
                           answers(**{"submission_token": draft.submission_token, **changes}))
    assert response.status_code in {302, 400}
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT  # no NID copy attached: never submitted
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_start_page_refuses_garbage():
    world = make_world()
    client = client_for(make_citizen(world))
    url = reverse("applications:start", args=[world.service.slug])
    for data in ({"office": "nope"}, {"office": str(world.office_a.public_id), "submission_token": "short"}, {}):
        assert client.post(url, data).status_code == 400
    assert client.get(url, {"district": "x", "upazila": "'; drop", "q": "ক" * 500}).status_code == 200
    assert Application.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_make_one_application():
    from importlib import import_module

    from django.apps import apps

    import_module("sheba.applications.migrations.0002_notification_templates").seed(apps, None)
    world = make_world()
    citizen = make_citizen(world)
    nid = locker_file(citizen)
    draft = application_start(actor=citizen, service=world.service, office=world.office_a,
                              submission_token="race-token-000000000001")
    application_update_draft(actor=citizen, application=draft, for_self=True, other_name="", other_mobile="",
                             form_data=VALID, attachments=[(nid, "nid_copy")])
    barrier = threading.Barrier(2)
    numbers: list[str] = []
    failures: list[BaseException] = []

    def click():
        try:
            barrier.wait()
            copy = Application.objects.get(pk=draft.pk)
            numbers.append(application_submit(actor=citizen, application=copy,
                                              submission_token=draft.submission_token).tracking_number)
        except BaseException as exc:  # noqa: BLE001
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(numbers) == 2 and numbers[0] == numbers[1]
    assert Application.objects.count() == 1
    assert ApplicationEvent.objects.count() == 1
    assert Message.objects.filter(event="application_submitted").count() == 1
