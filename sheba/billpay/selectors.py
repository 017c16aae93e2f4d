"""Reads for bill payment, including what each person may see (everything else answers 404)."""

from __future__ import annotations

import logging
import uuid
from collections import OrderedDict
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sheba.billpay import adapters, conf
from sheba.billpay.models import Biller, BillerAccount, BillPayment, BillPaymentStatus
from sheba.core.errors import InvalidInput, NotFound, ServiceUnavailable
from sheba.directory.models import Post
from sheba.directory.selectors import posts_held_by

logger = logging.getLogger(__name__)


def active_billers() -> QuerySet[Biller]:
    return Biller.objects.filter(is_active=True)


def billers_by_sector() -> OrderedDict[str, list[Biller]]:
    """Active billers grouped by sector label, in the sector order of ``Sector``."""
    grouped: OrderedDict[str, list[Biller]] = OrderedDict()
    for biller in active_billers():
        grouped.setdefault(str(biller.get_sector_display()), []).append(biller)
    return grouped


def biller_by_code(code: str) -> Biller:
    biller = active_billers().filter(code=(code or "")[:20]).first()
    if biller is None:
        raise InvalidInput(_("Choose a biller from the list."))
    return biller


def _uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound() from None


def accounts_of(user: Any) -> QuerySet[BillerAccount]:
    if not getattr(user, "pk", None):
        return BillerAccount.objects.none()
    return BillerAccount.objects.filter(owner=user).select_related("biller")


def account_for(user: Any, public_id: Any) -> BillerAccount:
    """The citizen's own saved account; anyone else's answers exactly like a missing one."""
    account = accounts_of(user).filter(public_id=_uuid(public_id)).first()
    if account is None:
        raise NotFound()
    return account


def payments_of(user: Any) -> QuerySet[BillPayment]:
    """The citizen's bill payments: paid online by them, or in cash at a counter for their mobile."""
    if not getattr(user, "pk", None):
        return BillPayment.objects.none()
    return (BillPayment.objects.filter(payer=user, intent_public_id__isnull=False)
            .select_related("biller").order_by("-created_at"))


def payment_for(user: Any, public_id: Any) -> BillPayment:
    payment = payments_of(user).filter(public_id=_uuid(public_id)).first()
    if payment is None:
        raise NotFound()
    return payment


def counter_posts(user: Any) -> QuerySet[Post]:
    """The counter posts (front desk) the officer holds today."""
    return posts_held_by(user).filter(code__in=conf.counter_post_codes()).order_by("office__name_en", "pk")


def counter_payment_for(operator: Any, public_id: Any) -> BillPayment:
    """A cash payment this operator took; other operators' answer 404."""
    payment = (BillPayment.objects.filter(operator=operator, cash=True, public_id=_uuid(public_id))
               .select_related("biller").first())
    if payment is None or not getattr(operator, "pk", None):
        raise NotFound()
    return payment


def counter_payments_today(operator: Any) -> QuerySet[BillPayment]:
    from sheba.core import clock

    return (BillPayment.objects.filter(operator=operator, cash=True, intent_public_id__isnull=False,
                                       created_at__date=clock.today()).select_related("biller"))


def paid_payment_for_bill(bill_key: str) -> BillPayment | None:
    from sheba.billpay.models import MONEY_IN

    return BillPayment.objects.filter(bill_key=bill_key, status__in=MONEY_IN).first()


def bill_key(biller: Biller, bill_id: str) -> str:
    return f"{biller.code}/{bill_id}"[:100]


def bill_due(*, biller: Biller, unit: str, account_number: str,
             gateway: adapters.BillerGateway | None = None) -> adapters.AccountLookup:
    """Ask the biller what is due on an account. Unknown account → InvalidInput; no answer →
    ServiceUnavailable (in the user's language; never a 500)."""
    gateway = gateway or adapters.get_gateway()
    try:
        lookup = gateway.fetch(biller=biller.code, account=account_number, unit=unit)
    except adapters.BillerError as exc:
        logger.warning("bill fetch failed for %s: %s", biller.code, exc)
        raise ServiceUnavailable(
            _("%(biller)s is not answering right now. Nothing was charged. Please try again in a few minutes.")
            % {"biller": biller.name}
        ) from None
    if not lookup.found:
        raise InvalidInput(
            _("%(biller)s has no account with this number. Check the number on your bill.") % {"biller": biller.name}
        )
    return lookup


def intent_of(payment: BillPayment) -> Any:
    """The sheba.payments PaymentIntent of a bill payment (None before the payment started)."""
    if payment.intent_public_id is None:
        return None
    from sheba.payments.models import PaymentIntent

    return PaymentIntent.objects.filter(public_id=payment.intent_public_id).first()


def is_final(payment: BillPayment) -> bool:
    return payment.status in (BillPaymentStatus.POSTED, BillPaymentStatus.REFUNDED)
