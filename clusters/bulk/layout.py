"""The set-up workbook: sheet names, column headers (Vietnamese: the file is for Vietnamese
offices) and the words accepted for kinds and roles (the labels, or the codes)."""

import unicodedata

from ..models import ClusterKind, MemberRole, Role, UnitKind

UNITS, CLUSTERS, MEMBERS, ACCOUNTS = "units", "clusters", "members", "accounts"

SHEETS = {
    UNITS: (
        "Đơn vị",
        [
            ("code", "Mã đơn vị"),
            ("name", "Tên đơn vị"),
            ("short_name", "Tên ngắn"),
            ("kind", "Loại"),
            ("parent", "Mã huyện cấp trên"),
            ("leader_name", "Họ tên người đứng đầu"),
            ("province", "Mã tỉnh"),
        ],
    ),
    CLUSTERS: (
        "Cụm, khối",
        [
            ("code", "Mã cụm/khối"),
            ("name", "Tên cụm/khối"),
            ("kind", "Loại"),
            ("governing_body", "Cơ quan chủ quản"),
            ("place_name", "Địa danh trên văn bản"),
            ("number_symbol", "Ký hiệu trong số văn bản"),
        ],
    ),
    MEMBERS: (
        "Thành viên",
        [
            ("year", "Năm"),
            ("cluster", "Mã cụm/khối"),
            ("unit", "Mã đơn vị"),
            ("role", "Vai trò"),
        ],
    ),
    ACCOUNTS: (
        "Tài khoản",
        [
            ("username", "Tên đăng nhập"),
            ("full_name", "Họ và tên"),
            ("email", "Email"),
            ("unit", "Mã đơn vị"),
            ("job_title", "Chức vụ"),
            ("roles", "Vai trò"),
        ],
    ),
}
REQUIRED = {
    UNITS: ("code", "name", "kind"),
    CLUSTERS: ("code", "name", "kind"),
    MEMBERS: ("year", "cluster", "unit", "role"),
    ACCOUNTS: ("username",),
}
GUIDE_SHEET = "Hướng dẫn"

UNIT_KIND_LABELS = {
    UnitKind.DISTRICT: "huyện",
    UnitKind.TOWN: "thị xã",
    UnitKind.PROVINCIAL_CITY: "thành phố",
    UnitKind.URBAN_DISTRICT: "quận",
    UnitKind.COMMUNE: "xã",
    UnitKind.WARD: "phường",
    UnitKind.TOWNSHIP: "thị trấn",
    UnitKind.SPECIAL_ZONE: "đặc khu",
    UnitKind.AGENCY: "sở, ban, ngành",
    UnitKind.OTHER: "khác",
}
DISTRICT_KINDS = {UnitKind.DISTRICT, UnitKind.TOWN, UnitKind.PROVINCIAL_CITY, UnitKind.URBAN_DISTRICT}
CLUSTER_KIND_LABELS = {ClusterKind.GEOGRAPHIC: "cụm", ClusterKind.FUNCTIONAL: "khối"}
MEMBER_ROLE_LABELS = {
    MemberRole.HEAD: "trưởng cụm",
    MemberRole.DEPUTY: "phó trưởng cụm",
    MemberRole.MEMBER: "thành viên",
}
MEMBER_ROLE_ALIASES = {"trưởng khối": MemberRole.HEAD, "phó trưởng khối": MemberRole.DEPUTY}
ROLE_LABELS = {
    Role.UNIT_STAFF: "cán bộ đơn vị",
    Role.UNIT_LEADER: "lãnh đạo đơn vị",
    Role.COUNCIL_MEMBER: "thành viên hội đồng",
    Role.CLUSTER_SECRETARY: "thư ký cụm",
    Role.PROVINCE_ADMIN: "quản trị tỉnh",
}
# roles that act for a unit: such an account needs one
UNIT_ROLES = {Role.UNIT_STAFF, Role.UNIT_LEADER, Role.CLUSTER_SECRETARY}


def fold(text):
    """A word as compared: NFC, lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


def _lookup(labels, aliases=None):
    table = {fold(label): key for key, label in labels.items()}
    table |= {fold(key): key for key in labels}
    table |= {fold(k): v for k, v in (aliases or {}).items()}
    return table


UNIT_KIND_BY_WORD = _lookup(UNIT_KIND_LABELS)
CLUSTER_KIND_BY_WORD = _lookup(CLUSTER_KIND_LABELS)
MEMBER_ROLE_BY_WORD = _lookup(MEMBER_ROLE_LABELS, MEMBER_ROLE_ALIASES)
ROLE_BY_WORD = _lookup(ROLE_LABELS)


def roles_text(roles):
    return ", ".join(ROLE_LABELS[r] for r in Role.values if r in roles)


GUIDE = [
    "Thiết lập hàng loạt: đơn vị, cụm/khối, thành viên theo năm, tài khoản",
    "• Giữ nguyên tên các trang tính và dòng tiêu đề. Trang tính nào để trống thì không thay đổi gì.",
    "• Đơn vị: Mã đơn vị là duy nhất trong tỉnh (chữ không dấu, số, dấu gạch ngang). Loại: "
    + "; ".join(f"“{v}”" for v in UNIT_KIND_LABELS.values())
    + ". Mã huyện cấp trên: mã của một huyện, quận, thị xã hoặc thành phố (bỏ trống nếu không có). "
    "Mã tỉnh: bỏ trống hoặc mã tỉnh của bạn.",
    "• Cụm, khối: Loại là “cụm” hoặc “khối”.",
    "• Thành viên: mỗi dòng là một đơn vị trong một cụm/khối của một năm. Vai trò: “trưởng cụm”, "
    "“phó trưởng cụm” hoặc “thành viên”; mỗi cụm mỗi năm có một trưởng và một phó. "
    "Đơn vị không có trong tệp vẫn giữ nguyên; năm đã kết thúc không thể thay đổi.",
    "• Tài khoản: Vai trò cách nhau bởi dấu phẩy: "
    + "; ".join(f"“{v}”" for v in ROLE_LABELS.values())
    + ". Tài khoản mới cần email: hệ thống gửi đường dẫn để người dùng tự đặt mật khẩu. "
    "Không bao giờ ghi mật khẩu vào tệp.",
    "• Khi tải lên, mỗi dòng được xem trước (mới, thay đổi, không đổi, lỗi). Chỉ khi không còn lỗi "
    "mới áp dụng được, và mọi thay đổi được áp dụng cùng lúc hoặc không có gì thay đổi.",
]
