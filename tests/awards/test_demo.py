"""The demo data reproduces seed 000 and can be loaded twice."""

import pytest

from awards import demo, selectors
from awards.models import Ballot, Nomination, Poll
from clusters import demo as cluster_demo
from clusters.models import ClusterYear

pytestmark = pytest.mark.django_db


def test_demo_publishes_the_seed_000_result_and_is_idempotent():
    cluster_demo.load()
    demo.load()
    demo.load()
    cy = ClusterYear.objects.get(cluster__province__code="hai-phong", cluster__code="khoi-huyen", year=2023)
    proposed = {a["award"]: sorted(a["proposed"]) for a in selectors.results_summary(cy)}
    assert proposed == {
        "Cờ thi đua của Chính phủ": ["Huyện Vĩnh Bảo"],
        "Cờ thi đua của UBND thành phố": ["Huyện Thủy Nguyên"],
        "Bằng khen của Chủ tịch UBND thành phố (toàn diện)": sorted(["Huyện An Lão", "Huyện Kiến Thụy"]),
        "Bằng khen của Chủ tịch UBND thành phố (chuyên đề)": sorted(
            ["Huyện Tiên Lãng", "Huyện An Dương", "Huyện Cát Hải", "Huyện Bạch Long Vĩ"]
        ),
    }
    assert all(a["published"] for a in selectors.results_summary(cy))
    assert Poll.objects.filter(cluster_year=cy).count() == 4
    assert Nomination.objects.filter(cluster_year=cy).count() == 8
    assert Ballot.objects.filter(poll__cluster_year=cy).count() == 32
    assert set(Poll.objects.values_list("opens_at__year", flat=True)) == {2024}
    cy2024 = ClusterYear.objects.get(
        cluster__province__code="hai-phong", cluster__code="khoi-huyen", year=2024
    )
    assert cy2024.award_rules.count() == 4


def test_demo_candidates_come_prefilled_from_the_scoring_ranking():
    scoring_demo = pytest.importorskip("emulation.scoring.demo")
    from awards.models import PollCandidate

    cluster_demo.load()
    scoring_demo.load()
    demo.load()
    candidates = list(PollCandidate.objects.filter(poll__award_type__code="co-thanh-pho"))
    assert len(candidates) == 7
    assert all(c.total is not None and c.rank is not None for c in candidates)
    assert [c.rank for c in candidates] == sorted(c.rank for c in candidates)  # listed by rank
