from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "emulation.pledges"
    label = "pledges"
    verbose_name = _("Pledges")

    def ready(self):
        from clusters.home import TODO_PROVIDERS, YEAR_LINK_PROVIDERS
        from clusters.services import STAGE_EXIT_GUARDS

        from . import (
            documents,  # noqa: F401  (registers the document kinds)
            home,
            services,
        )

        if services.STAGE_GUARD not in STAGE_EXIT_GUARDS["registration"]:
            STAGE_EXIT_GUARDS["registration"].append(services.STAGE_GUARD)
        if home.todos not in TODO_PROVIDERS:
            TODO_PROVIDERS.append(home.todos)
            YEAR_LINK_PROVIDERS.append(home.links)
