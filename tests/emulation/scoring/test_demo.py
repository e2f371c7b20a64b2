from decimal import Decimal

from clusters import demo as clusters_demo
from clusters.models import ClusterYear
from emulation.scoring import demo
from emulation.scoring.models import Criterion, ScoreEntry
from emulation.scoring.selectors import ranking_for_year


def test_demo_table_scores_and_ranking(db):
    clusters_demo.load()
    demo.load()
    demo.load()  # idempotent
    cy = ClusterYear.objects.get(cluster__province__code="hai-phong", cluster__code="khoi-huyen", year=2023)
    for year in (2023, 2024):
        criteria = Criterion.objects.filter(
            table__cluster_year__cluster=cy.cluster, table__cluster_year__year=year
        )
        assert criteria.filter(parent__isnull=True).count() == 3
        assert criteria.filter(is_leaf=True).count() == 15
        assert sum(c.max_points for c in criteria.filter(parent__isnull=True)) == 100
    par = dict(
        ScoreEntry.objects.filter(sheet__cluster_year=cy, criterion__code="1.6").values_list(
            "sheet__unit__code", "achieved"
        )
    )
    assert (par["thuy-nguyen"], par["an-lao"], par["vinh-bao"]) == (
        Decimal("92.58"),
        Decimal("92.26"),
        Decimal("91.65"),
    )
    rows = ranking_for_year(cy)
    assert len(rows) == 8
    assert [r.unit.code for r in rows[:2]] == ["vinh-bao", "thuy-nguyen"]
    ranks = {r.unit.code: r.rank for r in rows}
    assert ranks["tien-lang"] == ranks["an-duong"]  # equal on every rule: they share a rank
    assert cy.criteria_table.locked
