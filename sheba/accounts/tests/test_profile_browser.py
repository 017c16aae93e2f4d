"""In a real browser (Debian's Chromium): the pickers with htmx and without JavaScript, and axe-core
checks of the profile, dashboard and officer pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from conftest import assert_accessible
from sheba.accounts.models import Profile
from sheba.accounts.tests.helpers_profile import make_citizen, make_geo, make_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery 7"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in_browser(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.session.session_key, "url": live_server.url}])


def option_labels(page, select_id: str) -> list[str]:
    return page.eval_on_selector_all(f"#{select_id} option", "els => els.map(e => e.textContent.trim())")


HTMX_IDLE = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


def pick(page, select: str, value: str) -> None:
    """Choose an option and wait for htmx to redraw the pickers. htmx wires up new elements only
    when its settle step ends, so a choice made before that (a robot is fast) would go unseen."""
    page.wait_for_function(HTMX_IDLE)
    with page.expect_response(lambda r: "/address-options/" in r.url, timeout=20_000):
        page.select_option(select, value)
    page.wait_for_function(HTMX_IDLE)


def test_pickers_with_htmx(page, live_server):
    geo = make_geo()
    citizen = make_citizen()
    sign_in_browser(page.context, live_server, citizen)
    page.goto("/accounts/profile/edit/")
    page.fill("#id_name_bn", "রহিম উদ্দিন")
    pick(page, "#id_present_division", str(geo.dhaka.pk))
    expect(page.locator("#id_present_district option")).to_have_count(3, timeout=15_000)
    assert option_labels(page, "id_present_district")[1:] == ["গাজীপুর", "নরসিংদী"]
    assert page.input_value("#id_name_bn") == "রহিম উদ্দিন"  # only the pickers were redrawn
    pick(page, "#id_present_district", str(geo.gazipur.pk))
    expect(page.locator("#id_present_upazila option")).to_have_count(3, timeout=15_000)
    pick(page, "#id_present_upazila", str(geo.kaliakair.pk))
    expect(page.locator("#id_present_union option")).to_have_count(3, timeout=15_000)
    page.select_option("#id_present_union", str(geo.boali.pk))
    page.check("#id_permanent_same")
    assert_accessible(page)
    page.click("main button[type=submit]:not([name=refresh])")
    page.wait_for_url("**/accounts/profile/")
    profile = Profile.objects.get(user=citizen)
    assert (profile.present_upazila_id, profile.present_union_id) == (geo.kaliakair.pk, geo.boali.pk)
    assert profile.permanent_union_id == geo.boali.pk
    assert_accessible(page)


def test_pickers_without_javascript(browser, live_server):
    geo = make_geo()
    citizen = make_citizen()
    context = browser.new_context(base_url=live_server.url, locale="bn-BD", java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in_browser(context, live_server, citizen)
        page.goto("/accounts/profile/edit/")
        page.select_option("#id_present_division", str(geo.dhaka.pk))
        page.click("button[name=refresh][value=present]")
        assert option_labels(page, "id_present_district")[1:] == ["গাজীপুর", "নরসিংদী"]
        page.select_option("#id_present_district", str(geo.narsingdi.pk))
        page.click("button[name=refresh][value=present]")
        assert option_labels(page, "id_present_upazila")[1:] == ["পলাশ"]
        page.select_option("#id_present_upazila", str(geo.palash.pk))
        page.click("main button[type=submit]:not([name=refresh])")
        page.wait_for_url("**/accounts/profile/")
        assert Profile.objects.get(user=citizen).present_upazila_id == geo.palash.pk
    finally:
        context.close()


def test_citizen_pages_are_accessible(page, live_server):
    make_geo()
    citizen = make_citizen()
    Profile.objects.create(user=citizen, name_bn="রহিম উদ্দিন")
    sign_in_browser(page.context, live_server, citizen)
    for url in ("/accounts/dashboard/", "/accounts/profile/", "/accounts/profile/edit/"):
        page.goto(url)
        assert_accessible(page)
    # the form with errors: a too-long name, a 16-digit birth registration number
    page.goto("/accounts/profile/edit/")
    page.eval_on_selector("#id_name_en", "el => el.removeAttribute('maxlength')")
    page.fill("#id_name_en", "A" * 150)
    page.select_option("#id_identity_kind", "brn")
    page.fill("#id_identity_number", "1990261812345678")
    page.click("main button[type=submit]:not([name=refresh])")
    assert page.is_visible(".error-summary")
    assert page.get_attribute("#id_identity_number", "aria-invalid") == "true"
    assert "id_identity_number_error" in page.get_attribute("#id_identity_number", "aria-describedby")
    assert_accessible(page)
    page.goto("/accounts/email/confirm/unknown-token/")
    assert_accessible(page)


def test_officer_pages_are_accessible(page, live_server):
    officer = make_officer(password=PASSWORD)
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    page.goto("/officer/login/")
    assert_accessible(page)
    page.fill("#id_username", officer.username)
    page.fill("#id_password", "wrong password")
    page.click("main button[type=submit]")
    assert page.is_visible(".error-summary")
    assert_accessible(page)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/officer/login/code/")
    assert_accessible(page)
    device.refresh_from_db()
    page.fill("#id_code", f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}")
    page.click("main button[type=submit]")
    page.wait_for_url("**/officer/")
    assert "ডেস্ক" in page.title() or page.is_visible("h1")
    assert_accessible(page)
