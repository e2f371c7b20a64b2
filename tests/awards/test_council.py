"""Councils as real councils run them: a statutory roster that "of all members" and the quorum
count against, a new round after a failed quorum (the first kept on record), ties broken by the
rule (score, rank, the chair), the "remaining units" base, polls that open before the pledge and
scores when the rule says so."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from awards import documents, selectors, services
from awards.models import (
    AwardRule,
    CouncilRole,
    Nomination,
    PollCandidate,
    PollStatus,
    RemainingBase,
    RoundReason,
    TieBreak,
)
from clusters.models import AuditEvent, Role, Stage
from tests.awards.helpers import award_types, leaders, open_poll, rule, vote, window
from tests.factories import UnitFactory, make_user, make_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    """A cluster of 15 member units at the voting stage, its council of 15 (one seat per unit,
    the unit's leader), the head's secretary."""
    cy, units = make_year(n_members=15, stage=Stage.VOTING, year=2025)
    province = cy.cluster.province
    voters = leaders(province, units)
    secretary = make_user("sec", province=province, unit=units[0], roles=[Role.CLUSTER_SECRETARY])
    seats = [
        {
            "name": v.full_name,
            "role": CouncilRole.CHAIR if i == 0 else CouncilRole.MEMBER,
            "user": v,
            "unit": u,
        }
        for i, (v, u) in enumerate(zip(voters, units, strict=True))
    ]
    services.council_save(cluster_year=cy, actor=secretary, seats=seats)
    return cy, units, voters, secretary, award_types(province)


def _paper(poll, actor, issued, votes, invalid=0):
    ids = {c.unit_id: c.pk for c in poll.candidates.all()}
    return services.poll_close_paper(
        poll=poll,
        actor=actor,
        issued=issued,
        received=issued,
        invalid=invalid,
        votes={ids[u.pk]: n for u, n in votes.items()},
    )


def _candidates(poll):
    return {c.unit_id: c for c in PollCandidate.objects.filter(poll=poll)}


def test_ninety_percent_of_all_members_counts_the_fifteen_on_the_roster_not_the_fourteen_ticked(council):
    cy, units, voters, sec, types = council
    for code in ("co-chinh-phu", "co-thanh-pho"):
        rule(cy, types[code], threshold_num=9, threshold_den=10, threshold_strict=False)
    ticked = voters[:14]  # the 15th member is away: not ticked, still a member
    gov = open_poll(cy, types["co-chinh-phu"], candidates=units[1:3], voters=ticked, actor=sec)
    assert gov.statutory_size == 15 and gov.electors.count() == 14
    for v in ticked[:13]:
        vote(gov, v, units[1])
    vote(gov, ticked[13], units[2])
    services.poll_close(poll=gov, actor=sec, reason="Đã hết thời gian theo kế hoạch")
    gov.refresh_from_db()
    c = _candidates(gov)[units[1].pk]
    assert (c.votes, c.share, c.met_threshold, c.proposed) == (13, Decimal("86.67"), False, False)
    assert gov.quorum_met and gov.base_size == 15
    # nothing proposed: the empty result needs no publication before the next award
    city = open_poll(cy, types["co-thanh-pho"], candidates=units[1:3], voters=ticked, actor=sec)
    for v in ticked:
        vote(city, v, units[1])
    services.poll_close(poll=city, actor=sec, reason="Đã hết thời gian theo kế hoạch")
    c = _candidates(city)[units[1].pk]
    assert (c.votes, c.share, c.met_threshold, c.proposed) == (14, Decimal("93.33"), True, True)


def test_without_a_roster_the_ticked_voters_are_all_members(council):
    cy, units, voters, sec, types = council
    cy.council_seats.all().delete()
    rule(cy, types["co-thanh-pho"], threshold_num=9, threshold_den=10, threshold_strict=False)
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units[1:3], voters=voters[:14], actor=sec)
    assert poll.statutory_size == 0
    _paper(poll, sec, 14, {units[1]: 13, units[2]: 1})
    assert _candidates(poll)[units[1].pk].proposed  # 13/14: the old arithmetic, kept without a roster


def test_a_paper_count_is_measured_against_the_roster_too(council):
    cy, units, voters, sec, types = council
    rule(cy, types["co-thanh-pho"], threshold_num=9, threshold_den=10, threshold_strict=False)
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units[1:3], voters=voters[:14], actor=sec)
    with pytest.raises(ValidationError, match="16"):
        _paper(poll, sec, 16, {units[1]: 13})
    _paper(poll, sec, 15, {units[1]: 13, units[2]: 2})  # the 15th member votes on paper in the room
    poll.refresh_from_db()
    c = _candidates(poll)[units[1].pk]
    assert (c.votes, c.share, c.proposed) == (13, Decimal("86.67"), False)
    figures = documents.ballot_figures(poll)
    assert (figures["issued"], figures["received"], figures["valid"], figures["invalid"]) == (15, 15, 15, 0)


def test_a_voter_off_the_roster_is_refused_and_the_roster_is_checked(council):
    cy, units, voters, sec, types = council
    rule(cy, types["co-thanh-pho"])
    outsider = make_user(
        "outsider",
        province=cy.cluster.province,
        unit=UnitFactory(province=cy.cluster.province),
        roles=[Role.COUNCIL_MEMBER],
    )
    with pytest.raises(ValidationError, match="Outsider"):
        open_poll(
            cy, types["co-thanh-pho"], candidates=units[1:3], voters=[outsider], actor=sec, kind="council"
        )
    two_chairs = [{"name": "A", "role": CouncilRole.CHAIR}, {"name": "B", "role": CouncilRole.CHAIR}]
    with pytest.raises(ValidationError):
        services.council_save(cluster_year=cy, actor=sec, seats=two_chairs)
    with pytest.raises(PermissionDenied):
        services.council_save(cluster_year=cy, actor=voters[3], seats=[{"name": "A", "role": "member"}])
    assert cy.council_seats.count() == 15
    assert AuditEvent.objects.filter(action="council.saved").count() == 1


def test_a_second_round_after_a_failed_quorum_keeps_the_first_on_record(council):
    cy, units, voters, sec, types = council
    rule(cy, types["co-thanh-pho"])  # quorum 2/3 of 15 = 10, more than half of 15 = 8 votes
    first = open_poll(cy, types["co-thanh-pho"], candidates=units[1:4], voters=voters[:14], actor=sec)
    for v in voters[:9]:
        vote(first, v, units[1])
    services.poll_close(poll=first, actor=sec, reason="Đã hết thời gian theo kế hoạch")
    first.refresh_from_db()
    assert first.quorum_met is False and not first.candidates.filter(proposed=True).exists()
    assert selectors.voting_unfinished(cy) is None  # an empty result need not be published
    opens, closes = window()
    second = services.round_open(poll=first, opens_at=opens, closes_at=closes, actor=sec)
    assert (second.round, second.round_reason, second.quota, second.parent_id) == (
        2,
        RoundReason.NO_QUORUM,
        1,
        first.pk,
    )
    assert sorted(_candidates(second)) == sorted(u.pk for u in units[1:4])
    assert second.electors.count() == 14 and second.statutory_size == 15
    assert second.title in selectors.voting_unfinished(cy)  # still open
    with pytest.raises(ValidationError):
        services.round_open(poll=first, opens_at=opens, closes_at=closes, actor=sec)
    for v in voters[:12]:
        vote(second, v, units[2])
    services.poll_close(poll=second, actor=sec, reason="Đã hết thời gian theo kế hoạch")
    services.poll_publish(poll=second, actor=sec, reason="Đã hết thời gian theo kế hoạch")
    assert list(Nomination.objects.values_list("unit_id", "poll_id")) == [(units[2].pk, second.pk)]
    first.refresh_from_db()
    assert first.status == PollStatus.CLOSED and _candidates(first)[units[1].pk].votes == 9
    assert selectors.voting_unfinished(cy) is None
    minutes = documents._context(cy)["awards"][0]
    assert [p.pk for p in minutes["polls"]] == [first.pk, second.pk]
    assert minutes["proposed"] == [_candidates(second)[units[2].pk].name]
    assert AuditEvent.objects.filter(action="poll.round_opened", object_id=str(second.pk)).exists()


def test_a_new_round_is_refused_when_every_seat_is_filled_or_the_poll_is_open(council):
    cy, units, voters, sec, types = council
    rule(cy, types["co-thanh-pho"])
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units[1:3], voters=voters, actor=sec)
    opens, closes = window()
    with pytest.raises(ValidationError):
        services.round_open(poll=poll, opens_at=opens, closes_at=closes, actor=sec)
    _paper(poll, sec, 15, {units[1]: 12})
    with pytest.raises(ValidationError):
        services.round_open(poll=poll, opens_at=opens, closes_at=closes, actor=sec)
    with pytest.raises(PermissionDenied):
        services.round_open(poll=poll, opens_at=opens, closes_at=closes, actor=voters[2])


def test_an_inconclusive_vote_gets_a_new_round_for_the_seats_left(council):
    cy, units, voters, sec, types = council
    rule(cy, types["co-thanh-pho"], quota_count=2)
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units[1:4], voters=voters, actor=sec)
    _paper(poll, sec, 15, {units[1]: 12, units[2]: 5, units[3]: 4})
    services.poll_publish(poll=poll, actor=sec, reason="Đã hết thời gian theo kế hoạch")
    opens, closes = window()
    second = services.round_open(poll=poll, opens_at=opens, closes_at=closes, actor=sec)
    assert second.round_reason == RoundReason.INCONCLUSIVE and second.quota == 1
    assert sorted(_candidates(second)) == sorted(u.pk for u in units[2:4])


def test_a_tie_is_broken_by_the_higher_score_when_the_rule_says_so(council):
    cy, units, voters, sec, types = council
    rule(cy, types["co-thanh-pho"], tie_break=TieBreak.SCORE, threshold_num=1, threshold_den=3)
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units[1:4], voters=voters, actor=sec)
    totals = {units[1]: "91.65", units[2]: "92.58", units[3]: "80.00"}
    for u, total in totals.items():  # the ranking's totals, frozen in the poll at its opening
        PollCandidate.objects.filter(poll=poll, unit=u).update(total=Decimal(total))
    _paper(poll, sec, 15, {units[1]: 7, units[2]: 7, units[3]: 1})
    poll.refresh_from_db()
    c = _candidates(poll)
    assert c[units[2].pk].proposed and c[units[2].pk].won_tie
    assert not c[units[1].pk].proposed and not c[units[1].pk].tied
    assert poll.runoff_seats == 0 and selectors.voting_unfinished(cy) is not None  # to publish
    services.poll_publish(poll=poll, actor=sec, reason="Đã hết thời gian theo kế hoạch")
    assert list(Nomination.objects.values_list("unit_id", flat=True)) == [units[2].pk]
    assert selectors.voting_unfinished(cy) is None


def test_the_chair_decides_a_tie_when_the_rule_gives_it_to_the_chair(council):
    cy, units, voters, sec, types = council
    rule(cy, types["co-thanh-pho"], tie_break=TieBreak.CHAIR, threshold_num=1, threshold_den=3)
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units[1:3], voters=voters, actor=sec)
    _paper(poll, sec, 15, {units[1]: 7, units[2]: 7})
    poll.refresh_from_db()
    assert poll.runoff_seats == 1
    assert "chủ trì" in selectors.voting_unfinished(cy)
    tied = _candidates(poll)
    with pytest.raises(ValidationError):  # both tied units for one seat
        services.tie_decide(poll=poll, actor=sec, candidate_ids=[c.pk for c in tied.values()], chair_name="X")
    with pytest.raises(PermissionDenied):
        services.tie_decide(poll=poll, actor=voters[1], candidate_ids=[tied[units[1].pk].pk], chair_name="X")
    services.tie_decide(
        poll=poll,
        actor=sec,
        candidate_ids=[tied[units[1].pk].pk],
        chair_name="Nguyễn Văn Chủ",
        note="Họp ngày 5/1.",
    )
    poll.refresh_from_db()
    c = _candidates(poll)
    assert c[units[1].pk].proposed and c[units[1].pk].won_tie and not c[units[2].pk].tied
    assert "Nguyễn Văn Chủ" in poll.tie_note and poll.runoff_seats == 0
    event = AuditEvent.objects.get(action="poll.tie_decided")
    assert event.data["chair"] == "Nguyễn Văn Chủ"
    services.poll_publish(poll=poll, actor=sec, reason="Đã hết thời gian theo kế hoạch")
    assert selectors.voting_unfinished(cy) is None


def test_a_chair_decision_is_refused_when_the_rule_wants_a_run_off(council):
    cy, units, voters, sec, types = council
    rule(cy, types["co-thanh-pho"], threshold_num=1, threshold_den=3)
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units[1:3], voters=voters, actor=sec)
    _paper(poll, sec, 15, {units[1]: 7, units[2]: 7})
    with pytest.raises(ValidationError):
        services.tie_decide(
            poll=poll, actor=sec, candidate_ids=[_candidates(poll)[units[1].pk].pk], chair_name="X"
        )
    assert _candidates(poll)[units[1].pk].tied


@pytest.mark.parametrize(("base", "seats"), [(RemainingBase.PROPOSED, 3), (RemainingBase.SEATS, 2)])
def test_the_remaining_units_are_the_members_minus_proposed_or_minus_the_higher_seats(base, seats):
    cy, units = make_year(n_members=10, stage=Stage.VOTING, year=2025)
    province = cy.cluster.province
    sec = make_user("sec", province=province, unit=units[0], roles=[Role.CLUSTER_SECRETARY])
    voters = leaders(province, units)
    types = award_types(province)
    rule(cy, types["co-thanh-pho"], quota_count=2)
    lower = rule(
        cy,
        types["bk-toan-dien"],
        quota_kind="share_remaining",
        quota_num=1,
        quota_den=3,
        quota_count=None,
        remaining_base=base,
    )
    flag = open_poll(cy, types["co-thanh-pho"], candidates=units[:4], voters=voters, actor=sec)
    _paper(flag, sec, 10, {units[0]: 8, units[1]: 2})  # one of the two seats filled
    services.poll_publish(poll=flag, actor=sec, reason="Đã hết thời gian theo kế hoạch")
    assert selectors.poll_seats(cy, lower) == seats  # (10 - 1) / 3 = 3, or (10 - 2) / 3 = 2 (down)
    poll = open_poll(cy, types["bk-toan-dien"], candidates=units[1:6], voters=voters, actor=sec)
    assert poll.quota == seats and poll.rule["remaining_base"] == base


def test_a_cluster_that_only_votes_opens_polls_before_the_pledge_and_scores(council):
    cy, units, voters, sec, types = council
    cy.stage = Stage.REGISTRATION
    cy.save(update_fields=["stage"])
    rule(cy, types["co-thanh-pho"])
    assert not sec.has_perm("awards.open_poll", cy)
    with pytest.raises(ValidationError):
        open_poll(cy, types["co-thanh-pho"], candidates=units[1:3], voters=voters, actor=sec)
    rule(cy, types["co-thanh-pho"], votes_only=True)
    assert AwardRule.objects.get(cluster_year=cy).votes_only
    assert sec.has_perm("awards.open_poll", cy)
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units[1:3], voters=voters, actor=sec)
    assert poll.status == PollStatus.OPEN
    cy.stage = Stage.SETUP
    cy.save(update_fields=["stage"])
    with pytest.raises(ValidationError):
        open_poll(cy, types["co-chinh-phu"], candidates=units[1:3], voters=voters, actor=sec)


def test_voting_stage_still_waits_for_a_count_with_proposals_to_be_published(council):
    cy, units, voters, sec, types = council
    rule(cy, types["co-thanh-pho"])
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units[1:3], voters=voters, actor=sec)
    assert selectors.voting_unfinished(cy)
    _paper(poll, sec, 15, {units[1]: 12})
    assert "công bố" in selectors.voting_unfinished(cy)  # someone proposed: to publish first


def test_the_tie_break_separates_what_it_can_and_leaves_the_rest_to_a_run_off():
    from awards import counting
    from awards.rule_defaults import default_snapshot

    votes = {"a": 5, "b": 5, "c": 5, "d": 9}
    standing = {"a": (Decimal("90"), 3), "b": (Decimal("90"), 2), "c": (Decimal("95"), 4), "d": (None, 1)}
    kw = {"votes": votes, "electorate": 10, "participations": 10, "ballots": 10, "standing": standing}
    by_score = counting.tally(
        default_snapshot(tie_break=TieBreak.SCORE, threshold_num=1, threshold_den=3), seats=3, **kw
    )
    assert (by_score.proposed, by_score.tied, by_score.runoff_seats) == (["d", "c"], ["a", "b"], 1)
    by_rank = counting.tally(
        default_snapshot(tie_break=TieBreak.RANK, threshold_num=1, threshold_den=3), seats=3, **kw
    )
    assert (by_rank.proposed, by_rank.won_tie, by_rank.tied) == (["d", "b", "a"], ["b", "a"], [])
    runoff = counting.tally(default_snapshot(threshold_num=1, threshold_den=3), seats=3, **kw)
    assert (runoff.proposed, runoff.tied, runoff.runoff_seats) == (["d"], ["a", "b", "c"], 2)
