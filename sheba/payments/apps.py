from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "sheba.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        # The application fee: its purpose, the approval guard and the refund on rejection.
        from sheba.payments import fees

        fees.register()
