"""Where the votes of a year stand: the seats of an award, the higher awards still undecided, and
whether the year may leave the voting stage.

An award is decided by a chain of rounds (the first poll, then a run-off of a tie or a new round
after a failed quorum or an inconclusive vote). A counted round that proposes nobody needs no
publication: it stays on record and either a new round follows or the award goes unawarded."""

from django.utils.translation import gettext as _

from . import counting
from .models import AwardRule, Nomination, Poll, PollStatus, QuotaKind, RemainingBase


def _chains(polls):
    chains = {}
    for p in sorted(polls, key=lambda p: (p.award_type.precedence, p.round, p.pk)):
        chains.setdefault(p.award_type_id, []).append(p)
    return chains


def tie_pending(poll, candidates=None):
    """A tie for the last seat that neither a run-off nor the chair has settled yet."""
    if not poll.runoff_seats:
        return False
    candidates = poll.candidates.all() if candidates is None else candidates
    return any(c.tied for c in candidates)


def round_problem(poll, has_next):
    """Why this counted-or-open round keeps its award undecided, or None."""
    if poll.status == PollStatus.OPEN:
        return _("The poll “%(poll)s” is still open.") % {"poll": poll.title}
    if poll.flagged:
        return _("The count of the poll “%(poll)s” is flagged.") % {"poll": poll.title}
    candidates = list(poll.candidates.all())
    if poll.status != PollStatus.PUBLISHED and any(c.proposed for c in candidates):
        return _("The result of the poll “%(poll)s” is not published yet.") % {"poll": poll.title}
    if tie_pending(poll, candidates) and not has_next:
        return _("The tie in the poll “%(poll)s” needs a run-off or the chair's decision.") % {
            "poll": poll.title
        }
    return None


def voting_unfinished(cluster_year):
    """Why the year cannot leave the voting stage yet, or None."""
    polls = (
        Poll.objects.filter(cluster_year=cluster_year)
        .select_related("award_type")
        .prefetch_related("candidates", "runoffs")
    )
    for chain in _chains(polls).values():
        for p in chain:
            problem = round_problem(p, has_next=bool(p.runoffs.all()))
            if problem:
                return problem
    return None


def higher_awards_pending(cluster_year, award_type):
    """Names of higher awards of the year whose vote is not finished."""
    rules = AwardRule.objects.filter(
        cluster_year=cluster_year, award_type__precedence__lt=award_type.precedence
    ).select_related("award_type")
    polls = (
        Poll.objects.filter(cluster_year=cluster_year, award_type__precedence__lt=award_type.precedence)
        .select_related("award_type")
        .prefetch_related("candidates", "runoffs")
    )
    chains = _chains(polls)
    pending = []
    for rule in rules:
        chain = chains.get(rule.award_type_id)
        if not chain or any(round_problem(p, has_next=bool(p.runoffs.all())) for p in chain):
            pending.append(rule.award_type.name)
    return pending


def units_proposed_higher(cluster_year, award_type):
    return set(
        Nomination.objects.filter(
            cluster_year=cluster_year, award_type__precedence__lt=award_type.precedence
        ).values_list("unit_id", flat=True)
    )


def seats_of_higher_awards(cluster_year, award_type):
    """The seats (quotas) of the year's higher awards: the first poll's when it is open, else what
    the rule gives now."""
    main = dict(
        Poll.objects.filter(
            cluster_year=cluster_year, parent__isnull=True, award_type__precedence__lt=award_type.precedence
        ).values_list("award_type_id", "quota")
    )
    total = 0
    for rule in AwardRule.objects.filter(
        cluster_year=cluster_year, award_type__precedence__lt=award_type.precedence
    ).select_related("award_type"):
        total += main[rule.award_type_id] if rule.award_type_id in main else poll_seats(cluster_year, rule)
    return total


def poll_seats(cluster_year, rule):
    """Seats of the award this year. "A share of the remaining units" counts the members minus
    the units proposed for higher awards, or minus the seats of the higher awards (the rule says
    which)."""
    members = cluster_year.memberships.count()
    if rule.quota_kind == QuotaKind.SHARE_REMAINING and rule.remaining_base == RemainingBase.SEATS:
        higher = seats_of_higher_awards(cluster_year, rule.award_type)
    else:
        higher = len(units_proposed_higher(cluster_year, rule.award_type))
    return counting.quota(rule.snapshot(), members=members, awarded_higher=higher)


def may_vote_again(poll, candidates):
    """A counted round may be followed by a new one: its quorum failed, or seats are left that no
    tie holds (for a page to offer the button; `services.round_open` decides)."""
    if not poll.is_counted or poll.flagged or tie_pending(poll, candidates):
        return False
    proposed = sum(1 for c in candidates if c.proposed)
    return proposed < len(candidates) and (not poll.quorum_met or proposed < poll.quota)
