"""Prototypes of recommended fixes, measured next to the code they would replace (the apps belong
to other engineers; the bench only shows before/after and checks the results are the same)."""

from collections import defaultdict
from decimal import Decimal

ZERO = Decimal("0.00")

TOTALS_SQL = """
SELECT s.unit_id, c.major_id,
       SUM(CASE WHEN c.kind = 'deduction' THEN -COALESCE(e.reviewed_points, e.self_points)
                ELSE COALESCE(e.reviewed_points, e.self_points) END),
       SUM(CASE WHEN c.kind = 'deduction' THEN -e.self_points ELSE e.self_points END)
  FROM scoring_criteriatable t
  JOIN scoring_criterion c ON c.table_id = t.id AND c.is_leaf
  JOIN scoring_scoreentry e ON e.criterion_id = c.id
  JOIN scoring_scoresheet s ON s.id = e.sheet_id AND s.cluster_year_id = t.cluster_year_id
 WHERE t.cluster_year_id = %s
 GROUP BY s.unit_id, c.major_id
"""

ADJUSTMENTS_SQL = """
SELECT s.unit_id, s.status, s.ineligible,
       COALESCE(SUM(a.points) FILTER (WHERE a.kind = 'bonus'), 0),
       COALESCE(SUM(a.points) FILTER (WHERE a.kind = 'deduction'), 0)
  FROM scoring_scoresheet s LEFT JOIN scoring_adjustment a ON a.sheet_id = s.id
 WHERE s.cluster_year_id = %s
 GROUP BY s.unit_id, s.status, s.ineligible
"""


def lean_ranking(cluster_year):
    """Totals and ranks as emulation.scoring.selectors.ranking_for_year computes them (tie-break
    "none"), in 4 queries and without model instances: {unit_id: (rank, total, by_major)}.

    What it changes: the entries are reached from the year's criteria (index on criterion_id)
    instead of a join on every sheet of the database; no Membership/Unit/UnitVersion instances
    and no prefetch for 1,000 units (values_list); status labels from a dict, not
    get_status_display() per row."""
    import datetime

    from django.db import connection

    from clusters.models import Membership, UnitVersion
    from clusters.selectors import vn_sort_key

    with connection.cursor() as cur:
        cur.execute(TOTALS_SQL, [cluster_year.pk])
        by_major = defaultdict(dict)
        for unit_id, major_id, reviewed, _self in cur.fetchall():
            by_major[unit_id][major_id] = reviewed
        cur.execute(ADJUSTMENTS_SQL, [cluster_year.pk])
        adjustments = {row[0]: row[1:] for row in cur.fetchall()}
    members = list(Membership.objects.filter(cluster_year=cluster_year).values_list("unit_id", "unit__name"))
    end = datetime.date(cluster_year.year, 12, 31)
    renamed = {}
    for unit_id, name, _until in (
        UnitVersion.objects.filter(unit__memberships__cluster_year=cluster_year, valid_until__gt=end)
        .order_by("-valid_until")
        .values_list("unit_id", "name", "valid_until")
    ):
        renamed[unit_id] = name  # the earliest version still valid at the end of the year wins
    rows = []
    for unit_id, name in members:
        _status, _inel, bonus, deduction = adjustments.get(unit_id, (None, False, ZERO, ZERO))
        majors = by_major.get(unit_id, {})
        total = sum(majors.values(), ZERO) + bonus - deduction
        rows.append((unit_id, renamed.get(unit_id, name), total, majors))
    rows.sort(key=lambda r: vn_sort_key(r[1]))
    rows.sort(key=lambda r: r[2], reverse=True)
    out, previous, rank = {}, None, 0
    for position, (unit_id, _name, total, majors) in enumerate(rows, 1):
        if total != previous:
            rank, previous = position, total
        out[unit_id] = (rank, total, majors)
    return out
