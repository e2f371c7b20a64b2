"""Who may do what with registrations and the pledge (object: the cluster year)."""

import rules

from clusters.models import Role, Stage
from clusters.rules import (
    can_view_year,
    has_unit_role_leader,
    has_unit_role_staff,
    is_member_of_year,
    is_province_admin,
    is_secretary_of_year,
)


@rules.predicate
def registration_open(user, cluster_year):
    return cluster_year is not None and cluster_year.stage in (Stage.SETUP, Stage.REGISTRATION)


@rules.predicate
def is_leader_of_unit(user, unit):
    """The unit LEADER role of this very unit (staff of the unit, or leaders of others, are not)."""
    return (
        user.is_authenticated
        and unit is not None
        and user.unit_id == getattr(unit, "pk", None)
        and user.has_role(Role.UNIT_LEADER)
    )


may_sign_in_year = is_member_of_year & has_unit_role_leader


def may_sign(user, cluster_year, unit):
    """Only the leader of a member unit signs (or uploads a signed copy) for that unit's field.
    Used by the pledge page and by the signing and upload services."""
    return user.has_perm("pledges.sign_pledge", cluster_year) and is_leader_of_unit(user, unit)


rules.add_perm("pledges.view_registrations", is_secretary_of_year | is_province_admin)
rules.add_perm("pledges.edit_registration", is_member_of_year & has_unit_role_staff & registration_open)
rules.add_perm("pledges.view_pledge", can_view_year)
rules.add_perm("pledges.draft_pledge", is_secretary_of_year)
rules.add_perm("pledges.render_pledge", is_secretary_of_year | is_province_admin)
rules.add_perm("pledges.review_pledge", is_member_of_year & (has_unit_role_staff | has_unit_role_leader))
rules.add_perm("pledges.sign_pledge", may_sign_in_year)
rules.add_perm("pledges.upload_signed", may_sign_in_year)
rules.add_perm("pledges.manage_unit_certificate", is_leader_of_unit)
rules.add_perm("pledges.manage_trust", is_province_admin)
