"""The public status page «আবেদনের সর্বশেষ অবস্থা জানুন»: any way of typing the number, mistyped
and unknown numbers, throttling against enumeration, and no personal data."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from sheba.applications.models import Application
from sheba.applications.services import application_start, application_submit, application_update_draft
from sheba.core import tracking
from sheba.core.bengali import to_bn_digits

from .helpers import THURSDAY, locker_file, make_citizen, make_world

pytestmark = pytest.mark.django_db
URL = reverse("applications:status")


@pytest.fixture
def submitted():
    world = make_world()
    citizen = make_citizen(world)
    nid = locker_file(citizen)
    with time_machine.travel(THURSDAY, tick=False):
        draft = application_start(actor=citizen, service=world.service, office=world.office_a,
                                  submission_token="status-token-0123456789")
        application_update_draft(
            actor=citizen, application=draft, for_self=False, other_name="আব্দুল করিম",
            other_mobile="+8801819123456",
            form_data={"applicant_name": "রহিম উদ্দিন", "father_name": "করিম উদ্দিন", "nid": "1234567890",
                       "declaration": True},
            attachments=[(nid, "nid_copy")],
        )
        return application_submit(actor=citizen, application=draft, submission_token=draft.submission_token)


def lookup(number: str, client: Client | None = None, ip: str = "198.51.100.7"):
    return (client or Client()).get(URL, {"number": number}, REMOTE_ADDR=ip)


def test_the_empty_page_asks_for_a_number():
    response = Client().get(URL)
    assert response.status_code == 200
    assert "আবেদনের সর্বশেষ অবস্থা জানুন" in response.content.decode()


def test_valid_number_shows_status_office_and_expected_date(submitted):
    response = lookup(submitted.tracking_display)
    assert response.status_code == 200
    html = response.content.decode()
    assert "জমা হয়েছে" in html
    assert "আটাবহ ইউনিয়ন পরিষদ" in html
    assert "২৪ নভেম্বর ২০২৬" in html  # Thursday + 3 working days
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize("typed", ["lower", "spaces", "bengali_digits", "no_prefix"])
def test_any_way_of_typing_the_number_finds_it(submitted, typed):
    shown = submitted.tracking_display  # SB-XXXX-XXXX-XXX
    variants = {
        "lower": shown.lower(),
        "spaces": "  " + shown.replace("-", " ") + " ",
        "bengali_digits": to_bn_digits(shown),
        "no_prefix": submitted.tracking_number,
    }
    response = lookup(variants[typed])
    assert response.status_code == 200
    assert "জমা হয়েছে" in response.content.decode()


def test_no_personal_data_on_the_page(submitted):
    html = lookup(submitted.tracking_display).content.decode()
    for private in ("রহিম", "করিম", "1234567890", "১২৩৪৫৬৭৮৯০", "01711", "০১৭১১", "01819", "০১৮১৯", "8801"):
        assert private not in html


def test_mistyped_number_says_so(submitted):
    number = submitted.tracking_number
    wrong = ("1" if number[3] != "1" else "2")
    mistyped = number[:3] + wrong + number[4:]
    response = lookup(mistyped)
    assert response.status_code == 400
    assert "ভুল টাইপ হয়েছে" in response.content.decode()


def test_unknown_number_says_not_found(submitted):
    other = tracking.generate()
    while other == submitted.tracking_number:
        other = tracking.generate()
    response = lookup(other)
    assert response.status_code == 404
    assert "এই ট্র্যাকিং নম্বরে কোনো আবেদন আমাদের কাছে নেই" in response.content.decode()


def test_a_draft_is_never_found():
    assert lookup(tracking.generate()).status_code == 404
    assert Application.objects.count() == 0


def test_a_hundred_guesses_a_minute_from_one_address_are_throttled(submitted):
    client = Client()
    codes = [lookup(tracking.generate(), client).status_code for _ in range(100)]
    assert codes[:30] == [404] * 30
    assert set(codes[30:]) == {429}
    refused = lookup(tracking.generate(), client)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Even a real number is refused while throttled: a 429 must not tell "unknown" from "found".
    assert lookup(submitted.tracking_display, client).status_code == 429
    # Another address is not affected.
    assert lookup(submitted.tracking_display, ip="203.0.113.9").status_code == 200


def test_throttle_lifts_after_a_minute(submitted):
    with time_machine.travel(THURSDAY, tick=False) as traveller:
        assert [lookup(tracking.generate()).status_code for _ in range(31)] == [404] * 30 + [429]
        assert lookup(submitted.tracking_display).status_code == 429
        traveller.shift(61)
        assert lookup(submitted.tracking_display).status_code == 200
        assert lookup(tracking.generate()).status_code == 404


def test_successful_lookups_are_not_counted(submitted):
    codes = [lookup(submitted.tracking_display).status_code for _ in range(40)]
    assert codes == [200] * 40
    assert lookup(tracking.generate()).status_code == 404


def test_another_process_learns_the_block_on_the_next_unknown_number(submitted):
    from sheba.applications import throttle

    for _ in range(31):
        lookup(tracking.generate())
    throttle._blocked.clear()  # as a web process that has not refused this address yet
    assert lookup(tracking.generate()).status_code == 429  # the shared count refuses it
    assert lookup(submitted.tracking_display).status_code == 429  # and now this process knows


def test_found_lookup_is_one_query_and_writes_no_session(submitted, django_assert_num_queries):
    client = Client()
    with django_assert_num_queries(1):  # the indexed lookup, nothing else
        response = lookup(submitted.tracking_display, client)
    assert response.status_code == 200
    assert not response.cookies.get("sessionid")
