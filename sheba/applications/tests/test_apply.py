"""Applying: office choice, prefill, for oneself or another person, documents, drafts, submit."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse

from sheba.applications.models import Application, ApplicationAttachment, ApplicationEvent, Status
from sheba.audit.models import AuditEvent
from sheba.core import tracking
from sheba.locker.models import DocumentVersion
from sheba.locker.tests.helpers import png_bytes, upload
from sheba.notifications.models import Message

from .helpers import THURSDAY, answers, client_for, locker_file, make_citizen, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def citizen(world):
    return make_citizen(world)


def start_draft(client, world, office=None) -> Application:
    office = office or world.office_a
    response = client.post(
        reverse("applications:start", args=[world.service.slug]),
        {"office": str(office.public_id), "submission_token": "tok-" + "x" * 20 + str(office.pk)},
    )
    assert response.status_code == 302
    application = Application.objects.get(submission_token="tok-" + "x" * 20 + str(office.pk))
    assert response["Location"] == reverse("applications:edit", args=[application.public_id])
    return application


def edit_url(application: Application) -> str:
    return reverse("applications:edit", args=[application.public_id])


# --- Choosing the office --------------------------------------------------------------------


def test_start_preselects_own_union_office_and_shows_its_fee(world, citizen):
    response = client_for(citizen).get(reverse("applications:start", args=[world.service.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    checked = re.findall(r'<input type="radio" name="office" id="[^"]+" value="([^"]+)" checked>', html)
    assert checked == [str(world.office_a.public_id)]
    assert "৳ ৫০" in html  # office A's own fee (50 taka), not the default 100


def test_start_search_by_district_and_text_without_js(world, citizen):
    client = client_for(citizen)
    url = reverse("applications:start", args=[world.service.slug])
    html = client.get(url, {"district": world.other_district.pk}).content.decode()
    assert str(world.office_far.public_id) in html
    assert str(world.office_b.public_id) not in html
    html = client.get(url, {"q": "Boali"}).content.decode()
    assert str(world.office_b.public_id) in html
    assert "৳ ৩০০" in html
    assert str(world.office_far.public_id) not in html


def test_start_twice_with_the_same_token_makes_one_draft(world, citizen):
    client = client_for(citizen)
    first = start_draft(client, world)
    second = start_draft(client, world)
    assert first.pk == second.pk
    assert Application.objects.count() == 1


def test_start_refuses_an_office_that_does_not_offer_the_service(world, citizen):
    world.service.offered_everywhere_of_type = False
    world.service.save()
    world.service.offering_offices.add(world.office_b)
    response = client_for(citizen).post(
        reverse("applications:start", args=[world.service.slug]),
        {"office": str(world.office_a.public_id), "submission_token": "t" * 24},
    )
    assert response.status_code == 400
    assert Application.objects.count() == 0


def test_unknown_service_is_404(citizen):
    assert client_for(citizen).get(reverse("applications:start", args=["no-such-service"])).status_code == 404


# --- Prefill --------------------------------------------------------------------------------


def test_form_is_prefilled_from_the_profile(world, citizen):
    client = client_for(citizen)
    application = start_draft(client, world)
    html = client.get(edit_url(application)).content.decode()
    assert 'name="f-applicant_name" value="রহিম উদ্দিন"' in html
    assert 'name="f-father_name" value="করিম উদ্দিন"' in html
    assert 'value="1234567890"' in html
    assert "ওয়ার্ড সদস্যের সুপারিশ" in html  # the bring-to-counter document is listed, not asked for


# --- Submitting -----------------------------------------------------------------------------


def test_apply_for_self_submits_with_tracking_number_deadline_event_audit_and_sms(world, citizen):
    client = client_for(citizen)
    nid = locker_file(citizen)
    with time_machine.travel(THURSDAY, tick=False):
        application = start_draft(client, world)
        response = client.post(
            edit_url(application),
            answers(submission_token=application.submission_token, doc_nid_copy=str(nid.public_id)),
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[application.public_id])
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert tracking.parse(application.tracking_number) == application.tracking_number
    assert application.holder_office == world.office_a
    assert application.due_on.isoformat() == "2026-11-24"  # Thu + 3 working days, Fri/Sat skipped
    assert application.form_data == {
        "applicant_name": "রহিম উদ্দিন", "father_name": "করিম উদ্দিন", "nid": "1234567890",
        "purpose": "job", "declaration": True,
    }  # fmt: skip
    assert list(application.attachments.values_list("version_id", "document_code")) == [(nid.pk, "nid_copy")]
    events = list(ApplicationEvent.objects.filter(application=application).values_list("from_status", "to_status"))
    assert events == [("draft", "submitted")]
    audit = AuditEvent.objects.get(action="application.submitted")
    assert audit.object_id == str(application.public_id)
    assert audit.actor == citizen
    sms = list(Message.objects.filter(event="application_submitted", channel="sms"))
    assert [m.recipient for m in sms] == ["+8801711000001"]
    assert application.tracking_display in sms[0].body
    assert "নাগরিকত্ব সনদ" in sms[0].body
    assert not Message.objects.filter(channel="email").exists()  # no verified e-mail


def test_apply_for_another_person_sends_the_tracking_number_to_both_mobiles(world, citizen):
    client = client_for(citizen)
    nid = locker_file(citizen)
    application = start_draft(client, world)
    response = client.post(
        edit_url(application),
        answers(
            submission_token=application.submission_token,
            doc_nid_copy=str(nid.public_id),
            for_whom="other",
            other_name="আব্দুল করিম",
            other_mobile="০১৮১৯-১২৩৪৫৬",
        ),
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.for_self, application.other_name, application.other_mobile) == (
        False, "আব্দুল করিম", "+8801819123456",
    )
    sms = {m.recipient: m.body for m in Message.objects.filter(event="application_submitted", channel="sms")}
    assert set(sms) == {"+8801711000001", "+8801819123456"}
    assert all(application.tracking_display in body for body in sms.values())
    detail = client.get(reverse("applications:detail", args=[application.public_id])).content.decode()
    assert application.tracking_display in detail
    assert "আব্দুল করিম" in detail


def test_other_person_needs_a_valid_mobile(world, citizen):
    client = client_for(citizen)
    nid = locker_file(citizen)
    application = start_draft(client, world)
    response = client.post(
        edit_url(application),
        answers(submission_token=application.submission_token, doc_nid_copy=str(nid.public_id),
                for_whom="other", other_name="আব্দুল করিম", other_mobile="02-9123456"),
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.other_name == "আব্দুল করিম"  # kept in the draft
    assert 'value="02-9123456"' in response.content.decode()  # what was typed stays on the page
    assert not Message.objects.exists()


def test_verified_email_gets_the_tracking_number_too(world, citizen):
    from sheba.core import clock

    citizen.email = "rahim@example.com"
    citizen.email_verified_at = clock.now()
    citizen.save()
    client = client_for(citizen)
    nid = locker_file(citizen)
    application = start_draft(client, world)
    client.post(edit_url(application), answers(submission_token=application.submission_token,
                                                doc_nid_copy=str(nid.public_id)))
    application.refresh_from_db()
    email = Message.objects.get(channel="email")
    assert email.recipient == "rahim@example.com"
    assert application.tracking_display in email.subject
    assert application.tracking_display in email.body


def test_upload_a_new_file_goes_to_the_locker_and_is_attached(world, citizen):
    client = client_for(citizen)
    application = start_draft(client, world)
    response = client.post(
        edit_url(application),
        answers(submission_token=application.submission_token, file_nid_copy=upload("nid.png", png_bytes())),
    )
    assert response.status_code == 302
    version = DocumentVersion.objects.get(document__owner=citizen)
    assert version.document.kind == "nid_copy"
    assert list(application.attachments.values_list("version_id", flat=True)) == [version.pk]


def test_a_renamed_exe_is_refused_with_a_message_and_nothing_submitted(world, citizen):
    client = client_for(citizen)
    application = start_draft(client, world)
    response = client.post(
        edit_url(application),
        answers(submission_token=application.submission_token,
                file_nid_copy=upload("nid.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")),
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert not DocumentVersion.objects.exists()
    assert not Message.objects.exists()


def test_missing_required_document_is_refused(world, citizen):
    client = client_for(citizen)
    application = start_draft(client, world)
    response = client.post(edit_url(application), answers(submission_token=application.submission_token))
    assert response.status_code == 400
    assert "এই কাগজটি লাগবে" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.tracking_number is None
    assert not Message.objects.exists()
    assert not ApplicationEvent.objects.exists()


def test_an_eleventh_file_is_refused_and_nothing_is_attached(world, citizen):
    client = client_for(citizen)
    files = [locker_file(citizen, kind="other", name=f"f{i}.png") for i in range(11)]
    application = start_draft(client, world)
    response = client.post(
        edit_url(application),
        answers(submission_token=application.submission_token, doc_nid_copy=str(files[0].public_id),
                extra=[str(v.public_id) for v in files[1:]], action="save"),
    )
    assert response.status_code == 400
    assert "১০টি" in response.content.decode() or "১০" in response.content.decode()
    assert not ApplicationAttachment.objects.exists()
    # Ten are fine.
    response = client.post(
        edit_url(application),
        answers(submission_token=application.submission_token, doc_nid_copy=str(files[0].public_id),
                extra=[str(v.public_id) for v in files[1:10]], action="save"),
    )
    assert response.status_code == 302
    assert ApplicationAttachment.objects.filter(application=application).count() == 10


def test_schema_violations_get_field_messages_in_bengali_and_keep_the_input(world, citizen):
    client = client_for(citizen)
    nid = locker_file(citizen)
    application = start_draft(client, world)
    response = client.post(
        edit_url(application),
        answers(submission_token=application.submission_token, doc_nid_copy=str(nid.public_id),
                **{"f-nid": "১২৩", "f-father_name": "", "f-declaration": None}),
    )
    assert response.status_code == 400
    html = response.content.decode()
    from django.utils import translation

    with translation.override("bn"):
        from django.utils.translation import gettext

        for msgid in ("A national ID number has 10, 13 or 17 digits.", "Please fill in this field.",
                      "Please tick this box to continue."):
            assert gettext(msgid) in html
    assert 'value="১২৩"' in html
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.form_data["nid"] == "১২৩"  # the draft keeps what was typed
    assert not Message.objects.exists()


def test_english_pages_get_english_messages(world, citizen):
    client = client_for(citizen)
    client.cookies["sheba_language"] = "en"
    application = start_draft(client, world)
    response = client.post(edit_url(application), answers(submission_token=application.submission_token,
                                                          **{"f-nid": "123"}))
    assert "A national ID number has 10, 13 or 17 digits." in response.content.decode()


def test_double_clicked_submit_makes_one_application(world, citizen):
    client = client_for(citizen)
    nid = locker_file(citizen)
    application = start_draft(client, world)
    data = answers(submission_token=application.submission_token, doc_nid_copy=str(nid.public_id))
    first = client.post(edit_url(application), data)
    second = client.post(edit_url(application), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Application.objects.count() == 1
    assert Application.objects.filter(status=Status.SUBMITTED).count() == 1
    assert Message.objects.filter(event="application_submitted").count() == 1
    assert ApplicationEvent.objects.count() == 1


# --- Drafts ---------------------------------------------------------------------------------


def test_save_a_draft_and_continue_later_from_the_dashboard(world, citizen):
    client = client_for(citizen)
    application = start_draft(client, world)
    response = client.post(edit_url(application), {
        "for_whom": "other", "other_name": "বাবা", "other_mobile": "", "f-applicant_name": "নতুন নাম",
        "f-nid": "৯৮", "action": "save", "submission_token": application.submission_token,
    })
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.form_data == {"applicant_name": "নতুন নাম", "nid": "৯৮", "declaration": False}
    assert (application.for_self, application.other_name) == (False, "বাবা")
    dashboard = client.get(reverse("applications:mine")).content.decode()
    assert edit_url(application) in dashboard
    html = client.get(edit_url(application)).content.decode()
    assert 'value="নতুন নাম"' in html  # the draft's answers, not the profile's
    assert 'value="৯৮"' in html
    assert 'value="বাবা"' in html


def test_draft_of_a_changed_service_is_checked_against_the_new_form(world, citizen):
    from sheba.catalog.services import service_save

    client = client_for(citizen)
    nid = locker_file(citizen)
    application = start_draft(client, world)
    client.post(edit_url(application), answers(submission_token=application.submission_token,
                                               doc_nid_copy=str(nid.public_id), action="save"))
    service = world.service
    schema = dict(service.form_schema)
    schema["properties"] = dict(schema["properties"])
    schema["properties"]["village"] = {"type": "string", "x-label-bn": "গ্রাম", "x-label-en": "Village", "x-order": 6}
    schema["required"] = [*schema["required"], "village"]
    service.form_schema = schema
    service_save(actor=None, service=service, is_new=False)
    service.refresh_from_db()
    assert service.version == 2

    html = client.get(edit_url(application)).content.decode()
    assert "এই সেবার ফরম বদলেছে" in html
    assert 'value="করিম উদ্দিন"' in html  # nothing lost
    assert 'id="id_f-village"' in html
    assert 'aria-invalid="true"' in html or "has-error" in html

    response = client.post(edit_url(application), answers(submission_token=application.submission_token,
                                                          doc_nid_copy=str(nid.public_id), **{"f-village": "আটাবহ"}))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.service_version == 2
    assert application.form_data["village"] == "আটাবহ"


def test_submitted_application_cannot_be_edited(world, citizen):
    client = client_for(citizen)
    nid = locker_file(citizen)
    application = start_draft(client, world)
    client.post(edit_url(application), answers(submission_token=application.submission_token,
                                               doc_nid_copy=str(nid.public_id)))
    response = client.post(edit_url(application), answers(submission_token=application.submission_token,
                                                          doc_nid_copy=str(nid.public_id),
                                                          **{"f-applicant_name": "অন্য"}))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.form_data["applicant_name"] == "রহিম উদ্দিন"


def test_office_chosen_on_the_service_page_is_preselected(world, citizen):
    url = reverse("applications:start", args=[world.service.slug])
    html = client_for(citizen).get(url, {"office": str(world.office_far.public_id)}).content.decode()
    checked = re.findall(r'<input type="radio" name="office" id="[^"]+" value="([^"]+)" checked>', html)
    assert checked == [str(world.office_far.public_id)]


def test_catalogue_apply_link_points_here(world):
    from sheba.catalog.selectors import apply_url

    assert apply_url(world.service) == reverse("applications:start", args=[world.service.slug])
