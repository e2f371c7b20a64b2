"""Locking and unlocking the year's scores, and the scoring stage's exit guard."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusters import audit, confirm
from clusters.models import Stage
from clusters.selectors import vn_sort_key, year_memberships

from ..models import CriteriaTable, ScoreSheet, SheetStatus
from ._base import _locked_table, _province, _reason, _require


def unsubmitted_units(cluster_year, members=None):
    """The member units (as named that year) whose self-score is not submitted, in order.
    `members`: year_memberships(cluster_year) when the caller has them; constant queries."""
    submitted = set(
        ScoreSheet.objects.filter(cluster_year=cluster_year, status=SheetStatus.SUBMITTED).values_list(
            "unit_id", flat=True
        )
    )
    members = year_memberships(cluster_year) if members is None else members
    return sorted((m.display_name for m in members if m.unit_id not in submitted), key=vn_sort_key)


def unsubmitted_shortfall(missing, members):
    """What locking (or leaving scoring) now would leave out, for clusters.confirm; None if nothing."""
    if not missing:
        return None
    return confirm.Shortfall(
        ngettext(
            "%(n)s of %(m)s units has not submitted its self-score; locking now keeps its "
            "scores as they are:",
            "%(n)s of %(m)s units have not submitted their self-scores; locking now keeps "
            "their scores as they are:",
            len(missing),
        )
        % {"n": len(missing), "m": members},
        list(missing),
    )


@transaction.atomic
def scores_lock(*, cluster_year, actor, reason=""):
    """Lock the year's scores. Units that have not submitted are locked as they are, which needs a
    reason (shown on the confirmation step, recorded in the audit event)."""
    table = _locked_table(cluster_year)
    _require(actor, "scoring.lock", cluster_year)
    if table.locked:
        raise ValidationError(_("The scores are already locked."))
    if cluster_year.stage != Stage.SCORING:
        raise ValidationError(_("Scores can only be locked during the scoring stage."))
    members = year_memberships(cluster_year)
    missing = unsubmitted_units(cluster_year, members)
    reason = confirm.reason_to_go_on([unsubmitted_shortfall(missing, len(members))], reason)
    drafts = len(missing)
    table.locked, table.locked_at, table.locked_by = True, timezone.now(), actor
    table.save(update_fields=["locked", "locked_at", "locked_by"])
    audit.record(
        actor=actor,
        action="scores.locked",
        obj=table,
        province_id=_province(cluster_year),
        data={"old": False, "new": True, "unsubmitted": drafts, "missing": missing},
        reason=reason,
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
