"""The PDF receipt (রসিদ): WeasyPrint with Noto Sans Bengali, Bengali digits and dates."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from sheba.core.bengali import format_dual, to_bn_digits
from sheba.core.money import Money
from sheba.payments.purposes import purpose_get


def render_receipt(intent: Any) -> bytes:
    from weasyprint import HTML

    with translation.override("bn"):
        paid_at = timezone.localtime(intent.paid_at) if intent.paid_at else None
        purpose = purpose_get(intent.purpose)
        html = render_to_string("payments/receipt_pdf.html", {
            "intent": intent,
            "purpose_bn": purpose.label_bn,
            "purpose_en": purpose.label_en,
            "amount_bn": Money(int(intent.amount_poisha)).format("bn"),
            "amount_en": Money(int(intent.amount_poisha)).format("en"),
            "refunded_bn": Money(int(intent.refunded_poisha)).format("bn") if intent.refunded_poisha else "",
            "paid_date_bn": format_dual(paid_at.date(), "bn") if paid_at else "",
            "paid_time_bn": to_bn_digits(paid_at.strftime("%H:%M")) if paid_at else "",
            "receipt_number_bn": to_bn_digits(intent.receipt_number or ""),
            "mobile_bn": to_bn_digits(intent.payer_mobile),
            "method": intent.card_type or intent.get_channel_display(),
        })
    return HTML(string=html).write_pdf()
