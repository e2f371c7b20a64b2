"""Subtotals of the scores: per sheet and major criterion, and one line per sheet (totals, bonus,
deduction), kept in `Subtotal` so that the ranking reads ~6 rows per unit instead of every entry.

The one write path: every scoring service that changes a score, an adjustment or the sign of a
criterion calls `refresh_sheet`/`refresh_year` inside its own transaction, after its write (the
sheet's row lock, taken by the service, serialises writers of one sheet). A sheet is recomputed
whole from its entries (set-based SQL, three statements), so a subtotal can never drift from the
entries it sums. `rebuild()` does the same for every sheet (`manage.py scoring_subtotals`, the
bench's generator, data loaded around the services); `recount()` is the reference the tests and
`scoring_subtotals --check` compare with, read from the entries themselves."""

from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, DecimalField, F, Field, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from .models import Adjustment, AdjustmentKind, CriterionKind, ScoreEntry, ScoreSheet, Subtotal

ZERO = Decimal("0.00")
_DEC = DecimalField(max_digits=12, decimal_places=2)


def _tables():
    return {
        "sub": Subtotal._meta.db_table,
        "entry": ScoreEntry._meta.db_table,
        "crit": ScoreEntry._meta.get_field("criterion").related_model._meta.db_table,
        "sheet": ScoreSheet._meta.db_table,
        "adj": Adjustment._meta.db_table,
    }


def _signed(expr):
    return f"CASE WHEN c.kind = '{CriterionKind.DEDUCTION.value}' THEN -({expr}) ELSE ({expr}) END"


def _statements(condition):
    """DELETE + INSERT of the majors' rows + INSERT of the sheet lines, for the sheets matching
    `condition` (SQL on scoring_scoresheet, with %s parameters). Only table names from the models'
    metadata, enum values and the fixed conditions of this module are formatted into the SQL;
    values go as parameters (hence the S608 exemptions)."""
    t = _tables()
    sheets = f"SELECT id FROM {t['sheet']} WHERE {condition}"  # noqa: S608
    final = _signed("COALESCE(e.reviewed_points, e.self_points, 0)")
    self_ = _signed("COALESCE(e.self_points, 0)")
    bonus, deduction = AdjustmentKind.BONUS.value, AdjustmentKind.DEDUCTION.value
    return [
        f"DELETE FROM {t['sub']} WHERE sheet_id IN ({sheets})",  # noqa: S608
        f"""INSERT INTO {t["sub"]} (sheet_id, major_id, points, self_points, scored, bonus, deduction)
            SELECT e.sheet_id, c.major_id, SUM({final}), SUM({self_}), COUNT(e.self_points), 0, 0
            FROM {t["entry"]} e JOIN {t["crit"]} c ON c.id = e.criterion_id
            WHERE e.sheet_id IN ({sheets}) AND c.is_leaf AND c.major_id IS NOT NULL
            GROUP BY e.sheet_id, c.major_id""",  # noqa: S608
        f"""INSERT INTO {t["sub"]} (sheet_id, major_id, points, self_points, scored, bonus, deduction)
            SELECT s.id, NULL, COALESCE(m.points, 0), COALESCE(m.self_points, 0), COALESCE(m.scored, 0),
                   COALESCE(a.bonus, 0), COALESCE(a.deduction, 0)
            FROM {t["sheet"]} s
            LEFT JOIN (SELECT sheet_id, SUM(points) AS points, SUM(self_points) AS self_points,
                              SUM(scored) AS scored
                       FROM {t["sub"]} WHERE major_id IS NOT NULL AND sheet_id IN ({sheets})
                       GROUP BY sheet_id) m ON m.sheet_id = s.id
            LEFT JOIN (SELECT sheet_id,
                              SUM(CASE WHEN kind = '{bonus}' THEN points ELSE 0 END) AS bonus,
                              SUM(CASE WHEN kind = '{deduction}' THEN points ELSE 0 END) AS deduction
                       FROM {t["adj"]} WHERE sheet_id IN ({sheets})
                       GROUP BY sheet_id) a ON a.sheet_id = s.id
            WHERE s.id IN ({sheets})""",  # noqa: S608
    ]


def _run(condition, params):
    with connection.cursor() as cursor:
        for sql in _statements(condition):
            cursor.execute(sql, params * sql.count("%s"))


def refresh_sheet(sheet):
    """Recompute one sheet's subtotals; call inside the service's transaction, after its write."""
    _run("id = %s", [sheet.pk])


def refresh_year(cluster_year):
    """Recompute every sheet of a year (a criterion changed kind: the signs of its rows change)."""
    _run("cluster_year_id = %s", [cluster_year.pk])


def rebuild(cluster_year_ids=None):
    """Recompute the subtotals of every sheet, or of the sheets of the given years."""
    if cluster_year_ids is None:
        _run("1 = 1", [])
        return
    for pk in cluster_year_ids:
        _run("cluster_year_id = %s", [pk])


# ---------------------------------------------------------------------------------------------
# Reading them, and the full recount they are checked against


def stored(cluster_year):
    """{unit id: {"majors": {major id: points}, "self": …, "total": …, "scored": …, "bonus": …,
    "deduction": …}} from the subtotals of the year's sheets (`stored_for_sheets`); two queries."""
    sheets = {
        sheet_id: (cluster_year.pk, unit_id)
        for sheet_id, unit_id in ScoreSheet.objects.filter(cluster_year=cluster_year).values_list(
            "id", "unit_id"
        )
    }
    return stored_for_sheets(sheets).get(cluster_year.pk, {})


def _sheet_line(column):
    """A column read on the sheet's line only (NULL on the majors' rows, of which `stored` reads
    only the points): 5 of 6 rows then carry no numbers to convert. No output converter (the
    driver gives Decimal and int already): Django's per-value Decimal() for an expression cost as
    much as the whole query."""
    return Case(When(major_id=None, then=F(column)), output_field=Field())


def stored_for_sheets(sheets):
    """`stored` of the sheets {sheet id: (cluster year id, unit id)} the caller has read, by
    year: {cluster year id: {unit id: line}}; one query on the subtotals by their sheet ids, no
    join. Joined to the years' sheets, PostgreSQL read the whole table (a hash join): 2.7 ms for
    the 90 sheets of a unit's ten years on the bench data set, 0.25 ms by the sheet ids' index."""
    if not sheets:
        return {}
    rows = Subtotal.objects.filter(sheet_id__in=list(sheets)).values_list(
        "sheet_id",
        "major_id",
        "points",
        _sheet_line("self_points"),
        _sheet_line("scored"),
        _sheet_line("bonus"),
        _sheet_line("deduction"),
    )
    return _fill((*sheets[sheet_id], *rest) for sheet_id, *rest in rows)


def _fill(rows):
    out = {}
    for cy_id, unit_id, major_id, points, self_points, scored, bonus, deduction in rows:
        lines = out.get(cy_id)
        if lines is None:
            lines = out[cy_id] = {}
        line = lines.get(unit_id)
        if line is None:
            line = lines[unit_id] = _empty()
        if major_id is None:
            line["total"], line["self"], line["scored"] = points, self_points, scored
            line["bonus"], line["deduction"] = bonus, deduction
        else:
            line["majors"][major_id] = points
    return out


def _empty():
    return {"majors": {}, "total": ZERO, "self": ZERO, "scored": 0, "bonus": ZERO, "deduction": ZERO}


def _signed_sum(column):
    value = Coalesce(*column, Value(ZERO), output_field=_DEC) if isinstance(column, tuple) else column
    return Sum(
        Case(When(criterion__kind=CriterionKind.DEDUCTION, then=-value), default=value, output_field=_DEC)
    )


def recount(cluster_year):
    """The same figures as `stored`, counted again from every entry and adjustment of the year."""
    out = defaultdict(_empty)
    for sheet in ScoreSheet.objects.filter(cluster_year=cluster_year):
        out[sheet.unit_id]  # a sheet with nothing on it still has its line of zeros
    for row in (
        ScoreEntry.objects.filter(sheet__cluster_year=cluster_year, criterion__is_leaf=True)
        .exclude(criterion__major_id=None)
        .values("sheet__unit_id", "criterion__major_id")
        .annotate(
            final=_signed_sum((F("reviewed_points"), F("self_points"))),
            own=_signed_sum((F("self_points"),)),
            n=Count("self_points"),
        )
    ):
        line = out[row["sheet__unit_id"]]
        line["majors"][row["criterion__major_id"]] = row["final"]
        line["total"] += row["final"]
        line["self"] += row["own"]
        line["scored"] += row["n"]
    for row in (
        Adjustment.objects.filter(sheet__cluster_year=cluster_year)
        .values("sheet__unit_id")
        .annotate(
            bonus=Coalesce(
                Sum("points", filter=Q(kind=AdjustmentKind.BONUS)), Value(ZERO), output_field=_DEC
            ),
            deduction=Coalesce(
                Sum("points", filter=Q(kind=AdjustmentKind.DEDUCTION)), Value(ZERO), output_field=_DEC
            ),
        )
    ):
        out[row["sheet__unit_id"]].update(bonus=row["bonus"], deduction=row["deduction"])
    return dict(out)


def differences(cluster_year):
    """Units whose stored subtotals differ from the recount ([] when they agree)."""
    have, want = stored(cluster_year), recount(cluster_year)
    return sorted(u for u in set(have) | set(want) if _norm(have.get(u)) != _norm(want.get(u)))


def _norm(line):
    line = line or _empty()
    return (
        {k: Decimal(v) for k, v in line["majors"].items() if v},
        Decimal(line["total"]),
        Decimal(line["self"]),
        line["scored"],
        Decimal(line["bonus"]),
        Decimal(line["deduction"]),
    )
