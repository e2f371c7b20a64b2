"""What the awards app adds to the home page and the year page (no per-item queries)."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from clusters.home import Todo
from clusters.models import Role, Stage
from emulation.scoring.rules import criteria_frozen

from . import selectors
from .models import PollStatus


def todos(user, cluster_year):
    return todos_for_years(user, [cluster_year])[cluster_year.pk]


def todos_for_years(user, cluster_years):
    """{cluster year id: [Todo]}: the ballots waiting for the person and, for the year's
    secretary, the polls to close, publish or settle — two queries at most for all the years."""
    items = {cy.pk: [] for cy in cluster_years}
    # polls are open only in the voting stage: no query for the other years
    voting = [cy for cy in cluster_years if cy.stage == Stage.VOTING]
    if not user.is_authenticated or not voting:
        return items
    for p in selectors.open_polls_for_voter(user, voting):
        items[p.cluster_year_id].append(
            Todo(_("Vote: %(poll)s") % {"poll": p.title}, reverse("awards:vote", args=[p.pk]), p.closes_at)
        )
    if not user.has_role(Role.CLUSTER_SECRETARY):
        return items
    managed = [cy for cy in voting if user.has_perm("awards.manage_polls", cy)]
    for p in selectors.polls_waiting_on_secretary(managed) if managed else ():
        items[p.cluster_year_id].append(
            Todo(
                (
                    _("Close and count: %(poll)s")
                    if p.status == PollStatus.OPEN
                    else _("Publish the result or settle it: %(poll)s")
                )
                % {"poll": p.title},
                reverse("awards:poll", args=[p.pk]),
                p.closes_at if p.status == PollStatus.OPEN else None,
            )
        )
    return items


def year_links(user, cluster_year):
    if not user.has_perm("awards.view_awards", cluster_year):
        return []
    if not criteria_frozen(cluster_year) and not user.has_perm("awards.manage_rules", cluster_year):
        return []
    return [
        (_("Review and awards"), reverse("awards:year", args=[cluster_year.pk])),
        (_("Awards of every year"), reverse("awards:cluster", args=[cluster_year.cluster_id])),
    ]


def ballots_panel(request):
    """Home page: the ballots waiting for this person in any cluster of the province, one tap from
    the vote — council members (a province admin among them) have no unit year to find them in."""
    user = request.user
    if not user.is_authenticated:
        return None
    polls = selectors.open_polls_for_voter(user)
    if not polls:
        return None
    return render_to_string("awards/_ballots_panel.html", {"polls": polls}, request=request)
