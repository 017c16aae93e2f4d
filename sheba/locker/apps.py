from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LockerConfig(AppConfig):
    name = "sheba.locker"
    label = "locker"
    verbose_name = _("Locker")
