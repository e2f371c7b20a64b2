"""Reads of criteria and scores; each runs a fixed number of queries whatever the data size."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, Q

from clusters.history import trail
from clusters.models import AuditEvent, Membership
from clusters.selectors import vn_sort_key

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


def units_that_submitted(cluster_year):
    """Ids of the member units that submitted their self-score this year (now or before a return)."""
    return set(
        ScoreSheet.objects.filter(cluster_year=cluster_year)
        .filter(Q(status=SheetStatus.SUBMITTED) | Q(submitted_at__isnull=False))
        .values_list("unit_id", flat=True)
    )


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


@dataclass
class SheetRow:
    criterion: Criterion
    entry: ScoreEntry | None
    history: list = field(default_factory=list)
    evidence: list = field(default_factory=list)


def sheet_view(sheet):
    """The whole table with this sheet's entries, evidence and history: constant queries."""
    return sheet_page(sheet)[0]


def sheet_page(sheet):
    """sheet_view's rows and the sheet's own history (submitted, sent back...): four queries — the
    criteria, the entries, their evidence (one plain query grouped here: prefetch_related and a
    queryset per row cost more than the rest of the read), and the audit trails of the entries and
    of the sheet together, read as clusters.history Lines."""
    cy = sheet.cluster_year
    criteria = criteria_tree(cy)
    entries = {e.criterion_id: e for e in ScoreEntry.objects.filter(sheet=sheet)}
    evidence = defaultdict(list)
    for ev in Evidence.objects.filter(entry__sheet=sheet):
        evidence[ev.entry_id].append(ev)
    ids = {str(e.pk): e.criterion_id for e in entries.values()}
    history, own = defaultdict(list), []
    events = AuditEvent.objects.filter(
        Q(object_type="scoring.scoreentry", object_id__in=list(ids))
        | Q(object_type="scoring.scoresheet", object_id=str(sheet.pk))
    )
    for event in trail(events):
        if event.object_type == "scoring.scoresheet":
            own.append(event)
        else:
            history[ids[event.object_id]].append(event)
    rows = []
    for c in criteria:
        e = entries.get(c.pk)
        rows.append(
            SheetRow(
                criterion=c,
                entry=e,
                history=history.get(c.pk, []),
                evidence=evidence.get(e.pk, []) if e else [],
            )
        )
    return rows, own


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


# The ranking (read from the maintained subtotals) lives in ranking.py; re-exported here.
from .ranking import RankingRow as RankingRow  # noqa: E402
from .ranking import assign_ranks as assign_ranks  # noqa: E402
from .ranking import ranking_for_year as ranking_for_year  # noqa: E402
from .ranking import rankings_for_years as rankings_for_years  # noqa: E402
from .ranking import tie_key as tie_key  # noqa: E402
