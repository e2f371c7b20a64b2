"""A unit's sheet: self-scores (points by the criterion's kind), submit and reopen."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters import audit
from emulation.pledges.selectors import registered_target as pledged_target

from .. import notices, subtotals
from ..models import Criterion, CriterionKind, ScoreEntry, SheetStatus
from ..values import parse_decimal, parse_points, parse_yes_no, quantize
from ._base import ZERO, _entry_data, _leaf, _lock_sheet, _reason, _require


def registered_target(cluster_year, unit, key):
    """The target the unit registered (pledges app), or None."""
    if not key:
        return None
    value = pledged_target(cluster_year, unit, key)
    return parse_decimal(value, places=None) if value is not None else None


def _points_for(criterion, sheet, value, target):
    """Points for a raw input according to the criterion's kind → (points, achieved, target)."""
    if criterion.kind == CriterionKind.YES_NO:
        return (criterion.max_points if parse_yes_no(value) else ZERO), None, None
    if criterion.kind == CriterionKind.TARGET_SHARE:
        achieved = parse_decimal(value)
        if achieved < 0:
            raise ValidationError(_("The achieved value cannot be below zero."), code="min")
        goal = registered_target(sheet.cluster_year, sheet.unit, criterion.target_key)
        if goal is None and target not in (None, ""):
            goal = parse_decimal(target)
        if goal is None:
            goal = criterion.target_value
        if goal is None or goal <= 0:
            raise ValidationError(
                _("No target is registered for this criterion: enter the target."), code="target"
            )
        share = min(achieved / goal, 1)
        return quantize(criterion.max_points * share), achieved, goal
    return parse_points(value, criterion.max_points), None, None


@transaction.atomic
def self_score_save(*, sheet, criterion, value, actor, note="", target=None):
    """Unit staff save one row of their own unit's self-score."""
    sheet = _lock_sheet(sheet)
    _require(actor, "scoring.self_score", sheet)
    _leaf(sheet, criterion)
    entry, _created = ScoreEntry.objects.select_for_update().get_or_create(sheet=sheet, criterion=criterion)
    if (
        value in (None, "")
        and criterion.kind != CriterionKind.YES_NO
        and not _created
        and entry.self_points is None
    ):
        raise ValidationError(_("Enter a number."), code="required")
    points, achieved, goal = _points_for(criterion, sheet, value, target)
    old = _entry_data(entry)
    entry.self_points, entry.achieved, entry.target = points, achieved, goal
    entry.note = (note or "").strip()
    entry.save()
    new = _entry_data(entry)
    if old != new:
        subtotals.refresh_sheet(sheet)
        audit.record(
            actor=actor,
            action="score.self_saved",
            obj=entry,
            province_id=sheet.province_id,
            data={"criterion": criterion.code, "old": old, "new": new},
        )
    return entry


@transaction.atomic
def sheet_submit(*, sheet, actor):
    sheet = _lock_sheet(sheet)
    _require(actor, "scoring.submit_sheet", sheet)
    leaves = Criterion.objects.filter(table__cluster_year=sheet.cluster_year, is_leaf=True).count()
    scored = sheet.entries.filter(self_points__isnull=False, criterion__is_leaf=True).count()
    if leaves == 0:
        raise ValidationError(_("The criteria table is empty."))
    if scored < leaves:
        raise ValidationError(
            _("%(missing)s of %(total)s rows are not scored yet.")
            % {"missing": leaves - scored, "total": leaves}
        )
    sheet.status, sheet.submitted_at, sheet.submitted_by = SheetStatus.SUBMITTED, timezone.now(), actor
    sheet.save(update_fields=["status", "submitted_at", "submitted_by"])
    audit.record(
        actor=actor, action="sheet.submitted", obj=sheet, province_id=sheet.province_id, data={"rows": scored}
    )
    notices.submitted(sheet)
    return sheet


@transaction.atomic
def sheet_reopen(*, sheet, actor, reason):
    """The reviewer sends a submitted sheet back to the unit (e.g. evidence missing)."""
    sheet = _lock_sheet(sheet)
    _require(actor, "scoring.review", sheet)
    reason = _reason(reason, _("A reason is required to send the scores back."))
    if not sheet.is_submitted:
        raise ValidationError(_("These scores have not been submitted."))
    sheet.status = SheetStatus.DRAFT
    sheet.save(update_fields=["status"])
    audit.record(
        actor=actor, action="sheet.reopened", obj=sheet, province_id=sheet.province_id, reason=reason
    )
    notices.returned(sheet, reason)
    return sheet
