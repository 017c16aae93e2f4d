"""The payment path over real HTTP: Sheba ↔ the sandbox gateway (its own process), IPNs posted by
the sandbox to Django's live server. Every fault case of SECURITY.md "Payments"."""

from __future__ import annotations

import threading
import time
import urllib.parse
from datetime import timedelta

import pytest
import requests
import time_machine
from django.db import connection
from django.test import Client

from sheba.core import clock
from sheba.payments import errors, ledger, services
from sheba.payments.gateways import protocol
from sheba.payments.models import (
    LedgerEntry,
    LedgerTransaction,
    PaymentEvent,
    PaymentIntent,
    Refund,
    RefundStatus,
    Status,
    UsedValidation,
)
from sheba.payments.tests.helpers import citizen, staff, start

pytestmark = pytest.mark.django_db(transaction=True)
BASE = "http://testserver"


def wait_for(intent: PaymentIntent, *statuses: str, seconds: float = 10.0) -> PaymentIntent:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        intent.refresh_from_db()
        if intent.status in statuses:
            return intent
        time.sleep(0.05)
    raise AssertionError(f"payment stayed {intent.status}, expected {statuses}")


def wait_ipns(sandbox, tran_id: str, count: int, seconds: float = 30.0) -> list[dict]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sent = [row for row in sandbox.ipn_log() if row["tran_id"] == tran_id]
        if len(sent) >= count:
            return sent
        time.sleep(0.1)
    raise AssertionError(f"the sandbox sent {len(sent)} IPNs, expected {count}")


def signed_ipn(sandbox, tran_id: str) -> dict[str, str]:
    """The IPN the sandbox would send for ``tran_id`` (its query answer, signed with the store password)."""
    answer = requests.get(sandbox.url + protocol.QUERY_PATH, params={
        "store_id": sandbox.store_id, "store_passwd": sandbox.store_passwd, "tran_id": tran_id}, timeout=5).json()
    fields = {k: str(v) for k, v in answer["element"][0].items() if k != "refunded_amount"}
    return {**fields, **protocol.sign(fields, sandbox.store_passwd)}


def english() -> Client:
    """A browser without a session, reading English."""
    client = Client()
    client.cookies["sheba_language"] = "en"
    return client


def return_path(location: str) -> str:
    parts = urllib.parse.urlsplit(location)
    return f"{parts.path}?{parts.query}"


def assert_books_balance() -> None:
    assert ledger.unbalanced_transactions() == []
    assert sum(LedgerEntry.objects.values_list("amount_poisha", flat=True)) == 0


def paid_postings(intent: PaymentIntent) -> int:
    return LedgerTransaction.objects.filter(intent=intent, kind="payment").count()


# --- The happy path ----------------------------------------------------------------------------


def test_pay_with_bkash_ipn_marks_paid_once(payment_live, recorder):
    payer = citizen()
    intent = start(payer, reference="FEE-1", amount=15_000)
    url = services.payment_checkout(intent=intent, return_base_url=BASE)
    assert url.startswith(payment_live.url + "/pay/")
    assert intent.status == Status.PENDING
    page = requests.get(url, timeout=5)
    assert page.status_code == 200 and "বিকাশ" in page.text and "Nagad" in page.text and "<script" not in page.text

    payment_live.pay(url, method="bkash")
    intent = wait_for(intent, Status.PAID)
    assert intent.card_type == "BKASH-BKash" and intent.receipt_number and intent.val_id
    assert recorder.paid == ["FEE-1"]
    assert paid_postings(intent) == 1
    assert ledger.balance(ledger.account("gateway_clearing")) == 15_000
    assert ledger.balance(ledger.account("office_fee_income")) == -15_000
    assert_books_balance()
    from sheba.notifications.models import Message

    assert Message.objects.filter(recipient=payer.mobile, body__contains="১৫০").count() == 1


def test_checkout_again_gives_the_same_page_and_paid_cannot_pay_again(payment_sandbox, recorder):
    intent = start(citizen())
    first = services.payment_checkout(intent=intent, return_base_url=BASE)
    assert services.payment_checkout(intent=intent, return_base_url=BASE) == first
    location = payment_sandbox.pay(first)
    Client().get(return_path(location))
    intent.refresh_from_db()
    assert intent.status == Status.PAID
    with pytest.raises(errors.AlreadyPaid):
        services.payment_checkout(intent=intent, return_base_url=BASE)
    with pytest.raises(errors.AlreadyPaid):
        start(citizen(), reference=intent.reference)


def test_checkout_inside_a_transaction_is_refused(payment_sandbox, recorder):
    from django.db import transaction

    intent = start(citizen())
    with pytest.raises(RuntimeError), transaction.atomic():
        services.payment_checkout(intent=intent, return_base_url=BASE)
    intent.refresh_from_db()
    assert intent.status == Status.CREATED


# --- Callbacks: repeated, concurrent, early, late, missing, forged --------------------------------


def test_the_same_ipn_100_times_changes_nothing_after_the_first(payment_live, recorder):
    payment_live.fault(duplicate_ipn=99)
    intent = start(citizen(), reference="FEE-100")
    payment_live.pay(services.payment_checkout(intent=intent, return_base_url=BASE))
    sent = wait_ipns(payment_live, intent.tran_id, 100)
    assert [row["http_status"] for row in sent] == [200] * 100
    intent.refresh_from_db()
    assert intent.status == Status.PAID
    assert recorder.paid == ["FEE-100"]
    assert paid_postings(intent) == 1
    assert PaymentEvent.objects.filter(intent=intent, to_status=Status.PAID).count() == 1
    assert_books_balance()


def test_50_concurrent_copies_of_the_ipn_pay_once(payment_live, live_server, recorder):
    payment_live.fault(no_ipn=True)
    intent = start(citizen(), reference="FEE-50")
    payment_live.pay(services.payment_checkout(intent=intent, return_base_url=BASE))
    body = signed_ipn(payment_live, intent.tran_id)
    barrier = threading.Barrier(50)
    answers: list[int] = []

    def post() -> None:
        barrier.wait()
        # The test server's listen backlog is small: like a real gateway, retry a refused connection.
        for _attempt in range(20):
            try:
                answers.append(requests.post(live_server.url + "/payments/gateway/ipn/", data=body,
                                             timeout=30).status_code)
                return
            except requests.ConnectionError:
                time.sleep(0.1)

    threads = [threading.Thread(target=post) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 50
    intent.refresh_from_db()
    assert intent.status == Status.PAID
    assert recorder.paid == ["FEE-50"]
    assert paid_postings(intent) == 1
    assert UsedValidation.objects.filter(intent=intent).count() == 1
    assert_books_balance()


def test_ipn_before_the_browser_returns(payment_live, recorder):
    intent = start(citizen())
    location = payment_live.pay(services.payment_checkout(intent=intent, return_base_url=BASE))
    wait_for(intent, Status.PAID)
    events = PaymentEvent.objects.filter(intent=intent).count()
    response = english().get(return_path(location))  # no session cookie: still works
    assert response.status_code == 200
    assert "payment is received" in response.content.decode()
    assert PaymentEvent.objects.filter(intent=intent).count() == events
    assert len(recorder.paid) == 1


def test_browser_return_without_any_ipn_is_resolved_server_to_server(payment_sandbox, recorder):
    payment_sandbox.fault(no_ipn=True)
    intent = start(citizen())
    location = payment_sandbox.pay(services.payment_checkout(intent=intent, return_base_url=BASE))
    response = Client().post(urllib.parse.urlsplit(location).path,
                             data=dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query)))
    assert response.status_code == 200
    intent.refresh_from_db()
    assert intent.status == Status.PAID
    assert len(recorder.paid) == 1


def test_late_ipn_after_the_browser_return_changes_nothing(payment_live, recorder):
    payment_live.fault(late_ipn=1.0)
    intent = start(citizen())
    location = payment_live.pay(services.payment_checkout(intent=intent, return_base_url=BASE))
    Client().get(return_path(location))
    intent.refresh_from_db()
    assert intent.status == Status.PAID
    events = PaymentEvent.objects.filter(intent=intent).count()
    assert [row["http_status"] for row in wait_ipns(payment_live, intent.tran_id, 1)] == [200]
    assert PaymentEvent.objects.filter(intent=intent).count() == events
    assert len(recorder.paid) == 1


def test_a_forged_browser_return_marks_nothing_paid(payment_sandbox, recorder):
    intent = start(citizen())
    services.payment_checkout(intent=intent, return_base_url=BASE)
    forged = {"tran_id": intent.tran_id, "val_id": "forged-val-id", "status": "VALID",
              "amount": protocol.taka_text(int(intent.amount_poisha))}
    response = english().post("/payments/gateway/return/success/", data=forged)
    assert response.status_code == 200
    assert "payment is received" not in response.content.decode()
    intent.refresh_from_db()
    assert intent.status == Status.PENDING
    assert recorder.paid == []
    assert Client().get("/payments/gateway/return/success/?tran_id=NOPE").status_code == 400


def test_forged_and_tampered_ipn_signatures_are_refused(payment_sandbox, live_server, recorder):
    payment_sandbox.fault(no_ipn=True)
    intent = start(citizen())
    payment_sandbox.pay(services.payment_checkout(intent=intent, return_base_url=BASE))
    good = signed_ipn(payment_sandbox, intent.tran_id)
    ipn = live_server.url + "/payments/gateway/ipn/"
    forged = {**good, **protocol.sign(good, "not-the-store-password")}
    tampered = {**good, "amount": "1.00"}
    narrow_fields = {k: good[k] for k in ("status", "tran_id")}
    narrow = {**good, **protocol.sign(narrow_fields, payment_sandbox.store_passwd, ["status", "tran_id"])}
    unsigned = {k: v for k, v in good.items() if not k.startswith("verify_")}
    for body in (forged, tampered, narrow, unsigned, {}):
        response = requests.post(ipn, data=body, timeout=10)
        assert response.status_code == 400, body
    intent.refresh_from_db()
    assert intent.status == Status.PENDING
    assert recorder.paid == []
    assert requests.get(ipn, timeout=5).status_code == 405
    # The genuine one still works afterwards.
    assert requests.post(ipn, data=good, timeout=10).status_code == 200
    wait_for(intent, Status.PAID)


def test_failed_and_cancelled_payments(payment_live, recorder):
    failed, cancelled = start(citizen()), start(citizen())
    location = payment_live.pay(services.payment_checkout(intent=failed, return_base_url=BASE), outcome="fail")
    payment_live.pay(services.payment_checkout(intent=cancelled, return_base_url=BASE), outcome="cancel")
    wait_for(failed, Status.FAILED)
    wait_for(cancelled, Status.CANCELLED)
    page = english().get(return_path(location)).content.decode()
    assert "was not completed" in page
    assert recorder.paid == []
    assert LedgerEntry.objects.count() == 0


# --- Timeouts, dropped answers, expiry ------------------------------------------------------------


def test_validation_timeout_makes_unknown_and_a_later_query_resolves_it(payment_sandbox, recorder):
    payment_sandbox.fault(no_ipn=True, timeout=3.0, timeout_on=["validate", "query"])
    intent = start(citizen())
    location = payment_sandbox.pay(services.payment_checkout(intent=intent, return_base_url=BASE))
    started = time.monotonic()
    Client().get(return_path(location))
    assert time.monotonic() - started < 8  # two 2-second timeouts, not the sandbox's stall
    intent.refresh_from_db()
    assert intent.status == Status.UNKNOWN
    assert recorder.paid == []
    payment_sandbox.reset()
    assert services.payments_resolve_stale() == 1
    intent.refresh_from_db()
    assert intent.status == Status.PAID
    assert recorder.paid == [intent.reference]


def test_dropped_checkout_answer_is_unknown_and_expires_only_after_a_query(payment_sandbox, recorder):
    payment_sandbox.fault(drop=["session"])
    intent = start(citizen())
    with pytest.raises(errors.GatewayUnavailable):
        services.payment_checkout(intent=intent, return_base_url=BASE)
    intent.refresh_from_db()
    assert intent.status == Status.UNKNOWN
    payment_sandbox.reset()
    services.payment_query(intent=intent)
    intent.refresh_from_db()
    assert intent.status == Status.UNKNOWN  # the gateway has the session, nobody paid yet; not 90 minutes
    with time_machine.travel(clock.now() + timedelta(minutes=91)):
        intent.refresh_from_db()
        assert intent.status == Status.UNKNOWN  # time alone expires nothing
        services.payments_resolve_stale()
        intent.refresh_from_db()
        assert intent.status == Status.EXPIRED
    assert PaymentEvent.objects.filter(intent=intent, to_status=Status.EXPIRED, source="task").count() == 1


def test_pending_expires_after_90_minutes_only_through_a_query(payment_sandbox, recorder):
    intent = start(citizen())
    services.payment_checkout(intent=intent, return_base_url=BASE)
    with time_machine.travel(clock.now() + timedelta(minutes=89)):
        services.payment_query(intent=intent)
        intent.refresh_from_db()
        assert intent.status == Status.PENDING
    with time_machine.travel(clock.now() + timedelta(minutes=91)):
        services.payment_query(intent=intent)
        intent.refresh_from_db()
        assert intent.status == Status.EXPIRED


def test_a_payment_made_after_expiry_is_still_recorded(payment_sandbox, recorder):
    payment_sandbox.fault(no_ipn=True)
    intent = start(citizen())
    url = services.payment_checkout(intent=intent, return_base_url=BASE)
    with time_machine.travel(clock.now() + timedelta(minutes=91)):
        services.payment_query(intent=intent)
    intent.refresh_from_db()
    assert intent.status == Status.EXPIRED
    location = payment_sandbox.pay(url)  # the payer was still on the page
    Client().get(return_path(location))
    intent.refresh_from_db()
    assert intent.status == Status.PAID
    assert recorder.paid == [intent.reference]


def test_gateway_down_at_checkout_is_a_clear_error(payment_sandbox, settings, recorder):
    settings.SHEBA_PAYMENT_GATEWAY_URL = "http://127.0.0.1:9"  # nothing listens there
    intent = start(citizen())
    with pytest.raises(errors.GatewayUnavailable) as caught:
        services.payment_checkout(intent=intent, return_base_url=BASE)
    assert "No money has been taken" in str(caught.value.message)
    intent.refresh_from_db()
    assert intent.status == Status.UNKNOWN


# --- What the gateway reports does not match ---------------------------------------------------------


@pytest.mark.parametrize(("switches", "reason"), [
    ({"amount_delta": 100}, "amount"),
    ({"amount_delta": -1000}, "amount"),
    ({"currency": "USD"}, "currency"),
    ({"risk": 1}, "risk"),
])
def test_mismatch_or_risk_holds_the_payment(payment_live, recorder, switches, reason):
    payment_live.fault(**switches)
    intent = start(citizen(), amount=20_000)
    payment_live.pay(services.payment_checkout(intent=intent, return_base_url=BASE))
    intent = wait_for(intent, Status.HELD)
    assert intent.hold_reason == reason
    assert recorder.paid == []
    assert paid_postings(intent) == 0
    assert_books_balance()


def test_a_replayed_val_id_never_pays_another_payment(payment_sandbox, recorder):
    payment_sandbox.fault(no_ipn=True)
    first, second = start(citizen()), start(citizen())
    location = payment_sandbox.pay(services.payment_checkout(intent=first, return_base_url=BASE))
    Client().get(return_path(location))
    first.refresh_from_db()
    assert first.status == Status.PAID
    services.payment_checkout(intent=second, return_base_url=BASE)
    # The payer of the second copies the first's val_id into the return URL.
    Client().get(f"/payments/gateway/return/success/?tran_id={second.tran_id}&val_id={first.val_id}&status=VALID")
    second.refresh_from_db()
    assert second.status == Status.PENDING
    # Even if a gateway answer carried it again, a used val_id pays nothing.
    from sheba.payments.gateways.base import Validation

    replay = Validation(status="VALID", tran_id=second.tran_id, val_id=first.val_id,
                        amount_poisha=int(second.amount_poisha), currency="BDT", risk_level=0)
    services._apply(second, replay, source="test")
    second.refresh_from_db()
    assert second.status == Status.PENDING
    assert recorder.paid == [first.reference]


# --- One success per item; refunds --------------------------------------------------------------------


def test_a_second_success_for_the_same_item_is_refunded_automatically(payment_sandbox, recorder):
    payment_sandbox.fault(no_ipn=True)
    payer = citizen()
    first, second = start(payer, reference="BILL-9"), start(payer, reference="BILL-9")
    first_url = services.payment_checkout(intent=first, return_base_url=BASE)
    second_url = services.payment_checkout(intent=second, return_base_url=BASE)
    Client().get(return_path(payment_sandbox.pay(first_url)))
    Client().get(return_path(payment_sandbox.pay(second_url, method="nagad")))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.PAID and first.duplicate_of_id is None
    assert second.duplicate_of_id == first.pk
    refund = Refund.objects.get(intent=second)
    assert refund.automatic and refund.amount_poisha == second.amount_poisha
    services.payments_resolve_stale()  # the worker's job: send the refund
    second.refresh_from_db()
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and second.status == Status.REFUNDED
    assert recorder.paid == ["BILL-9"] and recorder.refunded == []
    assert ledger.balance(ledger.account("refunds_payable")) == 0
    assert ledger.balance(ledger.account("gateway_clearing")) == first.amount_poisha
    assert_books_balance()


def test_refunds_never_exceed_what_remains(payment_sandbox, recorder):
    payment_sandbox.fault(no_ipn=True)
    finance = staff()
    intent = start(citizen(), amount=15_000)
    Client().get(return_path(payment_sandbox.pay(services.payment_checkout(intent=intent, return_base_url=BASE))))
    intent.refresh_from_db()
    refund = services.refund_issue(actor=finance, intent=intent, amount_poisha=10_000, reason="overcharged",
                                   expected_available_poisha=15_000)
    assert refund.status == RefundStatus.SUCCEEDED
    intent.refresh_from_db()
    assert intent.status == Status.PARTIALLY_REFUNDED and intent.available_poisha == 5_000
    with pytest.raises(errors.RefundTooLarge):
        services.refund_issue(actor=finance, intent=intent, amount_poisha=6_000, reason="again",
                              expected_available_poisha=5_000)
    with pytest.raises(errors.RefundPreconditionFailed) as caught:
        services.refund_issue(actor=finance, intent=intent, amount_poisha=1_000, reason="stale view",
                              expected_available_poisha=15_000)
    assert caught.value.status == 412
    services.refund_issue(actor=finance, intent=intent, amount_poisha=5_000, reason="rest",
                          expected_available_poisha=5_000)
    intent.refresh_from_db()
    assert intent.status == Status.REFUNDED and intent.available_poisha == 0
    assert recorder.refunded == [(intent.reference, 10_000), (intent.reference, 5_000)]
    with pytest.raises(errors.NotRefundable):
        services.refund_issue(actor=finance, intent=intent, amount_poisha=1, reason="x", expected_available_poisha=0)
    with pytest.raises(Exception, match="refund"):
        from django.db import transaction

        with transaction.atomic():
            PaymentIntent.objects.filter(pk=intent.pk).update(refunded_poisha=intent.amount_poisha + 1)
    assert ledger.balance(ledger.account("office_fee_income")) == 0
    assert_books_balance()


def test_concurrent_refunds_cannot_both_take_the_last_taka(payment_sandbox, recorder):
    payment_sandbox.fault(no_ipn=True)
    finance = staff()
    intent = start(citizen(), amount=15_000)
    Client().get(return_path(payment_sandbox.pay(services.payment_checkout(intent=intent, return_base_url=BASE))))
    intent.refresh_from_db()
    results: list[str] = []

    def refund() -> None:
        try:
            services.refund_issue(actor=finance, intent=PaymentIntent.objects.get(pk=intent.pk), amount_poisha=15_000,
                                  reason="double click", expected_available_poisha=15_000)
            results.append("ok")
        except errors.RefundPreconditionFailed:
            results.append("412")
        finally:
            connection.close()

    threads = [threading.Thread(target=refund) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["412"] * 4 + ["ok"]
    intent.refresh_from_db()
    assert intent.status == Status.REFUNDED and intent.refunded_poisha == 15_000


def test_only_staff_or_the_office_may_refund(payment_sandbox, recorder):
    payment_sandbox.fault(no_ipn=True)
    payer = citizen()
    intent = start(payer)
    Client().get(return_path(payment_sandbox.pay(services.payment_checkout(intent=intent, return_base_url=BASE))))
    intent.refresh_from_db()
    from sheba.core.errors import NotFound

    for who in (payer, citizen()):
        with pytest.raises(NotFound):
            services.refund_issue(actor=who, intent=intent, amount_poisha=100, reason="mine",
                                  expected_available_poisha=intent.available_poisha)
    assert Refund.objects.count() == 0
