"""Locking and unlocking the year's scores, and the scoring stage's exit guard."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters import audit
from clusters.models import Stage

from ..models import CriteriaTable, ScoreSheet, SheetStatus
from ._base import _locked_table, _member_ids, _province, _reason, _require


@transaction.atomic
def scores_lock(*, cluster_year, actor):
    table = _locked_table(cluster_year)
    _require(actor, "scoring.lock", cluster_year)
    if table.locked:
        raise ValidationError(_("The scores are already locked."))
    if cluster_year.stage != Stage.SCORING:
        raise ValidationError(_("Scores can only be locked during the scoring stage."))
    submitted = ScoreSheet.objects.filter(cluster_year=cluster_year, status=SheetStatus.SUBMITTED).count()
    drafts = len(_member_ids(cluster_year)) - submitted  # members that never submitted
    table.locked, table.locked_at, table.locked_by = True, timezone.now(), actor
    table.save(update_fields=["locked", "locked_at", "locked_by"])
    audit.record(
        actor=actor,
        action="scores.locked",
        obj=table,
        province_id=_province(cluster_year),
        data={"old": False, "new": True, "unsubmitted": drafts},
    )
    table.unsubmitted = drafts
    return table


@transaction.atomic
def scores_unlock(*, cluster_year, actor, reason):
    table = _locked_table(cluster_year)
    _require(actor, "scoring.unlock", cluster_year)
    reason = _reason(reason, _("A reason is required to unlock the scores."))
    if not table.locked:
        raise ValidationError(_("The scores are not locked."))
    table.locked, table.locked_at, table.locked_by = False, None, None
    table.save(update_fields=["locked", "locked_at", "locked_by"])
    audit.record(
        actor=actor,
        action="scores.unlocked",
        obj=table,
        province_id=_province(cluster_year),
        data={"old": True, "new": False},
        reason=reason,
    )
    return table


def scores_locked_guard(cluster_year):
    if not CriteriaTable.objects.filter(cluster_year=cluster_year, locked=True).exists():
        return _("Lock the year's scores before moving on from scoring.")
    return None
