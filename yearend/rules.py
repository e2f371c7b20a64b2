"""Who may do what at year-end (django-rules, object level)."""

import rules

from clusters.models import Unit
from clusters.rules import (
    _same_province,
    can_open_next_year,
    can_view_year,
    is_council_member_of_province,
    is_province_admin,
    is_secretary_of_year,
    year_not_closed,
)


@rules.predicate
def is_own_unit(user, unit):
    return isinstance(unit, Unit) and _same_province(user, unit) and user.unit_id == unit.pk


rules.add_perm("yearend.view_summary", can_view_year)
rules.add_perm("yearend.render_summary", is_province_admin | is_secretary_of_year)
# Starting the next year is opening it (clusters.open_next_year) with the hand-over recorded.
rules.add_perm("yearend.start_next_year", can_open_next_year)
rules.add_perm("yearend.correct_handover", is_province_admin)
rules.add_perm("yearend.view_province", is_province_admin)
rules.add_perm("yearend.view_unit_history", is_province_admin | is_council_member_of_province | is_own_unit)
# The cluster secretary drafts and issues the year-end report while the year is open.
rules.add_perm("yearend.edit_report", is_province_admin | (is_secretary_of_year & year_not_closed))
