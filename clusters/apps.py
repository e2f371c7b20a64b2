from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "clusters"
    verbose_name = _("Clusters and units")

    def ready(self):
        from . import documents  # noqa: F401  (registers the member list document kind)
