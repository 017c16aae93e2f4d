"""The payment core without a gateway: the transition table, idempotency keys, amounts, the
one-success index, the wire protocol's amounts and signatures, purposes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from sheba.core import clock
from sheba.core.errors import InvalidInput, NotFound
from sheba.payments import errors, services
from sheba.payments.gateways import protocol
from sheba.payments.models import TRANSITIONS, PaymentEvent, PaymentIntent, Status
from sheba.payments.purposes import purpose_get, register_purpose
from sheba.payments.tests.helpers import PURPOSE, citizen, start

pytestmark = pytest.mark.django_db


def test_the_transition_table_is_closed_and_final_states_stay_final():
    assert set(TRANSITIONS) == set(Status.values)
    for targets in TRANSITIONS.values():
        assert targets <= set(Status.values)
    assert TRANSITIONS[Status.REFUNDED] == frozenset()
    assert Status.EXPIRED not in TRANSITIONS[Status.CREATED] | TRANSITIONS[Status.LOCKED]
    # Only a query leaves UNKNOWN, and nothing goes back to CREATED.
    assert all(Status.CREATED not in targets for targets in TRANSITIONS.values())
    assert Status.PAID not in TRANSITIONS[Status.LOCKED]  # never paid while we are still calling the gateway


def test_an_illegal_transition_changes_nothing(recorder):
    intent = start(citizen())
    locked = services._lock(intent)
    with pytest.raises(errors.IllegalTransition):
        services._transition(locked, Status.REFUNDED, source="test")
    intent.refresh_from_db()
    assert intent.status == Status.CREATED
    assert PaymentEvent.objects.filter(intent=intent).count() == 1


def test_same_key_same_body_same_payment_other_body_conflict(recorder):
    payer = citizen()
    first = start(payer, reference="R-1", amount=10_000, key="key-000000001")
    again = start(payer, reference="R-1", amount=10_000, key="key-000000001")
    assert again.pk == first.pk
    with pytest.raises(errors.IdempotencyConflict) as caught:
        start(payer, reference="R-1", amount=20_000, key="key-000000001")
    assert caught.value.status == 409
    assert PaymentIntent.objects.filter(reference="R-1").count() == 1
    # Another person's identical key is theirs alone.
    other = start(citizen(), reference="R-1", amount=10_000, key="key-000000001")
    assert other.pk != first.pk


def test_idempotency_keys_are_kept_24_hours(recorder):
    payer = citizen()
    first = start(payer, reference="R-2", key="key-000000002")
    with time_machine.travel(clock.now() + timedelta(hours=23)):
        assert start(payer, reference="R-2", key="key-000000002").pk == first.pk
    with time_machine.travel(clock.now() + timedelta(hours=25)):
        later = start(payer, reference="R-2", amount=99_900, key="key-000000002")
    assert later.pk != first.pk and later.amount_poisha == 99_900


@pytest.mark.parametrize("amount", [0, -100, 10**12, 1.5, "100", True, None])
def test_bad_amounts_are_refused(recorder, amount):
    with pytest.raises(errors.BadAmount):
        start(citizen(), amount=amount)  # type: ignore[arg-type]
    assert PaymentIntent.objects.count() == 0


def test_bad_input_is_a_clear_error(recorder):
    payer = citizen()
    with pytest.raises(errors.UnknownPurpose):
        services.payment_start(actor=payer, purpose="nope", reference="R", amount_poisha=100, payer_mobile=payer.mobile,
                               description="x", idempotency_key="key-000000003")
    with pytest.raises(InvalidInput):
        services.payment_start(actor=payer, purpose=PURPOSE, reference="R", amount_poisha=100,
                               payer_mobile="+1 202 555 0100", description="x", idempotency_key="key-000000004")
    with pytest.raises(InvalidInput):
        services.payment_start(actor=payer, purpose=PURPOSE, reference="", amount_poisha=100, payer_mobile=payer.mobile,
                               description="x", idempotency_key="key-000000005")
    with pytest.raises(InvalidInput):
        services.payment_start(actor=payer, purpose=PURPOSE, reference="R", amount_poisha=100, payer_mobile=payer.mobile,
                               description="x", idempotency_key="short")
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        services.payment_start(actor=AnonymousUser(), purpose=PURPOSE, reference="R", amount_poisha=100,
                               payer_mobile=payer.mobile, description="x", idempotency_key="key-000000006")
    assert PaymentIntent.objects.count() == 0


def test_the_database_allows_one_success_per_item(recorder):
    payer = citizen()
    a, b = start(payer, reference="ONE"), start(payer, reference="ONE")
    PaymentIntent.objects.filter(pk=a.pk).update(status=Status.PAID)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentIntent.objects.filter(pk=b.pk).update(status=Status.PAID)
    PaymentIntent.objects.filter(pk=b.pk).update(status=Status.PAID, duplicate_of=a)  # a marked duplicate may
    with pytest.raises(errors.AlreadyPaid):
        start(payer, reference="ONE")
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentIntent.objects.filter(pk=a.pk).update(refunded_poisha=a.amount_poisha + 1)


def test_on_paid_failure_rolls_the_payment_back(recorder):
    from sheba.payments.gateways.base import Validation

    recorder.fail = True
    intent = start(citizen())
    PaymentIntent.objects.filter(pk=intent.pk).update(status=Status.PENDING)
    result = Validation(status="VALID", tran_id=intent.tran_id, val_id="V-ROLLBACK", amount_poisha=15_000,
                        currency="BDT", risk_level=0)
    with pytest.raises(RuntimeError):
        services._apply(intent, result, source="test")
    intent.refresh_from_db()
    assert intent.status == Status.PENDING and intent.val_id is None
    recorder.fail = False
    services._apply(intent, result, source="test")  # the next callback tries again
    intent.refresh_from_db()
    assert intent.status == Status.PAID and recorder.paid == [intent.reference]


def test_purposes_are_registered_with_labels():
    fee = purpose_get("application_fee")
    assert fee.label_bn == "আবেদন ফি" and fee.label_en == "Application fee"
    with pytest.raises(errors.UnknownPurpose):
        purpose_get("no-such-purpose")
    with pytest.raises(ValueError, match="ledger_account"):
        register_purpose("x", on_paid=lambda intent: None, label_bn="x", label_en="x", ledger_account="cash")


@given(st.integers(min_value=0, max_value=10**12))
def test_taka_text_round_trips(poisha):
    assert protocol.poisha_from_text(protocol.taka_text(poisha)) == poisha


@pytest.mark.parametrize("text", ["", "abc", "1.001", "NaN", "Infinity", "1e400", None, "12.3.4"])
def test_inexact_or_bad_amounts_are_not_read(text):
    assert protocol.poisha_from_text(text) is None


def test_signature_covers_what_matters():
    fields = {"tran_id": "T1", "val_id": "V1", "amount": "150.00", "status": "VALID", "currency": "BDT"}
    signed = {**fields, **protocol.sign(fields, "secret")}
    assert protocol.signature_valid(signed, "secret")
    assert not protocol.signature_valid(signed, "other")
    assert not protocol.signature_valid({**signed, "amount": "1.50"}, "secret")
    assert not protocol.signature_valid({**signed, "verify_sign_sha2": ""}, "other")
    narrow = {**fields, **protocol.sign(fields, "secret", ["tran_id", "status"])}
    assert not protocol.signature_valid(narrow, "secret")
