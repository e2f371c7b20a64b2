"""The year's ranking, read from the subtotals the scoring services keep (subtotals.py): one row
per sheet and major criterion instead of every score entry. Five queries whatever the size (six
with a tie-break on a sub-criterion)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.db.models import Case, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from clusters.models import Unit, UnitVersion
from clusters.selectors import vn_sort_key

from . import subtotals
from .models import CriteriaTable, Criterion, CriterionKind, ScoreEntry, ScoreSheet, SheetStatus, TieBreak

ZERO = Decimal("0.00")
_DEC = DecimalField(max_digits=12, decimal_places=2)


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


def ranking_for_year(cluster_year, *, majors=None) -> list[RankingRow]:
    """Units ranked by total (reviewed score + bonus − deduction); ties share a rank unless the
    year's tie-break rule separates them. [] when nobody has scored yet.

    `majors`: the year's major criteria [(pk, code)] in order, when the caller already has them."""
    given = {cluster_year.pk: majors} if majors is not None else {}
    return rankings_for_years([cluster_year], majors=given)[cluster_year.pk]


def rankings_for_years(cluster_years, *, majors=None) -> dict[int, list[RankingRow]]:
    """`ranking_for_year` of several cluster years (a unit's history) with the same queries as one
    year: {cluster year id: rows}. `majors`: {cluster year id: [(pk, code)]} already known."""
    sums_by_year = subtotals.stored_by_year([cy.pk for cy in cluster_years])
    result = {cy.pk: [] for cy in cluster_years}
    scored = [
        cy
        for cy in cluster_years
        if any(s["scored"] or s["bonus"] or s["deduction"] for s in sums_by_year.get(cy.pk, {}).values())
    ]
    if not scored:
        return result
    ids = [cy.pk for cy in scored]
    tables = _tables(scored)
    majors = dict(majors or {})
    missing = [pk for pk in ids if pk not in majors]
    if missing:
        for pk in missing:
            majors[pk] = []
        for cy_id, pk, code in (
            Criterion.objects.filter(table__cluster_year_id__in=missing, parent__isnull=True)
            .order_by("position", "id")
            .values_list("table__cluster_year_id", "pk", "code")
        ):
            majors[cy_id].append((pk, code))
    sheets = defaultdict(dict)
    for cy_id, unit_id, status, ineligible, reason in ScoreSheet.objects.filter(
        cluster_year_id__in=ids
    ).values_list("cluster_year_id", "unit_id", "status", "ineligible", "ineligible_reason"):
        sheets[cy_id][unit_id] = (status, ineligible, reason)
    units = defaultdict(list)
    # no Membership instances: the year's id rides along on each unit
    for unit in Unit.objects.filter(memberships__cluster_year_id__in=ids).annotate(
        member_of=F("memberships__cluster_year_id")
    ):
        units[unit.member_of].append(unit)
    old_names = _names_those_years(scored)
    for cy in scored:
        result[cy.pk] = _ranked_rows(
            cy,
            tables.get(cy.pk),
            majors[cy.pk],
            sums_by_year[cy.pk],
            sheets[cy.pk],
            units[cy.pk],
            old_names[cy.pk],
        )
    return result


def _tables(cluster_years):
    """The criteria table of each year, from the per-request cache of `table_of` where it is filled."""
    tables, missing = {}, []
    for cy in cluster_years:
        cached = getattr(cy, "_scoring_table", None)
        if cached is None:
            missing.append(cy)
        else:
            tables[cy.pk] = cached or None
    if missing:
        found = {
            t.cluster_year_id: t
            for t in CriteriaTable.objects.select_related(
                "tie_break_criterion", "locked_by", "reviewer_unit"
            ).filter(cluster_year__in=missing)
        }
        for cy in missing:
            cy._scoring_table = found.get(cy.pk) or False
            tables[cy.pk] = found.get(cy.pk)
    return tables


def _ranked_rows(cluster_year, table, majors, sums, sheets, units, old_names):
    rule = table.tie_break if table else TieBreak.NONE
    tie_criterion = table.tie_break_criterion if table else None
    tie_values = {}
    if rule in (TieBreak.CRITERION, TieBreak.CRITERION_THEN_BONUS) and tie_criterion is not None:
        if tie_criterion.parent_id is None:
            tie_values = {u: s["majors"].get(tie_criterion.pk, ZERO) for u, s in sums.items()}
        else:
            tie_values = _subtree_sums(cluster_year, tie_criterion)
    status_labels = {value: str(label) for value, label in SheetStatus.choices}
    empty = subtotals._empty()
    rows = []
    for unit in units:
        line = sums.get(unit.pk, empty)
        status, ineligible, reason = sheets.get(unit.pk, ("", False, ""))
        by_major = {code: line["majors"].get(pk, ZERO) for pk, code in majors}
        reviewed = sum(by_major.values(), ZERO)
        rows.append(
            RankingRow(
                unit=unit,
                unit_name=old_names.get(unit.pk, unit.name),
                total=reviewed + line["bonus"] - line["deduction"],
                rank=0,
                eligible=not ineligible,
                ineligible_reason=reason,
                bonus=line["bonus"],
                deduction=line["deduction"],
                by_major=by_major,
                reviewed=reviewed,
                self_total=line["self"],
                status=status_labels.get(status, ""),
                tie_value=tie_values.get(unit.pk, ZERO) if tie_values or tie_criterion else None,
            )
        )
    assign_ranks(rows, rule)
    top = max((r.total for r in rows), default=ZERO)
    for r in rows:
        r.bar = max(0, min(100, int(r.total * 100 / top))) if top > 0 else 0
    return rows


def _names_those_years(cluster_years):
    """{cluster year id: {unit id: name as it was that year}}: one query for the renamed units."""
    year_end = {cy.pk: datetime.date(cy.year, 12, 31) for cy in cluster_years}
    old_names = {cy.pk: {} for cy in cluster_years}
    for cy_id, unit_id, name, valid_until in (
        UnitVersion.objects.filter(
            unit__memberships__cluster_year_id__in=list(year_end),
            valid_until__gt=min(year_end.values()),
        )
        .order_by("-valid_until")
        .values_list("unit__memberships__cluster_year_id", "unit_id", "name", "valid_until")
    ):
        if valid_until > year_end[cy_id]:
            old_names[cy_id][unit_id] = name  # latest first: the earliest still-valid version wins
    return old_names


def _subtree_sums(cluster_year, criterion):
    """Reviewed points under a sub-criterion per unit (a tie-break below the majors)."""
    final = Coalesce(F("reviewed_points"), F("self_points"))
    deduction = When(criterion__kind=CriterionKind.DEDUCTION, then=-final)
    signed = Case(deduction, default=final, output_field=_DEC)
    leaves = Criterion.objects.filter(
        Q(pk=criterion.pk)
        | Q(parent_id=criterion.pk)
        | Q(parent__parent_id=criterion.pk)
        | Q(parent__parent__parent_id=criterion.pk),
        is_leaf=True,
    )
    return dict(
        ScoreEntry.objects.filter(sheet__cluster_year=cluster_year, criterion__in=leaves)
        .values("sheet__unit_id")
        .annotate(v=Coalesce(Sum(signed), Value(ZERO), output_field=_DEC))
        .values_list("sheet__unit_id", "v")
    )


def tie_key(row, rule):
    key = [row.total]
    if rule in (TieBreak.CRITERION, TieBreak.CRITERION_THEN_BONUS):
        key.append(row.tie_value if row.tie_value is not None else ZERO)
    if rule in (TieBreak.CRITERION_THEN_BONUS, TieBreak.BONUS):
        key.append(row.bonus)
    return tuple(key)


def assign_ranks(rows, rule):
    """Sort by total then the tie-break keys (all descending); equal keys share a rank (1, 2, 2, 4)
    and are listed in the Vietnamese order of their names (the name key, costly, only for ties)."""
    rows.sort(key=lambda r: tie_key(r, rule), reverse=True)
    ordered = []
    for _key, group in groupby(rows, key=lambda r: tie_key(r, rule)):
        group = list(group)
        if len(group) > 1:
            group.sort(key=lambda r: vn_sort_key(r.unit_name))
        ordered.extend(group)
    rows[:] = ordered
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
