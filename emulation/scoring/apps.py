from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "emulation.scoring"
    label = "scoring"
    verbose_name = _("Scoring")

    def ready(self):
        from clusters.home import register_todo_provider, register_year_link_provider
        from clusters.models import Stage
        from clusters.stages import register_entry_hook, register_exit_guard
        from documents.registry import register_kind

        from . import documents, events, home, notices, services

        register_kind(
            documents.KIND,
            render=documents.render_ranking,
            can_view=documents.can_view,
            can_request=documents.can_request,
        )
        register_exit_guard(Stage.SCORING, services.scores_locked_guard)
        register_todo_provider(home.scoring_todos)
        register_year_link_provider(home.scoring_links)
        events.register()
        register_entry_hook(Stage.SCORING, notices.scoring_opened)
