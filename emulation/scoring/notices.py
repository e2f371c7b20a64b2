"""Who is told what while scoring (clusters.notify), in the step's transaction: each unit's staff
when scoring opens, when their sheet comes back or a score is adjusted; done when submitted."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from clusters.models import Role
from clusters.notify import notify, people, resolve


def _ref(cluster_year_id, unit_id):
    return f"{cluster_year_id}:{unit_id}"


def scoring_opened(cluster_year):
    """Stage entry hook: every member unit's staff is asked to enter and submit its self-score."""
    units = list(cluster_year.memberships.values_list("unit_id", flat=True))
    staff = {}
    for user in people(units, Role.UNIT_STAFF):
        staff.setdefault(user.unit_id, []).append(user)
    with translation.override(settings.LANGUAGE_CODE):
        for unit_id, users in staff.items():
            notify(
                users,
                kind="scores.submit",
                ref=_ref(cluster_year.pk, unit_id),
                text=_("Enter and submit your unit's self-score for %(year)s") % {"year": cluster_year.year},
                url=reverse("scoring:sheet", args=[cluster_year.pk, unit_id]),
                cluster_year=cluster_year,
                deadline=cluster_year.deadline_for_stage(),
            )


def submitted(sheet):
    resolve(kind="scores.submit", ref=_ref(sheet.cluster_year_id, sheet.unit_id))


def returned(sheet, reason):
    cy = sheet.cluster_year
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            people([sheet.unit_id], Role.UNIT_STAFF),
            kind="scores.submit",
            ref=_ref(cy.pk, sheet.unit_id),
            text=_("Your self-score for %(year)s was sent back: %(reason)s")
            % {"year": cy.year, "reason": reason},
            url=reverse("scoring:sheet", args=[cy.pk, sheet.unit_id]),
            cluster_year=cy,
        )


def adjusted(sheet, criterion):
    """A reviewer changed a score: the unit's staff see it (one notice per sheet, the latest)."""
    cy = sheet.cluster_year
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            people([sheet.unit_id], Role.UNIT_STAFF),
            kind="scores.adjusted",
            ref=_ref(cy.pk, sheet.unit_id),
            text=_("The reviewer adjusted your score for criterion %(code)s (%(year)s)")
            % {"code": criterion.code, "year": cy.year},
            url=reverse("scoring:sheet", args=[cy.pk, sheet.unit_id]),
            cluster_year=cy,
        )
