"""`manage.py reconcile`: a clean day shows nothing; each seeded difference is found."""

from __future__ import annotations

import urllib.parse
from io import StringIO

import pytest
import requests
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client

from sheba.core import clock
from sheba.payments import ledger, services
from sheba.payments.gateways import protocol
from sheba.payments.models import LedgerEntry, LedgerTransaction, PaymentIntent, Status
from sheba.payments.reconcile import differences
from sheba.payments.tests.helpers import PURPOSE, citizen, operator, staff, start

pytestmark = pytest.mark.django_db(transaction=True)
BASE = "http://testserver"


@pytest.fixture(autouse=True)
def _no_billers(monkeypatch):
    """The billers' side is the bill-payment app's to test; here it reports nothing."""
    monkeypatch.setattr("sheba.payments.reconcile.billpay_differences", lambda day: [])


def paid(sandbox, amount: int = 15_000, **fault) -> PaymentIntent:
    sandbox.fault(no_ipn=True, **fault)
    intent = start(citizen(), amount=amount)
    location = sandbox.pay(services.payment_checkout(intent=intent, return_base_url=BASE))
    parts = urllib.parse.urlsplit(location)
    Client().get(f"{parts.path}?{parts.query}")
    intent.refresh_from_db()
    sandbox.reset()
    return intent


def clean_day(sandbox) -> list[PaymentIntent]:
    finance, counter = staff(), operator()
    first, second = paid(sandbox), paid(sandbox, amount=25_050)
    services.refund_issue(actor=finance, intent=second, amount_poisha=5_000, reason="partly",
                          expected_available_poisha=25_050)
    services.operator_float_topup(actor=finance, operator=counter, amount_poisha=100_000)
    services.cash_payment_record(operator=counter, purpose=PURPOSE, reference="CASH-1", amount_poisha=3_000,
                                 payer_mobile="+8801711000009", description="Test item", idempotency_key="cash-key-001")
    return [first, second]


def kinds() -> list[str]:
    return sorted(d.kind for d in differences(clock.today()))


def test_a_clean_day_shows_no_differences(payment_sandbox, recorder):
    clean_day(payment_sandbox)
    assert differences(clock.today()) == []
    out = StringIO()
    call_command("reconcile", "--date", clock.today().isoformat(), stdout=out)
    assert "No differences" in out.getvalue()


def test_each_seeded_difference_is_found(payment_sandbox, recorder):
    first, second = clean_day(payment_sandbox)
    forgotten = paid(payment_sandbox)
    payment_sandbox.tamper(action="forget", tran_id=forgotten.tran_id)
    payment_sandbox.tamper(action="amount", tran_id=first.tran_id, amount_poisha=14_000)
    payment_sandbox.tamper(action="add", tran_id="SHBUNKNOWN0001", amount_poisha=9_900)
    # A refund made at the gateway's console that the platform never heard of.
    answer = requests.get(payment_sandbox.url + protocol.QUERY_PATH, params={
        "store_id": payment_sandbox.store_id, "store_passwd": payment_sandbox.store_passwd,
        "bank_tran_id": second.bank_tran_id, "refund_amount": "10.00", "refe_id": "console-1", "format": "json",
    }, timeout=5).json()
    assert answer["status"] == "success"
    held = paid(payment_sandbox, amount_delta=500)
    assert held.status == Status.HELD
    # A captured payment whose ledger posting is missing.
    now = clock.now()
    PaymentIntent.objects.create(purpose=PURPOSE, reference="NOPOST", amount_poisha=1_000, description="x",
                                 payer_mobile="+8801711000009", status=Status.PAID, tran_id="SHBNOPOST0001",
                                 created_at=now, updated_at=now, paid_at=now, channel="cash")
    # An unbalanced ledger transaction (only possible with the database's triggers switched off).
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            txn = LedgerTransaction.objects.create(at=now, kind="manual", memo="typo")
            LedgerEntry.objects.create(transaction=txn, account=ledger.account("suspense"), amount_poisha=700)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")

    assert kinds() == sorted(["missing_at_gateway", "amount_mismatch", "missing_on_platform", "refund_mismatch",
                              "held", "ledger_missing", "ledger_unbalanced"])
    out = StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("reconcile", "--date", clock.today().isoformat(), stdout=out)
    assert exit_code.value.code == 1
    printed = out.getvalue()
    for tran_id in (forgotten.tran_id, first.tran_id, "SHBUNKNOWN0001", second.tran_id, held.tran_id):
        assert tran_id in printed


def test_gateway_report_unavailable_is_a_difference(payment_sandbox, settings, recorder):
    settings.SHEBA_PAYMENT_GATEWAY_URL = "http://127.0.0.1:9"
    assert kinds() == ["gateway_report_unavailable"]


def test_the_database_refuses_an_unbalanced_posting_and_any_change_to_entries(payment_sandbox, recorder):
    with pytest.raises(DatabaseError), transaction.atomic():
        txn = LedgerTransaction.objects.create(at=clock.now(), kind="manual")
        LedgerEntry.objects.create(transaction=txn, account=ledger.account("suspense"), amount_poisha=700)
    assert LedgerEntry.objects.count() == 0
    with pytest.raises(ledger.Unbalanced):
        ledger.post(kind="manual", lines=[("suspense", 700), ("gateway_clearing", -699)])
    ledger.post(kind="manual", lines=[("suspense", 700), ("gateway_clearing", -700)])
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.update(amount_poisha=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.all().delete()
    assert sorted(LedgerEntry.objects.values_list("amount_poisha", flat=True)) == [-700, 700]


def test_bad_date_is_a_clear_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("reconcile", "--date", "22/11/2026")


def test_the_billers_differences_are_listed_too(payment_sandbox, monkeypatch, recorder):
    from sheba.payments.reconcile import Difference

    seeded = Difference("posting_missing", "BILL-1", "paid but never posted to the biller")
    monkeypatch.setattr("sheba.payments.reconcile.billpay_differences", lambda day: [seeded])
    assert differences(clock.today()) == [seeded]
