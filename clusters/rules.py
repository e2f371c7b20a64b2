"""Object-level permissions (django-rules). Every view checks one of these.

Objects carry their province: a user never gets a permission on another province's object."""

import rules

from .models import Cluster, ClusterYear, MemberRole, Province, Role, Stage
from .timeline import merged_province_ids


def province_id_of(obj):
    if obj is None:
        return None
    if isinstance(obj, Province):
        return obj.pk
    if isinstance(obj, ClusterYear):
        return obj.cluster.province_id
    return getattr(obj, "province_id", None)


def unit_roles_in_year(cluster_year):
    """{unit_id: role} for the year, cached on the instance (one query per request)."""
    cache = getattr(cluster_year, "_unit_roles", None)
    if cache is None:
        cache = dict(cluster_year.memberships.values_list("unit_id", "role"))
        cluster_year._unit_roles = cache
    return cache


def _same_province(user, obj):
    """The user's province, or one merged into it (clusters.timeline: its records are now the
    receiving province's; looked up only when the plain comparison fails)."""
    if not user.is_authenticated or user.province_id is None:
        return False
    province_id = province_id_of(obj)
    if province_id is None or province_id == user.province_id:
        return province_id is not None
    return province_id in merged_province_ids_of(user)


def merged_province_ids_of(user):
    """Provinces merged into the user's, cached on the user object (one query per request)."""
    if getattr(user, "_merged_province_ids", None) is None:
        user._merged_province_ids = merged_province_ids(user.province_id)
    return user._merged_province_ids


@rules.predicate
def is_province_admin(user, obj=None):
    if not user.is_authenticated or not user.has_role(Role.PROVINCE_ADMIN):
        return False
    return obj is None or _same_province(user, obj)


@rules.predicate
def is_member_of_year(user, cluster_year):
    return (
        isinstance(cluster_year, ClusterYear)
        and _same_province(user, cluster_year)
        and user.unit_id in unit_roles_in_year(cluster_year)
    )


@rules.predicate
def is_secretary_of_year(user, cluster_year):
    return (
        isinstance(cluster_year, ClusterYear)
        and _same_province(user, cluster_year)
        and user.has_role(Role.CLUSTER_SECRETARY)
        and unit_roles_in_year(cluster_year).get(user.unit_id) == MemberRole.HEAD
    )


@rules.predicate
def is_council_member_of_province(user, obj):
    return _same_province(user, obj) and user.has_role(Role.COUNCIL_MEMBER)


@rules.predicate
def is_member_of_cluster(user, cluster):
    return (
        isinstance(cluster, Cluster)
        and _same_province(user, cluster)
        and user.unit_id is not None
        and cluster.years.filter(memberships__unit_id=user.unit_id).exists()
    )


@rules.predicate
def has_unit_role_staff(user, obj=None):
    return user.is_authenticated and user.has_role(Role.UNIT_STAFF)


@rules.predicate
def has_unit_role_leader(user, obj=None):
    return user.is_authenticated and user.has_role(Role.UNIT_LEADER)


@rules.predicate
def year_not_closed(user, cluster_year):
    return isinstance(cluster_year, ClusterYear) and cluster_year.stage != Stage.CLOSED


can_view_year = is_province_admin | is_member_of_year | is_council_member_of_province
# The secretary of the head unit opens the next year at the conference; once the year is closed
# only the province admin may act on it.
can_open_next_year = is_province_admin | (is_secretary_of_year & year_not_closed)

rules.add_perm("clusters.view_cluster_year", can_view_year)
rules.add_perm("clusters.manage_cluster_year", is_province_admin)
# Who may ask for a new render of the year's member list (viewers download the last one).
rules.add_perm("clusters.render_member_list", is_province_admin | is_secretary_of_year)
rules.add_perm("clusters.advance_stage", is_province_admin | is_secretary_of_year)
rules.add_perm("clusters.revert_stage", is_province_admin)
rules.add_perm(
    "clusters.view_cluster", is_province_admin | is_member_of_cluster | is_council_member_of_province
)
rules.add_perm("clusters.open_next_year", can_open_next_year)
rules.add_perm("clusters.manage_province", is_province_admin)
# Provinces themselves: superusers only (they hold every permission; nobody else does).
rules.add_perm("clusters.manage_provinces", rules.always_deny)
