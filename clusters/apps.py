from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "clusters"
    verbose_name = _("Clusters and units")

    def ready(self):
        from documents.registry import register_kind

        from . import documents, history, lockouts  # noqa: F401  (lockouts: the axes signal receiver)
        from .models import Stage
        from .stages import members_and_head_set, register_exit_guard

        register_kind(
            documents.KIND,
            render=documents.render_member_list,
            can_view=documents.can_view,
            can_request=documents.can_request,
        )
        register_exit_guard(Stage.SETUP, members_and_head_set)
        history.register_clusters()
