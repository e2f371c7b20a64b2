"""Polls through the services: opening, voting, refusals, closing, results, publication, run-off."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from awards import selectors, services
from awards.models import Ballot, BallotEnvelope, ElectorateKind, Nomination, Participation, PollStatus
from awards.receipts import receipt_hash
from clusters.models import AuditEvent, Stage
from tests.awards.helpers import award_types, leaders, open_poll, rule, to_voting, vote, window
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(cast):
    cy = to_voting(cast.year)
    types = award_types(cast.province)
    rule(cy, types["co-thanh-pho"], quota_count=1)
    units = [cast.head, cast.unit_a, cast.unit_b]
    voters = [cast.leader_head, cast.leader_a, cast.leader_b]
    return cast, cy, types, units, voters


def test_open_poll_freezes_rule_candidates_and_electorate(setup):
    cast, cy, types, units, voters = setup
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units[1:], voters=voters, actor=cast.secretary)
    assert poll.quota == 1 and poll.secret and poll.status == PollStatus.OPEN
    assert poll.rule["threshold_strict"] is True
    assert [c.unit_id for c in poll.candidates.all()] and poll.electors.count() == 3
    assert AuditEvent.objects.filter(action="poll.opened", object_id=str(poll.pk)).exists()
    rule(cy, types["co-thanh-pho"], quota_count=2)  # later change of the rule: the poll keeps its copy
    poll.refresh_from_db()
    assert poll.quota == 1


def test_poll_cannot_open_outside_the_voting_stage(setup):
    cast, cy, types, units, voters = setup
    cy.stage = Stage.SCORING
    cy.save()
    with pytest.raises(ValidationError, match="bình xét"):
        open_poll(cy, types["co-thanh-pho"], candidates=units, voters=voters, actor=cast.secretary)


def test_poll_needs_a_rule_and_higher_awards_decided_first(setup):
    cast, cy, types, units, voters = setup
    with pytest.raises(ValidationError):
        open_poll(cy, types["bk-toan-dien"], candidates=units, voters=voters, actor=cast.secretary)
    rule(cy, types["co-chinh-phu"], leading_unit_only=True)
    with pytest.raises(ValidationError, match="Cờ thi đua của Chính phủ"):
        open_poll(cy, types["co-thanh-pho"], candidates=units, voters=voters, actor=cast.secretary)


def test_poll_window_and_electorate_are_checked(setup):
    cast, cy, types, units, voters = setup
    with pytest.raises(ValidationError):
        open_poll(
            cy, types["co-thanh-pho"], candidates=units, voters=voters, actor=cast.secretary, start=-120
        )
    with pytest.raises(ValidationError):  # two voters for one unit
        open_poll(
            cy,
            types["co-thanh-pho"],
            candidates=units,
            voters=[cast.leader_a, cast.staff_a],
            actor=cast.secretary,
        )
    with pytest.raises(ValidationError):  # another province's user
        open_poll(cy, types["co-thanh-pho"], candidates=units, voters=[cast.other], actor=cast.secretary)
    with pytest.raises(ValidationError):  # council list with a non-council member
        open_poll(
            cy,
            types["co-thanh-pho"],
            candidates=units,
            voters=[cast.council, cast.leader_a],
            actor=cast.secretary,
            kind=ElectorateKind.COUNCIL,
        )
    assert not cy.polls.exists()


def test_vote_gives_a_receipt_and_the_voter_sees_it_counted(setup):
    cast, cy, types, units, voters = setup
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units, voters=voters, actor=cast.secretary)
    code = vote(poll, cast.leader_a, cast.unit_a)
    assert len(code) == 19 and code.count("-") == 3
    # while open: recorded, sealed, not yet counted
    assert selectors.receipt_check(code.lower().replace("-", " ")) == (poll, False)
    assert selectors.receipt_check("AAAA-BBBB-CCCC-DDDD") is None
    assert Participation.objects.filter(poll=poll, user=cast.leader_a).exists()
    assert selectors.open_polls_for_voter(cast.leader_a) == []
    assert selectors.open_polls_for_voter(cast.leader_b) == [poll]
    event = AuditEvent.objects.get(action="poll.voted")
    assert event.actor == cast.leader_a
    envelope = BallotEnvelope.objects.get(poll=poll)
    assert code not in str(event.data) and str(envelope.pk) not in str(event.data)
    # the envelope is opened at close; the receipt is then in the published list of counted ballots
    services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    assert selectors.receipt_check(code) == (poll, True)
    assert selectors.counted_receipts(poll) == [receipt_hash(code)]


@pytest.mark.parametrize("start,message", [(10, "chưa bắt đầu"), (-120, "kết thúc")])
def test_vote_outside_the_window_is_refused_in_vietnamese(setup, start, message):
    cast, cy, types, units, voters = setup
    poll = open_poll(
        cy,
        types["co-thanh-pho"],
        candidates=units,
        voters=voters,
        actor=cast.secretary,
        start=start if start > 0 else -1,
    )
    if start < 0:
        type(poll).objects.filter(pk=poll.pk).update(
            opens_at=timezone.now() - datetime.timedelta(hours=3),
            closes_at=timezone.now() - datetime.timedelta(hours=1),
        )
    with pytest.raises(services.VoteRefused, match=message):
        vote(poll, cast.leader_a, cast.unit_a)
    assert not Participation.objects.exists() and not BallotEnvelope.objects.exists()


def test_vote_from_outside_the_electorate_is_refused(setup):
    cast, cy, types, units, voters = setup
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units, voters=voters, actor=cast.secretary)
    for outsider in (cast.staff_a, cast.council, cast.other):
        with pytest.raises(services.VoteRefused, match="danh sách cử tri"):
            vote(poll, outsider, cast.unit_a)
    assert not BallotEnvelope.objects.exists()


def test_second_vote_and_bad_ballots_are_refused(setup):
    cast, cy, types, units, voters = setup
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units, voters=voters, actor=cast.secretary)
    with pytest.raises(services.VoteRefused, match="tối đa 1"):
        vote(poll, cast.leader_a, cast.unit_a, cast.unit_b)
    with pytest.raises(services.VoteRefused):
        vote(poll, cast.leader_a)  # neither a choice nor an abstention
    with pytest.raises(services.VoteRefused):
        vote(poll, cast.leader_a, cast.unit_a, abstain=True)
    with pytest.raises(services.VoteRefused):
        services.ballot_cast(poll=poll, actor=cast.leader_a, candidate_ids=[999999])
    with pytest.raises(services.VoteRefused):
        services.ballot_cast(poll=poll, actor=cast.leader_a, candidate_ids=["1; DROP TABLE"])
    vote(poll, cast.leader_a, abstain=True)
    with pytest.raises(services.VoteRefused, match="đã bỏ phiếu"):
        vote(poll, cast.leader_a, cast.unit_b)
    assert BallotEnvelope.objects.count() == 1 and not Ballot.objects.exists()
    services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    assert Ballot.objects.count() == 1 and Ballot.objects.get().abstain


def test_no_partial_counts_before_close_then_the_count(setup):
    cast, cy, types, units, voters = setup
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units, voters=voters, actor=cast.secretary)
    vote(poll, cast.leader_head, cast.unit_a)
    vote(poll, cast.leader_a, cast.unit_a)
    assert selectors.turnout(poll) == (2, 3, 67)
    assert all(c.votes is None for c in poll.candidates.all())
    summary = selectors.results_summary(cy)
    assert summary[0]["candidates"][0][1] is None and summary[0]["published"] is False
    with pytest.raises(ValidationError, match="Đóng"):
        services.poll_publish(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    poll = services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    assert (poll.electorate_size, poll.participation_count, poll.ballot_count) == (3, 2, 2)
    assert poll.quorum_met and not poll.flagged
    got = {c.unit_id: (c.votes, c.met_threshold, c.proposed) for c in poll.candidates.all()}
    assert got[cast.unit_a.pk] == (2, True, True)  # 2/3 > 1/2 of the electorate
    assert got[cast.head.pk] == (0, False, False)
    with pytest.raises(services.VoteRefused, match="đóng"):
        vote(poll, cast.leader_b, cast.unit_b)


def test_quorum_not_met_proposes_nobody(setup):
    cast, cy, types, units, voters = setup
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units, voters=voters, actor=cast.secretary)
    vote(poll, cast.leader_a, cast.unit_a)
    poll = services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    assert poll.quorum_met is False
    assert not poll.candidates.filter(proposed=True).exists()
    services.poll_publish(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    assert not Nomination.objects.exists()


def test_threshold_of_ballots_cast_not_strict(setup):
    cast, cy, types, units, voters = setup
    extra = leaders(cast.province, [])  # no extra
    assert extra == []
    rule(
        cy,
        types["co-thanh-pho"],
        threshold_base="ballots",
        threshold_strict=False,
        quorum_num=1,
        quorum_den=2,
    )
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units, voters=voters, actor=cast.secretary)
    vote(poll, cast.leader_a, cast.unit_a)
    vote(poll, cast.leader_b, cast.unit_b)
    poll = services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    # 1 of 2 ballots each: exactly 1/2, accepted as not strict -> a tie on the single seat
    assert set(poll.candidates.filter(met_threshold=True).values_list("unit_id", flat=True)) == {
        cast.unit_a.pk,
        cast.unit_b.pk,
    }
    assert poll.runoff_seats == 1 and poll.candidates.filter(tied=True).count() == 2


def test_tie_opens_a_runoff_that_decides_the_seat(setup):
    cast, cy, types, units, voters = setup
    council = [cast.council] + [
        make_user(f"hd{i}", province=cast.province, unit=cast.head, roles=["council_member"])
        for i in range(3)
    ]
    rule(
        cy,
        types["co-thanh-pho"],
        quorum_num=1,
        quorum_den=2,
        threshold_base="ballots",
        threshold_strict=False,
    )
    poll = open_poll(
        cy,
        types["co-thanh-pho"],
        candidates=units,
        voters=council,
        actor=cast.secretary,
        kind=ElectorateKind.COUNCIL,
    )
    vote(poll, council[0], cast.unit_a)
    vote(poll, council[1], cast.unit_a)
    vote(poll, council[2], cast.unit_b)
    vote(poll, council[3], cast.unit_b)
    poll = services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    assert poll.runoff_seats == 1
    services.poll_publish(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    assert not Nomination.objects.exists()
    assert selectors.results_summary(cy)[0]["published"] is False  # a run-off is pending
    opens, closes = window()
    runoff = services.runoff_open(poll=poll, opens_at=opens, closes_at=closes, actor=cast.secretary)
    assert runoff.round == 2 and runoff.quota == 1 and runoff.electors.count() == 4
    assert {c.unit_id for c in runoff.candidates.all()} == {cast.unit_a.pk, cast.unit_b.pk}
    with pytest.raises(ValidationError):
        services.runoff_open(poll=poll, opens_at=opens, closes_at=closes, actor=cast.secretary)
    for i, who in enumerate(council):
        vote(runoff, who, cast.unit_a if i < 3 else cast.unit_b)
    services.poll_close(poll=runoff, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    services.poll_publish(poll=runoff, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    assert list(Nomination.objects.values_list("unit_name", flat=True)) == ["Huyện Vĩnh Bảo"]
    summary = selectors.results_summary(cy)[0]
    assert summary["published"] and summary["proposed"] == ["Huyện Vĩnh Bảo"]
    assert AuditEvent.objects.filter(action="poll.runoff_opened").exists()


def test_published_result_is_frozen(setup):
    cast, cy, types, units, voters = setup
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units, voters=voters, actor=cast.secretary)
    for v in voters:
        vote(poll, v, cast.unit_a)
    services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    services.poll_publish(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    with pytest.raises(ValidationError, match="đã được công bố"):
        services.poll_publish(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    with pytest.raises(ValidationError):
        services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    actions = list(AuditEvent.objects.filter(object_type="awards.poll").values_list("action", flat=True))
    assert sorted(actions) == sorted(
        ["poll.opened", "poll.voted", "poll.voted", "poll.voted", "poll.closed", "poll.published"]
    )


def test_ballots_not_matching_participations_flag_the_poll(setup):
    cast, cy, types, units, voters = setup
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units, voters=voters, actor=cast.secretary)
    vote(poll, cast.leader_a, cast.unit_a)
    Ballot.objects.create(poll=poll)  # a ballot stuffed in the table, not cast
    poll = services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    assert poll.flagged and "2" in poll.flag_reason
    with pytest.raises(ValidationError):
        services.poll_publish(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")


def test_unit_proposed_for_a_higher_award_is_not_a_candidate_for_a_lower_one(setup):
    cast, cy, types, units, voters = setup
    rule(cy, types["bk-toan-dien"], quota_kind="share_remaining", quota_num=1, quota_den=2, rounding="up")
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units, voters=voters, actor=cast.secretary)
    for v in voters:
        vote(poll, v, cast.unit_a)
    services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    services.poll_publish(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    r = types["bk-toan-dien"].rules.get()
    options = {o.unit_id: o for o in selectors.candidate_options(cy, r)}
    assert not options[cast.unit_a.pk].allowed and options[cast.unit_b.pk].allowed
    with pytest.raises(ValidationError):
        open_poll(cy, types["bk-toan-dien"], candidates=units, voters=voters, actor=cast.secretary)
    poll2 = open_poll(
        cy, types["bk-toan-dien"], candidates=[cast.head, cast.unit_b], voters=voters, actor=cast.secretary
    )
    assert poll2.quota == 1  # 1/2 of the 2 remaining units
