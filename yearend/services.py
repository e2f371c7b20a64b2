"""Year-end writes: start next year with its hand-over, notifications. One function per change."""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import services as award_services
from clusters import audit, operators
from clusters import services as cluster_services
from clusters.closing import refuse_if_closed
from clusters.models import ClusterYear, MemberRole, Membership, Stage, Unit
from emulation.scoring import services as scoring_services

from .models import HandOver, HandOverMethod, Notification, ReminderSent

log = logging.getLogger(__name__)

# A year may be handed over once it has reached the dossier stage (the conference).
HANDOVER_STAGES = (Stage.DOSSIER, Stage.CLOSED)


def _copy_forward(source, target, actor):
    """The criteria table and the award rules carried into the new year (where it has none yet).

    Returns the names of what was copied (for the audit)."""
    copied = []
    table = scoring_services.table_copy_forward(
        source_year=source, target_year=target, actor=actor, reason=_("Copied from last year")
    )
    if table is not None:
        copied.append("criteria")
    if award_services.rules_copy_forward(source, target, actor):
        copied.append("award_rules")
    return copied


def _require(actor, perm, obj):
    refuse_if_closed(obj, perm)
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


def can_start_next_year(user, cluster_year):
    return user.has_perm("yearend.start_next_year", cluster_year)


@transaction.atomic
def start_next_year(
    *,
    cluster_year,
    head,
    deputy,
    handed_over_on,
    actor,
    method=HandOverMethod.ASSIGNED,
    poll_id=None,
    note="",
    secretaries=(),
):
    """In one step: open next year (members copied with renames and merges applied), set its
    head and deputy, give the cluster secretary role to `secretaries` (accounts of the new head
    unit), copy the criteria table and award rules forward, record the hand-over. Refused when the
    new head unit would have no secretary account: the next year needs an operator.

    A next year the province already opened (still in set-up) is completed instead: its members
    are kept (copied only if it has none), criteria and rules are copied only if it has none."""
    _require(actor, "yearend.start_next_year", cluster_year)
    cy = ClusterYear.objects.select_for_update().select_related("cluster").get(pk=cluster_year.pk)
    if cy.stage not in HANDOVER_STAGES:
        raise ValidationError(
            _("The next year can be started once this year has reached the dossier stage (now: %(stage)s).")
            % {"stage": cy.get_stage_display()}
        )
    if HandOver.objects.filter(cluster_year=cy).exists():
        raise ValidationError(_("This year has already been handed over."))
    existing = ClusterYear.objects.filter(cluster=cy.cluster, year=cy.year + 1).first()
    if existing is not None and (
        existing.stage != Stage.SETUP or HandOver.objects.filter(next_year=existing).exists()
    ):
        raise ValidationError(_("Year %(year)s already exists for this cluster.") % {"year": cy.year + 1})
    if head is None:
        raise ValidationError(_("Choose next year's head unit."))
    if deputy is not None and deputy.pk == head.pk:
        raise ValidationError(_("The head and the deputy must be different units."))
    if handed_over_on is None:
        raise ValidationError(_("Enter the date of the hand-over."))
    if handed_over_on > timezone.localdate() + datetime.timedelta(days=366):
        raise ValidationError(_("The date of the hand-over is too far in the future."))
    province_id = cy.cluster.province_id
    for unit in (head, deputy):
        if unit is not None and unit.province_id != province_id:
            raise ValidationError(_("The unit belongs to another province."))

    next_start = datetime.date(cy.year + 1, 1, 1)
    # read afresh: a merge recorded since the caller loaded the unit counts
    new_head = Unit.objects.get(pk=head.pk).successor_on(next_start)
    new_deputy = Unit.objects.get(pk=deputy.pk).successor_on(next_start) if deputy is not None else None
    if new_deputy is not None and new_deputy.pk == new_head.pk:
        raise ValidationError(_("The head and the deputy are the same unit next year (after a merge)."))
    old_head = cy.memberships.filter(role=MemberRole.HEAD).select_related("unit").first()

    # a next year the province opened earlier (still in set-up) is completed, keeping its members
    nxt = cluster_services.next_year_open(cluster_year=cy, head=new_head, deputy=new_deputy, actor=actor)
    operators.secretaries_assign(cluster_year=cy, unit=new_head, users=secretaries, actor=actor)
    operators.require_operator(new_head)
    copied = _copy_forward(cy, nxt, actor)
    handover = HandOver.objects.create(
        cluster_year=cy,
        next_year=nxt,
        from_head=old_head.unit if old_head else None,
        to_head=new_head,
        to_deputy=new_deputy,
        handed_over_on=handed_over_on,
        method=method,
        poll_id=poll_id,
        note=(note or "").strip(),
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action="handover.recorded",
        obj=cy,
        province_id=province_id,
        data={
            "next_year": nxt.year,
            "from_head": handover.from_head_id,
            "to_head": new_head.pk,
            "to_deputy": new_deputy.pk if new_deputy else None,
            "date": handed_over_on,
            "method": method,
            "copied": copied,
            "secretaries": sorted(u.pk for u in secretaries),
        },
    )
    return handover


@transaction.atomic
def handover_correct(*, handover, head, deputy, handed_over_on, actor, reason):
    """Province admin only: correct a recorded hand-over (e.g. after a closed year), with a reason."""
    cy = handover.cluster_year
    _require(actor, "yearend.correct_handover", cy)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("A reason is required to correct a hand-over."))
    if deputy is not None and deputy.pk == head.pk:
        raise ValidationError(_("The head and the deputy must be different units."))
    handover = HandOver.objects.select_for_update().get(pk=handover.pk)
    members = {m.unit_id: m for m in Membership.objects.filter(cluster_year=handover.next_year)}
    for unit, role in ((head, MemberRole.HEAD), (deputy, MemberRole.DEPUTY)):
        if unit is None:
            continue
        if unit.pk not in members:
            raise ValidationError(
                _("%(unit)s is not a member of the cluster next year.") % {"unit": unit.name}
            )
        cluster_services.membership_set_role(membership=members[unit.pk], role=role, actor=actor)
    old = {
        "to_head": handover.to_head_id,
        "to_deputy": handover.to_deputy_id,
        "date": handover.handed_over_on,
    }
    handover.to_head, handover.to_deputy, handover.handed_over_on = head, deputy, handed_over_on
    handover.save(update_fields=["to_head", "to_deputy", "handed_over_on"])
    audit.record(
        actor=actor,
        action="handover.corrected",
        obj=cy,
        province_id=cy.cluster.province_id,
        data={
            "old": old,
            "new": {"to_head": head.pk, "to_deputy": deputy.pk if deputy else None, "date": handed_over_on},
        },
        reason=reason,
    )
    return handover


@transaction.atomic
def notifications_mark_read(*, user, ids=None):
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def reminder_record(*, due, text, emailed):
    """The reminder job's one write: the reminder is marked sent (once per deadline: a unique
    constraint refuses a second), the user is notified, and the system's act is audited."""
    record = ReminderSent.objects.create(
        user=due.user,
        cluster_year=due.cluster_year,
        kind=due.kind,
        ref=due.ref,
        deadline=due.deadline,
        days_before=due.days_before,
        emailed=emailed,
    )
    Notification.objects.create(
        user=due.user,
        cluster_year=due.cluster_year,
        text=text[:300],
        url=due.url,
        deadline=due.deadline,
        emailed_at=timezone.now() if emailed else None,  # else the daily digest would send it again
    )
    audit.record(
        actor=None,
        action="reminder.sent",
        obj=due.cluster_year,
        province_id=due.cluster_year.cluster.province_id,
        data={
            "user": due.user.pk,
            "kind": due.kind,
            "ref": due.ref,
            "deadline": due.deadline,
            "days_before": due.days_before,
            "emailed": emailed,
        },
    )
    return record
