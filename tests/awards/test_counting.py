"""Quota arithmetic, thresholds and quorum, and the tally: exact fractions, stated rounding."""

from decimal import Decimal

import pytest

from awards import counting
from awards.rule_defaults import default_snapshot


def rule(**kw):
    return default_snapshot(**kw)


def test_fixed_quota_is_the_count_whatever_the_members():
    assert counting.quota(rule(quota_count=2), members=8, awarded_higher=5) == 2


@pytest.mark.parametrize("rounding,expected", [("down", 2), ("up", 3), ("nearest", 3)])
def test_share_of_members_rounds_as_stated(rounding, expected):
    # 8 members x 1/3 = 2.67
    r = rule(quota_kind="share_members", quota_num=1, quota_den=3, rounding=rounding)
    assert counting.quota(r, members=8, awarded_higher=0) == expected


@pytest.mark.parametrize("rounding,expected", [("down", 3), ("up", 4), ("nearest", 4)])
def test_half_rounds_half_up_when_nearest(rounding, expected):
    # 7 members x 1/2 = 3.5
    r = rule(quota_kind="share_members", quota_num=1, quota_den=2, rounding=rounding)
    assert counting.quota(r, members=7, awarded_higher=0) == expected


def test_exact_share_is_not_rounded_up():
    r = rule(quota_kind="share_members", quota_num=1, quota_den=2, rounding="up")
    assert counting.quota(r, members=8, awarded_higher=3) == 4


def test_share_of_remainder_counts_only_units_without_a_higher_award():
    # Hải Phòng 2023: 8 members, 2 flags; 1/3 of the 6 left = 2 comprehensive certificates
    r = rule(quota_kind="share_remaining", quota_num=1, quota_den=3, rounding="down")
    assert counting.quota(r, members=8, awarded_higher=2) == 2
    # 1/2 of the 5 left = 2.5 -> 2 (down), 3 (up)
    half = rule(quota_kind="share_remaining", quota_num=1, quota_den=2, rounding="down")
    assert counting.quota(half, members=8, awarded_higher=3) == 2
    assert counting.quota({**half, "rounding": "up"}, members=8, awarded_higher=3) == 3
    assert counting.quota(half, members=2, awarded_higher=5) == 0


def test_strict_threshold_needs_more_than_half_non_strict_accepts_exactly_half():
    assert not counting.meets(5, 10, 1, 2, strict=True)
    assert counting.meets(6, 10, 1, 2, strict=True)
    assert counting.meets(5, 10, 1, 2, strict=False)
    assert not counting.meets(4, 10, 1, 2, strict=False)


def test_seventy_percent_threshold_is_exact():
    assert counting.meets(7, 10, 70, 100, strict=False)
    assert not counting.meets(7, 10, 70, 100, strict=True)
    assert not counting.meets(6, 9, 70, 100, strict=False)  # 66.7 %


def test_threshold_of_electorate_and_of_ballots_differ():
    # 9 voters, 6 took part; a candidate with 4 votes: 4/9 < 1/2 but 4/6 > 1/2
    electorate = rule(threshold_base="electorate")
    ballots = rule(threshold_base="ballots")
    t1 = counting.tally(electorate, votes={"a": 4}, seats=1, electorate=9, participations=6, ballots=6)
    t2 = counting.tally(ballots, votes={"a": 4}, seats=1, electorate=9, participations=6, ballots=6)
    assert t1.met == {"a": False} and t1.proposed == []
    assert t2.met == {"a": True} and t2.proposed == ["a"]
    assert t1.shares["a"] == Decimal("44.44") and t2.shares["a"] == Decimal("66.67")


def test_two_thirds_quorum_is_exact():
    r = rule()
    assert counting.quorum_met(r, participations=6, electorate=9)
    assert not counting.quorum_met(r, participations=5, electorate=9)
    assert counting.quorum_met(r, participations=2, electorate=3)


def test_without_quorum_nobody_is_proposed():
    t = counting.tally(rule(), votes={"a": 5}, seats=1, electorate=9, participations=5, ballots=5)
    assert not t.quorum
    assert t.met == {"a": True}  # 5/9 > 1/2, yet the quorum is missing
    assert t.proposed == []


def test_most_votes_first_within_the_seats():
    t = counting.tally(
        rule(), votes={"a": 7, "b": 9, "c": 8, "d": 3}, seats=2, electorate=10, participations=10, ballots=10
    )
    assert t.proposed == ["b", "c"] and t.tied == [] and t.runoff_seats == 0


def test_tie_at_the_quota_boundary_goes_to_a_runoff():
    t = counting.tally(
        rule(), votes={"a": 9, "b": 7, "c": 7, "d": 6}, seats=2, electorate=10, participations=10, ballots=10
    )
    assert t.proposed == ["a"]
    assert sorted(t.tied) == ["b", "c"]
    assert t.runoff_seats == 1


def test_tie_inside_the_seats_is_not_a_runoff():
    t = counting.tally(
        rule(), votes={"a": 7, "b": 7, "c": 6}, seats=2, electorate=10, participations=10, ballots=10
    )
    assert sorted(t.proposed) == ["a", "b"] and t.tied == []


def test_tie_below_the_threshold_is_ignored():
    t = counting.tally(
        rule(), votes={"a": 8, "b": 5, "c": 5}, seats=2, electorate=10, participations=10, ballots=10
    )
    assert t.proposed == ["a"] and t.tied == []
