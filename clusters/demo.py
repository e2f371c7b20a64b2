"""Demo data from the seed articles (../shared/seeds): five provinces' clusters and one account per role."""

import datetime

from django.db import transaction

from .closing import recording_past_years
from .models import (
    Cluster,
    ClusterKind,
    ClusterYear,
    MemberRole,
    Membership,
    Province,
    Role,
    Stage,
    Unit,
    UnitKind,
    UnitVersion,
    User,
    UserRole,
)

DEMO_PASSWORD = "ThiDua@2024"

H, TX, TP, X, TT = (
    UnitKind.DISTRICT,
    UnitKind.TOWN,
    UnitKind.PROVINCIAL_CITY,
    UnitKind.COMMUNE,
    UnitKind.TOWNSHIP,
)

PROVINCES = [
    ("hai-phong", "Thành phố Hải Phòng", "Hải Phòng"),
    ("quang-binh", "Tỉnh Quảng Bình", "Quảng Bình"),
    ("lao-cai", "Tỉnh Lào Cai", "Lào Cai"),
    ("hung-yen", "Tỉnh Hưng Yên", "Hưng Yên"),
    ("ha-noi", "Thành phố Hà Nội", "Hà Nội"),
]

# (province, cluster code, kind, name, [(unit code, kind, name, leader)], {year: (stage, head, deputy)})
CLUSTERS = [
    (
        "hai-phong",
        "khoi-huyen",
        ClusterKind.GEOGRAPHIC,
        "Cụm thi đua Khối huyện",
        [
            ("vinh-bao", H, "Huyện Vĩnh Bảo", "Nguyễn Văn Bảo"),
            ("thuy-nguyen", H, "Huyện Thủy Nguyên", "Trần Minh Nguyên"),
            ("an-lao", H, "Huyện An Lão", "Lê Thị Lão"),
            ("kien-thuy", H, "Huyện Kiến Thụy", "Phạm Văn Thụy"),
            ("tien-lang", H, "Huyện Tiên Lãng", "Vũ Đức Lãng"),
            ("an-duong", H, "Huyện An Dương", "Đỗ Thị Dương"),
            ("cat-hai", H, "Huyện Cát Hải", "Hoàng Văn Hải"),
            ("bach-long-vi", H, "Huyện Bạch Long Vĩ", "Bùi Văn Vĩ"),
        ],
        {2023: (Stage.CLOSED, "vinh-bao", None), 2024: (Stage.REGISTRATION, "cat-hai", "vinh-bao")},
    ),
    (
        "quang-binh",
        "cum-huyen",
        ClusterKind.GEOGRAPHIC,
        "Cụm thi đua các huyện, thị xã, thành phố",
        [
            ("le-thuy", H, "Huyện Lệ Thủy", "Nguyễn Lệ Thủy"),
            ("quang-ninh", H, "Huyện Quảng Ninh", "Trần Quảng Ninh"),
            ("dong-hoi", TP, "Thành phố Đồng Hới", "Lê Đồng Hới"),
            ("minh-hoa", H, "Huyện Minh Hóa", "Đinh Minh Hóa"),
            ("tuyen-hoa", H, "Huyện Tuyên Hóa", "Phan Tuyên Hóa"),
            ("bo-trach", H, "Huyện Bố Trạch", "Võ Bố Trạch"),
            ("quang-trach", H, "Huyện Quảng Trạch", "Ngô Quảng Trạch"),
            ("ba-don", TX, "Thị xã Ba Đồn", "Hồ Ba Đồn"),
        ],
        {2023: (Stage.CLOSED, "le-thuy", None), 2024: (Stage.REGISTRATION, "minh-hoa", "tuyen-hoa")},
    ),
    (
        "lao-cai",
        "khoi-huyen",
        ClusterKind.FUNCTIONAL,
        "Khối thi đua các huyện, thị xã, thành phố",
        [
            ("bac-ha", H, "Huyện Bắc Hà", "Lù Văn Hà"),
            ("bao-thang", H, "Huyện Bảo Thắng", "Lò Văn Thắng"),
            ("bao-yen", H, "Huyện Bảo Yên", "Hoàng Bảo Yên"),
            ("bat-xat", H, "Huyện Bát Xát", "Vàng Văn Xát"),
            ("muong-khuong", H, "Huyện Mường Khương", "Giàng Seo Khương"),
            ("si-ma-cai", H, "Huyện Si Ma Cai", "Thào Văn Cai"),
            ("van-ban", H, "Huyện Văn Bàn", "Lương Văn Bàn"),
            ("sa-pa", TX, "Thị xã Sa Pa", "Sùng A Pa"),
            ("tp-lao-cai", TP, "Thành phố Lào Cai", "Nguyễn Lào Cai"),
        ],
        {2023: (Stage.SCORING, "bac-ha", None)},
    ),
    (
        "hung-yen",
        "khoi-huyen",
        ClusterKind.FUNCTIONAL,
        "Khối thi đua các huyện phía Bắc",
        [
            ("van-giang", H, "Huyện Văn Giang", "Đặng Văn Giang"),
            ("van-lam", H, "Huyện Văn Lâm", "Trịnh Văn Lâm"),
            ("yen-my", H, "Huyện Yên Mỹ", "Phùng Yên Mỹ"),
            ("my-hao", TX, "Thị xã Mỹ Hào", "Lưu Mỹ Hào"),
        ],
        {2019: (Stage.CLOSED, "van-giang", None), 2020: (Stage.REGISTRATION, "yen-my", "van-lam")},
    ),
    (
        "ha-noi",
        "thach-that",
        ClusterKind.GEOGRAPHIC,
        "Cụm thi đua các xã, thị trấn huyện Thạch Thất",
        [
            ("lien-quan", TT, "Thị trấn Liên Quan", "Nguyễn Văn Quan"),
            *[
                (code, X, f"Xã {name}", f"Chủ tịch xã {name}")
                for code, name in [
                    ("binh-phu", "Bình Phú"),
                    ("binh-yen", "Bình Yên"),
                    ("cam-yen", "Cẩm Yên"),
                    ("can-kiem", "Cần Kiệm"),
                    ("canh-nau", "Canh Nậu"),
                    ("chang-son", "Chàng Sơn"),
                    ("dai-dong", "Đại Đồng"),
                    ("di-nau", "Dị Nậu"),
                    ("dong-truc", "Đồng Trúc"),
                    ("ha-bang", "Hạ Bằng"),
                    ("huong-ngai", "Hương Ngải"),
                    ("huu-bang", "Hữu Bằng"),
                    ("kim-quan", "Kim Quan"),
                    ("lai-thuong", "Lại Thượng"),
                    ("phu-kim", "Phú Kim"),
                    ("phung-xa", "Phùng Xá"),
                    ("tan-xa", "Tân Xã"),
                    ("thach-hoa", "Thạch Hòa"),
                    ("thach-xa", "Thạch Xá"),
                    ("tien-xuan", "Tiến Xuân"),
                    ("yen-binh", "Yên Bình"),
                    ("yen-trung", "Yên Trung"),
                ]
            ],
        ],
        {2024: (Stage.REGISTRATION, "lien-quan", "phung-xa")},
    ),
]

# username, province, unit code, full name, roles
ACCOUNTS = [
    (
        "tinh.haiphong",
        "hai-phong",
        None,
        "Ban Thi đua - Khen thưởng Hải Phòng",
        [Role.PROVINCE_ADMIN, Role.COUNCIL_MEMBER],
    ),
    (
        "thuky.cathai",
        "hai-phong",
        "cat-hai",
        "Thư ký Cụm (Cát Hải)",
        [Role.CLUSTER_SECRETARY, Role.UNIT_STAFF],
    ),
    ("canbo.vinhbao", "hai-phong", "vinh-bao", "Cán bộ Nội vụ Vĩnh Bảo", [Role.UNIT_STAFF]),
    ("canbo.thuynguyen", "hai-phong", "thuy-nguyen", "Cán bộ Nội vụ Thủy Nguyên", [Role.UNIT_STAFF]),
    ("chutich.vinhbao", "hai-phong", "vinh-bao", "Nguyễn Văn Bảo", [Role.UNIT_LEADER]),
    ("chutich.cathai", "hai-phong", "cat-hai", "Hoàng Văn Hải", [Role.UNIT_LEADER]),
    ("hoidong.haiphong", "hai-phong", "an-lao", "Ủy viên Hội đồng TĐKT", [Role.COUNCIL_MEMBER]),
    ("tinh.quangbinh", "quang-binh", None, "Ban Thi đua - Khen thưởng Quảng Bình", [Role.PROVINCE_ADMIN]),
    (
        "thuky.minhhoa",
        "quang-binh",
        "minh-hoa",
        "Thư ký Cụm (Minh Hóa)",
        [Role.CLUSTER_SECRETARY, Role.UNIT_STAFF],
    ),
    ("tinh.hanoi", "ha-noi", None, "Ban Thi đua - Khen thưởng Hà Nội", [Role.PROVINCE_ADMIN]),
    (
        "thuky.lienquan",
        "ha-noi",
        "lien-quan",
        "Thư ký Cụm (Liên Quan)",
        [Role.CLUSTER_SECRETARY, Role.UNIT_STAFF],
    ),
]

ROLE_LABELS = dict(Role.choices)


@transaction.atomic
@recording_past_years()
def load():
    provinces = {}
    for code, name, place in PROVINCES:
        provinces[code], _ = Province.objects.update_or_create(
            code=code, defaults={"name": name, "place_name": place}
        )
    units = {}
    for prov, ccode, kind, cname, members, years in CLUSTERS:
        province = provinces[prov]
        cluster, _ = Cluster.objects.update_or_create(
            province=province, code=ccode, defaults={"kind": kind, "name": cname}
        )
        for ucode, ukind, uname, leader in members:
            unit, created = Unit.objects.get_or_create(
                province=province,
                code=ucode,
                defaults={
                    "kind": ukind,
                    "name": uname,
                    "short_name": uname.split(" ", 1)[1],
                    "leader_name": leader,
                },
            )
            units[(prov, ucode)] = unit
        for year, (stage, head, deputy) in years.items():
            cy, _ = ClusterYear.objects.get_or_create(
                cluster=cluster,
                year=year,
                defaults={
                    "stage": stage,
                    "registration_deadline": datetime.date(year, 2, 28),
                    "scoring_deadline": datetime.date(year, 11, 30),
                    "voting_deadline": datetime.date(year, 12, 15),
                    "dossier_deadline": datetime.date(year, 12, 31),
                },
            )
            for ucode, *_rest in members:
                role = (
                    MemberRole.HEAD
                    if ucode == head
                    else MemberRole.DEPUTY
                    if ucode == deputy
                    else MemberRole.MEMBER
                )
                Membership.objects.get_or_create(
                    cluster_year=cy, unit=units[(prov, ucode)], defaults={"role": role}
                )
    # Thủy Nguyên district became a city on 1 January 2025: earlier years keep the district name.
    thuy_nguyen = units[("hai-phong", "thuy-nguyen")]
    if not thuy_nguyen.versions.exists():
        UnitVersion.objects.create(
            unit=thuy_nguyen,
            name=thuy_nguyen.name,
            short_name=thuy_nguyen.short_name,
            kind=thuy_nguyen.kind,
            valid_until=datetime.date(2025, 1, 1),
        )
        thuy_nguyen.name, thuy_nguyen.kind = "Thành phố Thủy Nguyên", UnitKind.PROVINCIAL_CITY
        thuy_nguyen.save()

    accounts = []
    for username, prov, ucode, full_name, roles in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "province": provinces[prov],
                "unit": units.get((prov, ucode)),
                "full_name": full_name,
                "email": f"{username}@example.vn",
            },
        )
        if created:
            # Province admins work in the app's screens; the Django admin is for superusers only.
            user.set_password(DEMO_PASSWORD)
            user.save()
        for role in roles:
            UserRole.objects.get_or_create(user=user, role=role)
        accounts.append((username, ", ".join(str(ROLE_LABELS[r]) for r in roles), full_name))
    return accounts
