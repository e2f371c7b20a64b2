"""Demo data for scoring (called by `load_demo`; idempotent).

Hải Phòng, "Cụm thi đua Khối huyện": the criteria table of 3 major criteria with 15 component
criteria (seed 000) for 2023 and 2024; the 2023 year's scores of all eight districts, reviewed
and locked, with the seed's administrative-reform (PAR) index results: Thủy Nguyên 92,58,
An Lão 92,26, Vĩnh Bảo 91,65."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from clusters.closing import recording_past_years
from clusters.models import ClusterYear, User

from . import subtotals
from .models import (
    Adjustment,
    AdjustmentKind,
    CriteriaTable,
    Criterion,
    CriterionKind,
    ScoreEntry,
    ScoreSheet,
    SheetStatus,
    TieBreak,
)

F, YN, T = CriterionKind.FIXED, CriterionKind.YES_NO, CriterionKind.TARGET_SHARE

# code, text, max points, kind, guidance, target key, default target
TABLE = [
    ("1", "Thực hiện nhiệm vụ phát triển kinh tế - xã hội, quốc phòng - an ninh", 60, F, "", "", None),
    ("1.1", "Tốc độ tăng giá trị sản xuất so với kế hoạch", 8, F, "Đạt hoặc vượt kế hoạch: 8 điểm", "", None),
    (
        "1.2",
        "Thu ngân sách nhà nước trên địa bàn so với dự toán",
        8,
        T,
        "Điểm theo tỷ lệ thu đạt được so với chỉ tiêu đã đăng ký (tối đa 8 điểm)",
        "thu-ngan-sach",
        1000,
    ),
    ("1.3", "Xây dựng nông thôn mới nâng cao, nông thôn mới kiểu mẫu", 8, F, "", "", None),
    ("1.4", "Giảm nghèo bền vững, bảo đảm an sinh xã hội", 6, F, "", "", None),
    ("1.5", "Thực hiện các chỉ tiêu về giáo dục, y tế, văn hóa", 8, F, "", "", None),
    (
        "1.6",
        "Chỉ số cải cách hành chính (PAR INDEX)",
        10,
        T,
        "Nhập chỉ số PAR INDEX của đơn vị; điểm = chỉ số × 10 / 100",
        "par-index",
        100,
    ),
    ("1.7", "Chuyển đổi số, xây dựng chính quyền số", 6, F, "", "", None),
    ("1.8", "Quốc phòng, an ninh, trật tự an toàn xã hội", 6, F, "", "", None),
    ("2", "Xây dựng Đảng, chính quyền, Mặt trận Tổ quốc và các đoàn thể", 25, F, "", "", None),
    ("2.1", "Công tác xây dựng Đảng", 7, F, "", "", None),
    ("2.2", "Kỷ luật, kỷ cương hành chính; phòng, chống tham nhũng, tiêu cực", 6, F, "", "", None),
    ("2.3", "Giải quyết khiếu nại, tố cáo của công dân đúng hạn", 6, F, "", "", None),
    ("2.4", "Hoạt động của Mặt trận Tổ quốc và các đoàn thể", 6, F, "", "", None),
    ("3", "Công tác thi đua, khen thưởng và hoạt động của Cụm", 15, F, "", "", None),
    ("3.1", "Phát động phong trào thi đua, đăng ký thi đua đúng hạn", 5, YN, "", "", None),
    ("3.2", "Ký kết, thực hiện giao ước thi đua; báo cáo, hồ sơ đúng hạn, đầy đủ", 5, F, "", "", None),
    ("3.3", "Tham gia hoạt động chung của Cụm; phát hiện, nhân rộng điển hình tiên tiến", 5, F, "", "", None),
]

# unit code: (share of the maximum on fixed rows, budget revenue achieved (target 1000), PAR index)
SCORES_2023 = {
    "vinh-bao": (Decimal("0.97"), 1085, "91.65"),
    "thuy-nguyen": (Decimal("0.96"), 1120, "92.58"),
    "an-lao": (Decimal("0.94"), 1010, "92.26"),
    "kien-thuy": (Decimal("0.93"), 990, "90.84"),
    "tien-lang": (Decimal("0.91"), 960, "89.73"),
    "an-duong": (Decimal("0.91"), 960, "89.73"),
    "cat-hai": (Decimal("0.90"), 930, "88.95"),
    "bach-long-vi": (Decimal("0.88"), 900, "87.10"),
}
BONUS_2023 = {
    "vinh-bao": ("3", "Được Chính phủ tặng Cờ thi đua năm 2022; mô hình được nhân rộng toàn thành phố")
}
REVIEW_2023 = {("kien-thuy", "1.3"): ("7", "Chưa có quyết định công nhận xã nông thôn mới kiểu mẫu thứ hai")}
TWO = Decimal("0.01")


def _table(cy):
    table, _created = CriteriaTable.objects.get_or_create(
        cluster_year=cy, defaults={"title": f"Bộ tiêu chí chấm điểm thi đua năm {cy.year}"}
    )
    if not table.criteria.exists():
        created = {}
        for position, (code, text, max_points, kind, guidance, key, target) in enumerate(TABLE, 1):
            parent = created.get(code.rsplit(".", 1)[0]) if "." in code else None
            c = Criterion.objects.create(
                table=table,
                parent=parent,
                code=code,
                text=text,
                max_points=Decimal(max_points),
                kind=kind,
                guidance=guidance,
                target_key=key,
                target_value=Decimal(target) if target else None,
                position=position,
                is_leaf=True,
            )
            c.major = parent.major if parent else c
            c.save(update_fields=["major"])
            if parent is not None and parent.is_leaf:
                parent.is_leaf = False
                parent.save(update_fields=["is_leaf"])
            created[code] = c
        table.tie_break = TieBreak.CRITERION_THEN_BONUS
        table.tie_break_criterion = created["1"]
        table.save(update_fields=["tie_break", "tie_break_criterion"])
    return table


def _points(criterion, share, revenue, par):
    if criterion.kind == CriterionKind.YES_NO:
        return criterion.max_points, None, None
    if criterion.code == "1.2":
        achieved, target = Decimal(revenue), criterion.target_value
    elif criterion.code == "1.6":
        achieved, target = Decimal(par), criterion.target_value
    else:
        return (criterion.max_points * share).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), None, None
    points = (criterion.max_points * min(achieved / target, 1)).quantize(TWO, rounding=ROUND_HALF_UP)
    return points, achieved, target


def _scores_2023(cy, table):
    secretary = User.objects.filter(username="thuky.cathai").first()
    leaves = list(table.criteria.filter(is_leaf=True))
    members = {m.unit.code: m.unit for m in cy.memberships.select_related("unit")}
    for code, (share, revenue, par) in SCORES_2023.items():
        unit = members.get(code)
        if unit is None:
            continue
        sheet, created = ScoreSheet.objects.get_or_create(cluster_year=cy, unit=unit)
        if not created:
            continue
        staff = User.objects.filter(unit=unit, username__startswith="canbo.").first()
        for c in leaves:
            points, achieved, target = _points(c, share, revenue, par)
            reviewed, reason = REVIEW_2023.get((code, c.code), (None, ""))
            ScoreEntry.objects.create(
                sheet=sheet,
                criterion=c,
                self_points=points,
                achieved=achieved,
                target=target,
                note="Chỉ số PAR INDEX năm 2023 do Sở Nội vụ công bố" if c.code == "1.6" else "",
                reviewed_points=Decimal(reviewed) if reviewed else None,
                review_reason=reason,
            )
        sheet.status, sheet.submitted_at, sheet.submitted_by = SheetStatus.SUBMITTED, timezone.now(), staff
        sheet.save(update_fields=["status", "submitted_at", "submitted_by"])
        if code in BONUS_2023:
            points, reason = BONUS_2023[code]
            Adjustment.objects.create(
                sheet=sheet,
                kind=AdjustmentKind.BONUS,
                points=Decimal(points),
                reason=reason,
                created_by=secretary,
            )
    subtotals.refresh_year(cy)  # the demo's scores are written around the services
    if not table.locked:
        table.locked, table.locked_at = True, timezone.now()
        table.save(update_fields=["locked", "locked_at"])


@transaction.atomic
@recording_past_years()
def load():
    years = {
        cy.year: cy
        for cy in ClusterYear.objects.filter(cluster__province__code="hai-phong", cluster__code="khoi-huyen")
    }
    if 2023 in years:
        _scores_2023(years[2023], _table(years[2023]))
    if 2024 in years:
        _table(years[2024])
