"""Reads of criteria and scores; each runs a fixed number of queries whatever the data size."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, Exists, F, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from clusters.models import AuditEvent, Membership, Unit, UnitVersion
from clusters.selectors import vn_sort_key

from .models import (
    Adjustment,
    AdjustmentKind,
    CriteriaTable,
    Criterion,
    CriterionKind,
    ScoreEntry,
    ScoreSheet,
    SheetStatus,
    TieBreak,
)

ZERO = Decimal("0.00")
_DEC = DecimalField(max_digits=12, decimal_places=2)


def table_of(cluster_year):
    """The year's criteria table or None, cached on the instance: one query per request
    (the permission rules, the view and ranking_for_year all ask for it)."""
    table = getattr(cluster_year, "_scoring_table", None)
    if table is None:
        table = (
            CriteriaTable.objects.select_related("tie_break_criterion", "locked_by", "reviewer_unit")
            .filter(cluster_year=cluster_year)
            .first()
        )
        cluster_year._scoring_table = table or False
    return table or None


def criteria_tree(cluster_year):
    """All criteria of the year's table in order, each with `depth` and `children_list`; one query."""
    nodes = list(Criterion.objects.filter(table__cluster_year=cluster_year).order_by("position", "id"))
    by_id = {c.pk: c for c in nodes}
    for c in nodes:
        c.children_list = []
    for c in nodes:
        if c.parent_id:
            by_id[c.parent_id].children_list.append(c)
    ordered = []

    def walk(node, level):
        node.level = level
        ordered.append(node)
        for child in node.children_list:
            walk(child, level + 1)

    for c in nodes:
        if c.parent_id is None:
            walk(c, 0)
    return ordered


def _signed_points(column):
    """Points with deductions counted negative (for rows of kind "deduction")."""
    return Case(
        When(criterion__kind=CriterionKind.DEDUCTION, then=-F(column)),
        default=F(column),
        output_field=_DEC,
    )


@dataclass
class SheetRow:
    criterion: Criterion
    entry: ScoreEntry | None
    history: list = field(default_factory=list)
    evidence: list = field(default_factory=list)


def sheet_view(sheet):
    """The whole table with this sheet's entries, evidence and history: constant queries."""
    cy = sheet.cluster_year
    criteria = criteria_tree(cy)
    entries = {e.criterion_id: e for e in ScoreEntry.objects.filter(sheet=sheet).prefetch_related("evidence")}
    history = defaultdict(list)
    if entries:
        ids = {str(e.pk): e.criterion_id for e in entries.values()}
        for event in AuditEvent.objects.filter(
            object_type="scoring.scoreentry", object_id__in=list(ids)
        ).select_related("actor"):
            history[ids[event.object_id]].append(event)
    rows = []
    for c in criteria:
        e = entries.get(c.pk)
        rows.append(
            SheetRow(
                criterion=c,
                entry=e,
                history=history.get(c.pk, []),
                evidence=list(e.evidence.all()) if e else [],
            )
        )
    return rows


def sheet_view_empty(cluster_year):
    """The table without any scores (a unit that has not started)."""
    return [SheetRow(criterion=c, entry=None) for c in criteria_tree(cluster_year)]


def table_history(table):
    return list(
        AuditEvent.objects.filter(
            object_type="scoring.criteriatable", object_id=str(table.pk)
        ).select_related("actor")
    )


def sheet_summary(sheet, rows=None, adjustments=()):
    """Progress ("17 of 21") and running totals of a sheet, from sheet_view rows."""
    rows = rows if rows is not None else sheet_view(sheet)
    leaves = [r for r in rows if r.criterion.is_leaf]
    scored = [r for r in leaves if r.entry is not None and r.entry.self_points is not None]

    def total(attr):
        t = ZERO
        for r in leaves:
            if r.entry is None:
                continue
            v = getattr(r.entry, attr)
            if v is None:
                continue
            t += -v if r.criterion.kind == CriterionKind.DEDUCTION else v
        return t

    maximum = sum(
        (r.criterion.max_points for r in leaves if r.criterion.kind != CriterionKind.DEDUCTION), ZERO
    )
    bonus = sum((a.points for a in adjustments if a.kind == AdjustmentKind.BONUS), ZERO)
    deduction = sum((a.points for a in adjustments if a.kind == AdjustmentKind.DEDUCTION), ZERO)
    final_total = total("final_points")
    return {
        "bonus": bonus,
        "deduction": deduction,
        "grand_total": final_total + bonus - deduction,
        "scored": len(scored),
        "rows": len(leaves),
        "percent": int(len(scored) * 100 / len(leaves)) if leaves else 0,
        "self_total": total("self_points"),
        "final_total": final_total,
        "maximum": maximum,
    }


def sheet_adjustments(sheet):
    return list(Adjustment.objects.filter(sheet=sheet).select_related("created_by"))


def sheet_history(sheet):
    return list(
        AuditEvent.objects.filter(object_type="scoring.scoresheet", object_id=str(sheet.pk)).select_related(
            "actor"
        )
    )


def year_overview(cluster_year):
    """Every member unit with its sheet's status, progress and totals: constant queries."""
    leaves = Criterion.objects.filter(table__cluster_year=cluster_year, is_leaf=True).count()
    members = list(
        Membership.objects.filter(cluster_year=cluster_year)
        .select_related("unit")
        .prefetch_related("unit__versions")
    )
    sheets = {
        s.unit_id: s
        for s in ScoreSheet.objects.filter(cluster_year=cluster_year).annotate(
            scored=Count(
                "entries", filter=Q(entries__self_points__isnull=False, entries__criterion__is_leaf=True)
            ),
            adjusted=Count("entries", filter=Q(entries__reviewed_points__isnull=False)),
        )
    }
    rows = []
    for m in members:
        sheet = sheets.get(m.unit_id)
        rows.append(
            {
                "unit": m.unit,
                "role": m.role,
                "name": m.unit.name_in_year(cluster_year.year),
                "sheet": sheet,
                "scored": sheet.scored if sheet else 0,
                "adjusted": sheet.adjusted if sheet else 0,
                "rows": leaves,
            }
        )
    rows.sort(key=lambda r: vn_sort_key(r["name"]))
    return rows


# ---------------------------------------------------------------------------------------------
# Ranking


@dataclass
class RankingRow:
    """One member unit's line of the year's ranking: the public result of `ranking_for_year`, read
    by the awards (candidates) and year-end (report, unit history) apps."""

    unit: Unit
    unit_name: str
    total: Decimal
    rank: int
    eligible: bool
    ineligible_reason: str
    bonus: Decimal
    deduction: Decimal
    by_major: dict
    reviewed: Decimal = ZERO
    self_total: Decimal = ZERO
    status: str = ""
    tie_value: Decimal | None = None
    tied: bool = False
    tie_broken: bool = False  # another unit has the same total; the tie-break rule set them apart
    bar: int = 0


def ranking_for_year(cluster_year) -> list[RankingRow]:
    """Units ranked by total (reviewed score + bonus − deduction); ties share a rank unless the
    year's tie-break rule separates them. [] when nobody has scored yet. Six queries."""
    sheets = {
        s.unit_id: s
        for s in ScoreSheet.objects.filter(cluster_year=cluster_year).annotate(
            has_scores=Exists(ScoreEntry.objects.filter(sheet=OuterRef("pk"), self_points__isnull=False)),
            bonus=Coalesce(
                Sum("adjustments__points", filter=Q(adjustments__kind=AdjustmentKind.BONUS)),
                Value(ZERO),
                output_field=_DEC,
            ),
            deduction=Coalesce(
                Sum("adjustments__points", filter=Q(adjustments__kind=AdjustmentKind.DEDUCTION)),
                Value(ZERO),
                output_field=_DEC,
            ),
        )
    }
    if not any(s.has_scores or s.bonus or s.deduction for s in sheets.values()):
        return []
    table = table_of(cluster_year)
    majors = list(
        Criterion.objects.filter(table__cluster_year=cluster_year, parent__isnull=True)
        .order_by("position", "id")
        .values_list("pk", "code")
    )
    major_code = dict(majors)
    by_sheet_major = defaultdict(dict)
    self_totals = defaultdict(lambda: ZERO)
    for row in (
        # Reached through the year's criteria too: PostgreSQL then uses the criterion index
        # instead of scanning every sheet's entries (3× faster at 1,000 units).
        ScoreEntry.objects.filter(
            sheet__cluster_year=cluster_year,
            criterion__table__cluster_year=cluster_year,
            criterion__is_leaf=True,
        )
        .values("sheet__unit_id", "criterion__major_id")
        .annotate(
            reviewed=Coalesce(Sum(_signed_points_final()), Value(ZERO), output_field=_DEC),
            self_sum=Coalesce(Sum(_signed_points("self_points")), Value(ZERO), output_field=_DEC),
        )
    ):
        code = major_code.get(row["criterion__major_id"])
        if code is not None:
            by_sheet_major[row["sheet__unit_id"]][code] = row["reviewed"]
        self_totals[row["sheet__unit_id"]] += row["self_sum"]
    tie_values = {}
    rule = table.tie_break if table else TieBreak.NONE
    tie_criterion = table.tie_break_criterion if table else None
    if rule in (TieBreak.CRITERION, TieBreak.CRITERION_THEN_BONUS) and tie_criterion is not None:
        if tie_criterion.parent_id is None:
            tie_values = {u: by_sheet_major[u].get(tie_criterion.code, ZERO) for u in sheets}
        else:
            tie_values = dict(
                ScoreEntry.objects.filter(
                    sheet__cluster_year=cluster_year, criterion__in=_subtree_leaf_q(tie_criterion)
                )
                .values("sheet__unit_id")
                .annotate(v=Coalesce(Sum(_signed_points_final()), Value(ZERO), output_field=_DEC))
                .values_list("sheet__unit_id", "v")
            )
    members = list(Membership.objects.filter(cluster_year=cluster_year).select_related("unit"))
    # Names as they were that year: one query for the renamed units only (no prefetch of
    # every unit's versions), and status labels translated once, not per row.
    year_end = datetime.date(cluster_year.year, 12, 31)
    old_names = {}
    for unit_id, name in (
        UnitVersion.objects.filter(unit__memberships__cluster_year=cluster_year, valid_until__gt=year_end)
        .order_by("-valid_until")
        .values_list("unit_id", "name")
    ):
        old_names[unit_id] = name  # ordered latest first: the earliest still-valid version wins
    status_labels = {value: str(label) for value, label in SheetStatus.choices}
    rows = []
    for m in members:
        sheet = sheets.get(m.unit_id)
        majors_of_unit = by_sheet_major.get(m.unit_id, {})
        by_major = {code: majors_of_unit.get(code, ZERO) for _pk, code in majors}
        reviewed = sum(by_major.values(), ZERO)
        bonus = sheet.bonus if sheet else ZERO
        deduction = sheet.deduction if sheet else ZERO
        rows.append(
            RankingRow(
                unit=m.unit,
                unit_name=old_names.get(m.unit_id, m.unit.name),
                total=reviewed + bonus - deduction,
                rank=0,
                eligible=not (sheet and sheet.ineligible),
                ineligible_reason=sheet.ineligible_reason if sheet else "",
                bonus=bonus,
                deduction=deduction,
                by_major=by_major,
                reviewed=reviewed,
                self_total=self_totals.get(m.unit_id, ZERO),
                status=status_labels.get(sheet.status, "") if sheet else "",
                tie_value=tie_values.get(m.unit_id, ZERO) if tie_values or tie_criterion else None,
            )
        )
    assign_ranks(rows, rule)
    top = max((r.total for r in rows), default=ZERO)
    for r in rows:
        r.bar = max(0, min(100, int(r.total * 100 / top))) if top > 0 else 0
    return rows


def _signed_points_final():
    return Case(
        When(criterion__kind=CriterionKind.DEDUCTION, then=-Coalesce(F("reviewed_points"), F("self_points"))),
        default=Coalesce(F("reviewed_points"), F("self_points")),
        output_field=_DEC,
    )


def _subtree_leaf_q(criterion):
    """Leaves under a criterion (up to three levels below it) as a queryset."""
    return Criterion.objects.filter(
        Q(pk=criterion.pk)
        | Q(parent_id=criterion.pk)
        | Q(parent__parent_id=criterion.pk)
        | Q(parent__parent__parent_id=criterion.pk),
        is_leaf=True,
    )


def tie_key(row, rule):
    key = [row.total]
    if rule in (TieBreak.CRITERION, TieBreak.CRITERION_THEN_BONUS):
        key.append(row.tie_value if row.tie_value is not None else ZERO)
    if rule in (TieBreak.CRITERION_THEN_BONUS, TieBreak.BONUS):
        key.append(row.bonus)
    return tuple(key)


def assign_ranks(rows, rule):
    """Sort by total then the tie-break keys (all descending); equal keys share a rank (1, 2, 2, 4)."""
    rows.sort(key=lambda r: vn_sort_key(r.unit_name))
    rows.sort(key=lambda r: tie_key(r, rule), reverse=True)
    previous, rank = None, 0
    for position, r in enumerate(rows, 1):
        key = tie_key(r, rule)
        if key != previous:
            rank, previous = position, key
        r.rank = rank
    counts = defaultdict(int)
    ranks_by_total = defaultdict(set)
    for r in rows:
        counts[r.rank] += 1
        ranks_by_total[r.total].add(r.rank)
    for r in rows:
        r.tied = counts[r.rank] > 1
        r.tie_broken = len(ranks_by_total[r.total]) > 1
    return rows
