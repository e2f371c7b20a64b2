"""Subtotals kept by the scoring services, checked against a full recount of the entries after
every kind of score change (self-score, import, review, bonus/deduction, kind change, lock)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from emulation.scoring import services, subtotals
from emulation.scoring.models import CriterionKind, ScoreEntry, Subtotal
from emulation.scoring.selectors import ranking_for_year

from .conftest import fresh, score_all, sheet_of

D = Decimal


def agree(sc):
    cy = fresh(sc.year)
    assert subtotals.differences(cy) == []
    return subtotals.stored(cy)


def scores(sc, c11="8", c12="40", c21="có", c22="150", c31="2"):
    k = sc.criteria
    return {k.c11: c11, k.c12: c12, k.c21: c21, k.c22: c22, k.c31: c31}


def test_every_score_change_keeps_the_subtotals_equal_to_a_recount(sc):
    k = sc.criteria
    s = score_all(sc, sc.unit_a, sc.staff_a, scores(sc))
    line = agree(sc)[sc.unit_a.pk]
    # 8 + 40 under 1; 15 + 10 × 150/200 under 2; the deduction row counts negative
    assert line["majors"] == {k.m1.pk: D("48"), k.m2.pk: D("22.5"), k.m3.pk: D("-2")}
    assert (line["total"], line["self"], line["scored"]) == (D("68.5"), D("68.5"), 5)

    score_all(sc, sc.unit_b, sc.staff_b, scores(sc, c11="5", c31="0"))
    services.self_score_save(sheet=s, criterion=k.c11, value="9", actor=sc.staff_a)
    assert agree(sc)[sc.unit_a.pk]["majors"][k.m1.pk] == D("49")

    services.review_adjust(
        sheet=s, criterion=k.c12, value="35", reason="Thiếu minh chứng", actor=sc.secretary
    )
    services.review_adjust(sheet=s, criterion=k.c31, value="4", reason="Chậm hai lần", actor=sc.secretary)
    line = agree(sc)[sc.unit_a.pk]
    assert line["majors"][k.m1.pk] == D("44") and line["majors"][k.m3.pk] == D("-4")
    assert (line["total"], line["self"]) == (D("62.5"), D("69.5"))  # reviewed vs own figures

    services.adjustment_add(sheet=s, kind="bonus", points="2,5", reason="Cờ thi đua", actor=sc.secretary)
    deduction = services.adjustment_add(
        sheet=s, kind="deduction", points="1", reason="Báo cáo chậm", actor=sc.secretary
    )
    line = agree(sc)[sc.unit_a.pk]
    assert (line["bonus"], line["deduction"]) == (D("2.5"), D("1"))
    services.adjustment_remove(adjustment=deduction, reason="Nhầm", actor=sc.secretary)
    assert agree(sc)[sc.unit_a.pk]["deduction"] == 0

    # a bonus on a sheet without any score yet still has its line (the head's sheet: the province
    # admin reviews it, the secretary never reviews their own unit)
    services.adjustment_add(
        sheet=sheet_of(fresh(sc.year), sc.head), kind="bonus", points="1", reason="x", actor=sc.admin
    )
    assert agree(sc)[sc.head.pk]["bonus"] == D("1")

    ranking = {r.unit.pk: r for r in ranking_for_year(fresh(sc.year))}
    assert ranking[sc.unit_a.pk].total == D("62.5") + D("2.5")
    assert ranking[sc.unit_a.pk].by_major == {"1": D("44"), "2": D("22.5"), "3": D("-4")}
    assert ranking[sc.unit_a.pk].self_total == D("69.5")


def test_a_criterion_turned_into_a_deduction_changes_the_sign_of_its_rows(sc):
    k = sc.criteria
    score_all(sc, sc.unit_a, sc.staff_a, scores(sc))
    services.criterion_update(
        criterion=k.c11,
        actor=sc.admin,
        reason="Sửa nhầm",
        code="1.1",
        text=k.c11.text,
        max_points="10",
        kind=CriterionKind.DEDUCTION,
    )
    assert agree(sc)[sc.unit_a.pk]["majors"][k.m1.pk] == D("32")  # 40 − 8


def test_refused_changes_leave_the_subtotals_as_they_were(sc):
    k = sc.criteria
    s = score_all(sc, sc.unit_a, sc.staff_a, scores(sc))
    before = agree(sc)
    with pytest.raises(ValidationError):
        services.self_score_save(sheet=s, criterion=k.c11, value="11", actor=sc.staff_a)  # above 10
    with pytest.raises(PermissionDenied):
        services.self_score_save(sheet=s, criterion=k.c11, value="1", actor=sc.staff_b)
    with pytest.raises(ValidationError):
        services.review_adjust(sheet=s, criterion=k.c12, value="1", reason=" ", actor=sc.secretary)
    assert agree(sc) == before


def test_lock_keeps_them_and_the_province_admin_change_after_the_lock_is_counted(sc):
    k = sc.criteria
    score_all(sc, sc.unit_a, sc.staff_a, scores(sc))
    services.scores_lock(cluster_year=fresh(sc.year), actor=sc.secretary, reason="Hết hạn nộp")
    s = sheet_of(fresh(sc.year), sc.unit_a)
    with pytest.raises(PermissionDenied):
        services.review_adjust(sheet=s, criterion=k.c11, value="6", reason="x", actor=sc.secretary)
    assert agree(sc)[sc.unit_a.pk]["majors"][k.m1.pk] == D("48")
    services.review_adjust(sheet=s, criterion=k.c11, value="6", reason="Khiếu nại", actor=sc.admin)
    assert agree(sc)[sc.unit_a.pk]["majors"][k.m1.pk] == D("46")


def test_spreadsheet_import_is_counted(sc):
    s = sheet_of(fresh(sc.year), sc.unit_a)
    rows = [(2, "1.1", "7", "", None), (3, "1.2", "30", "", None), (4, "3.1", "1", "", None)]
    services.self_scores_import(sheet=s, rows=rows, actor=sc.staff_a)
    line = agree(sc)[sc.unit_a.pk]
    assert (line["total"], line["scored"]) == (D("36"), 3)


def test_the_command_rebuilds_what_was_written_around_the_services_and_check_finds_it(sc, capsys):
    score_all(sc, sc.unit_a, sc.staff_a, scores(sc))
    ScoreEntry.objects.filter(sheet__unit=sc.unit_a, criterion=sc.criteria.c12).update(self_points=D("10"))
    cy = fresh(sc.year)
    assert subtotals.differences(cy) == [sc.unit_a.pk]
    with pytest.raises(CommandError):
        call_command("scoring_subtotals", "--check")
    Subtotal.objects.all().delete()
    call_command("scoring_subtotals")
    assert subtotals.stored(cy)[sc.unit_a.pk]["total"] == D("38.5")
    call_command("scoring_subtotals", "--check", "--year", str(cy.pk))
    assert "agree" in capsys.readouterr().out
