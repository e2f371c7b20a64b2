from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "emulation.scoring"
    label = "scoring"
    verbose_name = _("Scoring")

    def ready(self):
        from . import documents, home, services  # noqa: F401 - stage guard, PDF kind, home providers
