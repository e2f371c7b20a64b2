"""Who is told what when the pledge moves on (clusters.notify): in the step's transaction."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from clusters.models import Role
from clusters.notify import notify, people, province_admins, resolve

from .services._common import member_units


def draft_ready(version):
    """A new draft: every member unit's staff is asked to approve or comment it."""
    cy = version.pledge.cluster_year
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            people(member_units(cy), Role.UNIT_STAFF),
            kind="pledge.approve",
            ref=cy.pk,
            text=_("Approve or comment the pledge draft (version %(n)s) of %(year)s")
            % {"n": version.number, "year": cy.year},
            url=reverse("pledges:pledge", args=[cy.pk]),
            cluster_year=cy,
        )


def draft_reviewed(version, unit):
    resolve(
        kind="pledge.approve", ref=version.pledge.cluster_year_id, users=people([unit.pk], Role.UNIT_STAFF)
    )


def ready_to_sign(pledge):
    """The pledge is final: every member unit's leader is asked to sign it."""
    cy = pledge.cluster_year
    resolve(kind="pledge.approve", ref=cy.pk)
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            people(member_units(cy), Role.UNIT_LEADER),
            kind="pledge.sign",
            ref=cy.pk,
            text=_("Sign the emulation pledge of %(year)s") % {"year": cy.year},
            url=reverse("pledges:sign", args=[cy.pk]),
            cluster_year=cy,
        )


def signed(pledge, unit_id):
    resolve(kind="pledge.sign", ref=pledge.cluster_year_id, users=people([unit_id], Role.UNIT_LEADER))


def certificate_to_confirm(uc):
    """A unit registered its token's certificate: the province admins are asked to confirm it
    (one open request per unit; a newer certificate replaces it)."""
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            province_admins(uc.unit.province_id),
            kind="certificate.confirm",
            ref=uc.unit_id,
            text=_("Confirm the token certificate registered by %(unit)s") % {"unit": uc.unit.name},
            url=reverse("pledges:trust"),
        )


def certificate_confirmed(uc):
    resolve(kind="certificate.confirm", ref=uc.unit_id)
