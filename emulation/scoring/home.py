"""Home page items and year-page links for scoring (no per-item queries)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from clusters.home import Todo
from clusters.models import Role, Stage

from .models import ScoreSheet, SheetStatus
from .rules import criteria_frozen


def _submitted(cy, unit_id):
    return ScoreSheet.objects.filter(cluster_year=cy, unit_id=unit_id, status=SheetStatus.SUBMITTED).exists()


def scoring_todos(user, cy):
    if cy.stage != Stage.SCORING or not user.unit_id:
        return []
    items = []
    if user.has_role(Role.UNIT_STAFF) and not _submitted(cy, user.unit_id):
        items.append(
            Todo(
                _("Score your unit (self-score) and submit it"),
                reverse("scoring:sheet", args=[cy.pk, user.unit_id]),
                cy.scoring_deadline,
            )
        )
    if user.has_perm("scoring.view_overview", cy) and user.has_role(Role.CLUSTER_SECRETARY):
        items.append(
            Todo(
                _("Review the units' scores and lock them"),
                reverse("scoring:overview", args=[cy.pk]),
                cy.scoring_deadline,
            )
        )
    return items


def scoring_links(user, cy):
    links = [(_("Criteria table"), reverse("scoring:criteria", args=[cy.pk]))]
    if criteria_frozen(cy):  # scoring has opened
        if user.unit_id:
            links.append((_("Our scores"), reverse("scoring:sheet", args=[cy.pk, user.unit_id])))
        if user.has_perm("scoring.view_overview", cy):
            links.append((_("Scores of all units"), reverse("scoring:overview", args=[cy.pk])))
        links.append((_("Ranking"), reverse("scoring:ranking", args=[cy.pk])))
    return links
