from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards")

    def ready(self):
        from clusters.home import register_home_panel, register_todo_provider, register_year_link_provider
        from clusters.models import Stage
        from clusters.stages import register_exit_guard
        from documents.registry import register_kind

        from . import documents, events, home, province_minutes, report, selectors

        register_kind(
            documents.MINUTES,
            render=documents.render_minutes,
            can_view=documents.can_view,
            can_request=documents.can_request,
        )
        register_kind(
            documents.COVER,
            render=documents.render_cover_letter,
            can_view=documents.can_view,
            can_request=documents.can_request,
        )
        register_kind(
            report.KIND, render=report.render_report, can_view=report.can_view, can_request=report.can_view
        )
        register_kind(
            province_minutes.PROVINCE_MINUTES,
            render=province_minutes.render,
            can_view=province_minutes.can_view,
            can_request=province_minutes.can_request,
        )
        register_todo_provider(home.todos, for_years=home.todos_for_years)
        register_year_link_provider(home.year_links)
        register_home_panel(home.ballots_panel, order=0)  # above the province dashboard
        events.register()
        # a year leaves the voting stage only when every poll is counted and published
        register_exit_guard(Stage.VOTING, selectors.voting_unfinished)
