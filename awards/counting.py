"""Pure arithmetic of the rules: quotas with their rounding, thresholds, quorum, the tally.

Everything is exact (fractions of integers): "two thirds" of 9 voters is 6, not 5.99."""

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .models import QuotaKind, Rounding, ThresholdBase, TieBreak


def round_fraction(value: Fraction, rounding: str) -> int:
    if rounding == Rounding.UP:
        return math.ceil(value)
    if rounding == Rounding.NEAREST:  # half up: 2.5 -> 3
        return math.floor(value + Fraction(1, 2))
    return math.floor(value)


def quota(rule: dict, *, members: int, awarded_higher: int) -> int:
    """Seats for an award. `rule` is AwardRule.snapshot(); `members` the member units of the
    year; `awarded_higher` the units already proposed for a higher award."""
    kind = rule["quota_kind"]
    if kind == QuotaKind.FIXED:
        return int(rule["quota_count"] or 0)
    share = Fraction(rule["quota_num"] or 0, rule["quota_den"] or 1)
    base = members if kind == QuotaKind.SHARE_MEMBERS else max(members - awarded_higher, 0)
    return max(round_fraction(share * base, rule["rounding"]), 0)


def meets(count: int, base: int, num: int, den: int, strict: bool) -> bool:
    """count/base > num/den (strict) or >= (not strict), exactly. A base of 0 never meets."""
    if base <= 0:
        return False
    left, right = count * den, num * base
    return left > right if strict else left >= right


def quorum_met(rule: dict, *, participations: int, electorate: int) -> bool:
    return meets(participations, electorate, rule["quorum_num"], rule["quorum_den"], strict=False)


def threshold_base(rule: dict, *, electorate: int, ballots: int) -> int:
    return electorate if rule["threshold_base"] == ThresholdBase.ELECTORATE else ballots


def share_percent(count: int, base: int) -> Decimal:
    if base <= 0:
        return Decimal("0.00")
    return (Decimal(count) * 100 / Decimal(base)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Tally:
    votes: dict  # candidate key -> votes
    met: dict = field(default_factory=dict)  # candidate key -> bool
    shares: dict = field(default_factory=dict)
    proposed: list = field(default_factory=list)
    tied: list = field(default_factory=list)
    runoff_seats: int = 0
    quorum: bool = False
    won_tie: list = field(default_factory=list)  # proposed by the rule's tie-break, not by votes


def _order_key(rule: dict, standing: dict):
    """How the rule's tie-break orders tied candidates (lower first), or None when it does not
    (a run-off, or the chair decides). `standing`: key -> (total score, rank); unknown is last."""
    index = {TieBreak.SCORE: 0, TieBreak.RANK: 1}.get(rule.get("tie_break") or TieBreak.RUNOFF)
    if index is None:
        return None
    sign = -1 if index == 0 else 1  # the higher score, the lower rank number

    def key(k):
        value = standing.get(k, (None, None))[index]
        return (value is None, sign * (value or 0))

    return key


def break_tie(rule: dict, tied: list, seats: int, standing: dict):
    """(won, still tied): the tied candidates the rule's tie-break puts in the `seats` left, and
    those it cannot separate (equal score or rank: they go to a run-off or to the chair)."""
    key = _order_key(rule, standing)
    if key is None:
        return [], list(tied)
    ordered = sorted(tied, key=key)
    boundary = key(ordered[seats - 1])
    better = [k for k in ordered if key(k) < boundary]
    equal = [k for k in ordered if key(k) == boundary]
    if len(better) + len(equal) <= seats:
        return better + equal, []
    return better, equal


def tally(
    rule: dict,
    *,
    votes: dict,
    seats: int,
    electorate: int,
    participations: int,
    ballots: int,
    standing: dict | None = None,
) -> Tally:
    """Who is proposed: candidates over the threshold, most votes first, within the seats.

    `electorate` is whom "of all members" and the quorum count (the council's roster when it has
    one). A tie across the last seat proposes those strictly above the tie; the rule's tie-break
    (higher score, better rank, from `standing`) fills the seats left, and whoever it cannot
    separate is left to a run-off (or the chair). Without quorum nobody is proposed."""
    base = threshold_base(rule, electorate=electorate, ballots=ballots)
    result = Tally(votes=dict(votes))
    result.quorum = quorum_met(rule, participations=participations, electorate=electorate)
    for key, n in votes.items():
        result.shares[key] = share_percent(n, base)
        result.met[key] = meets(
            n, base, rule["threshold_num"], rule["threshold_den"], rule["threshold_strict"]
        )
    if not result.quorum or seats <= 0:
        return result
    qualified = sorted((k for k in votes if result.met[k]), key=lambda k: -votes[k])
    if len(qualified) <= seats:
        result.proposed = qualified
        return result
    boundary = votes[qualified[seats - 1]]
    above = [k for k in qualified if votes[k] > boundary]
    at = [k for k in qualified if votes[k] == boundary]
    if len(above) + len(at) <= seats:
        result.proposed = above + at
        return result
    won, still = break_tie(rule, at, seats - len(above), standing or {})
    result.proposed = above + won
    result.won_tie = won
    result.tied = still
    result.runoff_seats = (seats - len(result.proposed)) if still else 0
    return result
