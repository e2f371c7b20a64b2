"""Every write about criteria and scores: one function per state change, atomic, audited.

Each function checks the actor's permission itself (PermissionDenied) so that views, imports
and commands cannot bypass it, and raises ValidationError with a Vietnamese message for bad
input; nothing is saved half-way."""

import os

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters import audit
from clusters.models import ClusterYear, Stage
from clusters.services import STAGE_EXIT_GUARDS

from .models import (
    Adjustment,
    AdjustmentKind,
    CriteriaTable,
    Criterion,
    CriterionKind,
    Evidence,
    ScoreEntry,
    ScoreSheet,
    SheetStatus,
    TieBreak,
)
from .values import parse_decimal, parse_points, parse_yes_no, quantize

ZERO = quantize(0)


def _require(actor, perm, obj):
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


# ---------------------------------------------------------------------------------------------
# Criteria tables


def table_for(cluster_year):
    table, _created = CriteriaTable.objects.get_or_create(cluster_year=cluster_year)
    return table


def _criterion_values(
    table,
    *,
    code,
    text,
    max_points,
    kind,
    guidance="",
    target_key="",
    target_value=None,
    parent=None,
    exclude_pk=None,
    check_unique=True,
):
    errors = {}
    code = (code or "").strip()
    text = (text or "").strip()
    if not code:
        errors["code"] = _("Enter the criterion's code (e.g. 1.2).")
    elif check_unique and table.criteria.filter(code=code).exclude(pk=exclude_pk).exists():
        errors["code"] = _("The code “%(code)s” is already used in this table.") % {"code": code}
    if not text:
        errors["text"] = _("Enter the criterion's text.")
    if kind not in CriterionKind.values:
        errors["kind"] = _("Unknown kind of criterion.")
    try:
        max_points = parse_decimal(max_points)
        if max_points < 0:
            raise ValidationError(_("Points cannot be below zero."))
    except ValidationError as exc:
        errors["max_points"] = exc.messages[0]
    if target_value not in (None, ""):
        try:
            target_value = parse_decimal(target_value)
            if target_value <= 0:
                raise ValidationError(_("The target must be above zero."))
        except ValidationError as exc:
            errors["target_value"] = exc.messages[0]
    else:
        target_value = None
    if parent is not None and parent.table_id != table.pk:
        errors["parent"] = _("The parent criterion belongs to another table.")
    if errors:
        raise ValidationError(errors)
    return {
        "code": code,
        "text": text,
        "max_points": max_points,
        "kind": kind,
        "guidance": (guidance or "").strip(),
        "target_key": (target_key or "").strip(),
        "target_value": target_value,
    }


def _criterion_data(c):
    return {
        "code": c.code,
        "text": c.text,
        "max_points": c.max_points,
        "kind": c.kind,
        "guidance": c.guidance,
        "target_key": c.target_key,
        "target_value": c.target_value,
        "parent": c.parent_id,
    }


@transaction.atomic
def criterion_add(*, cluster_year, actor, parent=None, reason="", **fields):
    _require(actor, "scoring.edit_criteria", cluster_year)
    table = _locked_table(cluster_year)
    if cluster_year.stage not in (Stage.SETUP, Stage.REGISTRATION):
        _reason(reason, _("The table is frozen: a reason is required to change it."))
    values = _criterion_values(table, parent=parent, **fields)
    if parent is not None and parent.entries.exists():
        raise ValidationError(
            _("Criterion %(code)s already has scores; it cannot get sub-items.") % {"code": parent.code}
        )
    last = table.criteria.order_by("-position").values_list("position", flat=True).first() or 0
    criterion = Criterion.objects.create(table=table, parent=parent, position=last + 1, **values)
    criterion.major = parent.major if parent is not None else criterion
    criterion.save(update_fields=["major"])
    if parent is not None and parent.is_leaf:
        parent.is_leaf = False
        parent.save(update_fields=["is_leaf"])
    audit.record(
        actor=actor,
        action="criterion.added",
        obj=criterion,
        province_id=_province(cluster_year),
        data=_criterion_data(criterion),
        reason=reason,
    )
    return criterion


@transaction.atomic
def criterion_update(*, criterion, actor, reason="", **fields):
    cy = _fresh_year(criterion.table.cluster_year)
    _require(actor, "scoring.edit_criteria", cy)
    table = _locked_table(cy)
    if cy.stage not in (Stage.SETUP, Stage.REGISTRATION):
        _reason(reason, _("The table is frozen: a reason is required to change it."))
    criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    values = _criterion_values(table, parent=criterion.parent, exclude_pk=criterion.pk, **fields)
    if (
        criterion.entries.filter(self_points__gt=values["max_points"]).exists()
        or criterion.entries.filter(reviewed_points__gt=values["max_points"]).exists()
    ):
        raise ValidationError(
            _("Some units already scored above the new maximum; adjust their scores first.")
        )
    old = _criterion_data(criterion)
    for key, value in values.items():
        setattr(criterion, key, value)
    criterion.save()
    audit.record(
        actor=actor,
        action="criterion.changed",
        obj=criterion,
        province_id=_province(cy),
        data={"old": old, "new": _criterion_data(criterion)},
        reason=reason,
    )
    return criterion


@transaction.atomic
def criterion_delete(*, criterion, actor, reason=""):
    cy = _fresh_year(criterion.table.cluster_year)
    _require(actor, "scoring.edit_criteria", cy)
    _locked_table(cy)
    if cy.stage not in (Stage.SETUP, Stage.REGISTRATION):
        _reason(reason, _("The table is frozen: a reason is required to change it."))
    if ScoreEntry.objects.filter(criterion__in=_subtree_ids(criterion)).exists():
        raise ValidationError(
            _("Criterion %(code)s already has scores and cannot be removed.") % {"code": criterion.code}
        )
    audit.record(
        actor=actor,
        action="criterion.removed",
        obj=criterion,
        province_id=_province(cy),
        data=_criterion_data(criterion),
        reason=reason,
    )
    parent = criterion.parent
    criterion.delete()
    if parent is not None and not parent.children.exists():
        parent.is_leaf = True
        parent.save(update_fields=["is_leaf"])


def _subtree_ids(criterion):
    ids, frontier = [criterion.pk], [criterion.pk]
    while frontier:
        frontier = list(Criterion.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


def _table_has_scores(table):
    return ScoreEntry.objects.filter(criterion__table=table).exists()


@transaction.atomic
def table_replace(*, cluster_year, rows, actor, reason="", source=""):
    """Replace the whole table by `rows` (dicts with code, text, max_points, kind, guidance,
    target_key, target_value; the parent is found from the code: "1.2.3" → "1.2").

    All rows are validated first; any error raises ValidationError with a per-row list."""
    _require(actor, "scoring.edit_criteria", cluster_year)
    table = _locked_table(cluster_year)
    if cluster_year.stage not in (Stage.SETUP, Stage.REGISTRATION):
        _reason(reason, _("The table is frozen: a reason is required to change it."))
    if _table_has_scores(table):
        raise ValidationError(_("Units have already scored against this table; it cannot be replaced."))
    errors, seen, prepared = [], {}, []
    for number, row in rows:
        try:
            values = _criterion_values(
                table,
                check_unique=False,
                **{
                    k: row.get(k)
                    for k in ("code", "text", "max_points", "kind", "guidance", "target_key", "target_value")
                },
            )
        except ValidationError as exc:
            errors.append(_("Row %(row)s: %(errors)s") % {"row": number, "errors": "; ".join(exc.messages)})
            continue
        code = values["code"]
        if code in seen:
            errors.append(
                _("Row %(row)s: the code “%(code)s” appears twice.") % {"row": number, "code": code}
            )
            continue
        parent_code = code.rsplit(".", 1)[0] if "." in code else None
        if parent_code is not None and parent_code not in seen:
            errors.append(
                _("Row %(row)s: the parent criterion “%(code)s” must come before it.")
                % {"row": number, "code": parent_code}
            )
            continue
        seen[code] = number
        prepared.append((parent_code, values))
    if not prepared and not errors:
        errors.append(_("The file has no criteria."))
    if errors:
        raise ValidationError(errors)
    old_count = table.criteria.count()
    table.tie_break_criterion = None
    table.save(update_fields=["tie_break_criterion"])
    table.criteria.all().delete()
    created = {}
    for position, (parent_code, values) in enumerate(prepared, 1):
        parent = created.get(parent_code)
        c = Criterion.objects.create(table=table, parent=parent, position=position, **values)
        c.major = parent.major if parent else c
        c.save(update_fields=["major"])
        if parent is not None and parent.is_leaf:
            parent.is_leaf = False
            parent.save(update_fields=["is_leaf"])
        created[values["code"]] = c
    audit.record(
        actor=actor,
        action="criteria.replaced",
        obj=table,
        province_id=_province(cluster_year),
        data={"removed": old_count, "added": len(created), "source": source},
        reason=reason,
    )
    return table


def table_rows(table):
    return [
        (
            c.code,
            {
                "code": c.code,
                "text": c.text,
                "max_points": c.max_points,
                "kind": c.kind,
                "guidance": c.guidance,
                "target_key": c.target_key,
                "target_value": c.target_value,
            },
        )
        for c in table.criteria.order_by("position", "id")
    ]


@transaction.atomic
def table_copy(*, source, cluster_year, actor, reason=""):
    """Copy another year's table (last year's, or a province template) into this year."""
    if source.cluster_year.cluster.province_id != cluster_year.cluster.province_id:
        raise PermissionDenied
    rows = [(i, row) for i, (_code, row) in enumerate(table_rows(source), 1)]
    table = table_replace(
        cluster_year=cluster_year,
        rows=rows,
        actor=actor,
        reason=reason,
        source=f"copy of {source.cluster_year}",
    )
    if source.tie_break != TieBreak.NONE:
        named = source.tie_break_criterion.code if source.tie_break_criterion else None
        table.tie_break = source.tie_break
        table.tie_break_criterion = table.criteria.filter(code=named).first() if named else None
        table.save(update_fields=["tie_break", "tie_break_criterion"])
    return table


@transaction.atomic
def tie_break_set(*, cluster_year, rule, criterion, actor, reason=""):
    _require(actor, "scoring.edit_criteria", cluster_year)
    table = _locked_table(cluster_year)
    if rule not in TieBreak.values:
        raise ValidationError(_("Unknown tie-break rule."))
    if rule in (TieBreak.CRITERION, TieBreak.CRITERION_THEN_BONUS):
        if criterion is None or criterion.table_id != table.pk:
            raise ValidationError(_("Choose the criterion that breaks ties."))
    else:
        criterion = None
    old = {"rule": table.tie_break, "criterion": table.tie_break_criterion_id}
    table.tie_break, table.tie_break_criterion = rule, criterion
    table.save(update_fields=["tie_break", "tie_break_criterion"])
    audit.record(
        actor=actor,
        action="tie_break.set",
        obj=table,
        province_id=_province(cluster_year),
        data={"old": old, "new": {"rule": rule, "criterion": getattr(criterion, "pk", None)}},
        reason=reason,
    )
    return table


# ---------------------------------------------------------------------------------------------
# Self-scores


def sheet_for(cluster_year, unit):
    """The unit's sheet for the year (created empty on first use; not a change worth auditing)."""
    if unit.pk not in _member_ids(cluster_year):
        raise PermissionDenied
    sheet, _created = ScoreSheet.objects.get_or_create(cluster_year=cluster_year, unit=unit)
    sheet.cluster_year = cluster_year
    sheet.unit = unit
    return sheet


def _member_ids(cy):
    from clusters.rules import unit_roles_in_year

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


def registered_target(cluster_year, unit, key):
    """The target the unit registered (pledges app), or None."""
    if not key:
        return None
    try:
        from emulation.pledges.selectors import registered_target as pledged
    except ImportError:
        return None
    try:
        with transaction.atomic():  # a savepoint: a failure in the other app must not poison ours
            value = pledged(cluster_year, unit, key)
    except Exception:  # noqa: BLE001 - another app's bug must not block scoring; the fallback applies
        return None
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
    return sheet


@transaction.atomic
def sheet_reopen(*, sheet, actor, reason):
    """The reviewer sends a submitted sheet back to the unit (e.g. evidence missing)."""
    sheet = _lock_sheet(sheet)
    _require(actor, "scoring.review", sheet.cluster_year)
    reason = _reason(reason, _("A reason is required to send the scores back."))
    if not sheet.is_submitted:
        raise ValidationError(_("These scores have not been submitted."))
    sheet.status = SheetStatus.DRAFT
    sheet.save(update_fields=["status"])
    audit.record(
        actor=actor, action="sheet.reopened", obj=sheet, province_id=sheet.province_id, reason=reason
    )
    return sheet


# ---------------------------------------------------------------------------------------------
# Evidence files

ALLOWED_EVIDENCE = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
}


def _check_upload(upload):
    name = os.path.basename(upload.name or "")
    ext = os.path.splitext(name)[1].lower()
    if ext not in ALLOWED_EVIDENCE:
        raise ValidationError(
            _("“%(name)s”: only PDF, images (JPG, PNG) and office documents are accepted.") % {"name": name},
            code="type",
        )
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": limit // (1024 * 1024)},
            code="size",
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in ALLOWED_EVIDENCE[ext]):
        raise ValidationError(
            _("“%(name)s” is not really a %(ext)s file.") % {"name": name, "ext": ext[1:].upper()},
            code="content",
        )
    return name


@transaction.atomic
def evidence_add(*, sheet, criterion, upload, actor):
    sheet = _lock_sheet(sheet)
    _require(actor, "scoring.self_score", sheet)
    _leaf(sheet, criterion)
    name = _check_upload(upload)
    entry, _created = ScoreEntry.objects.get_or_create(sheet=sheet, criterion=criterion)
    evidence = Evidence(entry=entry, original_name=name, size=upload.size, uploaded_by=actor)
    evidence.entry = entry
    entry.sheet = sheet
    evidence.file.save(name, upload, save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.storage.delete(evidence.file.name)
        raise
    audit.record(
        actor=actor,
        action="evidence.added",
        obj=entry,
        province_id=sheet.province_id,
        data={"criterion": criterion.code, "file": name, "size": upload.size},
    )
    return evidence


@transaction.atomic
def evidence_remove(*, evidence, actor):
    entry = evidence.entry
    sheet = _lock_sheet(entry.sheet)
    _require(actor, "scoring.self_score", sheet)
    audit.record(
        actor=actor,
        action="evidence.removed",
        obj=entry,
        province_id=sheet.province_id,
        data={"criterion": entry.criterion.code, "file": evidence.original_name},
    )
    name, storage = evidence.file.name, evidence.file.storage
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))


# ---------------------------------------------------------------------------------------------
# Review: adjustments, bonus and deduction, eligibility, lock


@transaction.atomic
def review_adjust(*, sheet, criterion, value, reason, actor):
    """The reviewer sets the reviewed score of a row, with a required reason."""
    sheet = _lock_sheet(sheet)
    _require(actor, "scoring.review", sheet.cluster_year)
    _leaf(sheet, criterion)
    reason = _reason(reason, _("A reason is required for every adjustment."))
    points = parse_points(value, criterion.max_points)
    entry, _created = ScoreEntry.objects.select_for_update().get_or_create(sheet=sheet, criterion=criterion)
    old = _entry_data(entry)
    entry.reviewed_points, entry.review_reason = points, reason
    entry.save(update_fields=["reviewed_points", "review_reason", "updated_at"])
    audit.record(
        actor=actor,
        action="score.reviewed",
        obj=entry,
        province_id=sheet.province_id,
        data={"criterion": criterion.code, "old": old["reviewed"], "new": points, "self": entry.self_points},
        reason=reason,
    )
    return entry


@transaction.atomic
def adjustment_add(*, sheet, kind, points, reason, actor):
    sheet = _lock_sheet(sheet)
    _require(actor, "scoring.review", sheet.cluster_year)
    if kind not in AdjustmentKind.values:
        raise ValidationError(_("Choose bonus points or a deduction."))
    reason = _reason(reason, _("A reason is required for bonus points and deductions."))
    value = parse_decimal(points)
    if value <= 0:
        raise ValidationError(_("Enter points above zero."), code="min")
    adj = Adjustment.objects.create(sheet=sheet, kind=kind, points=value, reason=reason, created_by=actor)
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
    _require(actor, "scoring.review", sheet.cluster_year)
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


@transaction.atomic
def eligibility_set(*, sheet, ineligible, reason, actor):
    sheet = _lock_sheet(sheet)
    _require(actor, "scoring.review", sheet.cluster_year)
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


def _scores_locked_guard(cluster_year):
    if not CriteriaTable.objects.filter(cluster_year=cluster_year, locked=True).exists():
        return _("Lock the year's scores before moving on from scoring.")
    return None


STAGE_EXIT_GUARDS[Stage.SCORING].append(_scores_locked_guard)


# ---------------------------------------------------------------------------------------------
# Spreadsheet round trip of one unit's self-score


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
    return changed
