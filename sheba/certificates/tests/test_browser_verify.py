"""In Debian's Chromium, without JavaScript needed: paste a code on /verify, read the result;
axe-core finds no serious or critical problem on the form, a valid and a revoked result."""

from __future__ import annotations

import pytest

from conftest import assert_accessible
from sheba.certificates.services import certificate_revoke

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_paste_a_code_and_see_valid_then_revoked(page, issue):
    cert = issue()
    page.goto("/verify/")
    assert page.locator("h1").inner_text() == "সনদ যাচাই করুন"
    assert_accessible(page)

    page.get_by_label("সনদের কোড").fill(cert.payload)
    page.get_by_role("button", name="যাচাই করুন", exact=True).click()
    assert page.locator("#verify-result-title").inner_text() == "বৈধ সনদ"
    assert "মোছাঃ খাদিজা আক্তার" in page.locator("#verify-result").inner_text()
    assert_accessible(page)

    certificate_revoke(actor=None, certificate=cert, reason="ভুল তথ্য")
    page.get_by_role("button", name="যাচাই করুন", exact=True).click()
    assert page.locator("#verify-result-title").inner_text() == "এই সনদটি বাতিল করা হয়েছে"
    assert "ভুল তথ্য" in page.locator("#verify-result").inner_text()
    assert_accessible(page)

    page.get_by_label("সনদের কোড").fill("BD1:JUNK")
    page.get_by_role("button", name="যাচাই করুন", exact=True).click()
    assert page.locator("#verify-result-title").inner_text() == "বৈধ নয়"
    assert_accessible(page)
