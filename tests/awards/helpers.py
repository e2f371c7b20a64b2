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


def submit_dossier(cy, secretary, place="Hội trường"):
    """The cluster sends its dossier to the province (a decision needs it)."""
    services.dossier_save(
        cluster_year=cy, actor=secretary, meeting_date=datetime.date(cy.year, 12, 20), meeting_place=place
    )
    return services.dossier_submit(cluster_year=cy, actor=secretary, reason="Đã hết thời gian theo kế hoạch")


def nominated_clusters(cast, *, clusters=3, higher=8, lower=12, submit=True):
    """`clusters` more cluster years of the cast's province, each voting `higher` units for
    "co-thanh-pho" and `lower` other units for "bk-toan-dien" (all proposed), each dossier
    submitted unless `submit` is False. Returns (types, [cluster years])."""
    from tests.factories import ClusterFactory, make_year

    types = award_types(cast.province)
    years = []
    for k in range(clusters):
        cluster = ClusterFactory(province=cast.province, name=f"Cụm thi đua số {k + 1}")
        cy, units = make_year(
            cluster=cluster, n_members=higher + lower, year=cast.year.year, stage=Stage.VOTING
        )
        secretary = make_user(
            f"thuky_{cy.pk}", province=cast.province, unit=units[0], roles=[Role.CLUSTER_SECRETARY]
        )
        voter = make_user(f"bau_{cy.pk}", province=cast.province, unit=units[0], roles=[Role.UNIT_LEADER])
        for code, chosen in (("co-thanh-pho", units[:higher]), ("bk-toan-dien", units[higher:])):
            if not chosen:
                continue
            rule(cy, types[code], quota_count=len(chosen))
            poll = open_poll(cy, types[code], candidates=chosen, voters=[voter], actor=secretary)
            vote(poll, voter, *chosen)
            services.poll_close(poll=poll, actor=secretary, reason="Đã hết thời gian theo kế hoạch")
            services.poll_publish(poll=poll, actor=secretary, reason="Đã hết thời gian theo kế hoạch")
        if submit:
            submit_dossier(cy, secretary)
        cy.secretary = secretary
        years.append(cy)
    return types, years
