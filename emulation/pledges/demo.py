"""Demo: the 2024 pledge draft of Hải Phòng's "Cụm thi đua Khối huyện" (seed 000), two units'
registrations and the province's signing authority. Idempotent."""

import datetime

from django.db import transaction

from clusters.closing import recording_past_years
from clusters.models import ClusterYear, Province, User

from . import services
from .models import Pledge, ProvinceAuthority, Registration

TITLE = "Giao ước thi đua năm 2024"
PREAMBLE = (
    "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;\n"
    "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành "
    "một số điều của Luật Thi đua, khen thưởng;\n"
    "Căn cứ Quy chế hoạt động của các Cụm, Khối thi đua thuộc thành phố Hải Phòng;"
)
ARTICLES = [
    "Thi đua thực hiện thắng lợi các mục tiêu, chỉ tiêu phát triển kinh tế - xã hội năm 2024; phấn đấu "
    "hoàn thành và vượt dự toán thu ngân sách nhà nước; xây dựng nông thôn mới nâng cao, kiểu mẫu.",
    "Đẩy mạnh cải cách hành chính, chuyển đổi số; nâng cao Chỉ số cải cách hành chính (PAR INDEX) và "
    "Chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước.",
    "Bảo đảm quốc phòng, an ninh, trật tự an toàn xã hội; giải quyết kịp thời đơn thư khiếu nại, tố cáo "
    "của công dân ngay từ cơ sở.",
    "Xây dựng Đảng, chính quyền, Mặt trận Tổ quốc và các đoàn thể trong sạch, vững mạnh; thực hành "
    "tiết kiệm, chống lãng phí, phòng chống tham nhũng, tiêu cực.",
    "Tổ chức tốt các phong trào thi đua; phát hiện, bồi dưỡng, nhân rộng các điển hình tiên tiến; thực "
    "hiện đầy đủ, đúng thời hạn chế độ thông tin, báo cáo và các hoạt động chung của Cụm.",
]
TARGETS = {
    "vinh-bao": [
        {
            "key": "thu-ngan-sach",
            "name": "Thu ngân sách nhà nước trên địa bàn",
            "value": "1250",
            "measure": "tỷ đồng",
            "note": "vượt dự toán thành phố giao",
        },
        {
            "key": "tang-truong",
            "name": "Tốc độ tăng giá trị sản xuất",
            "value": "12.5",
            "measure": "%",
            "note": "",
        },
        {"key": "ho-ngheo", "name": "Tỷ lệ hộ nghèo cuối năm", "value": "0.8", "measure": "%", "note": ""},
    ],
    "thuy-nguyen": [
        {
            "key": "thu-ngan-sach",
            "name": "Thu ngân sách nhà nước trên địa bàn",
            "value": "3100",
            "measure": "tỷ đồng",
            "note": "",
        },
        {
            "key": "tang-truong",
            "name": "Tốc độ tăng giá trị sản xuất",
            "value": "14",
            "measure": "%",
            "note": "",
        },
    ],
}


@transaction.atomic
@recording_past_years()
def load():
    province = Province.objects.filter(code="hai-phong").first()
    cy = ClusterYear.objects.filter(cluster__province=province, cluster__code="khoi-huyen", year=2024).first()
    if province is None or cy is None:
        return
    if not ProvinceAuthority.objects.filter(province=province).exists():
        services.authority_create(province=province)
    secretary = User.objects.filter(username="thuky.cathai").first()
    for code, rows in TARGETS.items():
        unit = cy.memberships.filter(unit__code=code).select_related("unit").first()
        if unit and not Registration.objects.filter(cluster_year=cy, unit=unit.unit).exists():
            staff = User.objects.filter(unit=unit.unit, username__startswith="canbo.").first()
            services.registration_save(
                cluster_year=cy,
                unit=unit.unit,
                targets=rows,
                actor=staff,
                aims="Cờ thi đua của UBND thành phố; Bằng khen của Chủ tịch UBND thành phố",
            )
    if Pledge.objects.filter(cluster_year=cy, versions__isnull=False).exists():
        return
    version = services.pledge_draft(
        cluster_year=cy,
        title=TITLE,
        preamble=PREAMBLE,
        articles=ARTICLES,
        place="Hải Phòng",
        signing_date=datetime.date(2024, 2, 28),
        actor=secretary,
    )
    # Each unit reviews through its own account (the service checks it is the unit's own).
    reviewers = {"cat-hai": "thuky.cathai", "vinh-bao": "canbo.vinhbao", "thuy-nguyen": "canbo.thuynguyen"}
    comments = {"thuy-nguyen": "Đề nghị bổ sung chỉ tiêu về chuyển đổi số vào Điều 2."}
    for code, username in reviewers.items():
        m = cy.memberships.filter(unit__code=code).select_related("unit").first()
        actor = User.objects.filter(username=username, unit__code=code).first()
        if m and actor:
            services.pledge_review(
                version=version,
                unit=m.unit,
                approved=code not in comments,
                comment=comments.get(code, ""),
                actor=actor,
            )
