from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YearendConfig(AppConfig):
    name = "yearend"
    label = "yearend"
    verbose_name = _("Year-end")

    def ready(self):
        from clusters.home import register_home_panel, register_todo_provider, register_year_link_provider
        from clusters.notify import register_notifier, register_resolver
        from documents.registry import register_kind

        from . import documents, events, home, notifications

        register_kind(
            documents.KIND,
            render=documents.render_summary,
            can_view=documents.can_view,
            can_request=documents.can_request,
        )
        register_todo_provider(home.todos)
        register_year_link_provider(home.year_links)
        register_home_panel(home.province_dashboard)
        events.register()
        register_notifier(notifications.notifier)
        register_resolver(notifications.resolver)
