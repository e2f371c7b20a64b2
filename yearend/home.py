"""Links and to-dos the year-end app adds to the year page and the home page."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.home import Todo
from clusters.models import Role, Stage

from . import selectors
from .models import HandOver


def year_links(user, cluster_year):
    links = []
    if user.has_perm("yearend.view_summary", cluster_year):
        links.append((_("Year-end report and hand-over"), reverse("yearend:year", args=[cluster_year.pk])))
        links.append(
            (_("Cluster history"), reverse("yearend:cluster_history", args=[cluster_year.cluster_id]))
        )
    if user.has_perm("yearend.view_province", cluster_year):
        links.append(
            (_("All clusters of the province"), reverse("yearend:province") + f"?year={cluster_year.year}")
        )
    return links


def todos(user, cluster_year):
    """The secretary (or the province admin) is asked to record the hand-over at the dossier stage."""
    if cluster_year.stage != Stage.DOSSIER:
        return []
    if not (user.has_role(Role.CLUSTER_SECRETARY) or user.has_role(Role.PROVINCE_ADMIN)):
        return []
    if not user.has_perm("yearend.start_next_year", cluster_year):
        return []
    if HandOver.objects.filter(cluster_year=cluster_year).exists():
        return []
    return [
        Todo(
            _("Record the hand-over and start year %(year)s") % {"year": cluster_year.year + 1},
            reverse("yearend:year", args=[cluster_year.pk]),
            cluster_year.dossier_deadline,
        )
    ]


def province_dashboard(request):
    """The province admin's home: every cluster of the active year with its stage, what is overdue,
    signatures k/n, scores submitted k/n and votes finished k/n (constant queries)."""
    user = request.user
    if not user.is_authenticated or user.province_id is None or not user.has_role(Role.PROVINCE_ADMIN):
        return None
    if not user.has_perm("yearend.view_province", user.province):
        return None
    year = selectors.active_year(user.province_id)
    rows = selectors.province_overview(user.province_id, year)
    return render_to_string(
        "yearend/_province_dashboard.html",
        {"rows": rows, "shown_year": year, "today": timezone.localdate()},
        request=request,
    )
