"""Review: reviewed scores, bonus points and deductions, eligibility, the reviewer unit."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clusters import audit

from .. import notices, subtotals
from ..models import Adjustment, AdjustmentKind, ScoreEntry
from ..values import MAX_ADJUSTMENT_POINTS, parse_decimal, parse_points
from ._base import _entry_data, _leaf, _lock_sheet, _locked_table, _member_ids, _province, _reason, _require


@transaction.atomic
def review_adjust(*, sheet, criterion, value, reason, actor):
    """The reviewer sets the reviewed score of a row, with a required reason."""
    sheet = _lock_sheet(sheet)
    _require(actor, "scoring.review", sheet)
    _leaf(sheet, criterion)
    reason = _reason(reason, _("A reason is required for every adjustment."))
    points = parse_points(value, criterion.max_points)
    entry, _created = ScoreEntry.objects.select_for_update().get_or_create(sheet=sheet, criterion=criterion)
    old = _entry_data(entry)
    entry.reviewed_points, entry.review_reason = points, reason
    entry.save(update_fields=["reviewed_points", "review_reason", "updated_at"])
    subtotals.refresh_sheet(sheet)
    audit.record(
        actor=actor,
        action="score.reviewed",
        obj=entry,
        province_id=sheet.province_id,
        data={"criterion": criterion.code, "old": old["reviewed"], "new": points, "self": entry.self_points},
        reason=reason,
    )
    notices.adjusted(sheet, criterion)
    return entry


@transaction.atomic
def adjustment_add(*, sheet, kind, points, reason, actor):
    sheet = _lock_sheet(sheet)
    _require(actor, "scoring.review", sheet)
    if kind not in AdjustmentKind.values:
        raise ValidationError(_("Choose bonus points or a deduction."))
    reason = _reason(reason, _("A reason is required for bonus points and deductions."))
    value = parse_decimal(points, maximum=MAX_ADJUSTMENT_POINTS)
    if value <= 0:
        raise ValidationError(_("Enter points above zero."), code="min")
    adj = Adjustment.objects.create(sheet=sheet, kind=kind, points=value, reason=reason, created_by=actor)
    subtotals.refresh_sheet(sheet)
    audit.record(
        actor=actor,
        action=f"{kind}.added",
        obj=sheet,
        province_id=sheet.province_id,
        data={"adjustment": adj.pk, "kind": kind, "old": None, "new": value},
        reason=reason,
    )
    return adj


@transaction.atomic
def adjustment_remove(*, adjustment, reason, actor):
    sheet = _lock_sheet(adjustment.sheet)
    _require(actor, "scoring.review", sheet)
    reason = _reason(reason, _("A reason is required to remove bonus points or a deduction."))
    audit.record(
        actor=actor,
        action=f"{adjustment.kind}.removed",
        obj=sheet,
        province_id=sheet.province_id,
        data={
            "adjustment": adjustment.pk,
            "kind": adjustment.kind,
            "old": adjustment.points,
            "new": None,
            "was": adjustment.reason,
        },
        reason=reason,
    )
    adjustment.delete()
    subtotals.refresh_sheet(sheet)


@transaction.atomic
def eligibility_set(*, sheet, ineligible, reason, actor):
    sheet = _lock_sheet(sheet)
    _require(actor, "scoring.review", sheet)
    reason = _reason(reason, _("A reason is required to change a unit's eligibility."))
    old = {"ineligible": sheet.ineligible, "reason": sheet.ineligible_reason}
    sheet.ineligible = bool(ineligible)
    sheet.ineligible_reason = reason if ineligible else ""
    sheet.save(update_fields=["ineligible", "ineligible_reason"])
    audit.record(
        actor=actor,
        action="sheet.eligibility",
        obj=sheet,
        province_id=sheet.province_id,
        data={"old": old, "new": {"ineligible": sheet.ineligible}},
        reason=reason,
    )
    return sheet


@transaction.atomic
def reviewer_set(*, cluster_year, unit, actor):
    """Assign (or with unit=None remove) the member unit that cross-checks the scores."""
    table = _locked_table(cluster_year)
    _require(actor, "scoring.assign_reviewer", cluster_year)
    if unit is not None and unit.pk not in _member_ids(cluster_year):
        raise ValidationError(_("The reviewer unit must be a member of the year."))
    old = table.reviewer_unit_id
    table.reviewer_unit = unit
    table.save(update_fields=["reviewer_unit"])
    audit.record(
        actor=actor,
        action="reviewer.set",
        obj=table,
        province_id=_province(cluster_year),
        data={"old": old, "new": getattr(unit, "pk", None)},
    )
    return table
