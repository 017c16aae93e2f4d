"""A citizen sees who opened or acted on their file, and when — names and posts, never internal ids."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import translation

from sheba.audit.selectors import events_for_object, viewers_of
from sheba.audit.services import audit_record, audit_view

pytestmark = pytest.mark.django_db


@pytest.fixture
def file_history(citizen, secretary):
    with time_machine.travel(datetime(2026, 11, 22, 4, 5, tzinfo=UTC), tick=False):
        audit_record(actor=citizen, action="application.submitted", object_type="application", object_id="F-1")
    with time_machine.travel(datetime(2026, 11, 22, 5, 0, tzinfo=UTC), tick=False):
        audit_view(actor=secretary, object_type="application", object_id="F-1", ip="10.1.2.3")
    with time_machine.travel(datetime(2026, 11, 23, 6, 30, tzinfo=UTC), tick=False):
        audit_record(actor=secretary, action="workflow.send_back", object_type="application", object_id="F-1")
        audit_view(actor=secretary, object_type="application", object_id="F-1")
    audit_record(actor=None, action="workflow.started", object_type="application", object_id="OTHER")


def test_events_for_object_lists_who_did_what_oldest_first(file_history):
    trail = events_for_object("application", "F-1")
    assert [(e.actor_name, e.actor_post, e.action_label, e.at.isoformat()) for e in trail] == [
        ("রহিমা খাতুন", "", "আবেদন জমা দিয়েছেন", "2026-11-22T04:05:00+00:00"),
        ("করিম উদ্দিন", "সচিব, কাশিয়ানী ইউনিয়ন পরিষদ", "ফাইলটি খুলেছেন", "2026-11-22T05:00:00+00:00"),
        ("করিম উদ্দিন", "সচিব, কাশিয়ানী ইউনিয়ন পরিষদ", "সংশোধনের জন্য ফেরত পাঠিয়েছেন", "2026-11-23T06:30:00+00:00"),
        ("করিম উদ্দিন", "সচিব, কাশিয়ানী ইউনিয়ন পরিষদ", "ফাইলটি খুলেছেন", "2026-11-23T06:30:00+00:00"),
    ]
    assert [e.action for e in events_for_object("application", "F-1", views=False)] == [
        "application.submitted", "workflow.send_back",
    ]


def test_viewers_of_lists_only_openings_newest_first(file_history):
    viewers = viewers_of("application", "F-1")
    assert [(v.actor_name, v.at.isoformat()) for v in viewers] == [
        ("করিম উদ্দিন", "2026-11-23T06:30:00+00:00"),
        ("করিম উদ্দিন", "2026-11-22T05:00:00+00:00"),
    ]
    assert viewers_of("application", "nothing") == []


def test_english_names_and_labels(file_history):
    with translation.override("en"):
        trail = events_for_object("application", "F-1")
    assert (trail[1].actor_name, trail[1].actor_post, trail[1].action_label) == (
        "Karim Uddin", "Secretary, Kashiani Union Parishad", "Opened the file",
    )


def test_the_trail_include_renders_without_ids_or_ips(file_history, citizen, secretary):
    html = render_to_string("audit/_trail.html", {"trail": events_for_object("application", "F-1")})
    assert "করিম উদ্দিন" in html
    assert "সচিব, কাশিয়ানী ইউনিয়ন পরিষদ" in html
    assert "২২ নভেম্বর ২০২৬, ১১:০০" in html  # 05:00 UTC is 11:00 in Dhaka, Bengali digits
    assert "10.1.2.3" not in html
    assert "up-secretary" not in html
    assert f">{secretary.pk}<" not in html
    empty = render_to_string("audit/_trail.html", {"trail": []})
    assert "এখনো কেউ এই ফাইলটি খোলেননি বা এতে কোনো কাজ করেননি।" in empty
