"""The year's ranking, read from the subtotals the scoring services keep (subtotals.py): one row
per sheet and major criterion instead of every score entry. Five queries whatever the size (six
with a tie-break on a sub-criterion)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from django.db.models import Case, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from clusters.models import Unit, UnitVersion
from clusters.selectors import vn_sort_key

from . import subtotals
from .models import CriteriaTable, Criterion, CriterionKind, ScoreEntry, ScoreSheet, SheetStatus, TieBreak

ZERO = Decimal("0.00")
_DEC = DecimalField(max_digits=12, decimal_places=2)


class RankedUnit(NamedTuple):
    """The unit of a ranking line: what its readers use (`pk`, code, name, short name), not a model
    instance — building 1,000 `Unit` instances was a third of a 1,000-unit ranking's time. Its
    name is today's; the name of the ranked year is `RankingRow.unit_name`."""

    id: int
    code: str
    name: str
    short_name: str

    @property
    def pk(self):
        return self.id

    def __str__(self):
        return self.name


@dataclass
class RankingRow:
    """One member unit's line of the year's ranking: the public result of `ranking_for_year`, read
    by the awards (candidates) and year-end (report, unit history) apps."""

    unit: RankedUnit
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


def ranking_for_year(cluster_year, *, majors=None, members=None) -> list[RankingRow]:
    """Units ranked by total (reviewed score + bonus − deduction); ties share a rank unless the
    year's tie-break rule separates them. [] when nobody has scored yet.

    `majors`: the year's major criteria [(pk, code)] in order, when the caller already has them;
    `members`: the year's memberships as `clusters.selectors.year_memberships` gives them (unit
    and `display_name`, its name that year), when the caller has them (two queries fewer)."""
    given = {cluster_year.pk: majors} if majors is not None else {}
    known = {cluster_year.pk: members} if members is not None else {}
    return rankings_for_years([cluster_year], majors=given, members=known)[cluster_year.pk]


def rankings_for_years(cluster_years, *, majors=None, members=None) -> dict[int, list[RankingRow]]:
    """`ranking_for_year` of several cluster years (a unit's history) with the same queries as one
    year: {cluster year id: rows}. `majors`: {cluster year id: [(pk, code)]} already known;
    `members`: {cluster year id: year_memberships(...)} already known."""
    # the sheets first: their ids read the subtotals by index (subtotals.stored_for_sheets)
    sheets, sheet_ids = defaultdict(dict), {}
    for sheet_id, cy_id, unit_id, status, ineligible, reason in ScoreSheet.objects.filter(
        cluster_year_id__in=[cy.pk for cy in cluster_years]
    ).values_list("id", "cluster_year_id", "unit_id", "status", "ineligible", "ineligible_reason"):
        sheets[cy_id][unit_id] = (status, ineligible, reason)
        sheet_ids[sheet_id] = (cy_id, unit_id)
    sums_by_year = subtotals.stored_for_sheets(sheet_ids)
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
    units = defaultdict(list)
    old_names = {}
    members = members or {}
    for cy_id in ids:
        if cy_id in members:
            # the same lines as the query below, in its order (the units' names): today's name on
            # the unit, the name of that year where it differs
            names = old_names[cy_id] = {}
            for m in sorted(members[cy_id], key=lambda m: m.unit.name):
                u = m.unit
                units[cy_id].append(RankedUnit(u.id, u.code, u.name, u.short_name))
                if m.display_name != u.name:
                    names[u.id] = m.display_name
    unknown = [pk for pk in ids if pk not in members]
    if unknown:
        # no model instances: the year's id and what the readers of a line use (RankedUnit)
        for cy_id, *fields in Unit.objects.filter(memberships__cluster_year_id__in=unknown).values_list(
            "memberships__cluster_year_id", "id", "code", "name", "short_name"
        ):
            units[cy_id].append(RankedUnit(*fields))
        old_names.update(_names_those_years([cy for cy in scored if cy.pk in set(unknown)]))
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
    no_sheet = ("", False, "")
    for unit in units:
        unit_id = unit.id
        line = sums.get(unit_id, empty)
        status, ineligible, reason = sheets.get(unit_id, no_sheet)
        points = line["majors"]
        by_major = {code: points.get(pk, ZERO) for pk, code in majors}
        reviewed = sum(by_major.values(), ZERO)
        rows.append(
            RankingRow(
                unit=unit,
                unit_name=old_names.get(unit_id, unit.name),
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
                tie_value=tie_values.get(unit_id, ZERO) if tie_values or tie_criterion else None,
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
    and are listed in the Vietnamese order of their names (the name key, costly, only for ties).
    Each row's key is made once."""
    keyed = sorted(((tie_key(r, rule), r) for r in rows), key=itemgetter(0), reverse=True)
    ordered = []
    position = 0
    ranks_by_total = defaultdict(set)
    for _key, group in groupby(keyed, key=itemgetter(0)):
        group = [r for _k, r in group]
        tied = len(group) > 1
        if tied:
            group.sort(key=lambda r: vn_sort_key(r.unit_name))
        rank = position + 1
        for r in group:
            r.rank, r.tied = rank, tied
        ranks_by_total[group[0].total].add(rank)
        position += len(group)
        ordered.extend(group)
    rows[:] = ordered
    for r in rows:
        r.tie_broken = len(ranks_by_total[r.total]) > 1
    return rows
