"""Builders for the awards tests."""

import datetime

from django.utils import timezone

from awards import services
from awards.models import AwardType, ElectorateKind
from awards.rule_defaults import default_rule
from clusters.models import Role, Stage, User
from tests.factories import make_user

AWARDS = [
    ("co-chinh-phu", "Cờ thi đua của Chính phủ", 1),
    ("co-thanh-pho", "Cờ thi đua của UBND thành phố", 2),
    ("bk-toan-dien", "Bằng khen toàn diện", 3),
    ("bk-chuyen-de", "Bằng khen chuyên đề", 4),
]


def award_types(province):
    return {
        code: AwardType.objects.get_or_create(
            province=province, code=code, defaults={"name": name, "precedence": p}
        )[0]
        for code, name, p in AWARDS
    }


def rule(cy, award_type, actor=None, **kw):
    data = default_rule(**kw)
    if actor is None:  # the province admin sets the rules
        province = cy.cluster.province
        actor = User.objects.filter(province=province, roles__role=Role.PROVINCE_ADMIN).first() or make_user(
            f"admin_{province.pk}", province=province, roles=[Role.PROVINCE_ADMIN]
        )
    return services.rule_save(cluster_year=cy, award_type=award_type, actor=actor, **data)


def to_voting(cy):
    cy.stage = Stage.VOTING
    cy.save(update_fields=["stage"])
    return cy


def window(start_minutes=-1, minutes=60):
    now = timezone.now()
    return now + datetime.timedelta(minutes=start_minutes), now + datetime.timedelta(
        minutes=start_minutes + minutes
    )


def open_poll(cy, award_type, *, candidates, voters, actor, kind=ElectorateKind.UNITS, start=-1, minutes=60):
    opens, closes = window(start, minutes)
    return services.poll_open(
        cluster_year=cy,
        award_type=award_type,
        title="",
        opens_at=opens,
        closes_at=closes,
        electorate_kind=kind,
        voters=voters,
        candidate_units=candidates,
        actor=actor,
    )


def leaders(province, units, prefix="ct"):
    return [
        make_user(f"{prefix}_{i}", province=province, unit=u, roles=[Role.UNIT_LEADER])
        for i, u in enumerate(units)
    ]


def vote(poll, user, *units, abstain=False):
    ids = [c.pk for c in poll.candidates.all() if c.unit_id in {u.pk for u in units}]
    return services.ballot_cast(poll=poll, actor=user, candidate_ids=ids, abstain=abstain)
