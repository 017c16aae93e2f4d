"""The hot pages (status lookup, «My applications», catalogue search) come from pre-rendered
frames and cached chrome (sheba.core.templatetags.frames, {% chrome %}): they must give exactly
the page the templates give, hold nothing of one person for another, and follow changes."""

from __future__ import annotations

import difflib
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from sheba.applications.services import application_start, application_submit, application_update_draft
from sheba.catalog.models import Service

from .helpers import client_for, locker_file, make_citizen, make_officer, make_world

pytestmark = pytest.mark.django_db

VALID = {"applicant_name": "রহিম উদ্দিন", "father_name": "করিম উদ্দিন", "nid": "1234567890", "declaration": True}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
IDLE = re.compile(r'data-session-idle="[0-9]+"')  # seconds since the last action: time passes


def submit(world, citizen, token):
    nid = locker_file(citizen)
    draft = application_start(actor=citizen, service=world.service, office=world.office_a, submission_token=token)
    application_update_draft(actor=citizen, application=draft, for_self=True, other_name="", other_mobile="",
                             form_data=VALID, attachments=[(nid, "nid_copy")])
    return application_submit(actor=citizen, application=draft, submission_token=token)


def page(client: Client, url: str, **params) -> tuple[int, str]:
    response = client.get(url, params, REMOTE_ADDR="198.51.100.9")
    html = CSRF.sub('name="csrfmiddlewaretoken" value="-"', response.content.decode())
    return response.status_code, IDLE.sub('data-session-idle="-"', html)


def same_as_the_templates(client: Client, url: str, **params) -> str:
    """The page twice from the frame (the second from the cache), then once through the plain
    template render (DEBUG turns frames and chrome caching off): all three identical."""
    first = page(client, url, **params)
    second = page(client, url, **params)
    with override_settings(DEBUG=True):
        plain = page(client, url, **params)
    diff = "\n".join(difflib.unified_diff(plain[1].splitlines(), first[1].splitlines(), lineterm=""))
    assert first == second == plain, diff
    return first[1]


@pytest.fixture
def world():
    return make_world()


@pytest.mark.parametrize("language", ["bn", "en"])
def test_status_page_is_the_template_page_in_every_state(world, language):
    citizen = make_citizen(world)
    application = submit(world, citizen, "frames-token-000000000001")
    client = Client()
    client.cookies["sheba_language"] = language
    url = reverse("applications:status")
    same_as_the_templates(client, url)
    html = same_as_the_templates(client, url, number=application.tracking_display)
    assert world.office_a.name_bn in html or world.office_a.name_en in html
    same_as_the_templates(client, url, number="SB-0000-0000-000")  # unknown: an error message
    same_as_the_templates(client, url, number='"><script>x</script>')  # malformed, escaped
    assert "<script>x" not in page(client, url, number='"><script>x</script>')[1]


def test_status_frame_holds_no_number_of_an_earlier_lookup(world):
    citizen = make_citizen(world)
    first = submit(world, citizen, "frames-token-000000000001")
    second = submit(world, citizen, "frames-token-000000000002")
    url = reverse("applications:status")
    html_first = page(Client(), url, number=first.tracking_display)[1]
    html_second = page(Client(), url, number=second.tracking_display)[1]
    assert first.tracking_display in html_first and first.tracking_display not in html_second
    assert second.tracking_display in html_second


def test_status_page_for_a_logged_in_citizen_keeps_the_session_parts(world):
    citizen = make_citizen(world)
    application = submit(world, citizen, "frames-token-000000000001")
    html = same_as_the_templates(client_for(citizen), reverse("applications:status"),
                                 number=application.tracking_display)
    assert 'id="idle-dialog"' in html and reverse("applications:mine") in html


@pytest.mark.parametrize("language", ["bn", "en"])
def test_dashboard_is_the_template_page_and_shows_only_ones_own(world, language):
    a = make_citizen(world)
    b = make_citizen(world, mobile="+8801911000002", name_bn="করিমা")
    mine = submit(world, a, "frames-token-000000000001")
    theirs = submit(world, b, "frames-token-000000000002")
    draft = application_start(actor=a, service=world.service, office=world.office_b,
                              submission_token="frames-token-000000000003")
    url = reverse("applications:mine")
    client_a, client_b = client_for(a), client_for(b)
    client_a.cookies["sheba_language"] = client_b.cookies["sheba_language"] = language
    html_a = same_as_the_templates(client_a, url)
    html_b = same_as_the_templates(client_b, url)
    assert mine.tracking_display in html_a and theirs.tracking_display not in html_a
    assert theirs.tracking_display in html_b and mine.tracking_display not in html_b
    assert reverse("applications:edit", args=[draft.public_id]) in html_a
    assert reverse("applications:edit", args=[draft.public_id]) not in html_b
    same_as_the_templates(client_a, url, status="submitted")
    same_as_the_templates(client_a, url, status="rejected")  # none: the empty message


def test_a_flash_message_still_shows_on_a_framed_page(world):
    citizen = make_citizen(world)
    client = client_for(citizen)
    draft = application_start(actor=citizen, service=world.service, office=world.office_a,
                              submission_token="frames-token-000000000001")
    response = client.post(reverse("applications:edit", args=[draft.public_id]), {"action": "save"})
    assert response.status_code == 302
    html = client.get(reverse("applications:mine")).content.decode()
    assert 'class="messages"' in html
    assert 'class="messages"' not in client.get(reverse("applications:mine")).content.decode()


def test_menu_chrome_differs_for_anonymous_citizen_and_officer(world):
    url = reverse("applications:status")
    anonymous = page(Client(), url)[1]
    citizen = page(client_for(make_citizen(world)), url)[1]
    officer = page(client_for(make_officer()), url)[1]
    assert reverse("accounts:login") in anonymous and reverse("applications:mine") not in anonymous
    assert reverse("applications:mine") in citizen and reverse("accounts:login") not in citizen
    assert reverse("officer:dashboard") in officer and reverse("applications:mine") not in officer


@override_settings(SHEBA_HELPDESK_PHONE="09612345678")
def test_chrome_follows_a_settings_change(world):
    assert "09612345678" in page(Client(), reverse("applications:status"))[1]


def test_catalogue_search_is_the_template_page_and_follows_changes(world):
    from sheba.catalog.services import service_refresh_search

    service_refresh_search(service=world.service)
    url = reverse("catalog:list")
    client = Client()
    same_as_the_templates(client, url)
    html = same_as_the_templates(client, url, q=world.service.name_bn)
    assert reverse("catalog:detail", args=[world.service.slug]) in html
    same_as_the_templates(client, url, q="x" * 300)  # too long: the note
    Service.objects.filter(pk=world.service.pk).update(is_published=False)  # no signal: the fingerprint
    html = page(client, url, q=world.service.name_bn)[1]
    assert reverse("catalog:detail", args=[world.service.slug]) not in html
    service = Service.objects.get(pk=world.service.pk)
    service.is_published = True
    service.name_en = "Renamed certificate"
    service.save()
    client.cookies["sheba_language"] = "en"
    assert "Renamed certificate" in page(client, url)[1]
