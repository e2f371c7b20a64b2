"""Demo data (seed 000): Hải Phòng's award types, the rules of 2023 and 2024, and the 2023
review of "Cụm thi đua Khối huyện" voted and published through the services: Vĩnh Bảo for the
Government flag, Thủy Nguyên for the city flag, An Lão and Kiến Thụy for a comprehensive
certificate, Tiên Lãng, An Dương, Cát Hải and Bạch Long Vĩ for a thematic certificate.

Idempotent: award types and rules are updated in place; the 2023 polls are voted only once."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clusters import accounts
from clusters.closing import recording_past_years
from clusters.models import ClusterYear, MemberRole, Province, Role, Unit, User

from . import services
from .models import AwardType, Dossier, ElectorateKind, Poll, PollStatus, QuotaKind
from .rule_defaults import default_rule

AWARD_TYPES = [
    ("co-chinh-phu", "Cờ thi đua của Chính phủ", 1),
    ("co-thanh-pho", "Cờ thi đua của UBND thành phố", 2),
    ("bk-toan-dien", "Bằng khen của Chủ tịch UBND thành phố (toàn diện)", 3),
    ("bk-chuyen-de", "Bằng khen của Chủ tịch UBND thành phố (chuyên đề)", 4),
]
SHARE = QuotaKind.SHARE_REMAINING
RULES = {
    "co-chinh-phu": {"quota_count": 1, "leading_unit_only": True},
    "co-thanh-pho": {"quota_count": 1},
    "bk-toan-dien": {"quota_kind": SHARE, "quota_count": None, "quota_num": 1, "quota_den": 3},
    "bk-chuyen-de": {"quota_kind": SHARE, "quota_count": None, "quota_num": 1, "quota_den": 1},
}
UNIT_CODES = [
    "vinh-bao",
    "thuy-nguyen",
    "an-lao",
    "kien-thuy",
    "tien-lang",
    "an-duong",
    "cat-hai",
    "bach-long-vi",
]
# who each unit's leader ticks, per award (seed 000's outcome)
BALLOTS = {
    "co-chinh-phu": {code: ["vinh-bao"] for code in UNIT_CODES},
    "co-thanh-pho": {code: ["thuy-nguyen"] if i < 7 else ["an-lao"] for i, code in enumerate(UNIT_CODES)},
    "bk-toan-dien": {
        code: ["an-lao", "kien-thuy"] if i < 7 else ["tien-lang"] for i, code in enumerate(UNIT_CODES)
    },
    "bk-chuyen-de": {
        code: ["tien-lang", "an-duong", "cat-hai", "bach-long-vi"] if i < 7 else []
        for i, code in enumerate(UNIT_CODES)
    },
}
CANDIDATES = {
    "co-chinh-phu": ["vinh-bao"],
    "co-thanh-pho": UNIT_CODES[1:],
    "bk-toan-dien": UNIT_CODES[2:],
    "bk-chuyen-de": UNIT_CODES[4:],
}
MEETING = datetime.datetime(2024, 2, 28, 8, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _leader(province, unit, admin):
    user = User.objects.filter(unit=unit, roles__role=Role.UNIT_LEADER).order_by("pk").first()
    if user is None:
        from clusters.demo import DEMO_PASSWORD

        user = accounts.user_create(
            province=province,
            unit=unit,
            username=f"chutich.{unit.code.replace('-', '')}",
            password=DEMO_PASSWORD,
            full_name=unit.leader_name or f"Chủ tịch {unit.short_name}",
            roles=[Role.UNIT_LEADER],
            actor=admin,
        )
    return user


def _secretary(province, cluster_year, admin):
    """The secretary of the year's head unit, who opened and counted its polls."""
    head = cluster_year.memberships.filter(role=MemberRole.HEAD).select_related("unit").get().unit
    user = User.objects.filter(unit=head, roles__role=Role.CLUSTER_SECRETARY).order_by("pk").first()
    if user is None:
        from clusters.demo import DEMO_PASSWORD

        user = accounts.user_create(
            province=province,
            unit=head,
            username=f"thuky.{head.code.replace('-', '')}",
            password=DEMO_PASSWORD,
            full_name=f"Thư ký Cụm ({head.short_name or head.name})",
            roles=[Role.CLUSTER_SECRETARY, Role.UNIT_STAFF],
            actor=admin,
        )
    return user


@transaction.atomic
@recording_past_years()
def load():
    province = Province.objects.filter(code="hai-phong").first()
    if province is None:
        return
    admin = User.objects.filter(username="tinh.haiphong").first()
    types = {}
    for code, name, precedence in AWARD_TYPES:
        types[code], _c = AwardType.objects.update_or_create(
            province=province, code=code, defaults={"name": name, "precedence": precedence, "active": True}
        )
    years = ClusterYear.objects.filter(
        cluster__province=province, cluster__code="khoi-huyen", year__in=[2023, 2024]
    )
    for cy in years:
        for code, extra in RULES.items():
            if not Poll.objects.filter(cluster_year=cy, award_type=types[code]).exists():
                services.rule_save(
                    cluster_year=cy, award_type=types[code], actor=admin, **default_rule(**extra)
                )
    cy = years.filter(year=2023).select_related("cluster").first()
    if cy is None or Poll.objects.filter(cluster_year=cy).exists():
        return
    units = {u.code: u for u in Unit.objects.filter(province=province, code__in=UNIT_CODES)}
    leaders = {code: _leader(province, units[code], admin) for code in UNIT_CODES}
    secretary = _secretary(province, cy, admin)
    when = MEETING
    for i, (code, _name, _p) in enumerate(AWARD_TYPES):
        now = timezone.now()
        poll = services.poll_open(
            cluster_year=cy,
            award_type=types[code],
            title=types[code].name,
            opens_at=now - datetime.timedelta(minutes=1),
            closes_at=now + datetime.timedelta(hours=1),
            electorate_kind=ElectorateKind.UNITS,
            voters=list(leaders.values()),
            candidate_units=[units[c] for c in CANDIDATES[code]],
            actor=secretary,
            check_stage=False,
        )
        for voter, chosen in BALLOTS[code].items():
            ids = list(poll.candidates.filter(unit__code__in=chosen).values_list("pk", flat=True))
            services.ballot_cast(poll=poll, actor=leaders[voter], candidate_ids=ids, abstain=not ids)
        services.poll_close(poll=poll, actor=secretary, reason="Đã hết thời gian theo kế hoạch")
        services.poll_publish(poll=poll, actor=secretary, reason="Đã hết thời gian theo kế hoạch")
        # the 2023 review took place on 28 February 2024: date the demo polls accordingly
        start = when + datetime.timedelta(minutes=30 * i)
        Poll.objects.filter(pk=poll.pk, status=PollStatus.PUBLISHED).update(
            opens_at=start,
            closes_at=start + datetime.timedelta(minutes=20),
            closed_at=start + datetime.timedelta(minutes=20),
            published_at=start + datetime.timedelta(minutes=25),
        )
    if not Dossier.objects.filter(cluster_year=cy).exists():
        services.dossier_save(
            cluster_year=cy,
            actor=secretary,
            meeting_date=MEETING.date(),
            meeting_place="Hội trường UBND huyện Vĩnh Bảo",
            chair_name=units["vinh-bao"].leader_name,
            chair_title="Chủ tịch UBND huyện Vĩnh Bảo, Trưởng Cụm",
            secretary_name="Thư ký Cụm",
            attendance="Lãnh đạo UBND 8 huyện thành viên\nĐại diện Ban Thi đua - Khen thưởng thành phố",
            cover_number="05/TTr-CTĐ",
        )
