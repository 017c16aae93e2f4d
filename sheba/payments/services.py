"""Writes for payments: start, check out at the gateway, take the gateway's word (IPN, return,
query), cash at a counter, operator floats, refunds, receipts.

Rules (SECURITY.md "Payments"):

* one transition table (``models.TRANSITIONS``); every change locks the intent's row, checks the
  table, saves, writes an event row and an audit row in one transaction;
* the LOCKED state is committed before any gateway call, and no database transaction is open
  during one (``_no_transaction`` refuses otherwise); gateway calls time out in at most 10 s;
* only a server-to-server answer marks a payment paid (Order Validation API by ``val_id`` or the
  transaction query): known tran_id, exact amount, BDT, a val_id never used before, risk 0 —
  otherwise HELD; duplicate or late callbacks change nothing a second time;
* a timeout makes the payment UNKNOWN; only a query resolves it, and nothing expires (90 min)
  without a query that found no payment;
* at most one successful payment per (purpose, reference) (a unique index); a second capture is
  kept, marked as a duplicate and refunded automatically;
* refunds lock the row, check the caller's expected available amount (412 otherwise) and never
  exceed what was captured; every money movement is a balanced ledger posting in poisha.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from sheba.audit.services import audit_record
from sheba.core import clock
from sheba.core.errors import InvalidInput, NotFound
from sheba.core.money import Money
from sheba.core.phone import parse_bd_mobile
from sheba.notifications.services import notify
from sheba.payments import errors, ledger
from sheba.payments.gateways.base import GatewayError, GatewayTimeout, Validation
from sheba.payments.models import (
    FINAL,
    SUCCESS,
    TRANSITIONS,
    Account,
    Channel,
    IdempotencyKey,
    PaymentEvent,
    PaymentIntent,
    Refund,
    RefundStatus,
    Status,
    UsedValidation,
)
from sheba.payments.purposes import purpose_get

log = logging.getLogger(__name__)

IDEMPOTENCY_TTL = timedelta(hours=24)
EXPIRY = timedelta(minutes=90)
LOCK_GRACE = timedelta(seconds=30)
MAX_AMOUNT_POISHA = 10_000_000_000  # 10 crore taka: anything above is a mistake
REFUND_MAX_ATTEMPTS = 5
# Open payments are queried by a task this long after entering the state (unless decided by then).
QUERY_AFTER: dict[str, timedelta] = {Status.UNKNOWN: timedelta(minutes=1), Status.PENDING: timedelta(minutes=20)}


def gateway() -> Any:
    """The configured gateway adapter (a dotted path in SHEBA_PAYMENT_GATEWAY_CLASS)."""
    from django.utils.module_loading import import_string

    return import_string(settings.SHEBA_PAYMENT_GATEWAY_CLASS).from_settings()


def _no_transaction() -> None:
    if connection.in_atomic_block:
        raise RuntimeError("payments: a gateway call must not run inside a database transaction")


def _lock(intent: PaymentIntent | int) -> PaymentIntent:
    pk = intent.pk if isinstance(intent, PaymentIntent) else intent
    return PaymentIntent.objects.select_for_update().get(pk=pk)


def _refresh(target: PaymentIntent, source: PaymentIntent) -> PaymentIntent:
    target.__dict__.update({k: v for k, v in source.__dict__.items() if not k.startswith("_")})
    return target


def _query_later(intent_id: int, delay: timedelta) -> None:
    """After commit, queue a query of the gateway about this payment (the resolver's safety net)."""

    def enqueue() -> None:
        from sheba.payments.tasks import query_payment

        query_payment.using(run_after=clock.now() + delay).enqueue(intent_id)

    transaction.on_commit(enqueue, robust=True)


def _transition(intent: PaymentIntent, to_status: str, *, source: str, data: dict[str, Any] | None = None,
                fields: dict[str, Any] | None = None, actor: Any = None) -> PaymentIntent:
    """Move a LOCKED (select_for_update) intent along the table: save, event row, audit row."""
    from_status = intent.status
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        raise errors.IllegalTransition()
    now = clock.now()
    intent.status = to_status
    intent.updated_at = now
    for name, value in (fields or {}).items():
        setattr(intent, name, value)
    intent.save()
    PaymentEvent.objects.create(intent=intent, at=now, from_status=from_status, to_status=to_status, source=source,
                                data=dict(data or {}))
    if to_status in QUERY_AFTER:
        _query_later(intent.pk, QUERY_AFTER[to_status])
    audit_record(actor=actor, action=f"payment.{to_status}", object_type="payment", object_id=str(intent.public_id),
                 data={"from": from_status, "to": to_status, "source": source, "purpose": intent.purpose,
                       "reference": intent.reference, "amount_poisha": int(intent.amount_poisha), **dict(data or {})})
    return intent


# --- Starting a payment -------------------------------------------------------------------


def _request_hash(**body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _clean_key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not 8 <= len(key) <= 100:
        raise InvalidInput(errors.IdempotencyConflict.default_message)
    return key


def _check_amount(amount_poisha: Any) -> int:
    if not isinstance(amount_poisha, int) or isinstance(amount_poisha, bool):
        raise errors.BadAmount()
    if not 0 < amount_poisha <= MAX_AMOUNT_POISHA:
        raise errors.BadAmount()
    return amount_poisha


def _mobile(raw: str) -> str:
    try:
        return parse_bd_mobile(raw)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0]) from None


def _existing_for_key(scope: str, key: str, request_hash: str) -> PaymentIntent | None:
    row = IdempotencyKey.objects.select_related("intent").filter(scope=scope, key=key).first()
    if row is None:
        return None
    if row.created_at < clock.now() - IDEMPOTENCY_TTL:
        row.delete()  # older than 24 hours: forgotten
        return None
    if row.request_hash != request_hash:
        raise errors.IdempotencyConflict()
    return row.intent


def successful_payment(purpose: str, reference: str) -> PaymentIntent | None:
    """The one successful (not duplicate) payment for ``purpose`` + ``reference``, if any."""
    return PaymentIntent.objects.filter(
        purpose=purpose, reference=reference, status__in=SUCCESS, duplicate_of__isnull=True
    ).first()


def _new_intent(*, scope: str, key: str, request_hash: str, actor: Any, **fields: Any) -> PaymentIntent:
    now = clock.now()
    intent = PaymentIntent.objects.create(
        tran_id="SHB" + secrets.token_hex(12).upper(), created_at=now, updated_at=now, **fields
    )
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(scope=scope, key=key, request_hash=request_hash, intent=intent,
                                          created_at=now)
    except IntegrityError:
        # The same key won a race a moment ago: give back its payment, never a second one.
        intent.delete()
        existing = _existing_for_key(scope, key, request_hash)
        if existing is None:
            raise errors.InProgress() from None
        return existing
    PaymentEvent.objects.create(intent=intent, at=now, from_status=Status.CREATED, to_status=Status.CREATED,
                                source="start", data={})
    audit_record(actor=actor, action="payment.created", object_type="payment", object_id=str(intent.public_id),
                 data={"purpose": intent.purpose, "reference": intent.reference,
                       "amount_poisha": int(intent.amount_poisha), "channel": intent.channel})
    return intent


@transaction.atomic
def payment_start(*, actor: Any, purpose: str, reference: str, amount_poisha: int, payer_mobile: str,
                  description: str, idempotency_key: str, office: Any = None) -> PaymentIntent:
    """Create a payment intent (CREATED) for ``purpose`` + ``reference``. The amount comes from
    the caller's server-side schedule, never from the client. The same idempotency key with the
    same details (within 24 h) gives back the same payment; with other details, a 409. Refused
    when a successful payment for ``purpose`` + ``reference`` already exists."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise NotFound()
    purpose_get(purpose)
    amount = _check_amount(amount_poisha)
    reference = (reference or "").strip()
    description = " ".join((description or "").split())
    if not reference or len(reference) > 100 or not description or len(description) > 200:
        raise InvalidInput()
    mobile = _mobile(payer_mobile)
    key = _clean_key(idempotency_key)
    scope = f"user:{actor.pk}"
    request_hash = _request_hash(purpose=purpose, reference=reference, amount=amount, mobile=mobile,
                                 description=description, office=getattr(office, "pk", None), channel="gateway")
    existing = _existing_for_key(scope, key, request_hash)
    if existing is not None:
        return existing
    if successful_payment(purpose, reference) is not None:
        raise errors.AlreadyPaid()
    return _new_intent(
        scope=scope, key=key, request_hash=request_hash, actor=actor,
        purpose=purpose, reference=reference, amount_poisha=amount, description=description,
        payer=actor if getattr(actor, "is_citizen", False) else None, payer_mobile=mobile, office=office,
        channel=Channel.GATEWAY, gateway=settings.SHEBA_PAYMENT_GATEWAY_NAME,
    )


# --- Checkout at the gateway ------------------------------------------------------------------


def _urls(return_base_url: str) -> dict[str, str]:
    base = return_base_url.rstrip("/")
    ipn_base = (settings.SHEBA_PAYMENT_IPN_BASE_URL or base).rstrip("/")
    return {
        "success_url": base + reverse("payments:return", args=["success"]),
        "fail_url": base + reverse("payments:return", args=["fail"]),
        "cancel_url": base + reverse("payments:return", args=["cancel"]),
        "ipn_url": ipn_base + reverse("payments:ipn"),
    }


def payment_checkout(*, intent: PaymentIntent, return_base_url: str) -> str:
    """Open a session at the gateway and return its hosted payment page URL.

    LOCKED is committed first; the gateway is called with no transaction open; its answer moves
    the payment to PENDING (a URL), FAILED (refused) or UNKNOWN (no answer: a query decides).
    Calling again for a PENDING payment gives the same URL; for one being checked out, a
    "wait" error. Must not be called inside a transaction."""
    _no_transaction()
    with transaction.atomic():
        locked = _lock(intent)
        if locked.status in SUCCESS or (locked.status == Status.REFUNDED):
            raise errors.AlreadyPaid()
        if locked.status == Status.PENDING and locked.gateway_url:
            return _refresh(intent, locked).gateway_url
        now = clock.now()
        if locked.status == Status.LOCKED:
            if locked.locked_at and locked.locked_at > now - LOCK_GRACE:
                raise errors.InProgress()
            locked.locked_at = now  # a crashed checkout: take it over (session creation is idempotent)
            locked.save(update_fields=["locked_at"])
        elif locked.status == Status.CREATED:
            if successful_payment(locked.purpose, locked.reference) is not None:
                raise errors.AlreadyPaid()
            _transition(locked, Status.LOCKED, source="checkout", fields={"locked_at": now})
        else:
            raise errors.NotPayable()
    _refresh(intent, locked)
    payer = locked.payer
    try:
        session = gateway().create_session(
            tran_id=locked.tran_id, amount_poisha=int(locked.amount_poisha), currency=locked.currency,
            urls=_urls(return_base_url),
            customer={"name": str(payer) if payer else "", "email": getattr(payer, "email", "") or "",
                      "phone": locked.payer_mobile},
            product_name=locked.description,
        )
    except GatewayTimeout as exc:
        with transaction.atomic():
            locked = _lock(intent)
            if locked.status == Status.LOCKED:
                _transition(locked, Status.UNKNOWN, source="checkout", data={"error": str(exc)[:100]})
        _refresh(intent, locked)
        raise errors.GatewayUnavailable() from None
    except GatewayError as exc:
        with transaction.atomic():
            locked = _lock(intent)
            if locked.status == Status.LOCKED:
                _transition(locked, Status.FAILED, source="checkout", data={"error": str(exc)[:100]})
        _refresh(intent, locked)
        raise errors.GatewayUnavailable() from None
    with transaction.atomic():
        locked = _lock(intent)
        if locked.status == Status.LOCKED:
            _transition(locked, Status.PENDING, source="checkout",
                        fields={"gateway_url": session.gateway_url, "session_key": session.session_key})
    _refresh(intent, locked)
    if locked.status != Status.PENDING:
        raise errors.NotPayable()
    return locked.gateway_url


# --- The gateway's word -------------------------------------------------------------------


def _notify_paid(intent: PaymentIntent) -> None:
    user = intent.payer
    language = (getattr(user, "preferred_language", "") or "bn") if user else "bn"
    notify(
        event="payment_paid",
        context={"amount": Money(int(intent.amount_poisha)).format(language), "description": intent.description,
                 "receipt_number": intent.receipt_number or ""},
        sms_to=intent.payer_mobile, user=user, language=language,
    )


def _receipt_number(intent: PaymentIntent) -> str:
    return f"SR{clock.today():%y%m%d}{intent.pk:07d}"


def _mark_paid(locked: PaymentIntent, *, source: str, debit: Account | str, fields: dict[str, Any],
               actor: Any = None) -> PaymentIntent:
    """PAID, or — when another payment for the same purpose+reference already succeeded — a
    duplicate capture kept out of the one-success index and refunded automatically."""
    purpose = purpose_get(locked.purpose)
    now = clock.now()
    fields = {**fields, "paid_at": now}
    if locked.receipt_number is None:
        fields["receipt_number"] = _receipt_number(locked)
    winner = successful_payment(locked.purpose, locked.reference)
    if winner is None:
        try:
            with transaction.atomic():
                _transition(locked, Status.PAID, source=source, fields=fields, actor=actor)
        except IntegrityError:
            winner = successful_payment(locked.purpose, locked.reference)  # a concurrent success committed
            if winner is None:
                raise
            locked.refresh_from_db()
    amount = int(locked.amount_poisha)
    if winner is not None and winner.pk != locked.pk:
        _transition(locked, Status.PAID, source=source, fields={**fields, "duplicate_of": winner},
                    data={"duplicate_of": str(winner.public_id)}, actor=actor)
        ledger.post(kind="duplicate_capture", intent=locked, lines=[(debit, amount), ("refunds_payable", -amount)])
        _refund_request(locked, amount_poisha=amount, reason="second payment for the same item", actor=None,
                        automatic=True)
        return locked
    ledger.post(kind="payment", intent=locked, lines=[(debit, amount), (purpose.ledger_account, -amount)])
    purpose.on_paid(locked)  # same transaction, exactly once (the row is locked, the state checked)
    _notify_paid(locked)
    return locked


def _apply(intent: PaymentIntent, result: Validation, *, source: str) -> PaymentIntent:
    """Apply one server-to-server answer about ``intent``. Idempotent."""
    with transaction.atomic():
        locked = _lock(intent)
        if locked.status in FINAL:
            return _refresh(intent, locked)  # already decided: nothing a second time
        if not result.is_valid:
            target = {"FAILED": Status.FAILED, "CANCELLED": Status.CANCELLED}.get(result.status)
            if target and target in TRANSITIONS[locked.status] and locked.status not in (Status.FAILED,
                                                                                          Status.CANCELLED):
                _transition(locked, target, source=source, data={"gateway_status": result.status})
            return _refresh(intent, locked)
        if result.tran_id != locked.tran_id or not result.val_id:
            log.warning("payments: validation for another transaction ignored", extra={"tran_id": locked.tran_id})
            return _refresh(intent, locked)
        try:
            with transaction.atomic():
                UsedValidation.objects.create(val_id=result.val_id[:100], intent=locked, at=clock.now())
        except IntegrityError:
            audit_record(actor=None, action="payment.val_id_replayed", object_type="payment",
                         object_id=str(locked.public_id), data={"val_id": result.val_id[:100]})
            return _refresh(intent, locked)
        fields = {"val_id": result.val_id[:100], "bank_tran_id": result.bank_tran_id[:100],
                  "card_type": result.card_type, "risk_level": result.risk_level}
        problems = []
        if result.amount_poisha != int(locked.amount_poisha):
            problems.append("amount")
        if result.currency != "BDT":
            problems.append("currency")
        if result.risk_level != 0:
            problems.append("risk")
        if problems:
            reason = ",".join(problems)
            _transition(locked, Status.HELD, source=source,
                        fields={**fields, "hold_reason": reason, "paid_at": clock.now()},
                        data={"reason": reason, "gateway_amount": result.amount_poisha,
                              "gateway_currency": result.currency[:3]})
            captured = result.amount_poisha
            if isinstance(captured, int) and captured > 0 and result.currency == "BDT":
                ledger.post(kind="held_capture", intent=locked, lines=[("gateway_clearing", captured),
                                                                       ("suspense", -captured)])
            return _refresh(intent, locked)
        _mark_paid(locked, source=source, debit="gateway_clearing", fields=fields)
        return _refresh(intent, locked)


def _intent_for_tran(tran_id: str) -> PaymentIntent:
    tran_id = (tran_id or "").strip()
    intent = PaymentIntent.objects.filter(tran_id=tran_id[:40]).first() if tran_id else None
    if intent is None:
        raise errors.UnknownTransaction()
    return intent


def _unknown_after_timeout(intent: PaymentIntent, source: str) -> PaymentIntent:
    with transaction.atomic():
        locked = _lock(intent)
        if locked.status in (Status.PENDING, Status.LOCKED):
            _transition(locked, Status.UNKNOWN, source=source, data={"error": "gateway timeout"})
    return _refresh(intent, locked)


def payment_validate(*, intent: PaymentIntent, val_id: str, source: str) -> PaymentIntent:
    """Ask the gateway's Order Validation API about ``val_id`` and apply its answer. A timeout
    makes a pending payment UNKNOWN (the resolver's query decides later)."""
    _no_transaction()
    if intent.status in FINAL:
        return intent
    val_id = (val_id or "").strip()[:100]
    if not val_id:
        return payment_query(intent=intent, source=source)
    try:
        result = gateway().validate(val_id)
    except GatewayTimeout:
        return _unknown_after_timeout(intent, source)
    except GatewayError:
        return intent
    return _apply(intent, result, source=source)


def payment_ipn(*, fields: dict[str, str]) -> PaymentIntent:
    """The gateway's signed server-to-server notification. Its signature must verify; then the
    payment is confirmed through the validation API (a VALID notice) or a query (anything else):
    the notice itself never marks anything paid. Repeats change nothing."""
    _no_transaction()
    if not gateway().ipn_signature_valid(fields):
        raise errors.BadSignature()
    intent = _intent_for_tran(fields.get("tran_id", ""))
    if intent.status in FINAL:
        return intent
    if str(fields.get("status", "")).upper() in ("VALID", "VALIDATED"):
        return payment_validate(intent=intent, val_id=fields.get("val_id", ""), source="ipn")
    return payment_query(intent=intent, source="ipn")


def payment_return(*, fields: dict[str, str]) -> PaymentIntent:
    """The payer's browser coming back (success/fail/cancel URL). Nothing it says is believed:
    it only makes us ask the gateway ourselves."""
    _no_transaction()
    intent = _intent_for_tran(fields.get("tran_id", ""))
    if intent.status in FINAL:
        return intent
    if fields.get("val_id"):
        intent = payment_validate(intent=intent, val_id=fields["val_id"], source="return")
        if intent.status in FINAL:
            return intent
    return payment_query(intent=intent, source="return")


def payment_query(*, intent: PaymentIntent, source: str = "query") -> PaymentIntent:
    """Ask the gateway what happened to ``intent`` (by tran_id) and apply it. A payment found
    nowhere at the gateway expires 90 minutes after it was created — only after such a query."""
    _no_transaction()
    if intent.status in FINAL:
        return intent
    try:
        results = gateway().query(intent.tran_id)
    except GatewayTimeout:
        if intent.status in (Status.PENDING, Status.LOCKED):
            return _unknown_after_timeout(intent, source)
        return intent
    except GatewayError:
        return intent
    PaymentIntent.objects.filter(pk=intent.pk).update(last_queried_at=clock.now())
    valid = [r for r in results if r.is_valid]
    for result in valid:
        intent = _apply(intent, result, source=source)
    if valid:
        return intent
    ended = [r for r in results if r.status in ("FAILED", "CANCELLED")]
    if ended:
        return _apply(intent, ended[0], source=source)
    with transaction.atomic():
        locked = _lock(intent)
        if locked.status in (Status.PENDING, Status.UNKNOWN) and locked.created_at <= clock.now() - EXPIRY:
            _transition(locked, Status.EXPIRED, source=source, data={"found": len(results)})
        elif locked.status == Status.UNKNOWN and locked.gateway_url and any(
                r.status in ("PENDING", "UNATTEMPTED") for r in results):
            _transition(locked, Status.PENDING, source=source, data={"found": len(results)})
    return _refresh(intent, locked)


def payments_resolve_stale(*, pending_after: timedelta = timedelta(minutes=15), limit: int = 200) -> int:
    """Query the gateway about every UNKNOWN payment, every PENDING one older than
    ``pending_after`` and every checkout lock left behind by a crash. Returns how many were asked."""
    _no_transaction()
    now = clock.now()
    with transaction.atomic():
        for stale in PaymentIntent.objects.select_for_update(skip_locked=True).filter(
                status=Status.LOCKED, locked_at__lt=now - timedelta(minutes=2))[:limit]:
            _transition(stale, Status.UNKNOWN, source="task", data={"error": "checkout lock left behind"})
    due = list(
        PaymentIntent.objects.filter(status=Status.UNKNOWN).order_by("updated_at")[:limit]
    ) + list(
        PaymentIntent.objects.filter(status=Status.PENDING, created_at__lt=now - pending_after)
        .order_by("created_at")[:limit]
    )
    for intent in due:
        payment_query(intent=intent, source="task")
    for refund_id in Refund.objects.filter(status=RefundStatus.REQUESTED).values_list("pk", flat=True)[:limit]:
        refund_send(refund_id=refund_id)
    return len(due)


# --- Cash at a counter and operator floats ------------------------------------------------------


@transaction.atomic
def operator_float_topup(*, actor: Any, operator: Any, amount_poisha: int) -> int:
    """Record cash an operator deposited with the platform: their float grows by the amount.
    Only platform staff may do this. Returns the new float in poisha."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_staff:
        raise NotFound()
    amount = _check_amount(amount_poisha)
    account = Account.objects.select_for_update().get(pk=ledger.float_account(operator).pk)
    ledger.post(kind="float_topup", lines=[("cash_at_bank", amount), (account, -amount)],
                memo=f"float top-up for {operator.public_id}")
    audit_record(actor=actor, action="payment.float_topup", object_type="user", object_id=str(operator.public_id),
                 data={"amount_poisha": amount})
    return -ledger.balance(account)


def operator_float(operator: Any) -> int:
    """What the operator may still take in cash, in poisha."""
    account = Account.objects.filter(operator=operator).first()
    return -ledger.balance(account) if account else 0


@transaction.atomic
def cash_payment_record(*, operator: Any, purpose: str, reference: str, amount_poisha: int, payer_mobile: str,
                        description: str, idempotency_key: str, office: Any = None) -> PaymentIntent:
    """An operator took cash at the counter: the payment is PAID at once (channel "cash"),
    charged to the operator's float (refused when the float is too low), and the payer gets an SMS."""
    if not getattr(operator, "is_authenticated", False) or not operator.is_active:
        raise NotFound()
    purpose_get(purpose)
    amount = _check_amount(amount_poisha)
    reference = (reference or "").strip()
    description = " ".join((description or "").split())
    if not reference or len(reference) > 100 or not description or len(description) > 200:
        raise InvalidInput()
    mobile = _mobile(payer_mobile)
    key = _clean_key(idempotency_key)
    scope = f"user:{operator.pk}"
    request_hash = _request_hash(purpose=purpose, reference=reference, amount=amount, mobile=mobile,
                                 description=description, office=getattr(office, "pk", None), channel="cash")
    existing = _existing_for_key(scope, key, request_hash)
    if existing is not None:
        return existing
    account = Account.objects.select_for_update().filter(operator=operator).first()
    if account is None or -ledger.balance(account) < amount:
        raise errors.InsufficientFloat()
    if successful_payment(purpose, reference) is not None:
        raise errors.AlreadyPaid()
    intent = _new_intent(
        scope=scope, key=key, request_hash=request_hash, actor=operator,
        purpose=purpose, reference=reference, amount_poisha=amount, description=description,
        payer=None, payer_mobile=mobile, office=office, operator=operator, channel=Channel.CASH, gateway="cash",
    )
    if intent.status != Status.CREATED:
        return intent
    locked = _lock(intent)
    try:
        with transaction.atomic():
            _mark_paid(locked, source="cash", debit=account, fields={"card_type": "CASH", "risk_level": 0},
                       actor=operator)
    except IntegrityError:
        raise errors.AlreadyPaid() from None
    if locked.duplicate_of_id is not None:
        raise errors.AlreadyPaid()  # rolls the whole cash record back: no money taken twice
    return _refresh(intent, locked)


# --- Refunds -----------------------------------------------------------------------------------


def _may_refund(actor: Any, intent: PaymentIntent) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise NotFound()
    if actor.is_staff or actor.is_superuser:
        return
    if getattr(actor, "is_officer", False) and intent.office_id:
        from sheba.accounts.selectors import officer_offices

        if officer_offices(actor).filter(pk=intent.office_id).exists():
            return
    raise NotFound()


def _refund_request(locked: PaymentIntent, *, amount_poisha: int, reason: str, actor: Any,
                    automatic: bool = False) -> Refund:
    """Reserve ``amount_poisha`` of a locked, captured intent for a refund (sent after commit)."""
    amount = int(amount_poisha)
    if amount > locked.available_poisha:
        raise errors.RefundTooLarge()
    purpose = purpose_get(locked.purpose)
    refund = Refund.objects.create(intent=locked, amount_poisha=amount, reason=reason[:300], automatic=automatic,
                                   requested_by=actor if getattr(actor, "pk", None) else None,
                                   created_at=clock.now())
    locked.refunded_poisha = int(locked.refunded_poisha) + amount
    locked.save(update_fields=["refunded_poisha"])
    if locked.duplicate_of_id is None and locked.status != Status.HELD:
        ledger.post(kind="refund_requested", intent=locked, refund=refund,
                    lines=[(purpose.ledger_account, amount), ("refunds_payable", -amount)])
    elif locked.status == Status.HELD:
        ledger.post(kind="refund_requested", intent=locked, refund=refund,
                    lines=[("suspense", amount), ("refunds_payable", -amount)])
    audit_record(actor=actor, action="payment.refund_requested", object_type="payment",
                 object_id=str(locked.public_id), data={"amount_poisha": amount, "automatic": automatic})
    refund_id = refund.pk

    def _enqueue() -> None:
        from sheba.payments.tasks import send_refund

        send_refund.enqueue(refund_id)

    transaction.on_commit(_enqueue, robust=True)
    return refund


def refund_issue(*, actor: Any, intent: PaymentIntent, amount_poisha: int, reason: str,
                 expected_available_poisha: int) -> Refund:
    """Refund part or all of a captured payment. ``expected_available_poisha`` is what the
    caller saw as refundable; if it changed meanwhile (another refund), a 412-style error. Never
    more than what remains. The refund is sent to the gateway after the reservation commits."""
    _may_refund(actor, intent)
    amount = _check_amount(amount_poisha)
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput()
    if not isinstance(expected_available_poisha, int) or isinstance(expected_available_poisha, bool):
        raise errors.RefundPreconditionFailed()
    with transaction.atomic():
        locked = _lock(intent)
        if locked.status not in (Status.PAID, Status.PARTIALLY_REFUNDED, Status.HELD):
            raise errors.NotRefundable()
        if locked.available_poisha != expected_available_poisha:
            raise errors.RefundPreconditionFailed()
        refund = _refund_request(locked, amount_poisha=amount, reason=reason, actor=actor)
    _refresh(intent, locked)
    if not connection.in_atomic_block:
        refund_send(refund_id=refund.pk)
        refund.refresh_from_db()
        intent.refresh_from_db()
    return refund


def _refund_finish(refund_id: int, *, ok: bool, gateway_ref: str = "", failure: str = "") -> Refund:
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status != RefundStatus.REQUESTED:
            return refund
        locked = _lock(refund.intent_id)
        purpose = purpose_get(locked.purpose)
        amount = int(refund.amount_poisha)
        refund.completed_at = clock.now()
        payer_side = ledger.float_account(locked.operator) if locked.channel == Channel.CASH else "gateway_clearing"
        if ok:
            refund.status = RefundStatus.SUCCEEDED
            refund.gateway_ref = gateway_ref[:100]
            refund.save()
            ledger.post(kind="refund_paid", intent=locked, refund=refund,
                        lines=[("refunds_payable", amount), (payer_side, -amount)])
            done = sum(int(r) for r in Refund.objects.filter(intent=locked, status=RefundStatus.SUCCEEDED)
                       .values_list("amount_poisha", flat=True))
            target = Status.REFUNDED if done >= int(locked.amount_poisha) else Status.PARTIALLY_REFUNDED
            if target in TRANSITIONS[locked.status]:
                _transition(locked, target, source="refund", data={"refund": str(refund.public_id),
                                                                   "amount_poisha": amount})
            if purpose.on_refunded and locked.duplicate_of_id is None:
                purpose.on_refunded(locked, refund)
            user = locked.payer
            language = (getattr(user, "preferred_language", "") or "bn") if user else "bn"
            notify(event="payment_refunded",
                   context={"amount": Money(amount).format(language), "description": locked.description},
                   sms_to=locked.payer_mobile, user=user, language=language)
        else:
            refund.status = RefundStatus.FAILED
            refund.failure = failure[:300]
            refund.save()
            locked.refunded_poisha = int(locked.refunded_poisha) - amount
            locked.save(update_fields=["refunded_poisha"])
            back = "suspense" if locked.status == Status.HELD else (
                "refunds_payable" if locked.duplicate_of_id else purpose.ledger_account)
            if back != "refunds_payable":
                ledger.post(kind="refund_failed", intent=locked, refund=refund,
                            lines=[("refunds_payable", amount), (back, -amount)])
            audit_record(actor=None, action="payment.refund_failed", object_type="payment",
                         object_id=str(locked.public_id), data={"amount_poisha": amount, "failure": failure[:100]})
    return refund


def refund_send(*, refund_id: int) -> Refund:
    """Send one requested refund to the gateway (idempotent: the gateway dedupes on refe_id).
    A timeout leaves it requested for the next try; a refusal after the last try fails it and
    releases the reserved amount."""
    _no_transaction()
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("intent").get(pk=refund_id)
        if refund.status != RefundStatus.REQUESTED:
            return refund
        refund.attempts += 1
        refund.save(update_fields=["attempts"])
    intent = refund.intent
    if intent.channel == Channel.CASH:
        return _refund_finish(refund.pk, ok=True, gateway_ref="cash")
    try:
        result = gateway().refund(bank_tran_id=intent.bank_tran_id, amount_poisha=int(refund.amount_poisha),
                                  remarks=refund.reason, refe_id=refund.public_id.hex)
    except GatewayTimeout:
        return refund  # unknown: asked again later with the same refe_id
    except GatewayError as exc:
        if refund.attempts >= REFUND_MAX_ATTEMPTS:
            return _refund_finish(refund.pk, ok=False, failure=str(exc))
        return refund
    if result.ok:
        return _refund_finish(refund.pk, ok=True, gateway_ref=result.refund_ref_id)
    if refund.attempts >= REFUND_MAX_ATTEMPTS:
        return _refund_finish(refund.pk, ok=False, failure=result.detail)
    return refund


# --- Receipts ------------------------------------------------------------------------------------


def receipt_pdf(intent: PaymentIntent) -> bytes:
    """The Bengali PDF receipt of a paid payment (WeasyPrint, Noto Sans Bengali). The caller has
    already checked that the reader is the payer (``selectors.payment_receipt_get``)."""
    if intent.receipt_number is None or intent.status not in (*SUCCESS, Status.REFUNDED):
        raise NotFound()
    from sheba.payments.receipts import render_receipt

    return render_receipt(intent)
