from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _

from .startup import check_secrets


class EmulationConfig(AppConfig):
    name = "emulation"
    verbose_name = _("Emulation year")

    def ready(self):
        checks.register(check_secrets, checks.Tags.security)
