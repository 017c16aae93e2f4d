"""Complaint pages through HTTP: the citizen's, the public lookup, the grievance desk, and the
"who opened my file" panel. Refusals are clear messages, never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from sheba.applications.tests.helpers import make_citizen
from sheba.audit.models import AuditEvent
from sheba.core import clock
from sheba.grievances import services
from sheba.grievances.enums import APPEAL_DAYS, ComplaintStatus
from sheba.grievances.models import Complaint
from sheba.workflow.tests.helpers import citizen_client, officer_client, submitted

from .helpers import make_grs

pytestmark = pytest.mark.django_db
TEXT = "The secretary asked me for money to sign my certificate."
NEW = "/grievances/new/"


@pytest.fixture
def grs():
    return make_grs()


def post_new(client, application=None, office=None, **data):
    payload = {"reason": "conduct", "text": TEXT, "submission_token": data.pop("token", "tok-view-0001")}
    if application is not None:
        payload["application"] = str(application.public_id)
    if office is not None:
        payload["office"] = str(office.public_id)
    payload.update(data)
    return client.post(NEW, payload)


def filed(grs, application=None):
    return services.complaint_file(actor=grs.citizen, application=application or submitted(grs.desk),
                                   reason="conduct", text=TEXT, submission_token=f"tok-{Complaint.objects.count()}")


def test_file_from_the_application_page(grs):
    application = submitted(grs.desk)
    client = citizen_client(grs.citizen)
    page = client.get(reverse("applications:detail", args=[application.public_id]))
    body = page.content.decode()
    assert page.status_code == 200
    assert f'href="{NEW}?application={application.public_id}"' in body and "File a complaint" in body
    form = client.get(NEW, {"application": str(application.public_id)})
    assert form.status_code == 200
    assert "Upazila Nirbahi Office, Kaliakair" in form.content.decode()  # where it goes
    assert 'value="delay"' not in form.content.decode()  # the deadline has not passed
    response = post_new(client, application)
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("grievances:detail",
                                                                          args=[complaint.public_id])
    again = post_new(client, application)  # the same form sent twice
    assert again.status_code == 302 and Complaint.objects.count() == 1
    detail = client.get(response["Location"])
    assert complaint.number_display in detail.content.decode()
    # The application page now links to the open complaint instead of offering a new one.
    body = client.get(reverse("applications:detail", args=[application.public_id])).content.decode()
    assert complaint.number_display in body and f"?application={application.public_id}" not in body
    assert client.get(NEW, {"application": str(application.public_id)}).status_code == 302
    mine = client.get(reverse("grievances:mine")).content.decode()
    assert complaint.number_display in mine


def test_someone_elses_application_gets_a_clear_refusal(grs):
    application = submitted(grs.desk)
    other = citizen_client(grs.other_citizen)
    for response in (other.get(NEW, {"application": str(application.public_id)}), post_new(other, application),
                     other.get(NEW, {"application": "not-a-uuid"})):
        assert response.status_code == 404
        assert "You can complain only about your own applications" in response.content.decode()
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize(("data", "message"), [
    ({"text": ""}, "Describe your complaint"),
    ({"text": "x" * 2500}, "too long"),
    ({"reason": ""}, "Choose the reason"),
    ({"reason": "delay"}, "has not passed yet"),
    ({"token": ""}, "This form has expired"),
])
def test_bad_input_on_the_form(grs, data, message):
    application = submitted(grs.desk)
    response = post_new(citizen_client(grs.citizen), application, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Complaint.objects.count() == 0


def test_complain_about_an_office(grs):
    client = citizen_client(grs.citizen)
    page = client.get(NEW, {"district": str(grs.desk.world.district.pk)})
    assert page.status_code == 200 and grs.office_a.name_en in page.content.decode()
    assert client.get(NEW, {"district": "x" * 50, "upazila": "-1", "office": "nope"}).status_code == 200
    chosen = client.get(NEW, {"office": str(grs.office_a.public_id)})
    assert chosen.status_code == 200 and 'value="decision"' not in chosen.content.decode()
    assert post_new(client, office=grs.office_a, reason="other").status_code == 302
    assert Complaint.objects.get().subject_office == grs.office_a
    assert post_new(client, token="tok-2").status_code == 400  # no office chosen


def test_anonymous_and_officers_are_sent_away(grs):
    assert Client().get(NEW).status_code == 302
    assert Client().get(reverse("grievances:mine")).status_code == 302
    assert officer_client(grs.uno).get(NEW).status_code == 302


def test_the_desk_investigates_and_answers(grs):
    complaint = filed(grs)
    uno = officer_client(grs.uno)
    inbox = uno.get(reverse("grievances:inbox")).content.decode()
    assert complaint.number_display in inbox
    url = reverse("grievances:officer_complaint", args=[complaint.public_id])
    assert uno.get(url).status_code == 200
    assert AuditEvent.objects.filter(object_type="complaint", action="audit.view", actor=grs.uno).exists()
    empty = uno.post(reverse("grievances:decide", args=[complaint.public_id]), {"decision": "resolve", "reply": ""})
    assert empty.status_code == 400 and 'role="alert"' in empty.content.decode()
    assert uno.post(reverse("grievances:note", args=[complaint.public_id]),
                    {"note": "Secret note for offices."}).status_code == 302
    done = uno.post(reverse("grievances:decide", args=[complaint.public_id]),
                    {"decision": "resolve", "reply": "The secretary was warned in writing."})
    assert done.status_code == 302
    again = uno.post(reverse("grievances:decide", args=[complaint.public_id]),
                     {"decision": "reject", "reply": "Changed my mind."})
    assert again.status_code == 409 and "already been decided" in again.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESOLVED
    citizen_page = citizen_client(grs.citizen).get(reverse("grievances:detail", args=[complaint.public_id]))
    body = citizen_page.content.decode()
    assert "The secretary was warned in writing." in body
    assert "Secret note for offices." not in body  # investigation notes stay with the offices
    assert "Not satisfied? Appeal" in body
    # The application page shows the answered complaint and offers another one.
    panel = citizen_client(grs.citizen).get(reverse("applications:detail", args=[complaint.application.public_id]))
    assert complaint.number_display in panel.content.decode() and "File another complaint" in panel.content.decode()


def test_missing_reply_is_told_not_saved(grs):
    complaint = filed(grs)
    response = officer_client(grs.uno).post(reverse("grievances:decide", args=[complaint.public_id]),
                                           {"decision": "resolve", "reply": "  "})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    bad = officer_client(grs.uno).post(reverse("grievances:decide", args=[complaint.public_id]),
                                      {"decision": "nonsense", "reply": "ok"})
    assert bad.status_code == 400 and "resolved or rejected" in bad.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.SUBMITTED


def test_other_offices_get_404(grs):
    complaint = filed(grs)
    for officer in (grs.far_uno, grs.desk.secretary, grs.desk.chairman, grs.adc):
        client = officer_client(officer)
        assert client.get(reverse("grievances:officer_complaint", args=[complaint.public_id])).status_code == 404
        assert client.post(reverse("grievances:decide", args=[complaint.public_id]),
                           {"decision": "resolve", "reply": "Mine now."}).status_code == 404
        assert complaint.number_display not in client.get(reverse("grievances:inbox")).content.decode()
    other = citizen_client(grs.other_citizen)
    assert other.get(reverse("grievances:detail", args=[complaint.public_id])).status_code == 404
    assert other.post(reverse("grievances:appeal", args=[complaint.public_id]), {"text": TEXT}).status_code == 404
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.SUBMITTED


def test_appeal_through_the_page_and_too_late(grs):
    complaint = filed(grs)
    services.complaint_decide(actor=grs.uno, complaint=complaint, decision="reject", reply="No ground.")
    client = citizen_client(grs.citizen)
    url = reverse("grievances:appeal", args=[complaint.public_id])
    short = client.post(url, {"text": "no"})
    assert short.status_code == 400 and "at least 10 characters" in short.content.decode()
    with time_machine.travel(clock.now() + timedelta(days=APPEAL_DAYS + 1), tick=False):
        late = citizen_client(grs.citizen).post(url, {"text": "I was away, but I still disagree."})
        assert late.status_code == 400 and "The time to appeal is over" in late.content.decode()
    assert client.post(url, {"text": "I still disagree with this answer."}).status_code == 302
    twice = client.post(url, {"text": "Another appeal, different words."})
    assert twice.status_code == 409 and "only once" in twice.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.APPEALED and complaint.appeal_office == grs.dc_office
    adc = officer_client(grs.adc)
    assert complaint.number_display in adc.get(reverse("grievances:inbox")).content.decode()


def test_the_party_is_told_why_not(grs):
    from sheba.directory.models import Post
    from sheba.workflow.tests.helpers import hold

    complaint = filed(grs)
    hold(grs.uno, Post.objects.get(office=grs.office_a, code="up_secretary"), acting=True)
    client = officer_client(grs.uno)
    page = client.get(reverse("grievances:officer_complaint", args=[complaint.public_id]))
    assert page.status_code == 200 and "cannot investigate or decide" in page.content.decode()
    refused = client.post(reverse("grievances:decide", args=[complaint.public_id]),
                          {"decision": "reject", "reply": "Nothing wrong here."})
    assert refused.status_code == 400 and "head of the office must decide" in refused.content.decode()


def test_public_status_lookup(grs, settings):
    complaint = filed(grs)
    client = Client()
    url = reverse("grievances:status")
    assert client.get(url).status_code == 200
    found = client.get(url, {"number": complaint.number_display.lower()}, HTTP_ACCEPT_LANGUAGE="en")
    body = found.content.decode()
    assert found.status_code == 200 and complaint.number_display in body and "Submitted" in body
    assert "Upazila Nirbahi Office, Kaliakair" in body
    assert TEXT not in body and "Rahim" not in body and "রহিম" not in body  # no personal data
    application = complaint.application
    as_app = client.get(url, {"number": application.tracking_display}, HTTP_ACCEPT_LANGUAGE="en")
    assert as_app.status_code == 400 and "application status page" in as_app.content.decode()
    settings.SHEBA_STATUS_LOOKUPS_PER_MINUTE = 3
    codes = [client.get(url, {"number": f"GR-0000-0000-000{i}"}).status_code for i in range(4)]
    assert codes[:3] != [429, 429, 429] and codes[-1] == 429
    blocked = client.get(url, {"number": complaint.number_display})
    assert blocked.status_code == 429 and blocked["Retry-After"]


def test_who_opened_my_file_panel(grs):
    application = submitted(grs.desk)
    officer_client(grs.desk.secretary).get(reverse("workflow:file", args=[application.public_id]))
    page = citizen_client(grs.citizen).get(reverse("applications:detail", args=[application.public_id]))
    body = page.content.decode()
    assert "Who opened or acted on your file, and when" in body
    assert "Opened the file" in body and "Secretary" in body
    # Nobody else sees the application page at all; the panel is the applicant's only.
    assert citizen_client(grs.other_citizen).get(
        reverse("applications:detail", args=[application.public_id])).status_code == 404


def test_the_panel_tags_show_nothing_to_others(grs):
    from django.template import Context, Template
    from django.test import RequestFactory

    application = submitted(grs.desk)
    template = Template("{% load grievance_tags %}[{% complaint_button application %}{% file_trail application %}]")
    for user in (grs.other_citizen, grs.uno, make_citizen(mobile="+8801711000077")):
        request = RequestFactory().get("/")
        request.user = user
        assert template.render(Context({"request": request, "application": application})).split() == ["[", "]"]


def test_any_posted_junk_gets_an_answer_never_a_500(grs):
    """Random reasons, texts, ids and tokens on every complaint form: 2xx/3xx/4xx, never 5xx."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    application = submitted(grs.desk)
    complaint = filed(grs, application)
    client = citizen_client(grs.citizen)
    officer = officer_client(grs.uno)
    junk = st.text(max_size=80) | st.sampled_from(["", "delay", "conduct", "resolve", "upheld", "x" * 5000, "a\x00b"])

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(reason=junk, text=junk, target=junk, token=junk)
    def check(reason, text, target, token):
        for response in (
            client.post(NEW, {"reason": reason, "text": text, "application": target, "submission_token": token}),
            client.post(NEW, {"reason": reason, "text": text, "office": target, "submission_token": token}),
            client.get(NEW, {"application": target, "district": token, "q": text}),
            client.post(reverse("grievances:appeal", args=[complaint.public_id]), {"text": text}),
            officer.post(reverse("grievances:decide", args=[complaint.public_id]),
                         {"decision": reason, "reply": text}),
            Client().get(reverse("grievances:status"), {"number": text}),
        ):
            assert response.status_code < 500

    check()


def test_nul_characters_are_refused_cleanly(grs):
    """PostgreSQL cannot store NUL: refused with a message, wherever it is typed."""
    application = submitted(grs.desk)
    client = citizen_client(grs.citizen)
    response = post_new(client, application, text="A complaint with a \x00 NUL inside it.")
    assert response.status_code == 400 and "control characters" in response.content.decode()
    assert post_new(client, application, token="tok\x00en").status_code == 400
    assert client.get(NEW, {"q": "Atab\x00aha", "district": str(grs.desk.world.district.pk)}).status_code == 200
    assert Client().get(reverse("grievances:status"), {"number": "GR\x00-1"}).status_code == 400
    complaint = filed(grs, application)
    desk = officer_client(grs.uno)
    for url, data in ((reverse("grievances:decide", args=[complaint.public_id]), {"decision": "resolve", "reply": "a\x00b"}),
                      (reverse("grievances:note", args=[complaint.public_id]), {"note": "\x00"})):
        assert desk.post(url, data).status_code == 400
    assert Complaint.objects.count() == 1
