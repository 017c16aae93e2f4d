"""In a real browser (issue 6): a union's portal page, and the forgotten-MPIN flow with its new
identity step against the register simulator; axe-core on each page, in Bengali and English."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import assert_accessible
from sheba.browser_tests.helpers import latest_otp
from sheba.directory.tests.conftest import gopalganj, gopalganj_data  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCALES = {"bn": "bn-BD", "en": "en-GB"}
PHONE = "+8801712345678"


@pytest.mark.parametrize("language", ["bn", "en"])
def test_forgotten_mpin_with_the_identity_check(open_context, live_server, identity_register, language):
    from sheba.accounts import otp, services
    from sheba.accounts.models import OtpPurpose, User
    from sheba.accounts.tests.test_auth_helpers import give_identity

    challenge = services.citizen_registration_start(phone=PHONE, ip="10.1.1.1", language=language)
    otp.otp_verify(challenge_id=challenge.pk, phone=PHONE, purpose=OtpPurpose.REGISTER, code=latest_otp(PHONE))
    user = services.citizen_registration_finish(challenge_id=challenge.pk, phone=PHONE, mpin="482915",
                                                language=language)
    give_identity(user)
    from django.core.cache import cache

    cache.clear()  # the registration's OTP send counts

    page = open_context(locale=LOCALES[language]).new_page()
    page.goto(reverse("accounts:mpin_forgot"))
    page.locator("input[name=mobile]").fill("01712345678")
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_url(re.compile(re.escape(reverse("accounts:mpin_forgot_verify"))))
    page.locator("input[name=code]").fill(latest_otp(PHONE))
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_url(re.compile(re.escape(reverse("accounts:mpin_forgot_identity"))))
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page)
    # a wrong date of birth: refused on the same page, accessibly
    page.locator("input[name=number]").fill("১৯৯০৫৬১২৩৪৫৬৭")
    page.locator("input[name=date_of_birth]").fill("1990-03-16")
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "mpin/forgot/identity" in page.url
    assert_accessible(page)
    # the right answers: on to the new MPIN
    page.locator("input[name=number]").fill("1990561234567")
    page.locator("input[name=date_of_birth]").fill("1990-03-15")
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_url(re.compile(re.escape(reverse("accounts:mpin_forgot_new"))))
    page.locator("input[name=mpin]").fill("739264")
    page.locator("input[name=mpin2]").fill("739264")
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_url(re.compile(re.escape(reverse("accounts:login"))))
    assert User.objects.get(pk=user.pk).check_password("739264")


@pytest.mark.parametrize("language", ["bn", "en"])
def test_union_portal_page_is_accessible(open_context, live_server, gopalganj, language):  # noqa: F811
    from sheba.catalog.seeding import catalog_seed

    catalog_seed()
    page = open_context(locale=LOCALES[language]).new_page()
    page.goto("/up/paikkandiup/")
    assert page.locator("h1").inner_text().startswith("পাইককান্দি" if language == "bn" else "Paikkandi")
    assert page.locator("a[href*='/applications/apply/up-citizenship/']").count() == 1
    assert_accessible(page)
    page.goto("/up/?district=51&upazila=385")
    assert page.locator("a[href='/up/paikkandiup/']").count() == 1
    assert_accessible(page)
    page.goto("/up/no-such-union/")
    assert_accessible(page)
