from decimal import Decimal

import pytest
from django.urls import reverse

from clusters.models import Membership
from emulation.scoring import services, subtotals
from emulation.scoring.models import Adjustment, ScoreEntry, ScoreSheet, TieBreak
from emulation.scoring.selectors import RankingRow, assign_ranks, ranking_for_year
from tests.factories import UnitFactory

from .conftest import fresh, score_all, sheet_of


def values(sc, c11, c12, c21="có", c22="200", c31="0"):
    k = sc.criteria
    return {k.c11: c11, k.c12: c12, k.c21: c21, k.c22: c22, k.c31: c31}


def row(name, total, bonus="0", tie=None):
    return RankingRow(
        unit=None,
        unit_name=name,
        total=Decimal(total),
        rank=0,
        eligible=True,
        ineligible_reason="",
        bonus=Decimal(bonus),
        deduction=Decimal(0),
        by_major={},
        tie_value=Decimal(tie) if tie is not None else None,
    )


def test_equal_totals_share_a_rank_and_the_next_rank_is_skipped():
    rows = assign_ranks([row("B", "90"), row("A", "95"), row("C", "90"), row("D", "80")], TieBreak.NONE)
    assert [(r.unit_name, r.rank, r.tied) for r in rows] == [
        ("A", 1, False),
        ("B", 2, True),
        ("C", 2, True),
        ("D", 4, False),
    ]


def test_tie_break_by_criterion_then_bonus():
    rows = [
        row("B", "90", bonus="1", tie="40"),
        row("A", "90", bonus="2", tie="40"),
        row("C", "90", tie="45"),
        row("D", "90", bonus="2", tie="40"),
    ]
    ranked = assign_ranks(rows, TieBreak.CRITERION_THEN_BONUS)
    assert [(r.unit_name, r.rank) for r in ranked] == [("C", 1), ("A", 2), ("D", 2), ("B", 4)]


def test_tie_break_by_criterion_only_keeps_bonus_out():
    ranked = assign_ranks([row("A", "90", bonus="5", tie="40"), row("B", "90", tie="40")], TieBreak.CRITERION)
    assert [r.rank for r in ranked] == [1, 1]


def test_ranking_is_empty_without_scores(sc):
    assert ranking_for_year(fresh(sc.year)) == []


def test_totals_are_reviewed_score_plus_bonus_minus_deduction(sc):
    a = score_all(sc, sc.unit_a, sc.staff_a, values(sc, "8", "46,29", c31="1"))  # 8+46.29+15+10-1 = 78.29
    services.review_adjust(
        sheet=a, criterion=sc.criteria.c12, value="46", reason="PAR làm tròn", actor=sc.secretary
    )
    services.adjustment_add(sheet=a, kind="bonus", points="3", reason="Cờ Chính phủ", actor=sc.secretary)
    services.adjustment_add(
        sheet=a, kind="deduction", points="0,5", reason="Chậm báo cáo", actor=sc.secretary
    )
    b = score_all(sc, sc.unit_b, sc.staff_b, values(sc, "10", "45,83", c21="không"))  # 10+45.83+0+10 = 65.83
    services.eligibility_set(sheet=b, ineligible=True, reason="Vi phạm", actor=sc.secretary)
    rows = {r.unit.pk: r for r in ranking_for_year(fresh(sc.year))}
    ra, rb, rh = rows[sc.unit_a.pk], rows[sc.unit_b.pk], rows[sc.head.pk]
    assert ra.by_major == {"1": Decimal("54.00"), "2": Decimal("25.00"), "3": Decimal("-1.00")}
    assert (ra.bonus, ra.deduction, ra.total, ra.rank, ra.eligible) == (
        Decimal("3"),
        Decimal("0.5"),
        Decimal("80.50"),
        1,
        True,
    )
    assert ra.self_total == Decimal("78.29")
    assert (rb.total, rb.rank, rb.eligible, rb.ineligible_reason) == (Decimal("65.83"), 2, False, "Vi phạm")
    assert (rh.total, rh.rank, rh.unit_name) == (Decimal("0"), 3, "Huyện Cát Hải")


def test_year_tie_break_rule_is_applied(sc):
    score_all(sc, sc.unit_a, sc.staff_a, values(sc, "10", "40"))
    score_all(sc, sc.unit_b, sc.staff_b, values(sc, "5", "45"))
    rows = ranking_for_year(fresh(sc.year))
    assert [(r.unit.pk, r.rank) for r in rows][:2] in (
        [(sc.unit_a.pk, 1), (sc.unit_b.pk, 1)],
        [(sc.unit_b.pk, 1), (sc.unit_a.pk, 1)],
    )
    services.tie_break_set(
        cluster_year=fresh(sc.year), rule=TieBreak.CRITERION, criterion=sc.criteria.c12, actor=sc.admin
    )
    rows = ranking_for_year(fresh(sc.year))
    assert [(r.unit.pk, r.rank) for r in rows][:2] == [(sc.unit_b.pk, 1), (sc.unit_a.pk, 2)]
    services.tie_break_set(
        cluster_year=fresh(sc.year), rule=TieBreak.CRITERION, criterion=sc.criteria.m1, actor=sc.admin
    )  # a major criterion: equal again (50 each)
    assert [r.rank for r in ranking_for_year(fresh(sc.year))][:2] == [1, 1]


def test_ranks_set_apart_by_the_tie_break_say_so_on_the_ranking_page(client, sc):
    score_all(sc, sc.unit_a, sc.staff_a, values(sc, "10", "40"))
    score_all(sc, sc.unit_b, sc.staff_b, values(sc, "5", "45"))
    services.tie_break_set(
        cluster_year=fresh(sc.year), rule=TieBreak.CRITERION, criterion=sc.criteria.c12, actor=sc.admin
    )
    rows = ranking_for_year(fresh(sc.year))
    assert [(r.rank, r.tie_broken, r.tied) for r in rows][:2] == [(1, True, False), (2, True, False)]
    client.force_login(sc.secretary)
    html = client.get(reverse("scoring:ranking", args=[sc.year.pk])).content.decode()
    assert html.count("(bằng tổng điểm: xếp theo tiêu chí 1.2)") == 2


def test_distinct_totals_carry_no_tie_note():
    rows = assign_ranks([row("A", "95", tie="40"), row("B", "90", tie="45")], TieBreak.CRITERION)
    assert [r.tie_broken for r in rows] == [False, False]


def test_unit_names_are_as_in_that_year(sc):
    import datetime

    from clusters.unit_events import unit_rename

    score_all(sc, sc.unit_b, sc.staff_b, values(sc, "5", "45"))
    unit_rename(
        unit=sc.unit_b,
        name="Thành phố Thủy Nguyên",
        short_name="Thủy Nguyên",
        kind="thanh_pho",
        effective=datetime.date(sc.year.year + 1, 1, 1),
        actor=sc.admin,
        decision_number="1669/NQ-UBTVQH15",
        decision_date=datetime.date(sc.year.year, 6, 16),
    )
    names = {r.unit.pk: r.unit_name for r in ranking_for_year(fresh(sc.year))}
    assert names[sc.unit_b.pk] == "Huyện Thủy Nguyên"


def _grow(sc, n_units):
    """Add units with scores, bonus and a rename each (bulk, to keep the test quick)."""
    import datetime

    from clusters.models import UnitVersion

    cy = fresh(sc.year)
    leaves = sc.criteria.leaves
    for i in range(n_units):
        unit = UnitFactory(province=sc.province)
        Membership.objects.create(cluster_year=cy, unit=unit)
        UnitVersion.objects.create(
            unit=unit, name=f"Huyện cũ {i}", kind="huyen", valid_until=datetime.date(cy.year + 1, 1, 1)
        )
        s = ScoreSheet.objects.create(cluster_year=cy, unit=unit)
        ScoreEntry.objects.bulk_create(
            [ScoreEntry(sheet=s, criterion=c, self_points=Decimal(i % 5)) for c in leaves]
        )
        Adjustment.objects.create(sheet=s, kind="bonus", points=Decimal("1"), reason="x")
    subtotals.refresh_year(cy)  # written around the services: rebuild what they would keep


@pytest.mark.parametrize("rule", [TieBreak.NONE, TieBreak.BONUS])
def test_ranking_lines_agree_with_a_recount_and_name_their_units(sc, rule):
    """Ranks, totals and ties against a recount from the entries (rank = 1 + the units ahead),
    ties listed by name, and each line's unit (a light RankedUnit, no model instance) naming the
    same unit as the database."""
    from clusters.models import Unit
    from clusters.selectors import vn_sort_key
    from emulation.scoring.ranking import RankedUnit

    _grow(sc, 12)  # scores i % 5: ties of two or three units, a bonus each
    score_all(sc, sc.unit_a, sc.staff_a, values(sc, "8", "40"))
    cy = fresh(sc.year)
    a = sheet_of(cy, sc.unit_a)
    services.adjustment_add(sheet=a, kind="bonus", points="2", reason="Cờ thi đua", actor=sc.secretary)
    services.adjustment_add(sheet=a, kind="deduction", points="0,5", reason="Chậm", actor=sc.secretary)
    if rule != TieBreak.NONE:
        services.tie_break_set(cluster_year=fresh(sc.year), rule=rule, criterion=None, actor=sc.admin)
    recount = subtotals.recount(fresh(sc.year))
    units = {u.pk: u for u in Unit.objects.filter(memberships__cluster_year=cy)}
    key = {}
    for u in units:  # a member without a sheet ranks with zero
        line = recount.get(u, subtotals._empty())
        total = line["total"] + line["bonus"] - line["deduction"]
        key[u] = (total, line["bonus"] if rule == TieBreak.BONUS else 0)
    rows = ranking_for_year(fresh(sc.year))
    assert sorted(r.unit.pk for r in rows) == sorted(units)
    for r in rows:
        mine = key[r.unit.pk]
        assert r.total == mine[0]
        assert r.rank == 1 + sum(1 for k in key.values() if k > mine)
        assert r.tied == (sum(1 for k in key.values() if k == mine) > 1)
        assert isinstance(r.unit, RankedUnit)
        unit = units[r.unit.pk]
        assert (r.unit.pk, r.unit.code, r.unit.name, r.unit.short_name, str(r.unit)) == (
            unit.pk,
            unit.code,
            unit.name,
            unit.short_name,
            str(unit),
        )
    assert [r.rank for r in rows] == sorted(r.rank for r in rows)
    for rank in {r.rank for r in rows}:
        names = [r.unit_name for r in rows if r.rank == rank]
        assert names == sorted(names, key=vn_sort_key)
    assert any(r.tied for r in rows) and len({r.rank for r in rows}) > 3


@pytest.mark.parametrize("n_units", [3, 25])
def test_ranking_selector_query_count_is_constant(sc, django_assert_num_queries, n_units):
    _grow(sc, n_units)
    services.tie_break_set(
        cluster_year=fresh(sc.year),
        rule=TieBreak.CRITERION_THEN_BONUS,
        criterion=sc.criteria.c12,
        actor=sc.admin,
    )
    cy = fresh(sc.year)
    with django_assert_num_queries(7):
        rows = ranking_for_year(cy)
    assert len(rows) == 3 + n_units


@pytest.mark.parametrize("n_units", [3, 25])
def test_ranking_page_query_count_is_constant(client, sc, django_assert_num_queries, n_units):
    _grow(sc, n_units)
    client.force_login(sc.council)
    url = reverse("scoring:ranking", args=[sc.year.pk])
    client.get(url)  # warm the session
    with django_assert_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("bar bar-w-") == 3 + n_units


@pytest.mark.parametrize("n_units", [3, 25])
def test_overview_page_query_count_is_constant(client, sc, django_assert_num_queries, n_units):
    _grow(sc, n_units)
    client.force_login(sc.secretary)
    url = reverse("scoring:overview", args=[sc.year.pk])
    client.get(url)
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200


def test_ranking_export_xlsx(client, sc):
    from io import BytesIO

    from openpyxl import load_workbook

    score_all(sc, sc.unit_a, sc.staff_a, values(sc, "8", "46,29"))
    client.force_login(sc.council)
    response = client.get(reverse("scoring:ranking_export", args=[sc.year.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(response.content)).active
    header = [c.value for c in ws[4]]
    assert header[:2] == ["Hạng", "Đơn vị"] and "Tổng điểm" in header
    first = [c.value for c in ws[5]]
    assert (
        first[0] == 1
        and first[1] == "Huyện Vĩnh Bảo"
        and first[header.index("Tổng điểm")] == pytest.approx(79.29)
    )


def test_pledges_registered_target_is_used_before_the_fallbacks(sc):
    """The target registered in the pledges app wins over the criterion's default (200)."""
    from emulation.pledges.models import Registration, RegistrationTarget

    reg = Registration.objects.create(cluster_year=sc.year, unit=sc.unit_a)
    RegistrationTarget.objects.create(
        registration=reg, key="thu-ngan-sach", name="Thu ngân sách", value=Decimal("300")
    )
    s = score_all(sc, sc.unit_a, sc.staff_a, {sc.criteria.c22: "150"})
    entry = ScoreEntry.objects.get(sheet=s, criterion=sc.criteria.c22)
    assert (entry.target, entry.self_points) == (Decimal("300"), Decimal("5.00"))
    # Unit B registered nothing: the criterion's default target applies.
    s = score_all(sc, sc.unit_b, sc.staff_b, {sc.criteria.c22: "150"})
    assert ScoreEntry.objects.get(sheet=s, criterion=sc.criteria.c22).target == Decimal("200")


def test_ranking_is_empty_while_sheets_hold_no_scores(sc):
    s = sheet_of(fresh(sc.year), sc.unit_b)
    services.eligibility_set(sheet=s, ineligible=True, reason="Vi phạm", actor=sc.secretary)
    assert ranking_for_year(fresh(sc.year)) == []


def test_ranking_rows_are_typed_and_read_as_attributes_by_awards_and_yearend(sc):
    """The cross-app contract: RankingRow instances, read by the awards candidates and the
    year-end unit history without any dict fallback."""
    from awards import selectors as award_selectors
    from tests.awards.helpers import award_types, rule
    from yearend.selectors import unit_history

    score_all(sc, sc.unit_a, sc.staff_a, values(sc, "10", "40"))
    b = score_all(sc, sc.unit_b, sc.staff_b, values(sc, "5", "30"))
    services.eligibility_set(sheet=b, ineligible=True, reason="Vi phạm", actor=sc.secretary)
    rows = ranking_for_year(fresh(sc.year))
    assert rows and all(isinstance(r, RankingRow) for r in rows)
    assert award_selectors.ranking_rows(fresh(sc.year)) == rows
    cy = fresh(sc.year)
    gov = rule(cy, award_types(sc.province)["co-chinh-phu"], leading_unit_only=True)
    options = {o.unit_id: o for o in award_selectors.candidate_options(cy, gov)}
    assert options[sc.unit_a.pk].allowed and options[sc.unit_a.pk].rank == 1
    assert not options[sc.unit_b.pk].allowed and "Vi phạm" in options[sc.unit_b.pk].reason
    mine = next(h for h in unit_history(sc.unit_a) if h["cluster_year"].pk == cy.pk)
    assert (mine["rank"], mine["of"]) == (1, len(rows))
