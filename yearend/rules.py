"""Who may do what at year-end (django-rules, object level)."""

import rules

from clusters.models import ClusterYear, Stage, Unit
from clusters.rules import (
    _same_province,
    can_view_year,
    is_council_member_of_province,
    is_province_admin,
    is_secretary_of_year,
)


@rules.predicate
def year_not_closed(user, cluster_year):
    return isinstance(cluster_year, ClusterYear) and cluster_year.stage != Stage.CLOSED


@rules.predicate
def is_own_unit(user, unit):
    return isinstance(unit, Unit) and _same_province(user, unit) and user.unit_id == unit.pk


rules.add_perm("yearend.view_summary", can_view_year)
# The secretary of the head unit starts the next year at the conference; once the year is
# closed only the province admin may act on it.
rules.add_perm("yearend.start_next_year", is_province_admin | (is_secretary_of_year & year_not_closed))
rules.add_perm("yearend.correct_handover", is_province_admin)
rules.add_perm("yearend.view_province", is_province_admin)
rules.add_perm("yearend.view_unit_history", is_province_admin | is_council_member_of_province | is_own_unit)
