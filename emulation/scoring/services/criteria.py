"""The criteria table: criteria, whole-table replace and copy, the tie-break rule."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clusters import audit

from .. import subtotals
from ..models import CriteriaTable, Criterion, CriterionKind, ScoreEntry, TieBreak
from ..rules import criteria_frozen
from ..values import MAX_CRITERION_POINTS, parse_decimal
from ._base import _fresh_year, _locked_table, _province, _reason, _require


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
        max_points = parse_decimal(max_points, maximum=MAX_CRITERION_POINTS)
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
    if criteria_frozen(cluster_year):
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
    if criteria_frozen(cy):
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
    if old["kind"] != criterion.kind:  # a row turned into a deduction (or back): its sign changes
        subtotals.refresh_year(cy)
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
    if criteria_frozen(cy):
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
    return _replace(cluster_year=cluster_year, rows=rows, actor=actor, reason=reason, source=source)


def _replace(*, cluster_year, rows, actor, reason, source):
    table = _locked_table(cluster_year)
    if criteria_frozen(cluster_year):
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
    _require(actor, "scoring.edit_criteria", cluster_year)
    return _copy(source=source, cluster_year=cluster_year, actor=actor, reason=reason)


@transaction.atomic
def table_copy_forward(*, source_year, target_year, actor, reason=""):
    """At the hand-over: carry the year's table into the cluster's next year, when the year has
    criteria and the next year has none yet. The people who ran the year may do it (the next
    year's head is set by then). Returns the new table, or None when there was nothing to copy."""
    _require(actor, "scoring.copy_table_forward", source_year)
    if target_year.cluster_id != source_year.cluster_id or target_year.year != source_year.year + 1:
        raise ValidationError(_("The table can only be carried into the cluster's next year."))
    source = CriteriaTable.objects.filter(cluster_year=source_year).first()
    if source is None or not source.criteria.exists():
        return None
    if Criterion.objects.filter(table__cluster_year=target_year).exists():
        return None
    return _copy(source=source, cluster_year=target_year, actor=actor, reason=reason)


def _copy(*, source, cluster_year, actor, reason):
    rows = [(i, row) for i, (_code, row) in enumerate(table_rows(source), 1)]
    table = _replace(
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
