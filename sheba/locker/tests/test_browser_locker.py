"""The locker in a real browser (Debian's Chromium): upload without JavaScript, a refusal, axe checks."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from conftest import assert_accessible
from sheba.locker.models import DocumentVersion
from sheba.locker.tests.helpers import exe_bytes, make_citizen, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in_context(browser, live_server, **options):
    citizen = make_citizen()
    client = Client()
    client.force_login(citizen)
    context = browser.new_context(base_url=live_server.url, locale="bn-BD", **options)
    context.set_default_timeout(10_000)
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_id, "url": live_server.url}])
    return context


@pytest.mark.parametrize("javascript", [False, True])
def test_upload_refusal_and_listing_are_accessible(browser, live_server, media_root, tmp_path, javascript):
    context = _signed_in_context(browser, live_server, java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.goto("/locker/")
        assert page.locator("h1").inner_text() == "আমার কাগজপত্র"
        if javascript:
            assert_accessible(page)

        page.goto("/locker/upload/")
        if javascript:
            assert_accessible(page)
        fake = tmp_path / "nid.pdf"
        fake.write_bytes(exe_bytes())
        page.select_option("#id_kind", "nid_copy")
        page.fill("#id_title", "আমার এনআইডি")
        page.set_input_files("#id_file", str(fake))
        page.get_by_role("button", name="আপলোড", exact=True).click()
        page.wait_for_load_state()
        assert "PDF ফাইল নয়" in page.locator("#error-summary").inner_text()
        assert page.input_value("#id_title") == "আমার এনআইডি"
        assert page.input_value("#id_kind") == "nid_copy"
        if javascript:
            assert_accessible(page)

        photo = tmp_path / "photo.png"
        photo.write_bytes(png_bytes())
        page.set_input_files("#id_file", str(photo))
        page.get_by_role("button", name="আপলোড", exact=True).click()
        page.wait_for_load_state()
        assert "আপনার কাগজটি লকারে সংরক্ষণ করা হয়েছে।" in page.content()
        assert "photo.png" in page.content()
        if javascript:
            assert_accessible(page)
        version = DocumentVersion.objects.get()
        assert (version.document.kind, version.document.title, version.scan_status) == (
            "nid_copy", "আমার এনআইডি", "clean")

        with page.expect_download() as caught:
            page.get_by_role("link", name="ডাউনলোড সংস্করণ ১").click()
        download = caught.value
        assert download.suggested_filename == "photo.png"
        assert open(download.path(), "rb").read() == (media_root / version.storage_name).read_bytes()
    finally:
        context.close()
