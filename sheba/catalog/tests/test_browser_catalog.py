"""In Debian's Chromium: find a service by typing Bengali in Latin letters, read its charter;
axe-core finds no serious or critical problem on the list, the results or the service page."""

from __future__ import annotations

import pytest

from conftest import assert_accessible
from sheba.catalog.seeding import catalog_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_nagorik_and_read_the_charter(page):
    catalog_seed()
    page.goto("/services/")
    assert page.locator("h1").inner_text() == "সেবা খুঁজুন"
    assert_accessible(page)

    page.get_by_label("সেবা, খাত বা অফিসের নাম দিয়ে খুঁজুন").fill("nagorik")
    page.get_by_role("button", name="খুঁজুন", exact=True).click()
    page.wait_for_url("**/services/?q=nagorik*")
    first = page.locator(".service-card h3 a").first
    assert first.inner_text() == "নাগরিকত্ব সনদ"
    assert_accessible(page)

    first.click()
    page.wait_for_url("**/services/up-citizenship/")
    assert page.locator("h1").inner_text() == "নাগরিকত্ব সনদ"
    assert page.locator("#deadline").inner_text() == "১ কার্যদিবস"
    assert page.get_by_role("link", name="এই সেবার জন্য আবেদন করুন").get_attribute("href") == (
        "/applications/apply/up-citizenship/"
    )
    assert_accessible(page)


def test_browse_by_sector_in_english(page):
    catalog_seed()
    page.goto("/services/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    page.get_by_label("Sector", exact=True).select_option("land")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/services/?*sector=land*")
    assert page.locator(".service-card").count() == 6
    assert_accessible(page)
    page.locator(".service-card h3 a", has_text="Land mutation").click()
    assert page.locator("h1").inner_text() == "Land mutation (e-Namjari)"
    assert_accessible(page)
