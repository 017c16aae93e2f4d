"""End-to-end in Debian's Chromium: register -> OTP -> MPIN -> log out -> log in -> idle warning
-> automatic logout; the language switch; the same registration with JavaScript off."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sheba.browser_tests.helpers import latest_otp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOBILE = "+8801712345678"


def _register(page, mobile_typed: str, mpin: str = "493817") -> None:
    page.goto(reverse("accounts:register"))
    page.get_by_label("Mobile number").fill(mobile_typed)
    page.get_by_role("button", name="Send the code").click()
    page.wait_for_url(re.compile(re.escape(reverse("accounts:register_verify"))))
    page.get_by_label("Code").fill(latest_otp(MOBILE))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(re.escape(reverse("accounts:register_mpin"))))
    page.get_by_label("New MPIN", exact=True).fill(mpin)
    page.get_by_label("New MPIN again").fill(mpin)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(re.compile(re.escape(reverse("accounts:dashboard"))))


def test_register_logout_login_idle_warning_and_automatic_logout(open_context):
    context = open_context(locale="en-GB")
    page = context.new_page()
    page.clock.install()
    _register(page, "০১৭১২-৩৪৫৬৭৮")  # typed in Bengali digits
    assert page.locator("h1").count() == 1

    page.locator("nav").get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    assert reverse("accounts:dashboard") not in page.url
    page.goto(reverse("accounts:dashboard"))
    assert reverse("accounts:login") in page.url  # the old session is gone

    page.goto(reverse("accounts:login"))
    page.get_by_label("Mobile number").fill("01712345678")
    page.get_by_label("MPIN", exact=True).fill("493817")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(reverse("accounts:dashboard"))))  # same device: no OTP

    page.clock.fast_forward(301_000)
    dialog = page.get_by_role("alertdialog")
    dialog.wait_for(state="visible")
    assert "You have been inactive for the last 5 minutes. Do you want to log out?" in dialog.inner_text()
    with page.expect_navigation():
        page.clock.fast_forward(31_000)
    page.wait_for_url(re.compile(re.escape(reverse("accounts:login"))))
    assert page.locator(".messages").count() == 1
    page.goto(reverse("accounts:dashboard"))
    assert reverse("accounts:login") in page.url


def test_language_switch_is_one_click(open_context):
    page = open_context().new_page()
    page.goto(reverse("accounts:login"))
    assert page.locator("html").get_attribute("lang") == "bn"
    page.get_by_role("button", name="English").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.url.endswith(reverse("accounts:login"))  # the same page, now in English
    assert page.get_by_role("heading", level=1).inner_text() == "Log in"
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "All government services in one place"
    page.get_by_role("button", name="বাংলা").click()
    page.wait_for_function("document.documentElement.lang === 'bn'")
    assert page.get_by_role("heading", level=1).inner_text() == "সব সরকারি সেবা এক জায়গায়"


def test_registration_works_without_javascript(open_context):
    context = open_context(locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    _register(page, "01712345678")
    # the language switch is a plain form too
    page.get_by_role("button", name="বাংলা").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "bn"
    assert reverse("accounts:dashboard") in page.url
