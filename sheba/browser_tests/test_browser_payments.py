"""In Debian's Chromium: a citizen pays an application fee with "bKash" on the sandbox gateway
(a real separate service), comes back, sees the fee paid with a receipt link; the pages (plain
forms and links, no scripts) pass axe-core, in Bengali."""

from __future__ import annotations

import re

import pytest

from conftest import assert_accessible
from sheba.browser_tests.helpers import sign_in_by_cookie
from sheba.locker.tests.helpers import media_root  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _payment_templates(transactional_db):
    from importlib import import_module

    from django.apps import apps

    from sheba.notifications.models import NotificationTemplate

    for module, event in (("sheba.payments.migrations.0003_notification_templates", "payment_paid"),
                          ("sheba.applications.migrations.0002_notification_templates", "application_submitted")):
        if not NotificationTemplate.objects.filter(event=event).exists():
            import_module(module).seed(apps, None)


@pytest.mark.usefixtures("media_root")
def test_pay_a_fee_with_bkash_and_see_it_paid(open_context, live_server, payment_live):
    from sheba.catalog.models import ServiceFee
    from sheba.payments.models import PaymentIntent, Status
    from sheba.workflow.tests.helpers import make_desk, submitted

    desk = make_desk()
    ServiceFee.objects.filter(service=desk.world.service, office=desk.world.office_a).update(
        amount_poisha=5_000, online_collection_enabled=True)
    application = submitted(desk)
    context = open_context()  # axe-core needs JavaScript; the pages themselves use none
    sign_in_by_cookie(context, live_server, desk.citizen)
    page = context.new_page()
    page.goto(f"/applications/{application.public_id}/")
    assert "৳ ৫০" in page.locator("#h-fee").locator("..").inner_text()
    assert_accessible(page)

    page.get_by_role("button", name="ফি পরিশোধ করুন").click()
    page.wait_for_url(re.compile(r"/payments/[0-9a-f-]+/$"))
    assert_accessible(page)
    page.get_by_role("link", name="পেমেন্ট গেটওয়েতে যান").click()
    page.wait_for_url(re.compile(re.escape(payment_live.url) + "/pay/"))
    assert_accessible(page)
    page.get_by_label("বিকাশ").check()
    page.get_by_role("button", name="পরিশোধ করুন").click()
    page.wait_for_url(re.compile(r"/payments/gateway/return/success/"))
    assert "ধন্যবাদ" in page.content()
    assert_accessible(page)

    intent = PaymentIntent.objects.get(reference=str(application.public_id))
    assert intent.status == Status.PAID and intent.card_type == "BKASH-BKash"
    page.goto(f"/applications/{application.public_id}/")
    assert "পরিশোধ করা হয়েছে" in page.content()
    assert page.get_by_role("link", name="রসিদ ডাউনলোড করুন (পিডিএফ)").count() == 1
    page.goto(f"/payments/{intent.public_id}/")
    assert_accessible(page)
    page.goto("/payments/")
    assert_accessible(page)
