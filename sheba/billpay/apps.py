from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillpayConfig(AppConfig):
    name = "sheba.billpay"
    label = "billpay"
    verbose_name = _("Bill payment")

    def ready(self) -> None:
        # Payments for bills: paid → post to the biller; refunded → mark the bill payment refunded.
        from sheba.billpay.services import PURPOSE, bill_payment_mark_paid, bill_payment_mark_refunded
        from sheba.payments.purposes import register_purpose

        register_purpose(PURPOSE, on_paid=bill_payment_mark_paid, on_refunded=bill_payment_mark_refunded,
                         label_bn="বিল পরিশোধ", label_en="Bill payment", ledger_account="biller_payable")
