"""Home-page to-dos and year links (no per-item queries)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from clusters.home import Todo
from clusters.models import Role, Stage


def links(user, cy):
    if not user.has_perm("pledges.view_pledge", cy):
        return []
    result = [(_("Pledge"), reverse("pledges:pledge", args=[cy.pk]))]
    if user.has_perm("pledges.view_registrations", cy):
        result.insert(0, (_("Registrations"), reverse("pledges:registrations", args=[cy.pk])))
    elif user.has_perm("pledges.edit_registration", cy):
        result.insert(0, (_("Our registration"), reverse("pledges:registration_edit", args=[cy.pk])))
    return result


def todos(user, cy):
    items = []
    if cy.stage not in (Stage.SETUP, Stage.REGISTRATION):
        return items
    if user.has_role(Role.UNIT_STAFF) and user.unit_id:
        from .models import Registration

        if not Registration.objects.filter(cluster_year=cy, unit_id=user.unit_id).exists():
            items.append(
                Todo(
                    _("Register your unit's targets for %(year)s") % {"year": cy.year},
                    reverse("pledges:registration_edit", args=[cy.pk]),
                    cy.registration_deadline,
                )
            )
    if user.has_role(Role.UNIT_LEADER) and user.unit_id:
        from .models import PledgeSignature, PledgeState, SignatureState

        pledge = getattr(cy, "pledge", None) if hasattr(cy, "pledge") else None
        if (
            pledge
            and pledge.state == PledgeState.FINAL
            and not PledgeSignature.objects.filter(version_id=pledge.final_version_id, unit_id=user.unit_id)
            .exclude(state=SignatureState.FAILED)
            .exists()
        ):
            items.append(Todo(_("Sign the pledge for your unit"), reverse("pledges:pledge", args=[cy.pk])))
    return items
