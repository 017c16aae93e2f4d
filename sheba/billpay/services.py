"""Bill payment (Ekpay-style): saved biller accounts, paying a bill, posting it to the biller.

The money side is sheba.payments (purpose "bill", reference = the bill's key ``<biller>/<bill
id>``, so payments refuses a second successful payment of one bill). This module owns the
biller side:

* ``bill_payment_start`` / ``bill_payment_cash``: fetch the bill from the biller again (the
  amount always comes from the biller, never from the form), then start an online payment or
  record counter cash through payments.
* ``bill_payment_mark_paid`` (payments' ``on_paid`` hook, inside its transaction): PAID, and the
  posting task queued in that same transaction (the database task queue), so it cannot be lost.
* ``bill_payment_post`` (the worker): claims the row (``paid → posting``, committed, with a
  watchdog task queued for when a claim is stale) and only then calls the biller, with no
  transaction open. Every attempt after the first asks the biller first whether it already has
  our posting reference (a timeout or a killed worker may have delivered it), so a posting is
  never made twice. Failures are retried with exponential backoff; after the last attempt the
  payment is given up (``post_failed``) and ``bill_payment_refund_unposted`` refunds it, after
  one more check that the biller really has nothing.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from sheba.audit.services import audit_record
from sheba.billpay import adapters, conf, selectors
from sheba.billpay.catalogue import normalise_account
from sheba.billpay.models import (
    MONEY_IN,
    TRANSITIONS,
    Biller,
    BillerAccount,
    BillPayment,
    BillPaymentEvent,
    BillPaymentStatus,
    FetchMode,
)
from sheba.core import clock
from sheba.core.bengali import nfc, to_ascii_digits
from sheba.core.errors import Conflict, DomainError, InvalidInput, NotFound
from sheba.core.phone import parse_bd_mobile

logger = logging.getLogger(__name__)

PURPOSE = "bill"
SYSTEM_USERNAME = "system.billpay"
MAX_NICKNAME = 60


class AlreadyPaid(Conflict):
    code = "bill_already_paid"
    default_message = _("This bill is already paid. You do not need to pay it again.")


class BillChanged(Conflict):
    code = "bill_changed"
    default_message = _(
        "The bill or its amount has changed since you opened this page (for example, a late fee was added). "
        "Nothing was charged. Please check the amount and pay again."
    )


class NoBillDue(InvalidInput):
    code = "bill_nothing_due"
    default_message = _("There is no bill due on this account right now.")


class CashNotAccepted(InvalidInput):
    code = "bill_cash_not_accepted"
    default_message = _("This biller does not take cash at the counter. The citizen can pay online.")


class NotAnOperator(NotFound):
    code = "bill_not_an_operator"


# --- Saved accounts -------------------------------------------------------------------------


def clean_account(biller: Biller, *, unit: str, account_number: str) -> tuple[str, str]:
    """(unit, account number) checked against the biller's rules; InvalidInput naming the format."""
    unit = (unit or "").strip()[:20]
    if biller.has_units:
        if not unit or not biller.unit_name(unit):
            raise InvalidInput(_("Choose your %(unit)s.") % {"unit": biller.unit_label})
    else:
        unit = ""
    number = normalise_account(account_number)
    if not number:
        raise InvalidInput(_("Enter the %(label)s.") % {"label": biller.account_label})
    if not biller.account_matches(number):
        raise InvalidInput(
            _("This is not a valid %(label)s for %(biller)s: %(hint)s.")
            % {"label": biller.account_label, "biller": biller.name, "hint": biller.account_hint}
        )
    return unit, number


def biller_account_save(*, actor: Any, biller: Biller, unit: str, account_number: str, nickname: str = "",
                        gateway: adapters.BillerGateway | None = None) -> BillerAccount:
    """Save a biller account for the citizen. The number must have the biller's format and the
    biller must know it (when the biller is not answering, a well-formed number is saved anyway
    and checked when the bill is fetched)."""
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_citizen", False):
        raise NotFound()
    unit, number = clean_account(biller, unit=unit, account_number=account_number)
    nickname = " ".join(nfc(nickname or "").split())[:MAX_NICKNAME]
    if BillerAccount.objects.filter(owner=actor, biller=biller, unit=unit, account_number=number).exists():
        raise Conflict(_("You have already saved this account."))
    holder = ""
    try:
        lookup = selectors.bill_due(biller=biller, unit=unit, account_number=number, gateway=gateway)
        holder = lookup.holder_bn or lookup.holder_en
    except InvalidInput:
        raise
    except DomainError:
        logger.info("saving %s account without the biller's confirmation (biller not answering)", biller.code)
    try:
        with transaction.atomic(durable=True):
            account = BillerAccount.objects.create(owner=actor, biller=biller, unit=unit, account_number=number,
                                                   nickname=nickname, holder_name=holder[:200],
                                                   created_at=clock.now())
            audit_record(actor=actor, action="billpay.account_saved", object_type="biller_account",
                         object_id=str(account.public_id), data={"biller": biller.code})
    except IntegrityError:
        raise Conflict(_("You have already saved this account.")) from None
    return account


@transaction.atomic(durable=True)
def biller_account_remove(*, actor: Any, account: BillerAccount) -> None:
    """Forget a saved account (its payments stay in the history)."""
    if account.owner_id != getattr(actor, "pk", None):
        raise NotFound()
    audit_record(actor=actor, action="billpay.account_removed", object_type="biller_account",
                 object_id=str(account.public_id), data={"biller": account.biller.code})
    account.delete()


# --- Starting a payment -----------------------------------------------------------------------


def _parse_amount(raw: Any) -> int | None:
    """Taka as typed (Bengali digits, commas, up to 2 decimals) → poisha; None if unreadable."""
    text = to_ascii_digits(str(raw or "")).replace(",", "").replace("৳", "").strip()
    if not text or len(text) > 15:
        return None
    whole, _dot, frac = text.partition(".")
    if not whole.isdigit() or (frac and (not frac.isdigit() or len(frac) > 2)):
        return None
    return int(whole) * 100 + int((frac or "0").ljust(2, "0"))


def _description(biller: Biller, number: str, month: str) -> str:
    return f"{biller.code} {number}" + (f" ({month})" if month else "")


@transaction.atomic(durable=True)
def _create_pending(**fields: Any) -> BillPayment:
    public_id = uuid.uuid4()
    payment = BillPayment.objects.create(
        public_id=public_id, payment_key=f"billpay-{public_id.hex}", posting_reference=f"SHEBA-{public_id.hex}",
        created_at=clock.now(), **fields,
    )
    audit_record(actor=fields.get("operator") or fields.get("payer"), action="billpay.payment_started",
                 object_type="bill_payment", object_id=str(public_id),
                 data={"bill_key": payment.bill_key, "amount_poisha": int(payment.amount_poisha),
                       "cash": payment.cash})
    return payment


def _priced_bill(*, biller: Biller, unit: str, number: str, bill_id: str, amount: Any,
                 gateway: adapters.BillerGateway | None) -> dict[str, Any]:
    """Fetch the bill again and check what the form sent against it. The amount charged is the
    biller's, never the form's: a different figure (tampered, or a late fee added meanwhile) is
    refused with nothing charged."""
    lookup = selectors.bill_due(biller=biller, unit=unit, account_number=number, gateway=gateway)
    holder = lookup.holder_bn or lookup.holder_en
    claimed = _parse_amount(amount)
    if biller.fetch_mode == FetchMode.AMOUNT:
        low, high = biller.min_amount_poisha or 1, biller.max_amount_poisha or 10**10
        if claimed is None or not low <= claimed <= high:
            from sheba.core.money import Money

            raise InvalidInput(_("Enter an amount between %(low)s and %(high)s.")
                               % {"low": Money(int(low)), "high": Money(int(high))})
        own_id = f"{number}-{uuid.uuid4().hex[:12]}"
        return {"bill_id": own_id, "bill_key": selectors.bill_key(biller, own_id), "bill_month": "",
                "due_date": None, "bill_amount_poisha": claimed, "late_fee_poisha": 0, "amount_poisha": claimed,
                "holder_name": holder[:200]}
    bill = lookup.bill
    if bill is None:
        raise NoBillDue()
    key = selectors.bill_key(biller, bill.bill_id)
    if bill.paid or selectors.paid_payment_for_bill(key) is not None:
        raise AlreadyPaid()
    if (bill_id or "").strip() != bill.bill_id or claimed != bill.payable_poisha:
        raise BillChanged()
    return {"bill_id": bill.bill_id, "bill_key": key, "bill_month": bill.month, "due_date": bill.due_date,
            "bill_amount_poisha": bill.amount_poisha,
            "late_fee_poisha": bill.payable_poisha - bill.amount_poisha, "amount_poisha": bill.payable_poisha,
            "holder_name": holder[:200]}


def _payments_error(exc: DomainError) -> DomainError:
    """payments' "already paid" is ours too; everything else passes through as it is."""
    if getattr(exc, "code", "") == "payment_already_paid":
        return AlreadyPaid()
    return exc


def bill_payment_start(*, actor: Any, account: BillerAccount, bill_id: str, amount: Any, return_base_url: str,
                       gateway: adapters.BillerGateway | None = None) -> tuple[BillPayment, str]:
    """Pay the bill now due on a saved account online: returns the payment and the gateway's
    hosted page URL. ``amount`` is what the page showed (or, for fees, what the payer entered)."""
    from sheba.payments import services as payments

    if account.owner_id != getattr(actor, "pk", None):
        raise NotFound()
    biller = account.biller
    priced = _priced_bill(biller=biller, unit=account.unit, number=account.account_number, bill_id=bill_id,
                          amount=amount, gateway=gateway)
    payment = _create_pending(biller=biller, unit=account.unit, account_number=account.account_number,
                              payer=actor, payer_mobile=actor.mobile or "", **priced)
    try:
        intent = payments.payment_start(
            actor=actor, purpose=PURPOSE, reference=payment.bill_key, amount_poisha=int(payment.amount_poisha),
            payer_mobile=payment.payer_mobile,
            description=_description(biller, payment.account_number, payment.bill_month),
            idempotency_key=payment.payment_key,
        )
    except DomainError as exc:
        raise _payments_error(exc) from None
    BillPayment.objects.filter(pk=payment.pk, intent_public_id__isnull=True).update(intent_public_id=intent.public_id)
    payment.intent_public_id = intent.public_id
    try:
        url = payments.payment_checkout(intent=intent, return_base_url=return_base_url)
    except DomainError as exc:
        raise _payments_error(exc) from None
    return payment, url


def bill_payment_cash(*, operator: Any, biller: Biller, unit: str, account_number: str, citizen_mobile: str,
                      bill_id: str, amount: Any, gateway: adapters.BillerGateway | None = None) -> BillPayment:
    """An operator takes cash at the counter for a citizen's bill: recorded by payments against the
    operator's float (refused when it is too low); the citizen gets the payment SMS."""
    from sheba.payments import services as payments

    posts = list(selectors.counter_posts(operator)) if getattr(operator, "is_officer", False) else []
    if not posts:
        raise NotAnOperator()
    if not biller.accepts_cash:
        raise CashNotAccepted()
    try:
        mobile = parse_bd_mobile(citizen_mobile or "")
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0]) from None
    unit, number = clean_account(biller, unit=unit, account_number=account_number)
    priced = _priced_bill(biller=biller, unit=unit, number=number, bill_id=bill_id, amount=amount, gateway=gateway)
    citizen = get_user_model().objects.filter(mobile=mobile, kind="citizen", is_active=True).first()
    payment = _create_pending(biller=biller, unit=unit, account_number=number, payer=citizen, payer_mobile=mobile,
                              operator=operator, cash=True, **priced)
    try:
        intent = payments.cash_payment_record(
            operator=operator, purpose=PURPOSE, reference=payment.bill_key, amount_poisha=int(payment.amount_poisha),
            payer_mobile=mobile, description=_description(biller, number, payment.bill_month),
            idempotency_key=payment.payment_key, office=posts[0].office,
        )
    except DomainError as exc:
        raise _payments_error(exc) from None
    BillPayment.objects.filter(pk=payment.pk, intent_public_id__isnull=True).update(intent_public_id=intent.public_id)
    payment.refresh_from_db()
    return payment


# --- payments' hooks (inside its transactions) -----------------------------------------------------


def _move(payment: BillPayment, to_status: str, *, detail: str = "", fields: dict[str, Any] | None = None) -> None:
    """Move a LOCKED bill payment along ``TRANSITIONS``, with its event row."""
    from_status = payment.status
    if to_status not in TRANSITIONS[from_status]:
        raise Conflict()
    payment.status = to_status
    for name, value in (fields or {}).items():
        setattr(payment, name, value)
    payment.save()
    BillPaymentEvent.objects.create(payment=payment, at=clock.now(), from_status=from_status, to_status=to_status,
                                    detail=detail[:300])


def _payment_for_intent(intent: Any) -> BillPayment | None:
    found = BillPayment.objects.select_for_update().filter(intent_public_id=intent.public_id).first()
    if found is not None:
        return found
    # Started a moment ago and not yet linked (cash is paid inside cash_payment_record): the
    # pending row for this bill that payments' idempotency key names.
    from sheba.payments.models import IdempotencyKey

    keys = list(IdempotencyKey.objects.filter(intent_id=intent.pk).values_list("key", flat=True))
    return BillPayment.objects.select_for_update().filter(payment_key__in=keys).first() if keys else None


def bill_payment_mark_paid(intent: Any) -> None:
    """payments' ``on_paid`` for purpose "bill": PAID, and the posting queued in the same transaction."""
    from sheba.billpay.tasks import post_bill_payment

    payment = _payment_for_intent(intent)
    if payment is None:
        logger.error("paid bill intent %s has no bill payment", intent.public_id)
        raise NotFound()  # rolls payments' transition back; its next callback or query tries again
    if payment.status != BillPaymentStatus.PENDING:
        return
    _move(payment, BillPaymentStatus.PAID, detail="paid" + (" (cash)" if payment.cash else ""),
          fields={"paid_at": clock.now(), "intent_public_id": intent.public_id, "next_attempt_at": None})
    audit_record(actor=None, action="billpay.paid", object_type="bill_payment", object_id=str(payment.public_id),
                 data={"bill_key": payment.bill_key, "amount_poisha": int(payment.amount_poisha)})
    post_bill_payment.enqueue(str(payment.public_id))


def bill_payment_mark_refunded(intent: Any, refund: Any) -> None:
    """payments' ``on_refunded`` for purpose "bill"."""
    payment = BillPayment.objects.select_for_update().filter(intent_public_id=intent.public_id).first()
    if payment is None or payment.status != BillPaymentStatus.POST_FAILED:
        return
    _move(payment, BillPaymentStatus.REFUNDED, detail="refunded", fields={"refunded_at": clock.now()})
    audit_record(actor=None, action="billpay.refunded", object_type="bill_payment", object_id=str(payment.public_id),
                 data={"bill_key": payment.bill_key, "amount_poisha": int(refund.amount_poisha)})


# --- Posting to the biller (the worker's side) ------------------------------------------------------


def backoff_delay(attempts: int) -> timedelta:
    seconds = conf.backoff_base_seconds() * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, conf.backoff_max_seconds()))


def _claim(payment_id: str) -> BillPayment | None:
    """``paid → posting`` (or take over a stale ``posting`` of a dead worker) and COMMIT, with a
    watchdog task queued for when this claim would be stale. None when there is nothing to do."""
    from sheba.billpay.tasks import post_bill_payment

    with transaction.atomic(durable=True):
        payment = (BillPayment.objects.select_for_update(skip_locked=True).select_related("biller")
                   .filter(public_id=payment_id).first())
        if payment is None:
            return None
        now = clock.now()
        if payment.status == BillPaymentStatus.PAID:
            if payment.next_attempt_at and payment.next_attempt_at > now:
                return None  # a retry that is not due; its own queue entry will come
            _move(payment, BillPaymentStatus.POSTING, detail=f"attempt {payment.posting_attempts + 1}",
                  fields={"posting_attempts": payment.posting_attempts + 1, "posting_started_at": now,
                          "next_attempt_at": None})
        elif payment.status == BillPaymentStatus.POSTING:
            started = payment.posting_started_at or now
            if started > now - timedelta(seconds=conf.stale_seconds()):
                return None  # another worker is at it
            payment.posting_attempts += 1  # its worker died: take over (the biller is asked first)
            payment.posting_started_at = now
            payment.save(update_fields=["posting_attempts", "posting_started_at"])
            BillPaymentEvent.objects.create(payment=payment, at=now, from_status=payment.status,
                                            to_status=payment.status, detail="stale claim taken over")
        else:
            return None
        watchdog_at = now + timedelta(seconds=conf.stale_seconds() + 1)
        post_bill_payment.using(run_after=watchdog_at).enqueue(str(payment.public_id))
    return payment


def _finish(payment_id: Any, *, posted: adapters.PostingResult | adapters.PostingRecord | None = None,
            error: str = "", permanent: bool = False) -> str:
    from sheba.billpay.tasks import post_bill_payment, refund_unposted_bill_payment

    with transaction.atomic(durable=True):
        payment = BillPayment.objects.select_for_update().get(pk=payment_id)
        if payment.status != BillPaymentStatus.POSTING:
            return payment.status  # a stale-claim takeover finished it meanwhile
        now = clock.now()
        if posted is not None:
            _move(payment, BillPaymentStatus.POSTED, detail=f"biller transaction {posted.biller_txn_id}",
                  fields={"posted_at": now, "biller_txn_id": posted.biller_txn_id[:60], "last_error": ""})
            audit_record(actor=None, action="billpay.posted", object_type="bill_payment",
                         object_id=str(payment.public_id),
                         data={"bill_key": payment.bill_key, "biller_txn_id": posted.biller_txn_id[:60]})
        elif permanent or payment.posting_attempts >= conf.max_attempts():
            _move(payment, BillPaymentStatus.POST_FAILED, detail=error, fields={"last_error": error[:300]})
            audit_record(actor=None, action="billpay.post_failed", object_type="bill_payment",
                         object_id=str(payment.public_id), data={"bill_key": payment.bill_key, "error": error[:100]})
            refund_unposted_bill_payment.enqueue(str(payment.public_id))
        else:
            when = now + backoff_delay(payment.posting_attempts)
            _move(payment, BillPaymentStatus.PAID, detail=f"retry: {error}",
                  fields={"last_error": error[:300], "next_attempt_at": when, "posting_started_at": None})
            post_bill_payment.using(run_after=when).enqueue(str(payment.public_id))
        return payment.status


def bill_payment_post(*, payment_id: str, gateway: adapters.BillerGateway | None = None) -> str:
    """Post one paid bill to its biller, at most once (idempotent; safe to run twice or after a
    crash). Returns the payment's status afterwards."""
    payment = _claim(payment_id)
    if payment is None:
        row = BillPayment.objects.filter(public_id=payment_id).values_list("status", flat=True).first()
        return row or "missing"
    gateway = gateway or adapters.get_gateway()
    try:
        if payment.posting_attempts > 1:
            # An earlier attempt may have reached the biller (timeout, killed worker): ask first.
            record = gateway.query(reference=payment.posting_reference)
            if record is not None:
                return _finish(payment.pk, posted=record)
        result = gateway.post(
            biller=payment.biller.code, account=payment.account_number, unit=payment.unit, bill_id=payment.bill_id,
            amount_poisha=int(payment.amount_poisha), reference=payment.posting_reference,
            paid_at=payment.paid_at or clock.now(),
        )
    except adapters.BillerRejected as exc:
        return _finish(payment.pk, error=f"rejected: {exc.reason}", permanent=True)
    except adapters.BillerError as exc:
        return _finish(payment.pk, error=f"{type(exc).__name__}: {exc}")
    return _finish(payment.pk, posted=result)


def _system_actor() -> Any:
    """The staff account automatic refunds are made in the name of (payments refunds only for staff)."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = user_model.objects.create_user(SYSTEM_USERNAME, None, kind="officer", is_staff=True)
    return user


def bill_payment_refund_unposted(*, payment_id: str, gateway: adapters.BillerGateway | None = None) -> str:
    """Refund a paid bill the biller would not take, once the biller confirms it has no posting
    under our reference (if it has one after all, the payment is POSTED instead). While the biller
    cannot be asked, nothing is refunded and the check is tried again later."""
    from sheba.billpay.tasks import refund_unposted_bill_payment
    from sheba.payments import services as payments

    payment = BillPayment.objects.select_related("biller").filter(public_id=payment_id).first()
    if payment is None or payment.status != BillPaymentStatus.POST_FAILED:
        return payment.status if payment else "missing"
    gateway = gateway or adapters.get_gateway()
    try:
        record = gateway.query(reference=payment.posting_reference)
    except adapters.BillerError as exc:
        with transaction.atomic(durable=True):
            BillPayment.objects.filter(pk=payment.pk).update(last_error=f"refund check: {exc}"[:300])
            refund_unposted_bill_payment.using(run_after=clock.now() + timedelta(seconds=conf.backoff_max_seconds())
                                               ).enqueue(str(payment.public_id))
        return payment.status
    if record is not None:
        with transaction.atomic(durable=True):
            locked = BillPayment.objects.select_for_update().get(pk=payment.pk)
            if locked.status == BillPaymentStatus.POST_FAILED:
                _move(locked, BillPaymentStatus.POSTED, detail="found at the biller before refunding",
                      fields={"posted_at": clock.now(), "biller_txn_id": record.biller_txn_id[:60]})
            return locked.status
    intent = selectors.intent_of(payment)
    if intent is None:
        return payment.status
    try:
        payments.refund_issue(actor=_system_actor(), intent=intent, amount_poisha=int(intent.available_poisha),
                              reason="the biller did not accept the bill payment",
                              expected_available_poisha=int(intent.available_poisha))
    except DomainError as exc:  # already refunded (412/409) or not refundable: payments has the truth
        logger.warning("refund of bill payment %s: %s", payment.public_id, exc)
    payment.refresh_from_db()
    return payment.status


def bill_payments_sweep(*, now: datetime | None = None) -> int:
    """Queue again what a lost queue entry would leave behind: due retries, stale postings, and
    unrefunded failures. Idempotent. Returns how many were queued."""
    from sheba.billpay.tasks import post_bill_payment, refund_unposted_bill_payment

    now = now or clock.now()
    stale = now - timedelta(seconds=conf.stale_seconds())
    due = list(BillPayment.objects.filter(status=BillPaymentStatus.PAID, next_attempt_at__isnull=True)
               .values_list("public_id", flat=True)[:500])
    due += list(BillPayment.objects.filter(status=BillPaymentStatus.PAID, next_attempt_at__lte=now)
                .values_list("public_id", flat=True)[:500])
    due += list(BillPayment.objects.filter(status=BillPaymentStatus.POSTING, posting_started_at__lt=stale)
                .values_list("public_id", flat=True)[:500])
    failed = list(BillPayment.objects.filter(status=BillPaymentStatus.POST_FAILED).values_list("public_id", flat=True)[:500])
    with transaction.atomic():
        for public_id in due:
            post_bill_payment.enqueue(str(public_id))
        for public_id in failed:
            refund_unposted_bill_payment.enqueue(str(public_id))
    return len(due) + len(failed)


__all__ = ["MONEY_IN", "bill_payment_post", "bill_payment_start", "bill_payment_cash"]
