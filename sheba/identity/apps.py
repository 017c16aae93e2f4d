from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "sheba.identity"
    label = "identity"
    verbose_name = _("Identity")

    def ready(self) -> None:
        from sheba.identity.services import guard_identity_checked
        from sheba.workflow import hooks

        # No officer action but "send back" while the applicant's identity check has not passed.
        hooks.register_guard(hooks.ANY, guard_identity_checked)
