"""The citizen's dashboard and detail pages, and who may see what (citizen A, citizen B, an
officer, anonymous) — out of scope answers 404, officers and anonymous are redirected."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sheba.applications.models import Status
from sheba.applications.selectors import applications_visible_to
from sheba.applications.services import (
    application_start,
    application_submit,
    application_transition,
    application_update_draft,
)

from .helpers import client_for, locker_file, make_citizen, make_officer, make_world

pytestmark = pytest.mark.django_db

VALID = {"applicant_name": "রহিম উদ্দিন", "father_name": "করিম উদ্দিন", "nid": "1234567890", "declaration": True}


def submit(world, citizen, office, token):
    nid = locker_file(citizen)
    draft = application_start(actor=citizen, service=world.service, office=office, submission_token=token)
    application_update_draft(actor=citizen, application=draft, for_self=True, other_name="", other_mobile="",
                             form_data=VALID, attachments=[(nid, "nid_copy")])
    return application_submit(actor=citizen, application=draft, submission_token=token)


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def people(world):
    a = make_citizen(world)
    b = make_citizen(world, mobile="+8801911000002", name_bn="করিমা")
    return a, b


def test_dashboard_lists_applications_at_every_office_and_filters_by_status(world, people):
    a, _b = people
    first = submit(world, a, world.office_a, "token-a-0000000000001")
    second = submit(world, a, world.office_far, "token-a-0000000000002")
    draft = application_start(actor=a, service=world.service, office=world.office_b,
                              submission_token="token-a-0000000000003")
    application_transition(actor=None, application=second, to_status=Status.IN_REVIEW)
    client = client_for(a)
    html = client.get(reverse("applications:mine")).content.decode()
    assert first.tracking_display in html and second.tracking_display in html
    assert reverse("applications:edit", args=[draft.public_id]) in html
    html = client.get(reverse("applications:mine"), {"status": "in_review"}).content.decode()
    assert second.tracking_display in html
    assert first.tracking_display not in html
    assert reverse("applications:edit", args=[draft.public_id]) not in html
    # A nonsense filter shows everything rather than failing.
    assert client.get(reverse("applications:mine"), {"status": "<script>"}).status_code == 200


def test_detail_shows_the_full_history(world, people):
    a, _b = people
    application = submit(world, a, world.office_a, "token-a-0000000000001")
    application_transition(actor=None, application=application, to_status=Status.IN_REVIEW, note="যাচাই শুরু")
    application_transition(actor=None, application=application, to_status=Status.APPROVED)
    html = client_for(a).get(reverse("applications:detail", args=[application.public_id])).content.decode()
    history = html[html.index('id="h-history"'):]
    positions = [history.index(label) for label in ("জমা হয়েছে", "যাচাই চলছে", "অনুমোদিত")]
    assert positions == sorted(positions)
    assert "যাচাই শুরু" in html
    assert application.tracking_display in html


def test_another_citizens_application_is_404(world, people):
    a, b = people
    application = submit(world, a, world.office_a, "token-a-0000000000001")
    draft = application_start(actor=a, service=world.service, office=world.office_b,
                              submission_token="token-a-0000000000002")
    client = client_for(b)
    for url in (
        reverse("applications:detail", args=[application.public_id]),
        reverse("applications:edit", args=[application.public_id]),
        reverse("applications:detail", args=[draft.public_id]),
        reverse("applications:edit", args=[draft.public_id]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(reverse("applications:edit", args=[draft.public_id]),
                           {"action": "save", "for_whom": "self", "f-applicant_name": "হ্যাক"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.form_data == {}
    assert application.tracking_display not in client.get(reverse("applications:mine")).content.decode()


def test_anonymous_is_sent_to_log_in_and_officers_to_their_desk(world, people):
    a, _b = people
    application = submit(world, a, world.office_a, "token-a-0000000000001")
    urls = [
        reverse("applications:mine"),
        reverse("applications:detail", args=[application.public_id]),
        reverse("applications:edit", args=[application.public_id]),
        reverse("applications:start", args=[world.service.slug]),
    ]
    anonymous = client_for(None)
    officer = client_for(make_officer())
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
        response = officer.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("officer:dashboard")


def test_visibility_selector_matrix(world, people):
    from datetime import date

    from sheba.directory.models import OfficeUnit, Post, PostTerm

    a, b = people
    at_a = submit(world, a, world.office_a, "token-a-0000000000001")
    draft_a = application_start(actor=a, service=world.service, office=world.office_a,
                                submission_token="token-a-0000000000002")
    officer_a = make_officer("secretary.a")
    unit = OfficeUnit.objects.create(office=world.office_a, name_bn="শাখা", name_en="Branch")
    post = Post.objects.create(unit=unit, office=world.office_a, code="secretary", name_bn="সচিব", name_en="Secretary")
    PostTerm.objects.create(post=post, person=officer_a, starts_on=date(2020, 1, 1))
    officer_b = make_officer("secretary.b")
    assert set(applications_visible_to(a)) == {at_a, draft_a}
    assert set(applications_visible_to(b)) == set()
    assert set(applications_visible_to(officer_a)) == {at_a}  # drafts stay private
    assert set(applications_visible_to(officer_b)) == set()
    from django.contrib.auth.models import AnonymousUser

    assert set(applications_visible_to(AnonymousUser())) == set()
    # The locker's hook: officer A may now see the NID copy attached to the application they hold.
    from sheba.locker.selectors import versions_visible_to

    attached = at_a.attachments.get().version
    assert list(versions_visible_to(officer_a)) == [attached]
    assert list(versions_visible_to(officer_b)) == []
