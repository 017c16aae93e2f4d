"""The outbox page in Debian's Chromium: usable without JavaScript, no serious axe violations."""

from __future__ import annotations

import pytest

from .conftest import make_otp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_outbox_page_filters_by_a_bengali_number_and_is_accessible(page, settings):
    from conftest import assert_accessible

    settings.SHEBA_SHOW_OUTBOX = True
    make_otp(code="111111")
    make_otp(code="222222", to="+8801812345678")
    page.goto("/notifications/outbox/")
    assert page.locator("h1").inner_text() == "ডেভেলপার আউটবক্স"
    assert_accessible(page)
    page.get_by_label("মোবাইল নম্বর বা ই-মেইল ঠিকানা").fill("০১৮১২-৩৪৫৬৭৮")
    page.get_by_role("button", name="বার্তা দেখুন").click()
    bodies = page.locator(".outbox-body").all_inner_texts()
    assert bodies == ["সেবা: নিবন্ধন ওটিপি 222222। ৫ মিনিট বৈধ। কাউকে জানাবেন না।"]
    page.get_by_label("মোবাইল নম্বর বা ই-মেইল ঠিকানা").fill("abc")
    page.get_by_role("button", name="বার্তা দেখুন").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("মোবাইল নম্বর বা ই-মেইল ঠিকানা").input_value() == "abc"
    assert_accessible(page)
