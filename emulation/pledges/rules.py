"""Who may do what with registrations and the pledge (object: the cluster year)."""

import rules

from clusters.models import Stage
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


rules.add_perm("pledges.view_registrations", is_secretary_of_year | is_province_admin)
rules.add_perm("pledges.edit_registration", is_member_of_year & has_unit_role_staff & registration_open)
rules.add_perm("pledges.view_pledge", can_view_year)
rules.add_perm("pledges.draft_pledge", is_secretary_of_year)
rules.add_perm("pledges.review_pledge", is_member_of_year & (has_unit_role_staff | has_unit_role_leader))
rules.add_perm("pledges.sign_pledge", is_member_of_year & has_unit_role_leader)
rules.add_perm("pledges.upload_signed", is_member_of_year & (has_unit_role_leader | has_unit_role_staff))
