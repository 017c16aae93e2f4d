"""The biller simulator and Sheba's HTTP client against it: signatures, faults, idempotent postings."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from sheba.billpay import adapters, protocol
from sheba.billpay.tests.helpers import DESCO, DESCO_LATE, DESCO_NO_BILL

DHAKA = ZoneInfo("Asia/Dhaka")


@pytest.fixture
def gateway(biller_sim):
    return adapters.get_gateway()


def paid_now() -> datetime:
    return datetime.now(DHAKA)


def test_fetch_a_bill_before_its_due_date(gateway):
    lookup = gateway.fetch(biller="DESCO", account=DESCO)
    assert lookup.found and lookup.holder_en == "Rahima Khatun"
    bill = lookup.bill
    assert bill is not None and not bill.paid and not bill.is_late
    assert (bill.amount_poisha, bill.late_fee_poisha, bill.payable_poisha) == (125000, 6250, 125000)
    assert bill.bill_id.startswith("DESCO-41012345-")


def test_a_late_bill_carries_its_late_fee(gateway):
    bill = gateway.fetch(biller="DESCO", account=DESCO_LATE).bill
    assert bill is not None and bill.is_late
    assert bill.payable_poisha == 84050 + 4200


def test_unknown_account_and_account_without_bill(gateway):
    assert gateway.fetch(biller="DESCO", account="49999999").found is False
    assert gateway.fetch(biller="DPDC", account=DESCO).found is False  # numbers belong to one biller
    lookup = gateway.fetch(biller="DESCO", account=DESCO_NO_BILL)
    assert lookup.found and lookup.bill is None


def test_pbs_accounts_are_per_samity(gateway):
    assert gateway.fetch(biller="BREB", account="123456789012", unit="246").found
    assert not gateway.fetch(biller="BREB", account="123456789012", unit="229").found


def test_down_and_slow_billers_raise_unavailable_within_the_timeout(gateway, biller_sim):
    biller_sim.fault("down")
    with pytest.raises(adapters.BillerUnavailable):
        gateway.fetch(biller="DESCO", account=DESCO)
    biller_sim.fault("slow")
    started = time.monotonic()
    with pytest.raises(adapters.BillerUnavailable):
        gateway.fetch(biller="DESCO", account=DESCO)
    assert time.monotonic() - started < 1.5  # the client's 0.5 s timeout, not the biller's 2 s


def test_wrong_secret_is_refused_and_reported_as_misconfiguration(biller_sim):
    wrong = adapters.HttpBillerGateway(url=biller_sim.url, client_id=biller_sim.client_id, secret="not-it",
                                       timeout=2)
    with pytest.raises(adapters.BillerMisconfigured):
        wrong.fetch(biller="DESCO", account=DESCO)


def test_a_replayed_request_is_refused(biller_sim):
    body = b'{"biller":"DESCO","account":"41012345","unit":"","nonce":"n1"}'
    timestamp = str(int(time.time()))
    headers = {"X-Client-Id": biller_sim.client_id, "X-Timestamp": timestamp, "Content-Type": "application/json",
               "X-Signature": protocol.sign(biller_sim.secret, "POST", protocol.FETCH_PATH, timestamp, body)}
    first = requests.post(biller_sim.url + protocol.FETCH_PATH, data=body, headers=headers, timeout=5)
    again = requests.post(biller_sim.url + protocol.FETCH_PATH, data=body, headers=headers, timeout=5)
    assert first.status_code == 200
    assert again.status_code == 401 and again.json()["error"] == "replayed"
    stale = str(int(time.time()) - 3600)
    headers.update({"X-Timestamp": stale,
                    "X-Signature": protocol.sign(biller_sim.secret, "POST", protocol.FETCH_PATH, stale, body)})
    old = requests.post(biller_sim.url + protocol.FETCH_PATH, data=body, headers=headers, timeout=5)
    assert old.status_code == 401 and old.json()["error"] == "stale_timestamp"


def test_posting_is_idempotent_by_reference_and_one_bill_is_paid_once(gateway, biller_sim):
    bill = gateway.fetch(biller="DESCO", account=DESCO).bill
    first = gateway.post(biller="DESCO", account=DESCO, unit="", bill_id=bill.bill_id, amount_poisha=125000,
                         reference="REF-1", paid_at=paid_now())
    again = gateway.post(biller="DESCO", account=DESCO, unit="", bill_id=bill.bill_id, amount_poisha=125000,
                         reference="REF-1", paid_at=paid_now())
    assert again.duplicate and again.biller_txn_id == first.biller_txn_id
    with pytest.raises(adapters.BillerRejected) as other:
        gateway.post(biller="DESCO", account=DESCO, unit="", bill_id=bill.bill_id, amount_poisha=125000,
                     reference="REF-2", paid_at=paid_now())
    assert other.value.reason == "already_paid"
    assert gateway.fetch(biller="DESCO", account=DESCO).bill.paid
    assert gateway.query(reference="REF-1").biller_txn_id == first.biller_txn_id
    assert gateway.query(reference="REF-2") is None
    assert len(biller_sim.state()["postings"]) == 1


def test_posting_checks_the_amount_including_the_late_fee(gateway):
    bill = gateway.fetch(biller="DESCO", account=DESCO_LATE).bill
    with pytest.raises(adapters.BillerRejected) as wrong:
        gateway.post(biller="DESCO", account=DESCO_LATE, unit="", bill_id=bill.bill_id, amount_poisha=84050,
                     reference="REF-3", paid_at=paid_now())
    assert wrong.value.reason == "amount_mismatch"
    # Paid before the due date (the payment was made then, the posting comes later): no late fee.
    early = paid_now() - timedelta(days=5)
    assert gateway.post(biller="DESCO", account=DESCO_LATE, unit="", bill_id=bill.bill_id, amount_poisha=84050,
                        reference="REF-4", paid_at=early).biller_txn_id


def test_fault_switches_for_postings(gateway, biller_sim):
    bill = gateway.fetch(biller="DESCO", account=DESCO).bill
    args = {"biller": "DESCO", "account": DESCO, "unit": "", "bill_id": bill.bill_id, "amount_poisha": 125000,
            "paid_at": paid_now()}
    biller_sim.fault("post_fail")
    with pytest.raises(adapters.BillerUnavailable):
        gateway.post(reference="F-1", **args)
    biller_sim.fault("post_reject")
    with pytest.raises(adapters.BillerRejected):
        gateway.post(reference="F-1", **args)
    assert biller_sim.state()["postings"] == []
    biller_sim.fault("slow_post")  # recorded, then the answer is too late
    with pytest.raises(adapters.BillerUnavailable):
        gateway.post(reference="F-1", **args)
    biller_sim.fault()
    assert gateway.query(reference="F-1") is not None
    biller_sim.fault("duplicate")
    gateway.post(reference="F-1", **args)
    state = biller_sim.state()
    assert len(state["postings"]) == 2 and state["requests"]["F-1"] == 4


def test_daily_report_lists_the_days_postings(gateway, biller_sim):
    bill = gateway.fetch(biller="DPDC", account="12345678").bill
    gateway.post(biller="DPDC", account="12345678", unit="", bill_id=bill.bill_id, amount_poisha=231075,
                 reference="R-1", paid_at=paid_now())
    today = date.fromisoformat(biller_sim.state()["today"])
    rows = gateway.report(day=today)
    assert [(r.reference, r.amount_poisha, r.bill_id) for r in rows] == [("R-1", 231075, bill.bill_id)]
    assert gateway.report(day=today - timedelta(days=1)) == []


def test_malformed_posting_is_refused(biller_sim, gateway):
    with pytest.raises(adapters.BillerMisconfigured):
        gateway._call("POST", protocol.POST_PATH, {"biller": "DESCO", "account": DESCO, "amount_poisha": "12",
                                                   "reference": "X"})
