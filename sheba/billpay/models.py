"""Ekpay-style bill payment: billers (as data), citizens' saved biller accounts, bill payments.

A ``BillPayment`` is one attempt to pay one bill through sheba.payments; after the money is in
(PAID) it is posted to the biller by a background task. States and moves (``TRANSITIONS``)::

    pending ──paid──▶ paid ──claim──▶ posting ──▶ posted
       │               ▲                 │
       │               └──retry (backoff)┘──▶ post_failed ──▶ refunded
       └──(payment never completed: stays pending, nothing to post)
"""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    ELECTRICITY = "electricity", _("Electricity")
    GAS = "gas", _("Gas")
    WATER = "water", _("Water")
    EDUCATION = "education", _("Education fees")


class FetchMode(models.TextChoices):
    BILL = "bill", _("The bill is fetched from the biller")
    AMOUNT = "amount", _("The payer enters the amount")


class PayChannel(models.TextChoices):
    CARD = "card", _("Card")
    BKASH = "bkash", _("bKash")
    NAGAD = "nagad", _("Nagad")
    ROCKET = "rocket", _("Rocket")
    INTERNET_BANKING = "internet_banking", _("Internet banking")
    CASH = "cash", _("Cash at a counter")


class Biller(models.Model):
    """A utility or institution whose bills Sheba collects (DESCO, Titas, Dhaka WASA …).

    Loaded from data/billers/billers.json by ``manage.py seed_billpay``; ``account_pattern`` is the
    format of the biller's account number after normalisation (ASCII digits, upper case, no spaces
    or dashes)."""

    code = models.CharField(max_length=20, unique=True)
    name_bn = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    account_label_bn = models.CharField(max_length=100)
    account_label_en = models.CharField(max_length=100)
    account_pattern = models.CharField(max_length=100)
    account_example = models.CharField(max_length=30, blank=True)
    account_hint_bn = models.CharField(max_length=300, blank=True)
    account_hint_en = models.CharField(max_length=300, blank=True)
    unit_label_bn = models.CharField(max_length=100, blank=True)
    unit_label_en = models.CharField(max_length=100, blank=True)
    units = models.JSONField(default=list, blank=True)  # [{"code", "name_bn", "name_en"}]: e.g. the PBSs
    fetch_mode = models.CharField(max_length=10, choices=FetchMode.choices, default=FetchMode.BILL)
    channels = models.JSONField(default=list)  # PayChannel values
    min_amount_poisha = models.PositiveBigIntegerField(null=True, blank=True)
    max_amount_poisha = models.PositiveBigIntegerField(null=True, blank=True)
    source_url = models.URLField(max_length=1000, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sector", "code"]
        verbose_name = _("biller")
        verbose_name_plural = _("billers")

    def __str__(self) -> str:
        return self.name

    def _pick(self, bn: str, en: str) -> str:
        return en if (get_language() or "bn").startswith("en") and en else bn or en

    @property
    def name(self) -> str:
        return self._pick(self.name_bn, self.name_en)

    @property
    def account_label(self) -> str:
        return self._pick(self.account_label_bn, self.account_label_en)

    @property
    def account_hint(self) -> str:
        return self._pick(self.account_hint_bn, self.account_hint_en)

    @property
    def unit_label(self) -> str:
        return self._pick(self.unit_label_bn, self.unit_label_en)

    @property
    def has_units(self) -> bool:
        return bool(self.units)

    def unit_name(self, code: str) -> str:
        for unit in self.units:
            if unit["code"] == code:
                return self._pick(unit.get("name_bn", ""), unit.get("name_en", ""))
        return ""

    def unit_choices(self) -> list[tuple[str, str]]:
        return [(unit["code"], self._pick(unit.get("name_bn", ""), unit.get("name_en", ""))) for unit in self.units]

    def account_matches(self, normalised: str) -> bool:
        return re.fullmatch(self.account_pattern, normalised) is not None

    @property
    def accepts_cash(self) -> bool:
        return PayChannel.CASH in self.channels

    def channel_labels(self) -> list[str]:
        labels = dict(PayChannel.choices)
        return [str(labels[c]) for c in self.channels if c in labels]


class BillerAccount(models.Model):
    """A biller account a citizen saved to pay again (their meter, gas card, student ID …)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="biller_accounts")
    biller = models.ForeignKey(Biller, on_delete=models.PROTECT, related_name="saved_accounts")
    unit = models.CharField(max_length=20, blank=True)
    account_number = models.CharField(_("account number"), max_length=20)
    nickname = models.CharField(_("name for this account"), max_length=60, blank=True)
    holder_name = models.CharField(max_length=200, blank=True)  # as the biller told us when it was saved
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["biller__sector", "biller__code", "account_number"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "biller", "unit", "account_number"], name="billpay_account_once"),
        ]

    def __str__(self) -> str:
        return f"{self.biller.code} {self.account_number}"

    @property
    def unit_name(self) -> str:
        return self.biller.unit_name(self.unit) if self.unit else ""


class BillPaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the payment")
    PAID = "paid", _("Paid, being sent to the biller")
    POSTING = "posting", _("Paid, being sent to the biller")
    POSTED = "posted", _("Paid and received by the biller")
    POST_FAILED = "post_failed", _("The biller did not take it; being refunded")
    REFUNDED = "refunded", _("Refunded")


# The money is in for these: at most one per bill (the unique constraint below).
MONEY_IN = (BillPaymentStatus.PAID, BillPaymentStatus.POSTING, BillPaymentStatus.POSTED,
            BillPaymentStatus.POST_FAILED)

TRANSITIONS: dict[str, set[str]] = {
    BillPaymentStatus.PENDING: {BillPaymentStatus.PAID},
    BillPaymentStatus.PAID: {BillPaymentStatus.POSTING, BillPaymentStatus.POSTED, BillPaymentStatus.POST_FAILED},
    BillPaymentStatus.POSTING: {BillPaymentStatus.POSTED, BillPaymentStatus.PAID, BillPaymentStatus.POST_FAILED},
    BillPaymentStatus.POST_FAILED: {BillPaymentStatus.POSTED, BillPaymentStatus.REFUNDED},
    BillPaymentStatus.POSTED: set(),
    BillPaymentStatus.REFUNDED: set(),
}


class BillPayment(models.Model):
    """One payment of one bill (or, for fees, of an amount the payer entered)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    biller = models.ForeignKey(Biller, on_delete=models.PROTECT, related_name="payments")
    unit = models.CharField(max_length=20, blank=True)
    account_number = models.CharField(max_length=20)
    holder_name = models.CharField(max_length=200, blank=True)
    bill_id = models.CharField(max_length=100)  # the biller's bill id (or ours, for an entered amount)
    bill_key = models.CharField(max_length=100, db_index=True)  # "<biller>/<bill id>": the payment reference
    bill_month = models.CharField(max_length=7, blank=True)
    due_date = models.DateField(null=True, blank=True)
    bill_amount_poisha = models.PositiveBigIntegerField(default=0)
    late_fee_poisha = models.PositiveBigIntegerField(default=0)
    amount_poisha = models.PositiveBigIntegerField()  # what was charged: bill + late fee when late
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="bill_payments")
    payer_mobile = models.CharField(max_length=16)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="counter_bill_payments")
    cash = models.BooleanField(default=False)
    intent_public_id = models.UUIDField(null=True, blank=True, unique=True)  # sheba.payments PaymentIntent
    payment_key = models.CharField(max_length=100, unique=True)  # our idempotency key at payments
    status = models.CharField(max_length=20, choices=BillPaymentStatus.choices, default=BillPaymentStatus.PENDING)
    posting_reference = models.CharField(max_length=64, unique=True)  # what the biller de-duplicates on
    posting_attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    posting_started_at = models.DateTimeField(null=True, blank=True)
    biller_txn_id = models.CharField(max_length=60, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["bill_key"], condition=Q(status__in=[s.value for s in MONEY_IN]),
                                    name="billpay_one_paid_payment_per_bill"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.bill_key} ({self.status})"

    @property
    def is_paid(self) -> bool:
        return self.status in MONEY_IN or self.status == BillPaymentStatus.REFUNDED


class BillPaymentEvent(models.Model):
    """Append-only: every state change of a bill payment, with what caused it."""

    payment = models.ForeignKey(BillPayment, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    from_status = models.CharField(max_length=20, choices=BillPaymentStatus.choices)
    to_status = models.CharField(max_length=20, choices=BillPaymentStatus.choices)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
