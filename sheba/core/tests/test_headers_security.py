"""Security headers, cookie flags, no caching of authenticated pages, and a clean
``check --deploy`` under production settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from sheba.core.tests.test_pages_every_page import client_for, html_pages, make_citizen

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db


def _directives(csp: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in csp.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("who", ["anonymous", "citizen", "officer"])
def test_every_page_sends_the_security_headers(who):
    client = client_for(who)
    seen = 0
    for _url, name, response in html_pages(client):
        csp = _directives(response["Content-Security-Policy"])
        assert csp["script-src"] == ["'self'"], name
        assert csp["style-src"] == ["'self'"], name
        assert csp["default-src"] == ["'self'"], name
        assert csp["frame-ancestors"] == ["'none'"], name
        assert csp["object-src"] == ["'none'"], name
        # our own pages, plus the payment gateway's hosted page a payment form redirects to
        assert csp["form-action"] == ["'self'", "http://127.0.0.1:8091"], name
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        if who != "anonymous":
            assert response["Cache-Control"] == "no-store", f"{name} may be cached"
        seen += 1
    assert seen >= 2


def test_error_pages_send_the_headers_too():
    response = Client().get("/missing/")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_authenticated_json_is_not_cached_either():
    client = client_for("citizen")
    response = client.get(reverse("accounts:session_status"))
    assert "no-store" in response["Cache-Control"]


def test_session_and_csrf_cookies_are_httponly_and_samesite_lax():
    client = Client()
    page = client.get(reverse("core:home"))
    csrf = page.cookies["csrftoken"]
    assert csrf["samesite"] == "Lax"
    logged_in = Client()
    logged_in.force_login(make_citizen("+8801812345678"))
    response = logged_in.get(reverse("core:home"))  # the first page after login writes the session
    assert response.status_code == 200
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"


def _prod_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEBA_")}
    env.update(
        SHEBA_ENV="prod",
        SHEBA_SECRET_KEY=secrets.token_urlsafe(50),
        SHEBA_OTP_HASH_KEY=secrets.token_urlsafe(32),
        SHEBA_ALLOWED_HOSTS="sheba.example.gov.bd",
        SHEBA_PAYMENT_STORE_ID="sheba-store",
        SHEBA_PAYMENT_STORE_PASSWD="a store password from the gateway",
        SHEBA_VAR_DIR=os.environ.get("SHEBA_VAR_DIR", str(ROOT / "var")),
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgres://sheba@127.0.0.1:1/sheba"),
    )
    env.update(extra)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_is_clean_in_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_prod_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_secrets_or_with_debug():
    without = _prod_env()
    del without["SHEBA_SECRET_KEY"]
    result = _manage("check", env=without)
    assert result.returncode != 0
    assert "SHEBA_SECRET_KEY" in result.stderr
    result = _manage("check", env=_prod_env(SHEBA_DEBUG="true"))
    assert result.returncode != 0
    assert "DEBUG is on in production" in result.stderr
