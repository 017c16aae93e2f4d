from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sheba.core.errors import InvalidInput
from sheba.notifications.models import Channel, Message, MessageStatus, NotificationTemplate
from sheba.notifications.services import TemplateMissing, notify
from sheba.notifications.tasks import send_message

from .conftest import MOBILE, make_otp

pytestmark = pytest.mark.django_db

EVENTS = {
    "otp": {Channel.SMS},
    "account_exists": {Channel.SMS},
    "generated_pin": {Channel.SMS},
    "mpin_changed": {Channel.SMS, Channel.EMAIL},
    "mobile_changed_old": {Channel.SMS},
    "email_verify": {Channel.EMAIL},
    "welcome": {Channel.SMS, Channel.EMAIL},
}


def test_every_event_is_seeded_in_bengali_and_english():
    seeded = set(NotificationTemplate.objects.filter(event__in=EVENTS).values_list("event", "channel", "language"))
    expected = {(e, c, lang) for e, channels in EVENTS.items() for c in channels for lang in ("bn", "en")}
    assert seeded == expected


def test_bengali_otp_keeps_the_code_in_ascii_and_minutes_in_bengali(clock):
    message = make_otp(code="493027")
    assert message.body == "সেবা: নিবন্ধন ওটিপি 493027। ৫ মিনিট বৈধ। কাউকে জানাবেন না।"
    assert (message.channel, message.recipient, message.language) == ("sms", MOBILE, "bn")
    assert (message.encoding, message.segments) == ("ucs2", 1)
    assert message.status == MessageStatus.CREATED
    assert message.attempts == 0
    assert message.expires_at == message.created_at + timedelta(seconds=300)


def test_english_otp_is_gsm7():
    message = make_otp(language="en", code="000111")
    assert message.body == "Sheba: your registration OTP is 000111. Valid 5 min. Never share it."
    assert (message.encoding, message.segments, message.language) == ("gsm7", 1, "en")


def test_lazy_labels_render_in_the_message_language():
    from django.utils.translation import gettext_lazy

    (message,) = notify(
        event="otp", context={"code": "123456", "purpose_label": gettext_lazy("English"), "minutes": 5},
        sms_to=MOBILE, language="en",
    )
    assert message.body.startswith("Sheba: your English OTP is 123456.")


def test_missing_language_falls_back_to_bengali():
    NotificationTemplate.objects.filter(event="generated_pin", language="en").delete()
    (message,) = notify(event="generated_pin", context={"pin": "482913"}, sms_to="01712-345678", language="en")
    assert message.language == "bn"
    assert message.body == "সেবা: আপনার অ্যাকাউন্ট চালু হয়েছে। পিন 482913। কাউকে জানাবেন না।"


def test_unknown_language_code_is_treated_as_bengali():
    (message,) = notify(event="mpin_changed", context={}, sms_to=MOBILE, language="fr-FR")
    assert message.language == "bn"
    (message,) = notify(event="mpin_changed", context={}, sms_to=MOBILE, language="en-GB")
    assert message.language == "en"


def test_sms_and_email_in_one_call(settings):
    settings.SHEBA_SITE_URL = "https://sheba.example"
    sms, mail = notify(event="welcome", context={"name": "রহিমা"}, sms_to="০১৭১২৩৪৫৬৭৮", email_to="rahima@example.com")
    assert (sms.channel, sms.recipient, sms.body) == ("sms", MOBILE, "সেবা-তে স্বাগতম, রহিমা! আপনার অ্যাকাউন্ট চালু হয়েছে।")
    assert (mail.channel, mail.recipient, mail.subject) == ("email", "rahima@example.com", "সেবা-তে স্বাগতম")
    assert "https://sheba.example" in mail.body
    assert (mail.encoding, mail.segments) == ("", 0)


def test_template_text_is_not_html_escaped():
    (message,) = notify(event="welcome", context={"name": "<b>Rahim & Co</b>"}, sms_to=MOBILE, language="en")
    assert message.body == "Welcome to Sheba, <b>Rahim & Co</b>! Your account is ready."


def test_email_only_event_asked_for_sms_raises_and_writes_nothing():
    with pytest.raises(TemplateMissing):
        notify(event="email_verify", context={"link": "x", "name": "y"}, sms_to=MOBILE)
    assert Message.objects.count() == 0


@pytest.mark.parametrize("kwargs", [{}, {"sms_to": "029123456"}, {"sms_to": "hello"}, {"email_to": "not-an-address"}])
def test_bad_recipients_are_refused(kwargs):
    with pytest.raises(InvalidInput):
        notify(event="welcome", context={"name": ""}, **kwargs)
    assert Message.objects.count() == 0


def test_the_send_is_queued_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = make_otp()
        assert DBTaskResult.objects.count() == 0  # nothing queued before the commit
    assert len(callbacks) == 1
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == send_message.module_path
    assert queued.args_kwargs == {"args": [str(message.pk)], "kwargs": {}}
    assert queued.status == TaskResultStatus.READY


def test_created_at_comes_from_the_clock(clock):
    from .conftest import START

    assert make_otp().created_at == START


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rows_commit_with_the_business_change_and_vanish_with_its_rollback():
    from sheba.accounts.models import User

    with transaction.atomic():
        User.objects.create_user("+8801712345678")
        make_otp()
    assert Message.objects.filter(recipient=MOBILE).count() == 1
    assert DBTaskResult.objects.filter(task_path=send_message.module_path).count() == 1

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        User.objects.create_user("+8801812345678")
        make_otp(to="+8801812345678")
        raise Boom
    assert not User.objects.filter(username="+8801812345678").exists()
    assert Message.objects.filter(recipient="+8801812345678").count() == 0
    assert DBTaskResult.objects.filter(task_path=send_message.module_path).count() == 1  # nothing queued


def test_a_huge_name_does_not_make_a_huge_sms():
    (sms, mail) = notify(event="welcome", context={"name": "ক" * 10_000}, sms_to=MOBILE, email_to="a@example.com")
    assert (sms.encoding, sms.segments) == ("ucs2", 4)
    assert sms.body.startswith("সেবা-তে স্বাগতম, কককক") and sms.body.endswith("…")
    assert "ক" * 10_000 in mail.body  # e-mail is not cut


def test_rendered_text_is_nfc():
    # য় is a composition exclusion: its NFC form is য + nukta, so the precomposed one must go.
    (message,) = notify(event="welcome", context={"name": "\u09df"}, sms_to=MOBILE)
    assert "\u09af\u09bc" in message.body and "\u09df" not in message.body
