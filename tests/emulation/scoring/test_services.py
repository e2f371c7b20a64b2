from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clusters import services as cluster_services
from clusters.audit import history_for
from clusters.models import AuditEvent, Stage
from emulation.scoring import services
from emulation.scoring.models import Adjustment, ScoreEntry, ScoreSheet, SheetStatus

from .conftest import fresh, score_all, sheet, sheet_of

FULL = {"c11": "8", "c12": "92,58", "c21": "có", "c22": "150", "c31": "1"}


def full_values(sc, **override):
    values = {**FULL, **override}
    return {getattr(sc.criteria, k): v for k, v in values.items()}


def test_self_score_with_decimal_comma_is_saved_exactly(sc):
    sc.criteria.c12.max_points = Decimal("100")
    sc.criteria.c12.save()
    s = sheet(sc, sc.unit_a)
    entry = services.self_score_save(
        sheet=s, criterion=sc.criteria.c12, value="92,58", note="PAR 2024", actor=sc.staff_a
    )
    entry.refresh_from_db()
    assert entry.self_points == Decimal("92.58")
    assert entry.note == "PAR 2024"


@pytest.mark.parametrize(
    "value,code", [("10,5", "max"), ("-1", "min"), ("mười", "invalid"), ("", "required"), ("1,234", "places")]
)
def test_bad_self_score_is_refused_and_nothing_changes(sc, value, code):
    s = sheet(sc, sc.unit_a)
    services.self_score_save(sheet=s, criterion=sc.criteria.c11, value="7", note="cũ", actor=sc.staff_a)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.self_score_save(
            sheet=s, criterion=sc.criteria.c11, value=value, note="mới", actor=sc.staff_a
        )
    assert exc.value.error_list[0].code == code
    entry = ScoreEntry.objects.get(sheet=s, criterion=sc.criteria.c11)
    assert (entry.self_points, entry.note) == (Decimal("7"), "cũ")
    assert AuditEvent.objects.count() == events


def test_first_bad_value_creates_neither_sheet_nor_row(sc):
    s = ScoreSheet(cluster_year=sc.year, unit=sc.unit_b)
    with pytest.raises(ValidationError):
        services.self_score_save(sheet=s, criterion=sc.criteria.c11, value="11", actor=sc.staff_b)
    assert not ScoreSheet.objects.filter(unit=sc.unit_b).exists()
    assert not ScoreEntry.objects.exists()


def test_yes_no_gives_full_or_no_points(sc):
    s = sheet(sc, sc.unit_a)
    assert (
        services.self_score_save(sheet=s, criterion=sc.criteria.c21, value="có", actor=sc.staff_a).self_points
        == 15
    )
    assert (
        services.self_score_save(
            sheet=s, criterion=sc.criteria.c21, value="không", actor=sc.staff_a
        ).self_points
        == 0
    )
    with pytest.raises(ValidationError):
        services.self_score_save(sheet=s, criterion=sc.criteria.c21, value="7", actor=sc.staff_a)


def test_share_of_target_uses_criterion_default_when_nothing_registered_and_is_capped(sc):
    s = sheet(sc, sc.unit_a)
    e = services.self_score_save(sheet=s, criterion=sc.criteria.c22, value="150", actor=sc.staff_a)
    assert (e.self_points, e.target, e.achieved) == (Decimal("7.50"), Decimal("200"), Decimal("150"))
    e = services.self_score_save(sheet=s, criterion=sc.criteria.c22, value="260", actor=sc.staff_a)
    assert e.self_points == Decimal("10.00")


def test_share_of_target_uses_row_target_before_criterion_default(sc):
    s = sheet(sc, sc.unit_a)
    e = services.self_score_save(
        sheet=s, criterion=sc.criteria.c22, value="50", target="100", actor=sc.staff_a
    )
    assert (e.self_points, e.target) == (Decimal("5.00"), Decimal("100"))


def test_share_of_target_without_any_target_is_refused(sc):
    c = sc.criteria.c22
    c.target_value = None
    c.save()
    with pytest.raises(ValidationError) as exc:
        services.self_score_save(sheet=sheet(sc, sc.unit_a), criterion=c, value="50", actor=sc.staff_a)
    assert exc.value.error_list[0].code == "target"


def test_major_criterion_with_children_cannot_be_scored(sc):
    with pytest.raises(ValidationError):
        services.self_score_save(
            sheet=sheet(sc, sc.unit_a), criterion=sc.criteria.m1, value="5", actor=sc.staff_a
        )


def test_submit_requires_every_row(sc):
    s = sheet(sc, sc.unit_a)
    services.self_score_save(sheet=s, criterion=sc.criteria.c11, value="5", actor=sc.staff_a)
    with pytest.raises(ValidationError) as exc:
        services.sheet_submit(sheet=s, actor=sc.staff_a)
    assert "4" in exc.value.messages[0] and "5" in exc.value.messages[0]
    assert ScoreSheet.objects.get(pk=s.pk).status == SheetStatus.DRAFT


def test_after_submit_staff_cannot_change_but_reviewer_can(sc):
    s = score_all(sc, sc.unit_a, sc.staff_a, full_values(sc, c12="45"))
    services.sheet_submit(sheet=s, actor=sc.staff_a)
    s = ScoreSheet.objects.get(pk=s.pk)
    with pytest.raises(PermissionDenied):
        services.self_score_save(sheet=s, criterion=sc.criteria.c11, value="9", actor=sc.staff_a)
    entry = services.review_adjust(
        sheet=s, criterion=sc.criteria.c12, value="44,5", reason="Minh chứng thiếu", actor=sc.secretary
    )
    assert entry.reviewed_points == Decimal("44.5") and entry.self_points == Decimal("45")


def test_review_adjustment_requires_a_reason(sc):
    s = score_all(sc, sc.unit_a, sc.staff_a, full_values(sc, c12="45"))
    with pytest.raises(ValidationError) as exc:
        services.review_adjust(
            sheet=s, criterion=sc.criteria.c12, value="40", reason="  ", actor=sc.secretary
        )
    assert exc.value.error_list[0].code == "reason"
    assert ScoreEntry.objects.get(sheet=s, criterion=sc.criteria.c12).reviewed_points is None


def test_review_above_maximum_is_refused(sc):
    s = score_all(sc, sc.unit_a, sc.staff_a, full_values(sc, c12="45"))
    with pytest.raises(ValidationError):
        services.review_adjust(sheet=s, criterion=sc.criteria.c11, value="11", reason="x", actor=sc.secretary)


def test_bonus_and_deduction_need_reason_and_positive_points(sc):
    s = sheet(sc, sc.unit_a)
    with pytest.raises(ValidationError):
        services.adjustment_add(sheet=s, kind="bonus", points="5", reason="", actor=sc.secretary)
    with pytest.raises(ValidationError):
        services.adjustment_add(sheet=s, kind="bonus", points="0", reason="x", actor=sc.secretary)
    with pytest.raises(ValidationError):
        services.adjustment_add(sheet=s, kind="bonus", points="năm", reason="x", actor=sc.secretary)
    services.adjustment_add(
        sheet=s, kind="bonus", points="2,5", reason="Cờ thi đua Chính phủ", actor=sc.secretary
    )
    adj = services.adjustment_add(
        sheet=s, kind="deduction", points="1", reason="Báo cáo chậm", actor=sc.secretary
    )
    assert Adjustment.objects.filter(sheet=s).count() == 2
    services.adjustment_remove(adjustment=adj, reason="Nhầm", actor=sc.secretary)
    assert Adjustment.objects.filter(sheet=s).count() == 1
    actions = [e.action for e in history_for(s)]
    assert actions == ["deduction.removed", "deduction.added", "bonus.added"]


def test_ineligible_needs_a_reason_and_is_recorded(sc):
    s = sheet(sc, sc.unit_b)
    with pytest.raises(ValidationError):
        services.eligibility_set(sheet=s, ineligible=True, reason="", actor=sc.secretary)
    services.eligibility_set(sheet=s, ineligible=True, reason="Vi phạm nghiêm trọng", actor=sc.secretary)
    s.refresh_from_db()
    assert s.ineligible and s.ineligible_reason == "Vi phạm nghiêm trọng"
    event = history_for(s).first()
    assert event.action == "sheet.eligibility" and event.reason == "Vi phạm nghiêm trọng"


def test_lock_stops_everyone_but_the_province_admin_who_needs_a_reason(sc):
    s = score_all(sc, sc.unit_a, sc.staff_a, full_values(sc, c12="45"))
    services.scores_lock(cluster_year=fresh(sc.year), actor=sc.secretary, reason="Hết hạn nộp")
    cy = fresh(sc.year)
    s = sheet_of(cy, sc.unit_a)
    with pytest.raises(PermissionDenied):
        services.self_score_save(sheet=s, criterion=sc.criteria.c11, value="9", actor=sc.staff_a)
    with pytest.raises(PermissionDenied):
        services.review_adjust(sheet=s, criterion=sc.criteria.c11, value="6", reason="x", actor=sc.secretary)
    with pytest.raises(PermissionDenied):
        services.adjustment_add(sheet=s, kind="bonus", points="1", reason="x", actor=sc.secretary)
    with pytest.raises(ValidationError):
        services.review_adjust(sheet=s, criterion=sc.criteria.c11, value="6", reason="", actor=sc.admin)
    entry = services.review_adjust(
        sheet=s, criterion=sc.criteria.c11, value="6", reason="Khiếu nại được chấp nhận", actor=sc.admin
    )
    assert entry.reviewed_points == 6
    event = history_for(entry).first()
    assert (event.actor, event.data["old"], event.data["new"], event.reason) == (
        sc.admin,
        None,
        "6.00",
        "Khiếu nại được chấp nhận",
    )


def test_only_the_province_admin_unlocks_and_needs_a_reason(sc):
    services.scores_lock(cluster_year=fresh(sc.year), actor=sc.secretary, reason="Hết hạn nộp")
    with pytest.raises(PermissionDenied):
        services.scores_unlock(cluster_year=fresh(sc.year), actor=sc.secretary, reason="x")
    with pytest.raises(ValidationError):
        services.scores_unlock(cluster_year=fresh(sc.year), actor=sc.admin, reason="")
    table = services.scores_unlock(cluster_year=fresh(sc.year), actor=sc.admin, reason="Đơn vị khiếu nại")
    assert not table.locked
    assert [e.action for e in history_for(table)][:2] == ["scores.unlocked", "scores.locked"]


def test_every_self_score_change_is_in_the_history_with_old_and_new(sc):
    s = sheet(sc, sc.unit_a)
    services.self_score_save(sheet=s, criterion=sc.criteria.c11, value="5", actor=sc.staff_a)
    entry = services.self_score_save(sheet=s, criterion=sc.criteria.c11, value="7,5", actor=sc.staff_a)
    services.self_score_save(sheet=s, criterion=sc.criteria.c11, value="7,50", actor=sc.staff_a)  # no change
    events = list(history_for(entry))
    assert [e.action for e in events] == ["score.self_saved", "score.self_saved"]
    assert events[0].actor == sc.staff_a
    assert (events[0].data["old"]["self"], events[0].data["new"]["self"]) == ("5.00", "7.50")
    assert events[1].data["old"]["self"] is None


def test_year_cannot_leave_scoring_until_scores_are_locked(sc):
    with pytest.raises(ValidationError) as exc:
        cluster_services.stage_advance(cluster_year=fresh(sc.year), actor=sc.admin)
    assert "khóa" in exc.value.messages[0].lower() or "lock" in exc.value.messages[0].lower()
    services.scores_lock(cluster_year=fresh(sc.year), actor=sc.secretary, reason="Hết hạn nộp")
    assert cluster_services.stage_advance(cluster_year=fresh(sc.year), actor=sc.admin).stage == Stage.VOTING


def test_table_is_frozen_once_scoring_opens(sc):
    with pytest.raises(PermissionDenied):
        services.criterion_add(
            cluster_year=fresh(sc.year),
            actor=sc.secretary,
            code="4",
            text="Mới",
            max_points="1",
            kind="fixed",
        )
    with pytest.raises(ValidationError):
        services.criterion_add(
            cluster_year=fresh(sc.year), actor=sc.admin, code="4", text="Mới", max_points="1", kind="fixed"
        )
    c = services.criterion_add(
        cluster_year=fresh(sc.year),
        actor=sc.admin,
        code="4",
        text="Mới",
        max_points="1",
        kind="fixed",
        reason="Bổ sung theo quyết định",
    )
    assert history_for(c).first().reason == "Bổ sung theo quyết định"


def test_criterion_with_scores_cannot_be_removed(sc):
    services.self_score_save(
        sheet=sheet(sc, sc.unit_a), criterion=sc.criteria.c11, value="5", actor=sc.staff_a
    )
    with pytest.raises(ValidationError):
        services.criterion_delete(criterion=sc.criteria.c11, actor=sc.admin, reason="x")


def test_duplicate_criterion_code_is_refused(sc):
    with pytest.raises(ValidationError) as exc:
        services.criterion_add(
            cluster_year=fresh(sc.year),
            actor=sc.admin,
            code="1.1",
            text="Trùng",
            max_points="1",
            kind="fixed",
            reason="x",
        )
    assert "code" in exc.value.message_dict


def test_copy_forward_keeps_tree_and_tie_break(sc):
    from clusters.models import ClusterYear
    from emulation.scoring.models import Criterion

    services.tie_break_set(
        cluster_year=fresh(sc.year), rule="criterion_bonus", criterion=sc.criteria.c12, actor=sc.admin
    )
    next_year = ClusterYear.objects.create(cluster=sc.cluster, year=sc.year.year + 1)
    table = services.table_copy(source=sc.year.criteria_table, cluster_year=next_year, actor=sc.admin)
    codes = list(Criterion.objects.filter(table=table).values_list("code", "parent__code", "is_leaf"))
    assert ("1.2", "1", True) in codes and ("1", None, False) in codes and len(codes) == 8
    assert table.tie_break == "criterion_bonus" and table.tie_break_criterion.code == "1.2"


def test_the_units_left_out_by_a_lock_are_read_in_constant_queries(sc):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cy = fresh(sc.year)
    members = cy.memberships.count()
    assert members >= 3
    with CaptureQueriesContext(connection) as queries:
        missing = services.unsubmitted_units(cy)
    assert len(missing) == members
    # the submitted sheets, the members with their units, the units' past names: not one per unit
    assert len(queries) == 3
