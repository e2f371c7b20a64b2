"""Helpers shared by the scoring services: permission, reasons, row locks, entry snapshots."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from clusters.closing import refuse_if_closed
from clusters.models import ClusterYear
from clusters.rules import unit_roles_in_year

from ..models import CriteriaTable, ScoreSheet
from ..values import quantize

ZERO = quantize(0)


def _require(actor, perm, obj):
    refuse_if_closed(obj, perm)  # a closed year refuses every change, whoever asks
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


def _province(cy):
    return cy.cluster.province_id


def _reason(reason, message):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(message, code="reason")
    return reason


def _locked_table(cluster_year):
    """The year's table, row-locked; also cached on the year for the permission rules."""
    table, _created = CriteriaTable.objects.get_or_create(cluster_year=cluster_year)
    table = CriteriaTable.objects.select_for_update().get(pk=table.pk)
    cluster_year._scoring_table = table
    return table


def _fresh_year(cluster_year):
    cy = ClusterYear.objects.select_related("cluster").get(pk=cluster_year.pk)
    if hasattr(cluster_year, "_unit_roles"):
        cy._unit_roles = cluster_year._unit_roles
    return cy


def _member_ids(cy):
    return unit_roles_in_year(cy)


def _lock_sheet(sheet):
    """Lock the table (year-wide lock state) and the sheet; refresh both."""
    cy = sheet.cluster_year
    _locked_table(cy)
    pk = sheet.pk
    if pk is None:  # first write to a unit's sheet: create it (rolled back with the rest)
        if sheet.unit_id not in _member_ids(cy):
            raise PermissionDenied
        pk = ScoreSheet.objects.get_or_create(cluster_year=cy, unit_id=sheet.unit_id)[0].pk
    fresh = ScoreSheet.objects.select_for_update().get(pk=pk)
    fresh.cluster_year = cy
    fresh.unit = sheet.unit
    return fresh


def _entry_data(entry):
    return {
        "self": entry.self_points,
        "reviewed": entry.reviewed_points,
        "note": entry.note,
        "achieved": entry.achieved,
        "target": entry.target,
    }


def _leaf(sheet, criterion):
    if criterion.table.cluster_year_id != sheet.cluster_year_id:
        raise ValidationError(_("This criterion belongs to another year's table."))
    if not criterion.is_leaf:
        raise ValidationError(_("Only the lowest-level criteria are scored."))
    return criterion
