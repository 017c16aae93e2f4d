"""Templates are edited in the admin: syntax checked on save, preview with the segment count."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.utils import translation

from sheba.notifications.admin import MessageAdmin, NotificationTemplateAdmin, NotificationTemplateForm
from sheba.notifications.models import Message, NotificationTemplate

pytestmark = pytest.mark.django_db


def test_preview_renders_example_values_and_counts_segments():
    template = NotificationTemplate.objects.get(event="otp", channel="sms", language="bn")
    model_admin = NotificationTemplateAdmin(NotificationTemplate, admin.site)
    with translation.override("en"):
        preview = str(model_admin.preview(template))
        length = str(model_admin.preview_length(template))
    assert "সেবা: নিবন্ধন ওটিপি 123456। ৫ মিনিট বৈধ। কাউকে জানাবেন না।" in preview
    assert "58 characters, ucs2: 1 SMS segment(s)." in preview
    assert length == "1 segment(s), ucs2"


def test_email_preview_shows_the_subject_and_escapes_html():
    template = NotificationTemplate.objects.get(event="email_verify", channel="email", language="en")
    template.body = "Dear {{ name }} <script>x</script>"
    model_admin = NotificationTemplateAdmin(NotificationTemplate, admin.site)
    preview = str(model_admin.preview(template))
    assert "Sheba: confirm your e-mail address" in preview
    assert "&lt;script&gt;" in preview and "<script>" not in preview


def test_a_template_with_a_syntax_error_is_refused():
    form = NotificationTemplateForm(
        data={"event": "otp", "channel": "sms", "language": "bn", "subject": "", "body": "{% if code %}{{ code }}"}
    )
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors["body"][0].startswith("This template has an error:")


def test_an_email_template_needs_a_subject():
    form = NotificationTemplateForm(
        data={"event": "new_event", "channel": "email", "language": "en", "subject": " ", "body": "Hello"}
    )
    assert not form.is_valid()
    assert list(form.errors) == ["subject"]


def test_a_valid_template_saves():
    form = NotificationTemplateForm(
        data={"event": "new_event", "channel": "sms", "language": "bn", "subject": "", "body": "{{ name }}"}
    )
    assert form.is_valid(), form.errors
    form.save()
    assert NotificationTemplate.objects.filter(event="new_event").count() == 1


def test_messages_are_read_only_in_the_admin(rf):
    model_admin = MessageAdmin(Message, admin.site)
    request = rf.get("/")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_gateway_timeout_is_capped_at_ten_seconds(settings):
    from sheba.notifications import conf

    settings.SHEBA_SMS_TIMEOUT_SECONDS = 30
    assert conf.sms_timeout_seconds() == 10
    settings.SHEBA_SMS_TIMEOUT_SECONDS = 2.5
    assert conf.sms_timeout_seconds() == 2.5
