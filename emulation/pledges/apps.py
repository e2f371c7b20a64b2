from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "emulation.pledges"
    label = "pledges"
    verbose_name = _("Pledges")

    def ready(self):
        from clusters.home import register_todo_provider, register_year_link_provider
        from clusters.models import Stage
        from clusters.stages import register_exit_guard, register_exit_warning
        from documents.registry import register_kind

        from . import documents, events, home, selectors, services

        register_kind(
            services.KIND,
            render=documents.render_pledge,
            can_view=documents.can_view,
            can_request=documents.can_request,
        )
        register_kind(
            services.SIGNED_KIND,
            render=documents.render_signed,
            can_view=documents.can_view,
            can_request=documents.can_request,
        )
        register_exit_guard(Stage.REGISTRATION, services.STAGE_GUARD)
        register_exit_warning(Stage.REGISTRATION, selectors.unsigned_shortfall)
        register_todo_provider(home.todos)
        register_year_link_provider(home.links)
        events.register()
