"""What every part of the data set uses: names, a step timer, bulk_create, the models, the users."""

import time
from types import SimpleNamespace

PASSWORD = "ThiDua@2024"
MAJORS = 5
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Thu", "Quang", "Ngọc", "Hữu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Lan", "Long", "Mai", "Nam", "Phương"]
PLACES = ["Tân", "Hòa", "Phú", "Thạnh", "Đông", "Quảng", "Yên", "Ân", "Vĩnh", "Lạc", "Thủy", "Ưng"]
PLACES2 = ["Lập", "Bình", "Hưng", "Thịnh", "Sơn", "Lợi", "Phong", "Đức", "Khánh", "Long", "Tiến", "Hải"]
ARTICLES = [
    "Thực hiện thắng lợi các chỉ tiêu kinh tế - xã hội năm {y} đã được Hội đồng nhân dân giao.",
    "Đẩy mạnh cải cách hành chính, nâng cao chỉ số hài lòng của người dân và doanh nghiệp.",
    "Bảo đảm quốc phòng, an ninh, trật tự an toàn xã hội trên địa bàn.",
    "Phát triển văn hóa, giáo dục, y tế; chăm lo đời sống nhân dân, giảm nghèo bền vững.",
    "Tổ chức phong trào thi đua sâu rộng, phát hiện và nhân rộng các điển hình tiên tiến.",
    "Các đơn vị thành viên thực hiện chế độ báo cáo định kỳ sáu tháng và cả năm đúng thời hạn.",
    "Giao ước này có hiệu lực kể từ ngày ký; các đơn vị thành viên có trách nhiệm tổ chức thực hiện.",
]
MODEL_APPS = {
    "Province": "clusters",
    "Unit": "clusters",
    "Cluster": "clusters",
    "ClusterYear": "clusters",
    "Membership": "clusters",
    "User": "clusters",
    "UserRole": "clusters",
    "AuditEvent": "clusters",
    "CriteriaTable": "scoring",
    "Criterion": "scoring",
    "ScoreSheet": "scoring",
    "ScoreEntry": "scoring",
    "Adjustment": "scoring",
    "Registration": "pledges",
    "RegistrationTarget": "pledges",
    "Pledge": "pledges",
    "PledgeVersion": "pledges",
    "PledgeApproval": "pledges",
    "PledgeSignature": "pledges",
    "AwardType": "awards",
    "AwardRule": "awards",
    "Poll": "awards",
    "PollCandidate": "awards",
    "Elector": "awards",
    "Participation": "awards",
    "Ballot": "awards",
    "CountedReceipt": "awards",
    "BallotChoice": "awards",
    "Nomination": "awards",
}


class World(SimpleNamespace):
    """What the steps have built so far (the models in `M`, the random source, the ids they share)."""


def models():
    from django.apps import apps

    return {name: apps.get_model(label, name) for name, label in MODEL_APPS.items()}


def person(rng):
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def place(i):
    return f"{PLACES[i % 12]} {PLACES2[(i // 12) % 12]}"


class Timer:
    def __init__(self, quiet=False):
        self.start = self.last = time.perf_counter()
        self.quiet = quiet

    def step(self, what, n=None):
        now = time.perf_counter()
        if not self.quiet:
            count = f" ({n:,} rows)" if n is not None else ""
            print(f"  {what}{count}: {now - self.last:.1f} s", flush=True)
        self.last = now

    @property
    def total(self):
        return time.perf_counter() - self.start


def bulk(model, objs, batch=2000):
    return model.objects.bulk_create(objs, batch_size=batch)


def users(User, UserRole, specs, pw_hash):
    """specs: [(username, full_name, province, unit, [roles])] → [User]."""
    made = bulk(
        User,
        [
            User(username=u, full_name=n, province=p, unit=unit, password=pw_hash, is_active=True)
            for u, n, p, unit, _r in specs
        ],
    )
    bulk(
        UserRole,
        [UserRole(user=user, role=r) for user, spec in zip(made, specs, strict=True) for r in spec[4]],
    )
    return made
