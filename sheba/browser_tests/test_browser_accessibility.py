"""axe-core on every page, in Bengali and in English: zero serious or critical violations.

Each test walks the pages the way a person does (so the OTP and MPIN steps and the error
states are real) and reports every page's violations together at the end.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import axe_violations
from sheba.browser_tests.helpers import latest_otp, sign_in_by_cookie, totp_now
from sheba.core.tests.test_pages_every_page import PAGE_LIMIT_BYTES, page_weight

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOBILE = "+8801712345678"
LOCALES = {"bn": "bn-BD", "en": "en-GB"}


class Audit:
    def __init__(self, page, language):
        self.page = page
        self.language = language
        self.found: dict[str, list[str]] = {}
        self.checked: list[str] = []

    def check(self, what: str) -> None:
        self.page.wait_for_load_state()
        assert self.page.locator("html").get_attribute("lang") == self.language, f"{what}: wrong language"
        self.checked.append(what)
        # the cross-cutting guarantees, on the pages only a real walk reaches (OTP, MPIN steps)
        assert self.page.locator("footer a[href^='tel:']").count() == 1, f"{what}: no help-desk phone"
        assert self.page.locator("footer a[href^='mailto:']").count() == 1, f"{what}: no help-desk e-mail"
        weight = page_weight(self.page.content().encode())
        assert weight < PAGE_LIMIT_BYTES, f"{what}: {weight} bytes"
        problems = axe_violations(self.page)
        if problems:
            self.found[what] = [
                f"{v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']][:3]}" for v in problems
            ]

    def assert_clean(self) -> None:
        report = "\n".join(f"{page}: {line}" for page, lines in self.found.items() for line in lines)
        assert not self.found, f"[{self.language}] axe violations:\n{report}"


def _submit(page) -> None:
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["bn", "en"])
def test_citizen_pages_have_no_serious_violations(open_context, live_server, language):
    page = open_context(locale=LOCALES[language]).new_page()
    audit = Audit(page, language)
    page.goto("/")
    audit.check("home")
    page.goto(reverse("accounts:register"))
    audit.check("register: mobile")
    _submit(page)
    audit.check("register: mobile, empty (error)")
    page.locator("input[name=mobile]").fill("0212345678")
    _submit(page)
    audit.check("register: landline (error)")
    page.locator("input[name=mobile]").fill("01712345678")
    _submit(page)
    page.wait_for_url(re.compile(re.escape(reverse("accounts:register_verify"))))
    audit.check("register: OTP")
    page.locator("input[name=code]").fill("12")
    _submit(page)
    audit.check("register: OTP, wrong (error)")
    page.locator("input[name=code]").fill(latest_otp(MOBILE))
    _submit(page)
    page.wait_for_url(re.compile(re.escape(reverse("accounts:register_mpin"))))
    audit.check("register: MPIN")
    page.locator("input[name=mpin]").fill("123456")
    page.locator("input[name=mpin2]").fill("123456")
    _submit(page)
    audit.check("register: MPIN, trivial (error)")
    page.locator("input[name=mpin]").fill("493817")
    page.locator("input[name=mpin2]").fill("493817")
    _submit(page)
    page.wait_for_url(re.compile(re.escape(reverse("accounts:dashboard"))))
    audit.check("dashboard")
    page.goto(reverse("accounts:profile"))
    audit.check("profile")
    page.goto(reverse("accounts:profile_edit"))
    audit.check("profile: edit")
    if page.locator("input[name=email]").count():
        page.locator("input[name=email]").fill("not an address")  # an error state
    _submit(page)
    audit.check("profile: edit, submitted")
    page.goto(reverse("notifications:outbox"))
    audit.check("outbox")
    page.goto("/no/such/page/")
    audit.check("404")
    page.goto(reverse("accounts:logout"))
    audit.check("logout: confirm")
    page.locator("nav").locator(f"form[action='{reverse('accounts:logout')}'] button").click()
    page.wait_for_load_state()
    page.goto(reverse("accounts:login"))
    audit.check("login")
    page.locator("input[name=mobile]").fill("01712345678")
    page.locator("input[name=mpin]").fill("000001")
    _submit(page)
    audit.check("login: wrong MPIN (error)")

    # a browser the account has never used: the login needs an OTP too (a minute later, as far
    # as the 60-second OTP cooldown knows)
    from django.core.cache import cache

    cache.clear()
    fresh = open_context(locale=LOCALES[language]).new_page()
    audit.page = fresh
    fresh.goto(reverse("accounts:login"))
    fresh.locator("input[name=mobile]").fill("01712345678")
    fresh.locator("input[name=mpin]").fill("493817")
    _submit(fresh)
    fresh.wait_for_url(re.compile(re.escape(reverse("accounts:login_verify"))))
    audit.check("login: OTP on a new device")
    audit.assert_clean()
    assert len(audit.checked) >= 18


@pytest.mark.parametrize("language", ["bn", "en"])
def test_officer_pages_have_no_serious_violations(open_context, live_server, language):
    from sheba.core.tests.test_pages_every_page import make_officer

    officer, device = make_officer("uno.audit")
    page = open_context(locale=LOCALES[language]).new_page()
    audit = Audit(page, language)
    page.goto(reverse("officer:login"))
    audit.check("officer login")
    page.locator("input[name=username]").fill("uno.audit")
    page.locator("input[name=password]").fill("wrong password here")
    _submit(page)
    audit.check("officer login: wrong password (error)")
    page.locator("input[name=username]").fill("uno.audit")
    page.locator("input[name=password]").fill("a long officer password 1")
    _submit(page)
    page.wait_for_url(re.compile(re.escape(reverse("officer:totp"))))
    audit.check("officer login: TOTP")
    page.locator("input[name=code]").fill("000000" if totp_now(device) != "000000" else "111111")
    _submit(page)
    audit.check("officer login: TOTP, wrong (error)")
    # the wrong code started django-otp's back-off; a person would wait, the test resets it
    type(device).objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    device.refresh_from_db()
    page.locator("input[name=code]").fill(totp_now(device))
    _submit(page)
    page.wait_for_url(re.compile(re.escape(reverse("officer:dashboard")) + "$"))
    audit.check("officer dashboard")
    audit.assert_clean()


def test_idle_dialog_is_accessible_in_english(open_context, live_server):
    from sheba.core.tests.test_pages_every_page import make_citizen

    context = open_context(locale="en-GB")
    sign_in_by_cookie(context, live_server, make_citizen())
    page = context.new_page()
    page.clock.install()
    page.goto(reverse("accounts:dashboard"))
    page.clock.fast_forward(301_000)
    page.get_by_role("alertdialog").wait_for(state="visible")
    audit = Audit(page, "en")
    audit.check("idle dialog")
    audit.assert_clean()
