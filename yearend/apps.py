from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YearendConfig(AppConfig):
    name = "yearend"
    label = "yearend"
    verbose_name = _("Year-end")

    def ready(self):
        from clusters.home import TODO_PROVIDERS, YEAR_LINK_PROVIDERS

        from . import documents  # noqa: F401  (registers the summary report kind)
        from .home import todos, year_links

        TODO_PROVIDERS.append(todos)
        YEAR_LINK_PROVIDERS.append(year_links)
