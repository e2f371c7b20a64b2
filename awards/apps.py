from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards")

    def ready(self):
        from clusters.home import TODO_PROVIDERS, YEAR_LINK_PROVIDERS

        from . import documents  # noqa: F401  (registers the minutes and cover letter kinds)
        from .home import todos, year_links

        TODO_PROVIDERS.append(todos)
        YEAR_LINK_PROVIDERS.append(year_links)
        # a year leaves the voting stage only when every poll is counted and published
        from clusters.models import Stage
        from clusters.services import STAGE_EXIT_GUARDS

        from .selectors import voting_unfinished

        STAGE_EXIT_GUARDS[Stage.VOTING].append(voting_unfinished)
