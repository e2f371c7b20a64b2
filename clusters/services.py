"""Every write about who takes part: one function per state change, atomic, audited.

Each service takes the acting user and checks its django-rules permission (PermissionDenied);
views look the object up within the user's province first (404) and translate the refusal."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from . import audit, closing, confirm, stages, timeline
from .models import (
    STAGE_ORDER,
    Cluster,
    ClusterYear,
    MemberRole,
    Membership,
    Province,
    Stage,
    Unit,
)


def _require(actor, perm, obj):
    closing.refuse_if_closed(obj, perm)
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


def _lock_year(cluster_year):
    return ClusterYear.objects.select_for_update().select_related("cluster").get(pk=cluster_year.pk)


@transaction.atomic
def cluster_create(*, province, kind, code, name, actor):
    _require(actor, "clusters.manage_province", province)
    if Cluster.objects.filter(province=province, code=code).exists():
        raise ValidationError(_("A cluster with code “%(code)s” already exists.") % {"code": code})
    cluster = Cluster.objects.create(province=province, kind=kind, code=code, name=name)
    audit.record(actor=actor, action="cluster.created", obj=cluster, data={"code": code, "name": name})
    return cluster


@transaction.atomic
def cluster_year_create(*, cluster, year, actor, copy_from=None):
    """Open a cluster's year; optionally copy the membership of an earlier year, merges applied."""
    _require(actor, "clusters.manage_province", cluster)
    return _year_create(cluster=cluster, year=year, actor=actor, copy_from=copy_from)


def _year_create(*, cluster, year, actor, copy_from=None):
    if ClusterYear.objects.filter(cluster=cluster, year=year).exists():
        raise ValidationError(_("Year %(year)s already exists for this cluster.") % {"year": year})
    merge = timeline.province_merge_by(cluster.province_id, datetime.date(year, 1, 1))
    if merge is not None:
        raise ValidationError(
            _("%(old)s was merged into %(new)s on %(date)s: open the year in a cluster of %(new)s.")
            % {
                "old": merge.from_province.name,
                "new": merge.province.name,
                "date": f"{merge.effective:%d/%m/%Y}",
            }
        )
    cy = ClusterYear.objects.create(cluster=cluster, year=year)
    audit.record(
        actor=actor,
        action="cluster_year.created",
        obj=cy,
        province_id=cluster.province_id,
        data={"year": year},
    )
    if copy_from is not None:
        _memberships_copy(source=copy_from, target=cy, actor=actor)
    return cy


@transaction.atomic
def memberships_copy(*, source, target, actor):
    """Copy members (not head/deputy roles) of `source` year into `target` with the unit changes
    in force on 1 January of the target year: a merged, split or abolished unit is replaced by
    its successors (none when abolished); a unit moved to another province is left out."""
    _require(actor, "clusters.manage_cluster_year", target)
    return _memberships_copy(source=source, target=target, actor=actor)


def _memberships_copy(*, source, target, actor):
    start = datetime.date(target.year, 1, 1)
    existing = set(target.memberships.values_list("unit_id", flat=True))
    added = []
    units = [m.unit for m in source.memberships.select_related("unit").order_by("unit__name")]
    carried_on = timeline.successors_on(units, start)  # changes in force on 1 January applied
    province_id = target.cluster.province_id
    for unit in units:
        for successor in carried_on[unit.pk]:
            if successor.pk in existing or successor.province_id != province_id:
                continue  # already there, or moved to another province
            existing.add(successor.pk)
            added.append(Membership(cluster_year=target, unit=successor, role=MemberRole.MEMBER))
    Membership.objects.bulk_create(added)
    audit.record(
        actor=actor,
        action="membership.copied",
        obj=target,
        province_id=target.cluster.province_id,
        data={"from_year": source.year, "units": [m.unit_id for m in added]},
    )
    return added


@transaction.atomic
def next_year_open(*, cluster_year, head, deputy, actor):
    """Open the cluster's next year at the hand-over, or complete one the province opened that
    is still in set-up: members copied from this year (merges applied) when it has none, `head`
    and `deputy` (units of next year, deputy optional) given their roles. The province admin or,
    until the year is closed, its secretary (clusters.open_next_year)."""
    _require(actor, "clusters.open_next_year", cluster_year)
    nxt = ClusterYear.objects.filter(cluster_id=cluster_year.cluster_id, year=cluster_year.year + 1).first()
    if nxt is None:
        nxt = _year_create(cluster=cluster_year.cluster, year=cluster_year.year + 1, actor=actor)
    elif nxt.stage != Stage.SETUP:
        raise ValidationError(
            _("Year %(year)s already exists for this cluster.") % {"year": cluster_year.year + 1}
        )
    if not nxt.memberships.exists():
        _memberships_copy(source=cluster_year, target=nxt, actor=actor)
    members = {m.unit_id: m for m in Membership.objects.filter(cluster_year=nxt)}
    for unit, role in ((head, MemberRole.HEAD), (deputy, MemberRole.DEPUTY)):
        if unit is None:
            continue
        if unit.pk not in members:
            raise ValidationError(
                _("%(unit)s is not a member of the cluster next year.") % {"unit": unit.name}
            )
        _set_role(membership=members[unit.pk], role=role, actor=actor)
    return nxt


@transaction.atomic
def membership_add(*, cluster_year, unit, actor, role=MemberRole.MEMBER):
    _require(actor, "clusters.manage_cluster_year", cluster_year)
    if unit.province_id != cluster_year.cluster.province_id:
        raise ValidationError(_("The unit belongs to another province."))
    if Membership.objects.filter(cluster_year=cluster_year, unit=unit).exists():
        raise ValidationError(_("%(unit)s is already a member this year.") % {"unit": unit.name})
    m = Membership.objects.create(cluster_year=cluster_year, unit=unit, role=MemberRole.MEMBER)
    audit.record(
        actor=actor,
        action="membership.added",
        obj=cluster_year,
        province_id=unit.province_id,
        data={"unit": unit.pk},
    )
    if role != MemberRole.MEMBER:
        _set_role(membership=m, role=role, actor=actor)
    return m


@transaction.atomic
def membership_remove(*, membership, actor):
    _require(actor, "clusters.manage_cluster_year", membership.cluster_year)
    cy = _lock_year(membership.cluster_year)
    if cy.stage != Stage.SETUP:
        raise ValidationError(_("Members can only be removed during set-up."))
    audit.record(
        actor=actor,
        action="membership.removed",
        obj=cy,
        province_id=cy.cluster.province_id,
        data={"unit": membership.unit_id, "role": membership.role},
    )
    membership.delete()


@transaction.atomic
def membership_set_role(*, membership, role, actor):
    """Make a unit head, deputy or plain member; the previous head/deputy becomes a member."""
    _require(actor, "clusters.manage_cluster_year", membership.cluster_year)
    return _set_role(membership=membership, role=role, actor=actor)


def _set_role(*, membership, role, actor):
    cy = _lock_year(membership.cluster_year)
    old = membership.role
    if role in (MemberRole.HEAD, MemberRole.DEPUTY):
        cy.memberships.filter(role=role).exclude(pk=membership.pk).update(role=MemberRole.MEMBER)
    membership.role = role
    try:
        with transaction.atomic():
            membership.save(update_fields=["role"])
    except IntegrityError as exc:
        raise ValidationError(_("Only one head and one deputy per year.")) from exc
    audit.record(
        actor=actor,
        action="membership.role_changed",
        obj=cy,
        province_id=cy.cluster.province_id,
        data={"unit": membership.unit_id, "old": old, "new": role},
    )
    return membership


@transaction.atomic
def stage_advance(*, cluster_year, actor, from_stage=None, reason=""):
    """Move the year one stage forward. `from_stage` is the stage the person saw: a second click
    (or a stale page) finds the year already moved and changes nothing. What the move would leave
    behind (stages.exit_warnings) needs a reason, recorded with it (clusters.confirm)."""
    _require(actor, "clusters.advance_stage", cluster_year)
    cy = _lock_year(cluster_year)
    if from_stage is not None and from_stage != cy.stage:
        raise ValidationError(
            _("The year has already moved on to: %(stage)s.") % {"stage": cy.get_stage_display()}
        )
    idx = STAGE_ORDER.index(cy.stage)
    if idx == len(STAGE_ORDER) - 1:
        raise ValidationError(_("This year is already closed."))
    problem = stages.exit_problem(cy)
    if problem:
        raise ValidationError(problem)
    shortfalls = stages.exit_warnings(cy)
    reason = confirm.reason_to_go_on(shortfalls, reason)
    old, cy.stage = cy.stage, STAGE_ORDER[idx + 1]
    cy.save(update_fields=["stage"])
    audit.record(
        actor=actor,
        action="stage.advanced",
        obj=cy,
        province_id=cy.cluster.province_id,
        data={"old": old, "new": cy.stage, **confirm.audit_data(shortfalls)},
        reason=reason,
    )
    stages.entered(cy)
    return cy


@transaction.atomic
def stage_revert(*, cluster_year, actor, reason, from_stage=None):
    """Province admin only: move a year one stage back, with a reason."""
    _require(actor, "clusters.revert_stage", cluster_year)
    if not (reason or "").strip():
        raise ValidationError(_("A reason is required to move a year back."))
    cy = _lock_year(cluster_year)
    if from_stage is not None and from_stage != cy.stage:
        raise ValidationError(
            _("The year has already moved on to: %(stage)s.") % {"stage": cy.get_stage_display()}
        )
    idx = STAGE_ORDER.index(cy.stage)
    if idx == 0:
        raise ValidationError(_("This year is still in set-up."))
    old, cy.stage = cy.stage, STAGE_ORDER[idx - 1]
    cy.save(update_fields=["stage"])
    audit.record(
        actor=actor,
        action="stage.reverted",
        obj=cy,
        province_id=cy.cluster.province_id,
        data={"old": old, "new": cy.stage},
        reason=reason,
    )
    return cy


@transaction.atomic
def unit_create(*, province, code, kind, name, short_name="", leader_name="", actor):
    _require(actor, "clusters.manage_province", province)
    if Unit.objects.filter(province=province, code=code).exists():
        raise ValidationError(_("A unit with code “%(code)s” already exists.") % {"code": code})
    unit = Unit.objects.create(
        province=province, code=code, kind=kind, name=name, short_name=short_name, leader_name=leader_name
    )
    audit.record(actor=actor, action="unit.created", obj=unit, data={"name": name, "kind": kind})
    return unit


@transaction.atomic
@transaction.atomic
def province_save(*, actor, code, name, place_name="", province=None):
    """A province created or edited (superusers, in the Django admin)."""
    _require(actor, "clusters.manage_provinces", province)
    from_ = (
        {}
        if province is None
        else {"code": province.code, "name": province.name, "place": province.place_name}
    )
    if province is None:
        if Province.objects.filter(code=code).exists():
            raise ValidationError(_("The code “%(code)s” is taken.") % {"code": code})
        province = Province(code=code)
    province.name, province.place_name = name, place_name
    province.save()
    audit.record(
        actor=actor,
        action="province.saved",
        obj=province,
        province_id=province.pk,
        data={"old": from_, "new": {"code": province.code, "name": name, "place": place_name}},
    )
    return province
