"""Who may do what with criteria and scores (django-rules, object level).

Objects: a ClusterYear for year-wide permissions, a ScoreSheet for one unit's scores."""

import rules

from clusters.models import STAGE_ORDER, ClusterYear, MemberRole, Role, Stage
from clusters.rules import (
    _same_province,
    is_council_member_of_province,
    is_member_of_year,
    is_province_admin,
    is_secretary_of_year,
    unit_roles_in_year,
)

from .selectors import table_of


def _year(obj):
    if isinstance(obj, ClusterYear):
        return obj
    return getattr(obj, "cluster_year", None)


def _table(cy):
    return table_of(cy)


def _locked(cy):
    table = _table(cy)
    return bool(table and table.locked)


@rules.predicate
def is_admin_of_year(user, obj):
    cy = _year(obj)
    return cy is not None and is_province_admin(user, cy)


@rules.predicate
def is_secretary(user, obj):
    cy = _year(obj)
    return cy is not None and is_secretary_of_year(user, cy)


@rules.predicate
def is_assigned_reviewer(user, obj):
    """Staff (or the secretary) of the reviewer unit the year assigned."""
    cy = _year(obj)
    if cy is None or not _same_province(user, cy) or user.unit_id is None:
        return False
    if not (user.has_role(Role.UNIT_STAFF) or user.has_role(Role.CLUSTER_SECRETARY)):
        return False
    table = _table(cy)
    return bool(table and table.reviewer_unit_id == user.unit_id)


def _deputy_checks_head_sheet(user, sheet, cy):
    """The head's own sheet (the secretary's unit) is cross-checked by the chosen reviewer unit or,
    when none is chosen (or the head itself was), by the deputy's unit."""
    roles = unit_roles_in_year(cy)
    if roles.get(sheet.unit_id) != MemberRole.HEAD or roles.get(user.unit_id) != MemberRole.DEPUTY:
        return False
    if not (user.has_role(Role.UNIT_STAFF) or user.has_role(Role.CLUSTER_SECRETARY)):
        return False
    table = _table(cy)
    return table is None or table.reviewer_unit_id in (None, sheet.unit_id)


@rules.predicate
def is_cross_checker(user, obj):
    """Who reviews: the head's secretary or the chosen reviewer unit — never a sheet of their own
    unit; the head's own sheet goes to the chosen reviewer unit or else the deputy's unit. On a year
    (no sheet) it answers whether the person reviews sheets at all."""
    cy = _year(obj)
    if cy is None or not _same_province(user, cy):
        return False
    if not hasattr(obj, "unit_id"):
        return is_secretary_of_year(user, cy) or is_assigned_reviewer(user, cy)
    if user.unit_id is None or user.unit_id == obj.unit_id:
        return False
    return (
        is_secretary_of_year(user, cy)
        or is_assigned_reviewer(user, cy)
        or _deputy_checks_head_sheet(user, obj, cy)
    )


@rules.predicate
def is_council(user, obj):
    cy = _year(obj)
    return cy is not None and is_council_member_of_province(user, cy)


@rules.predicate
def is_own_unit(user, sheet):
    return (
        hasattr(sheet, "unit_id")
        and _same_province(user, sheet.cluster_year)
        and user.unit_id is not None
        and user.unit_id == sheet.unit_id
    )


@rules.predicate
def is_staff_of_own_unit(user, sheet):
    return is_own_unit(user, sheet) and user.has_role(Role.UNIT_STAFF)


@rules.predicate
def is_member_and_sheet_submitted(user, sheet):
    return getattr(sheet, "is_submitted", False) and is_member_of_year(user, sheet.cluster_year)


@rules.predicate
def scoring_open(user, obj):
    cy = _year(obj)
    return cy is not None and cy.stage == Stage.SCORING and not _locked(cy)


@rules.predicate
def sheet_is_draft(user, sheet):
    return not getattr(sheet, "is_submitted", True)


@rules.predicate
def year_not_locked(user, obj):
    cy = _year(obj)
    return cy is not None and not _locked(cy)


@rules.predicate
def in_scoring_stage(user, obj):
    cy = _year(obj)
    return cy is not None and cy.stage == Stage.SCORING


def criteria_frozen(cluster_year):
    """The year's criteria table is frozen once scoring opens (the scoring stage and after): only
    the province admin changes it then, with a reason. The one statement of the rule, read by the
    permission below, the services, the views and the apps that wait for scoring to open."""
    return cluster_year.stage_index() >= STAGE_ORDER.index(Stage.SCORING)


@rules.predicate
def table_not_frozen(user, obj):
    cy = _year(obj)
    return cy is not None and not criteria_frozen(cy)


view_year = is_admin_of_year | is_secretary | is_council | is_member_of_year

rules.add_perm("scoring.view_criteria", view_year)
# The table is frozen once scoring opens; after that only the province admin changes it.
rules.add_perm("scoring.edit_criteria", is_admin_of_year | (is_secretary & table_not_frozen))
# At the hand-over the people who ran a year carry its table into the next year.
rules.add_perm("scoring.copy_table_forward", is_admin_of_year | is_secretary)
rules.add_perm(
    "scoring.view_sheet",
    is_admin_of_year
    | is_secretary
    | is_assigned_reviewer
    | is_council
    | is_own_unit
    | is_member_and_sheet_submitted,
)
rules.add_perm("scoring.self_score", is_staff_of_own_unit & sheet_is_draft & scoring_open)
rules.add_perm("scoring.submit_sheet", is_staff_of_own_unit & sheet_is_draft & scoring_open)
# Review (on a sheet): the head's secretary or the assigned reviewer unit — not for their own
# unit, whose sheet the reviewer unit or else the deputy's unit cross-checks — while scoring is
# open and not locked; the province admin at any time.
rules.add_perm("scoring.review", is_admin_of_year | (is_cross_checker & in_scoring_stage & year_not_locked))
rules.add_perm("scoring.lock", is_admin_of_year | is_secretary)
rules.add_perm("scoring.unlock", is_admin_of_year)
rules.add_perm("scoring.view_overview", is_admin_of_year | is_secretary | is_assigned_reviewer | is_council)
rules.add_perm("scoring.assign_reviewer", is_admin_of_year | (is_secretary & year_not_locked))
rules.add_perm("scoring.view_ranking", view_year)
rules.add_perm("scoring.render_ranking", is_admin_of_year | is_secretary)
