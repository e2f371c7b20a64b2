"""Closing a poll (the ballots reshuffled, then counted) and publishing its result."""

import random
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters import audit

from .. import counting
from ..models import Ballot, BallotChoice, Elector, Nomination, Poll, PollCandidate, PollStatus
from ._base import require


def _reshuffle_ballots(poll):
    """Rewrite the poll's ballots in random order with new keys: afterwards neither the physical
    order nor the row versions of the ballots say anything about when (or by whom) they were cast."""
    rng = random.SystemRandom()
    ballots = list(Ballot.objects.filter(poll=poll).values("id", "receipt_hash", "abstain", "voter_name"))
    choices = {}
    for ballot_id, candidate_id in BallotChoice.objects.filter(ballot__poll=poll).values_list(
        "ballot_id", "candidate_id"
    ):
        choices.setdefault(ballot_id, []).append(candidate_id)
    rng.shuffle(ballots)
    BallotChoice.objects.filter(ballot__poll=poll).delete()
    Ballot.objects.filter(poll=poll).delete()
    new_ballots, new_choices = [], []
    for b in ballots:
        nb = Ballot(
            id=uuid.uuid4(),
            poll=poll,
            receipt_hash=b["receipt_hash"],
            abstain=b["abstain"],
            voter_name=b["voter_name"],
        )
        new_ballots.append(nb)
        new_choices.extend(
            BallotChoice(id=uuid.uuid4(), ballot=nb, candidate_id=c) for c in choices.get(b["id"], [])
        )
    rng.shuffle(new_choices)
    Ballot.objects.bulk_create(new_ballots)
    BallotChoice.objects.bulk_create(new_choices)


@transaction.atomic
def poll_close(*, poll, actor):
    """Close the poll, count, and check that ballots == participations (else flag it)."""
    poll = (
        Poll.objects.select_for_update(no_key=True, of=("self",))
        .select_related("cluster_year__cluster")
        .get(pk=poll.pk)
    )
    require(actor, "awards.manage_polls", poll.cluster_year)
    if poll.status != PollStatus.OPEN:
        raise ValidationError(_("This poll is already closed."))
    list(Elector.objects.select_for_update().filter(poll=poll).values_list("pk", flat=True))  # wait for votes
    now = timezone.now()
    if now <= poll.opens_at:
        raise ValidationError(_("The poll has not opened yet."))
    if now < poll.closes_at:
        poll.closes_at = now
    _reshuffle_ballots(poll)
    electorate = poll.electors.count()
    participations = poll.participations.count()
    ballots = poll.ballots.count()
    abstain = poll.ballots.filter(abstain=True).count()
    per_candidate = dict(
        BallotChoice.objects.filter(ballot__poll=poll)
        .values("candidate")
        .annotate(n=Count("id"))
        .values_list("candidate", "n")
    )
    candidates = list(poll.candidates.all())
    votes = {c.pk: per_candidate.get(c.pk, 0) for c in candidates}
    result = counting.tally(
        poll.rule,
        votes=votes,
        seats=poll.quota,
        electorate=electorate,
        participations=participations,
        ballots=ballots,
    )
    for c in candidates:
        c.votes, c.share, c.met_threshold = votes[c.pk], result.shares[c.pk], result.met[c.pk]
        c.proposed, c.tied = c.pk in result.proposed, c.pk in result.tied
    PollCandidate.objects.bulk_update(candidates, ["votes", "share", "met_threshold", "proposed", "tied"])
    poll.status, poll.closed_at = PollStatus.CLOSED, now
    poll.electorate_size, poll.participation_count, poll.ballot_count = electorate, participations, ballots
    poll.abstain_count, poll.quorum_met, poll.runoff_seats = abstain, result.quorum, result.runoff_seats
    if ballots != participations:
        poll.flagged = True
        poll.flag_reason = _(
            "%(b)s ballots for %(p)s voters who took part: the count must be investigated."
        ) % {"b": ballots, "p": participations}
    poll.save()
    audit.record(
        actor=actor,
        action="poll.closed",
        obj=poll,
        province_id=poll.cluster_year.cluster.province_id,
        data={
            "electorate": electorate,
            "participations": participations,
            "ballots": ballots,
            "abstain": abstain,
            "votes": {c.name: votes[c.pk] for c in candidates},
            "quorum": result.quorum,
            "proposed": [c.name for c in candidates if c.proposed],
            "tied": [c.name for c in candidates if c.tied],
            "flagged": poll.flagged,
        },
    )
    return poll


@transaction.atomic
def poll_publish(*, poll, actor):
    """Publish the result: it is frozen from now on and the proposed units become nominations."""
    poll = (
        Poll.objects.select_for_update(no_key=True, of=("self",))
        .select_related("cluster_year__cluster", "award_type")
        .get(pk=poll.pk)
    )
    require(actor, "awards.manage_polls", poll.cluster_year)
    if poll.status == PollStatus.PUBLISHED:
        raise ValidationError(_("The result is already published and cannot be changed."))
    if poll.status != PollStatus.CLOSED:
        raise ValidationError(_("Close the poll before publishing its result."))
    if poll.flagged:
        raise ValidationError(
            _("The count of this poll is flagged (%(reason)s); it cannot be published.")
            % {"reason": poll.flag_reason}
        )
    proposed = list(poll.candidates.filter(proposed=True))
    for c in proposed:
        Nomination.objects.create(
            cluster_year=poll.cluster_year,
            award_type=poll.award_type,
            unit_id=c.unit_id,
            unit_name=c.name,
            poll=poll,
            votes=c.votes or 0,
        )
    poll.status, poll.published_at = PollStatus.PUBLISHED, timezone.now()
    poll.save(update_fields=["status", "published_at"])
    audit.record(
        actor=actor,
        action="poll.published",
        obj=poll,
        province_id=poll.cluster_year.cluster.province_id,
        data={"proposed": [c.name for c in proposed]},
    )
    return poll
