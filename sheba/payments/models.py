"""Payments (পেমেন্ট): payment intents with an explicit state table, their events, refunds,
idempotency keys, used gateway validation ids and a double-entry ledger in integer poisha.

Every state change goes through ``sheba.payments.services`` (row lock, the transition table
below, an event row, an audit row). Money is integer poisha everywhere.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    CREATED = "created", _("Created")
    LOCKED = "locked", _("Contacting the gateway")
    PENDING = "pending", _("Waiting for the payment")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    UNKNOWN = "unknown", _("Being checked with the gateway")
    HELD = "held", _("Held for review")
    EXPIRED = "expired", _("Expired")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partly refunded")


# The only moves a payment can make (after GOV.UK Pay's state graph). LOCKED is committed
# before any gateway call; UNKNOWN (a timeout) is left only through a query; EXPIRED only after
# a query found nothing. A late, validated capture of an ended payment is still recorded (the
# money was taken): FAILED/CANCELLED/EXPIRED -> PAID or HELD, never silently lost.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.CREATED: frozenset({Status.LOCKED, Status.CANCELLED, Status.PAID}),
    Status.LOCKED: frozenset({Status.PENDING, Status.UNKNOWN, Status.FAILED}),
    Status.PENDING: frozenset({
        Status.PAID, Status.FAILED, Status.CANCELLED, Status.UNKNOWN, Status.HELD, Status.EXPIRED,
    }),
    Status.UNKNOWN: frozenset({
        Status.PENDING, Status.PAID, Status.FAILED, Status.CANCELLED, Status.HELD, Status.EXPIRED,
    }),
    Status.FAILED: frozenset({Status.PAID, Status.HELD}),
    Status.CANCELLED: frozenset({Status.PAID, Status.HELD}),
    Status.EXPIRED: frozenset({Status.PAID, Status.HELD}),
    Status.HELD: frozenset({Status.PAID, Status.REFUNDED}),
    Status.PAID: frozenset({Status.REFUNDED, Status.PARTIALLY_REFUNDED}),
    Status.PARTIALLY_REFUNDED: frozenset({Status.REFUNDED, Status.PARTIALLY_REFUNDED}),
    Status.REFUNDED: frozenset(),
}
SUCCESS = (Status.PAID, Status.PARTIALLY_REFUNDED)
OPEN = (Status.CREATED, Status.LOCKED, Status.PENDING, Status.UNKNOWN)
FINAL = (Status.PAID, Status.PARTIALLY_REFUNDED, Status.REFUNDED, Status.HELD)


class Channel(models.TextChoices):
    GATEWAY = "gateway", _("Online")
    CASH = "cash", _("Cash at a counter")


class PaymentIntent(models.Model):
    """One attempt to pay for one thing (a fee, a bill): ``purpose`` + ``reference``."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    purpose = models.CharField(_("purpose"), max_length=40)
    reference = models.CharField(_("reference"), max_length=100)
    amount_poisha = models.PositiveBigIntegerField(_("amount (poisha)"))
    currency = models.CharField(max_length=3, default="BDT")
    description = models.CharField(_("description"), max_length=200)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="payments",
        verbose_name=_("payer"),
    )
    payer_mobile = models.CharField(_("payer's mobile"), max_length=16)
    office = models.ForeignKey(
        "directory.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("office")
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("counter operator"),
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.GATEWAY)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CREATED)
    gateway = models.CharField(max_length=20, blank=True)
    tran_id = models.CharField(max_length=40, unique=True)  # our id at the gateway (random)
    session_key = models.CharField(max_length=100, blank=True)
    gateway_url = models.URLField(max_length=500, blank=True)
    val_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    bank_tran_id = models.CharField(max_length=100, blank=True)
    card_type = models.CharField(max_length=60, blank=True)
    risk_level = models.SmallIntegerField(null=True, blank=True)
    hold_reason = models.CharField(max_length=200, blank=True)
    # Set when this capture arrived after another payment for the same purpose+reference had
    # succeeded: it is kept out of the one-success index and refunded automatically.
    duplicate_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    refunded_poisha = models.PositiveBigIntegerField(default=0)  # requested or done, never failed
    receipt_number = models.CharField(_("receipt number"), max_length=24, unique=True, null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    locked_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    last_queried_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="payments_status_known"),
            models.CheckConstraint(condition=Q(amount_poisha__gt=0), name="payments_amount_positive"),
            models.CheckConstraint(condition=Q(refunded_poisha__lte=models.F("amount_poisha")),
                                   name="payments_refund_within_amount"),
            models.CheckConstraint(condition=Q(currency="BDT"), name="payments_currency_bdt"),
            # At most one successful payment per fee/bill.
            models.UniqueConstraint(
                fields=["purpose", "reference"],
                condition=Q(status__in=["paid", "partially_refunded"]) & Q(duplicate_of__isnull=True),
                name="payments_one_success_per_reference",
            ),
        ]
        indexes = [
            models.Index(fields=["purpose", "reference"], name="payments_purpose_ref_idx"),
            models.Index(fields=["status", "updated_at"], name="payments_status_idx"),
            models.Index(fields=["payer", "-created_at"], name="payments_payer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose}:{self.reference} ({self.status})"

    @property
    def amount(self):
        from sheba.core.money import Money

        return Money(int(self.amount_poisha))

    @property
    def available_poisha(self) -> int:
        """What can still be refunded."""
        return int(self.amount_poisha) - int(self.refunded_poisha)

    @property
    def is_paid(self) -> bool:
        return self.status in SUCCESS and self.duplicate_of_id is None


class PaymentEvent(models.Model):
    """One step in a payment's life (append-only)."""

    intent = models.ForeignKey(PaymentIntent, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    source = models.CharField(max_length=20)  # checkout, ipn, return, query, refund, cash, task
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["intent", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.intent_id}: {self.from_status} -> {self.to_status}"


class IdempotencyKey(models.Model):
    """A client's idempotency key, kept 24 hours: same key + same body gives the same payment."""

    scope = models.CharField(max_length=64)  # who made the request
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    intent = models.ForeignKey(PaymentIntent, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="payments_idempotency_once")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class UsedValidation(models.Model):
    """A gateway validation id (val_id) used once; a replayed one never marks anything paid."""

    val_id = models.CharField(max_length=100, unique=True)
    intent = models.ForeignKey(PaymentIntent, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    def __str__(self) -> str:
        return self.val_id


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", _("Refund failed")


class Refund(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    intent = models.ForeignKey(PaymentIntent, on_delete=models.PROTECT, related_name="refunds")
    amount_poisha = models.PositiveBigIntegerField(_("amount (poisha)"))
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(max_length=10, choices=RefundStatus.choices, default=RefundStatus.REQUESTED)
    automatic = models.BooleanField(default=False)
    gateway_ref = models.CharField(max_length=100, blank=True)
    failure = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount_poisha__gt=0), name="payments_refund_positive")]

    def __str__(self) -> str:
        return f"refund {self.amount_poisha} of {self.intent_id} ({self.status})"


class AccountKind(models.TextChoices):
    GATEWAY_CLEARING = "gateway_clearing", _("Gateway clearing")
    OFFICE_FEE_INCOME = "office_fee_income", _("Office fee income")
    BILLER_PAYABLE = "biller_payable", _("Payable to billers")
    OPERATOR_FLOAT = "operator_float", _("Counter operator's float")
    REFUNDS_PAYABLE = "refunds_payable", _("Refunds payable")
    CASH_AT_BANK = "cash_at_bank", _("Cash at bank")
    SUSPENSE = "suspense", _("Held for review")


class Account(models.Model):
    """A ledger account. Balances are the sum of entries (debits positive, credits negative)."""

    code = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=AccountKind.choices)
    operator = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="float_account"
    )

    def __str__(self) -> str:
        return self.code


class LedgerTransaction(models.Model):
    """One balanced posting: its entries sum to zero (checked on insert and, in PostgreSQL, by a
    deferred constraint trigger at commit)."""

    at = models.DateTimeField()
    kind = models.CharField(max_length=30)
    intent = models.ForeignKey(PaymentIntent, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    refund = models.ForeignKey(Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    memo = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["at"], name="payments_ledger_at_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"


class LedgerEntry(models.Model):
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount_poisha = models.BigIntegerField()  # debit > 0, credit < 0

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(amount_poisha=0), name="payments_entry_nonzero")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount_poisha}"
