from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "sheba.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        # Approving a file of a service with a certificate template issues and signs the
        # certificate in the approval's transaction; without a signing key the approval is refused.
        from sheba.certificates import services
        from sheba.workflow import hooks

        hooks.register_guard(hooks.APPROVE, services.approval_guard)
        hooks.register_effect(hooks.APPROVE, services.approval_effect)
