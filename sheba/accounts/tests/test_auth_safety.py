"""Never a 500 on any input; nothing logged holds an OTP, MPIN or session id."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheba.accounts.models import User
from sheba.accounts.tests.test_auth_helpers import (
    FAST_HASHERS,
    GOOD_MPIN,
    PHONE,
    last_code,
    make_citizen,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashers(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


ANONYMOUS_FORMS = {
    "accounts:register": ["mobile"],
    "accounts:register_verify": ["code", "resend"],
    "accounts:register_mpin": ["mpin", "mpin2"],
    "accounts:login": ["mobile", "mpin", "next"],
    "accounts:login_verify": ["code", "resend"],
    "accounts:mpin_forgot": ["mobile"],
    "accounts:mpin_forgot_verify": ["code", "resend"],
    "accounts:mpin_forgot_identity": ["number", "date_of_birth"],
    "accounts:mpin_forgot_new": ["mpin", "mpin2"],
    "accounts:logout": ["reason"],
}
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="০১২৩৪৫৬৭৮৯0123456789 -+", max_size=20),
    st.just("x" * 10_000),
    st.just("<script>alert(1)</script>"),
    st.just("\x00"),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(ANONYMOUS_FORMS)), values=st.lists(TEXT, min_size=3, max_size=3), flow=st.booleans())
def test_no_input_gives_a_server_error(name, values, flow):
    client = Client(raise_request_exception=False)
    if flow:  # with a flow under way, so the later steps really parse their input
        client.post(reverse("accounts:register"), {"mobile": "01712345678"})
        client.post(reverse("accounts:mpin_forgot"), {"mobile": "01712345678"})
    data = dict(zip(ANONYMOUS_FORMS[name], values, strict=False))
    response = client.post(reverse(name), data)
    assert response.status_code in (200, 302, 429), (name, data, response.status_code)


def test_change_of_mobile_takes_any_input_without_a_server_error():
    make_citizen(PHONE)
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get())
    for value in ["", "x" * 10_000, "\x00", "<b>", "০১৮১২৩৪৫৬৭৯", "+8801812345679"]:
        for url, data in [
            ("accounts:change_mobile", {"mpin": value, "new_mobile": value}),
            ("accounts:change_mobile_verify", {"code_old": value, "code_new": value}),
        ]:
            assert client.post(reverse(url), data).status_code in (200, 302, 429)


def test_nothing_logged_holds_an_otp_mpin_or_session_id(caplog):
    caplog.set_level(logging.DEBUG)
    client = Client()
    client.post(reverse("accounts:register"), {"mobile": PHONE})
    code = last_code(PHONE)
    client.post(reverse("accounts:register_verify"), {"code": "999999" if code != "999999" else "888888"})
    client.post(reverse("accounts:register_verify"), {"code": code})
    client.post(reverse("accounts:register_mpin"), {"mpin": GOOD_MPIN, "mpin2": GOOD_MPIN})
    key = client.session.session_key
    client.post(reverse("accounts:logout"))
    User.objects.filter(username=PHONE).update(consecutive_failures=97)
    for _ in range(3):  # into the lock, which logs a warning
        client.post(reverse("accounts:login"), {"mobile": PHONE, "mpin": "739264"})
    client.post(reverse("accounts:register_verify"), {"resend": "1"})
    logged = "\n".join(
        record.getMessage() + (str(record.exc_info) if record.exc_info else "") for record in caplog.records
    )
    assert "account locked" in logged  # logging did happen
    for secret in (code, GOOD_MPIN, "739264", key):
        assert secret not in logged
