"""Object-level permissions of the awards app (django-rules)."""

import rules

from clusters.models import ClusterYear, Role
from clusters.rules import (
    _same_province,
    is_council_member_of_province,
    is_member_of_year,
    is_province_admin,
    is_secretary_of_year,
)


def _year_of(obj):
    if isinstance(obj, ClusterYear):
        return obj
    return getattr(obj, "cluster_year", None)


@rules.predicate
def is_year_secretary(user, obj):
    cy = _year_of(obj)
    return cy is not None and is_secretary_of_year(user, cy)


@rules.predicate
def is_year_member(user, obj):
    cy = _year_of(obj)
    return cy is not None and is_member_of_year(user, cy)


@rules.predicate
def is_council(user, obj):
    cy = _year_of(obj)
    return cy is not None and is_council_member_of_province(user, cy)


@rules.predicate
def is_admin_of(user, obj):
    cy = _year_of(obj)
    return is_province_admin(user, cy if cy is not None else obj)


@rules.predicate
def is_staff_of_nominated_unit(user, nomination):
    return (
        _same_province(user, nomination.cluster_year)
        and user.unit_id == nomination.unit_id
        and (user.has_role(Role.UNIT_STAFF) or user.has_role(Role.UNIT_LEADER))
    )


can_view = is_admin_of | is_year_member | is_council

rules.add_perm("awards.view_awards", can_view)
rules.add_perm("awards.manage_types", is_province_admin)
rules.add_perm("awards.manage_rules", is_admin_of)
rules.add_perm("awards.manage_polls", is_year_secretary)
rules.add_perm("awards.view_poll", is_admin_of | is_year_secretary | is_year_member | is_council)
rules.add_perm("awards.record_decision", is_admin_of)
rules.add_perm("awards.upload_report", is_year_secretary | is_staff_of_nominated_unit)
