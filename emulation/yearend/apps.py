from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Reminders run every hour; each (person, action, deadline, day) is sent once, so running more
# often only makes them arrive sooner.
BEAT_SCHEDULE = {
    "yearend-send-reminders": {"task": "yearend.send_reminders", "schedule": 3600.0},
}


class YearendConfig(AppConfig):
    name = "emulation.yearend"
    label = "yearend"
    verbose_name = _("Year-end")

    def ready(self):
        from clusters.home import TODO_PROVIDERS, YEAR_LINK_PROVIDERS
        from emulation.celery import app

        from . import documents  # noqa: F401  (registers the summary report kind)
        from .home import todos, year_links

        TODO_PROVIDERS.append(todos)
        YEAR_LINK_PROVIDERS.append(year_links)
        app.conf.beat_schedule.update(BEAT_SCHEDULE)
