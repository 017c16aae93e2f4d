"""The `make bench` plugin's requests are real: each prepared "start a payment" POST gets the 302
to the sandbox's hosted page, each prepared IPN marks its payment paid (checked here through
Django's test client instead of wrk and gunicorn)."""

from __future__ import annotations

import socket
import tempfile
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.db import connection
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from sheba.applications.models import Application, Status
from sheba.payments import bench
from sheba.payments.models import PaymentIntent
from sheba.payments.models import Status as PaymentStatus
from sheba.workflow.tests.helpers import make_desk, submitted

pytestmark = pytest.mark.django_db(transaction=True)


class FakeHarness:
    def sql(self, statement, params=None):
        with connection.cursor() as cursor:
            cursor.execute(statement, params)

    def one(self, statement, params=None):
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchone()

    def csrf_pair(self):
        request = RequestFactory().get("/")
        token = get_token(request)
        return request.META["CSRF_COOKIE"], token

    def session_cookie(self, user):
        client = Client()
        client.force_login(user)
        return client.session.session_key


def _client(cookie: str | None) -> Client:
    client = Client(enforce_csrf_checks=True)
    for name, morsel in SimpleCookie(cookie or "").items():
        client.cookies[name] = morsel.value
    return client


def test_the_bench_requests_start_payments_and_pay_them(settings, media_root):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.SHEBA_PAYMENT_GATEWAY_URL = f"http://127.0.0.1:{port}"
    settings.SHEBA_PAYMENT_TIMEOUT_SECONDS = 5.0
    desk = make_desk()
    made = [submitted(desk) for _ in range(bench.SPREAD + 3)]
    assert Application.objects.filter(status=Status.SUBMITTED).count() == len(made)
    h = FakeHarness()
    with tempfile.TemporaryDirectory() as directory:
        state = Path(directory) / "sandbox.sqlite3"
        starts = bench._fee_requests(h, 50)
        ipns = bench._ipn_requests(h, state, 3)
        sandbox = bench._start_sandbox(state)
        assert not isinstance(sandbox, str), sandbox
        try:
            assert starts, "no application was picked"
            for path, body, cookie in starts:
                response = _client(cookie).post(path, data=body, content_type="application/x-www-form-urlencoded")
                assert response.status_code == 302 and response["Location"].startswith("/payments/")
            for path, body, _cookie in ipns:
                response = Client().post(path, data=body, content_type="application/x-www-form-urlencoded")
                assert response.status_code == 200, response.content
        finally:
            sandbox.terminate()
            sandbox.wait(timeout=10)
    pending = PaymentIntent.objects.filter(purpose="application_fee", status=PaymentStatus.PENDING)
    assert pending.count() == len(starts)
    assert all(f":{port}/pay/" in intent.gateway_url for intent in pending)
    assert PaymentIntent.objects.filter(tran_id__startswith="SHBB", status=PaymentStatus.PAID).count() == 3
