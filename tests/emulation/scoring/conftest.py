"""A scoring cast: the fixed cast in the scoring stage with a small criteria table.

Table (100 points + a deduction row):
  1   Kinh tế - xã hội (60)      1.1 fixed 10, 1.2 fixed 50 (PAR index)
  2   Xây dựng Đảng (25)         2.1 yes/no 15, 2.2 share of target 10 (key "thu-ngan-sach", default 200)
  3   Điểm trừ (5)               3.1 deduction 5
"""

from types import SimpleNamespace

import pytest

from clusters.models import ClusterYear, Stage
from emulation.scoring import services
from emulation.scoring.models import CriterionKind, ScoreSheet
from tests.factories import make_cast


def build_table(cy, actor):
    add = services.criterion_add
    m1 = add(
        cluster_year=cy,
        actor=actor,
        code="1",
        text="Thực hiện nhiệm vụ kinh tế - xã hội",
        max_points="60",
        kind=CriterionKind.FIXED,
    )
    c11 = add(
        cluster_year=cy,
        actor=actor,
        parent=m1,
        code="1.1",
        text="Thu ngân sách",
        max_points="10",
        kind=CriterionKind.FIXED,
    )
    c12 = add(
        cluster_year=cy,
        actor=actor,
        parent=m1,
        code="1.2",
        text="Chỉ số cải cách hành chính",
        max_points="50",
        kind=CriterionKind.FIXED,
    )
    m2 = add(
        cluster_year=cy,
        actor=actor,
        code="2",
        text="Xây dựng Đảng, chính quyền",
        max_points="25",
        kind=CriterionKind.FIXED,
    )
    c21 = add(
        cluster_year=cy,
        actor=actor,
        parent=m2,
        code="2.1",
        text="Không có vi phạm kỷ luật",
        max_points="15",
        kind=CriterionKind.YES_NO,
    )
    c22 = add(
        cluster_year=cy,
        actor=actor,
        parent=m2,
        code="2.2",
        text="Giải quyết khiếu nại đúng hạn",
        max_points="10",
        kind=CriterionKind.TARGET_SHARE,
        target_key="thu-ngan-sach",
        target_value="200",
    )
    m3 = add(
        cluster_year=cy, actor=actor, code="3", text="Điểm trừ", max_points="5", kind=CriterionKind.DEDUCTION
    )
    c31 = add(
        cluster_year=cy,
        actor=actor,
        parent=m3,
        code="3.1",
        text="Báo cáo chậm",
        max_points="5",
        kind=CriterionKind.DEDUCTION,
    )
    return SimpleNamespace(
        m1=m1, m2=m2, m3=m3, c11=c11, c12=c12, c21=c21, c22=c22, c31=c31, leaves=[c11, c12, c21, c22, c31]
    )


def open_scoring(cy):
    ClusterYear.objects.filter(pk=cy.pk).update(stage=Stage.SCORING)
    return ClusterYear.objects.select_related("cluster").get(pk=cy.pk)


def fresh(cy):
    return ClusterYear.objects.select_related("cluster").get(pk=cy.pk)


@pytest.fixture
def sc(db):
    cast = make_cast()
    cast.criteria = build_table(cast.year, cast.admin)
    cast.year = open_scoring(cast.year)
    return cast


def sheet_of(cy, unit):
    """The unit's sheet for the year, created empty on first use."""
    s = ScoreSheet.objects.get_or_create(cluster_year=cy, unit=unit)[0]
    s.cluster_year, s.unit = cy, unit
    return s


def sheet(cast, unit):
    return sheet_of(fresh(cast.year), unit)


def score_all(cast, unit, actor, values):
    """values: {criterion: raw value}."""
    s = sheet(cast, unit)
    for criterion, value in values.items():
        services.self_score_save(sheet=s, criterion=criterion, value=value, actor=actor)
    return s
