"""The developer outbox: how demo users read their OTP (page and command)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from sheba.notifications.services import notify

from .conftest import make_otp

pytestmark = pytest.mark.django_db
URL = "/notifications/outbox/"


def test_url_name():
    assert reverse("notifications:outbox") == URL


def test_hidden_unless_enabled(client, settings):
    make_otp()
    settings.SHEBA_SHOW_OUTBOX = False
    response = client.get(URL)
    assert response.status_code == 404
    assert "123456" not in response.content.decode()


def test_lists_newest_first_with_body_status_and_segments(client, settings, clock):
    settings.SHEBA_SHOW_OUTBOX = True
    make_otp(code="111111")
    clock.shift(60)
    make_otp(code="222222", to="+8801812345678")
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    assert '<html lang="bn">' in html
    assert "ডেভেলপার আউটবক্স" in html
    assert html.index("222222") < html.index("111111")
    assert "সেবা: নিবন্ধন ওটিপি 111111। ৫ মিনিট বৈধ। কাউকে জানাবেন না।" in html
    assert "০১৮১২-৩৪৫৬৭৮" in html  # the number in Bengali digits on a Bengali page
    assert "পাঠানোর অপেক্ষায়" in html  # status "created", in Bengali
    assert "১টি এসএমএস অংশ" in html


@pytest.mark.parametrize("typed", ["০১৭১২-৩৪৫৬৭৮", "01712345678", "+880 1712 345678", "8801712345678"])
def test_filter_by_number_typed_in_any_format(client, settings, typed):
    settings.SHEBA_SHOW_OUTBOX = True
    make_otp(code="111111")
    make_otp(code="222222", to="+8801812345678")
    html = client.get(URL, {"to": typed}).content.decode()
    assert "111111" in html
    assert "222222" not in html


def test_filter_by_partial_digits_and_by_email(client, settings):
    settings.SHEBA_SHOW_OUTBOX = True
    settings.SHEBA_EMAIL_BACKEND = "outbox"
    make_otp(code="111111")
    notify(event="welcome", context={"name": "Rahima"}, email_to="Rahima@Example.com", language="en")
    html = client.get(URL, {"to": "৩৪৫৬৭৮"}).content.decode()
    assert "111111" in html and "Rahima" not in html
    html = client.get(URL, {"to": "rahima@example.com"}).content.decode()
    assert "Welcome to Sheba" in html and "111111" not in html


def test_bad_filter_is_explained_on_the_same_page_and_keeps_what_was_typed(client, settings):
    settings.SHEBA_SHOW_OUTBOX = True
    make_otp(code="111111")
    response = client.get(URL, {"to": "ab<c>"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "০১৭১২-৩৪৫৬৭৮-এর মতো একটি মোবাইল নম্বর বা একটি ই-মেইল ঠিকানা লিখুন।" in html
    assert 'value="ab&lt;c&gt;"' in html
    assert 'aria-invalid="true"' in html
    assert "111111" not in html


def test_english_page(client, settings):
    settings.SHEBA_SHOW_OUTBOX = True
    make_otp(code="111111")
    html = client.get(URL, headers={"accept-language": "en"}).content.decode()
    assert "Developer outbox" in html
    assert "01712-345678" in html
    assert "waiting to be sent" in html


def test_empty_outbox(client, settings):
    settings.SHEBA_SHOW_OUTBOX = True
    html = client.get(URL).content.decode()
    assert "এখনও কোনো বার্তা নেই।" in html


def test_outbox_command_prints_the_latest_messages(clock, capsys):
    make_otp(code="111111")
    clock.shift(1)
    make_otp(code="222222")
    make_otp(code="333333", to="+8801812345678")
    call_command("outbox", "--to", "০১৭১২৩৪৫৬৭৮", "--limit", "1")
    out = capsys.readouterr().out
    assert "222222" in out
    assert "111111" not in out and "333333" not in out
    assert "sms  +8801712345678  otp  created 1 segment(s) ucs2" in out


def test_outbox_command_refuses_a_bad_number():
    with pytest.raises(CommandError):
        call_command("outbox", "--to", "xyz")


def test_expired_secret_is_shown_as_removed(client, settings, clock):
    from sheba.notifications.services import outbox_sweep

    settings.SHEBA_SHOW_OUTBOX = True
    make_otp(code="111111")
    clock.shift(300)
    outbox_sweep()
    html = client.get(URL).content.decode()
    assert "111111" not in html
    assert "মেয়াদ শেষ হওয়ায় লেখাটি মুছে ফেলা হয়েছে।" in html
