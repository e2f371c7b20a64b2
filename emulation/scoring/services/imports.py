"""Spreadsheet round trip of one unit's self-score: many rows at once, all or nothing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clusters import audit

from .. import subtotals
from ..models import Criterion, ScoreEntry
from ._base import _entry_data, _lock_sheet, _require
from .sheets import _points_for


@transaction.atomic
def self_scores_import(*, sheet, rows, actor):
    """Save many rows at once (an uploaded sheet): `rows` = [(row number, code, value, note, target)].

    Every row is validated first; one bad row → ValidationError with the per-row list, nothing saved."""
    sheet = _lock_sheet(sheet)
    _require(actor, "scoring.self_score", sheet)
    leaves = {
        c.code: c for c in Criterion.objects.filter(table__cluster_year=sheet.cluster_year, is_leaf=True)
    }
    errors, planned, seen = [], [], set()
    for number, code, value, note, target in rows:
        code = str(code or "").strip()
        criterion = leaves.get(code)
        if criterion is None:
            errors.append(
                _("Row %(row)s: “%(code)s” is not a scored criterion of this year's table.")
                % {"row": number, "code": code}
            )
            continue
        if code in seen:
            errors.append(_("Row %(row)s: criterion %(code)s appears twice.") % {"row": number, "code": code})
            continue
        seen.add(code)
        if value in (None, ""):
            continue
        try:
            points, achieved, goal = _points_for(criterion, sheet, value, target)
        except ValidationError as exc:
            errors.append(
                _("Row %(row)s (criterion %(code)s): %(error)s")
                % {"row": number, "code": code, "error": " ".join(exc.messages)}
            )
            continue
        planned.append((criterion, points, achieved, goal, str(note or "").strip()))
    if errors:
        raise ValidationError(errors)
    if not planned:
        raise ValidationError(_("The file has no scores to import."))
    entries = {e.criterion_id: e for e in ScoreEntry.objects.select_for_update().filter(sheet=sheet)}
    changed = 0
    for criterion, points, achieved, goal, note in planned:
        entry = entries.get(criterion.pk) or ScoreEntry(sheet=sheet, criterion=criterion)
        old = _entry_data(entry)
        entry.self_points, entry.achieved, entry.target, entry.note = points, achieved, goal, note
        if old != _entry_data(entry):
            entry.save()
            changed += 1
            audit.record(
                actor=actor,
                action="score.self_saved",
                obj=entry,
                province_id=sheet.province_id,
                data={"criterion": criterion.code, "old": old, "new": _entry_data(entry), "source": "xlsx"},
            )
    if changed:
        subtotals.refresh_sheet(sheet)
    return changed
