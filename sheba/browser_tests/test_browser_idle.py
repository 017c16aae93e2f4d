"""The idle warning in a real browser, with Playwright's fake clock (no waiting)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import assert_accessible
from sheba.browser_tests.helpers import sign_in_by_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WARNING_BN = "আপনি গত ৫ মিনিটের জন্য নিষ্ক্রিয়। আপনি কি লগ আউট করতে চান?"
WARNING_EN = "You have been inactive for the last 5 minutes. Do you want to log out?"


@pytest.fixture
def citizen(db):
    from sheba.core.tests.test_pages_every_page import make_citizen

    return make_citizen("+8801712345678")


@pytest.fixture
def idle_page(open_context, live_server, citizen):
    context = open_context()
    sign_in_by_cookie(context, live_server, citizen)
    page = context.new_page()
    page.clock.install()
    page.goto(reverse("accounts:dashboard"))
    assert page.locator("body[data-session-warn]").count() == 1
    return page


def test_warning_appears_after_5_minutes_with_countdown_and_focus(idle_page):
    page = idle_page
    dialog = page.locator("#idle-dialog")
    page.clock.fast_forward(299_000)
    assert dialog.is_hidden()
    page.clock.fast_forward(1_500)
    dialog.wait_for(state="visible")
    assert page.locator("#idle-text").inner_text() == WARNING_BN
    assert page.locator("#idle-count").inner_text() == "৩০"
    assert page.evaluate("document.activeElement.id") == "idle-stay"
    page.clock.run_for(10_000)  # the fake clock also moves with real time, so allow a second
    assert page.locator("#idle-count").inner_text() in {"২০", "১৯"}
    assert_accessible(page)


def test_pointer_jiggles_and_keys_count_as_activity(idle_page):
    page = idle_page
    page.clock.fast_forward(200_000)
    page.keyboard.press("Shift")
    page.clock.fast_forward(200_000)  # 200 s since the key press
    assert page.locator("#idle-dialog").is_hidden()
    page.mouse.move(10, 10)
    page.mouse.move(20, 20)
    page.clock.fast_forward(290_000)
    assert page.locator("#idle-dialog").is_hidden()
    page.clock.fast_forward(11_000)
    page.locator("#idle-dialog").wait_for(state="visible")


def test_stay_posts_keepalive_and_closes(idle_page):
    page = idle_page
    page.clock.fast_forward(301_000)
    page.locator("#idle-dialog").wait_for(state="visible")
    with page.expect_response(lambda r: r.url.endswith(reverse("accounts:keepalive"))) as info:
        page.get_by_role("button", name="লগ ইন থাকুন").click()
    assert info.value.status == 204
    page.locator("#idle-dialog").wait_for(state="hidden")
    # the clock starts again: no warning for another 5 minutes
    page.clock.fast_forward(290_000)
    assert page.locator("#idle-dialog").is_hidden()


def test_escape_means_stay(idle_page):
    page = idle_page
    page.clock.fast_forward(301_000)
    page.locator("#idle-dialog").wait_for(state="visible")
    with page.expect_response(lambda r: r.url.endswith(reverse("accounts:keepalive"))) as info:
        page.keyboard.press("Escape")
    assert info.value.status == 204
    page.locator("#idle-dialog").wait_for(state="hidden")


def test_focus_stays_inside_the_dialog(idle_page):
    page = idle_page
    page.clock.fast_forward(301_000)
    page.locator("#idle-dialog").wait_for(state="visible")
    ids = []
    for _ in range(3):
        page.keyboard.press("Tab")
        ids.append(page.evaluate("document.activeElement.id"))
    assert ids == ["idle-logout", "idle-stay", "idle-logout"]


def test_countdown_end_logs_out_to_the_login_page(idle_page, live_server):
    page = idle_page
    page.clock.fast_forward(301_000)
    page.locator("#idle-dialog").wait_for(state="visible")
    with page.expect_navigation():
        page.clock.fast_forward(31_000)
    page.wait_for_load_state()
    assert re.search(r"/accounts/login/", page.url), page.url
    # the server session is gone
    page.goto(reverse("accounts:dashboard"))
    assert "/accounts/login/" in page.url


def test_english_warning_and_digits(open_context, live_server, citizen):
    context = open_context(locale="en-GB")
    sign_in_by_cookie(context, live_server, citizen)
    page = context.new_page()
    page.clock.install()
    page.goto(reverse("accounts:dashboard"))
    assert page.locator("html").get_attribute("lang") == "en"
    page.clock.fast_forward(301_000)
    page.locator("#idle-dialog").wait_for(state="visible")
    assert page.locator("#idle-text").inner_text() == WARNING_EN
    assert page.locator("#idle-count").inner_text() == "30"


def test_activity_the_server_has_not_seen_is_reported_with_its_age(idle_page):
    page = idle_page
    posts = []
    page.on("request", lambda r: posts.append(r.post_data) if r.url.endswith(reverse("accounts:keepalive")) else None)
    page.clock.fast_forward(200_000)
    assert posts == []  # no activity, nothing to report: the page never keeps a session alive by itself
    page.mouse.click(5, 5)
    with page.expect_request(lambda r: r.url.endswith(reverse("accounts:keepalive"))) as info:
        page.clock.run_for(1_000)
    assert info.value.post_data in {"idle=0", "idle=1"}
    assert info.value.headers["x-sheba-fetch"] == "1"
    assert info.value.headers["x-csrftoken"]


def test_activity_in_another_tab_counts(open_context, live_server, citizen):
    context = open_context()
    sign_in_by_cookie(context, live_server, citizen)
    context.clock.install()  # one fake clock for the whole context (both tabs)
    first, second = context.new_page(), context.new_page()
    for page in (first, second):
        page.goto(reverse("accounts:dashboard"))
    context.clock.fast_forward(200_000)
    second.bring_to_front()
    second.keyboard.press("Shift")
    first.bring_to_front()
    context.clock.fast_forward(150_000)  # 350 s since the first tab saw activity, 150 s since the second
    assert first.locator("#idle-dialog").is_hidden()
    context.clock.fast_forward(160_000)
    first.locator("#idle-dialog").wait_for(state="visible")


def test_page_behind_the_dialog_is_inert(idle_page):
    page = idle_page
    page.clock.fast_forward(301_000)
    page.locator("#idle-dialog").wait_for(state="visible")
    assert page.evaluate("document.querySelector('main').inert") is True
    page.keyboard.press("Escape")
    page.locator("#idle-dialog").wait_for(state="hidden")
    assert page.evaluate("document.querySelector('main').inert") is False
