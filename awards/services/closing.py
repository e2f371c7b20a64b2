"""Closing a poll (the sealed ballots opened in random order, then counted) and publishing its result."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters import audit, confirm

from .. import ballot_box, checks, counting, notices
from ..envelopes import EnvelopeError
from ..models import BallotChoice, Elector, Nomination, Poll, PollCandidate, PollStatus
from ._base import require_poll_manager


def count(poll, candidates, votes, *, electorate, participations, ballots):
    """The tally of a poll by its frozen rule, online or on paper alike: "of all members" and the
    quorum against the council's statutory membership when the poll has one (else the voters on
    its list), a tie for the last seat broken by the rule (score, rank) where it can be."""
    return counting.tally(
        poll.rule,
        votes=votes,
        seats=poll.quota,
        electorate=poll.statutory_size or electorate,
        participations=participations,
        ballots=ballots,
        standing={c.pk: (c.total, c.rank) for c in candidates},
    )


def store_count(poll, candidates, votes, result, now, electorate, participations, ballots, abstain):
    """Write a counted result (online or on paper) on the candidates and the poll, now closed.
    The caller saves the poll (after any flag of its own)."""
    for c in candidates:
        c.votes, c.share, c.met_threshold = votes[c.pk], result.shares[c.pk], result.met[c.pk]
        c.proposed, c.tied = c.pk in result.proposed, c.pk in result.tied
        c.won_tie = c.pk in result.won_tie
    PollCandidate.objects.bulk_update(
        candidates, ["votes", "share", "met_threshold", "proposed", "tied", "won_tie"]
    )
    poll.status, poll.closed_at = PollStatus.CLOSED, now
    poll.electorate_size, poll.participation_count, poll.ballot_count = electorate, participations, ballots
    poll.abstain_count, poll.quorum_met, poll.runoff_seats = abstain, result.quorum, result.runoff_seats


@transaction.atomic
def poll_close(*, poll, actor, reason=""):
    """Close the poll, count, and check that ballots == participations (else flag it). Closing
    before every voter has voted needs a reason (clusters.confirm), kept in the audit event."""
    poll = (
        Poll.objects.select_for_update(no_key=True, of=("self",))
        .select_related("cluster_year__cluster")
        .get(pk=poll.pk)
    )
    require_poll_manager(actor, poll)
    if poll.status != PollStatus.OPEN:
        raise ValidationError(_("This poll is already closed."))
    list(Elector.objects.select_for_update().filter(poll=poll).values_list("pk", flat=True))  # wait for votes
    now = timezone.now()
    if now <= poll.opens_at:
        raise ValidationError(_("The poll has not opened yet."))
    shortfalls = confirm.found([checks.close_shortfall(poll)])
    reason = confirm.reason_to_go_on(shortfalls, reason)
    if now < poll.closes_at:
        poll.closes_at = now
    sealed = poll.envelopes.count()
    try:
        ballot_box.open_all(poll)
    except EnvelopeError as exc:
        raise ValidationError(
            _(
                "The sealed ballots of this poll cannot be opened (has the ballot key secret "
                "changed?). Nothing was counted; restore the secret and close again."
            )
        ) from exc
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
    result = count(
        poll, candidates, votes, electorate=electorate, participations=participations, ballots=ballots
    )
    store_count(poll, candidates, votes, result, now, electorate, participations, ballots, abstain)
    if ballots != participations or (sealed and sealed != ballots):
        poll.flagged = True
        poll.flag_reason = _(
            "%(b)s ballots for %(p)s voters who took part: the count must be investigated."
        ) % {"b": ballots, "p": participations}
    poll.save()
    audit.record(
        actor=actor,
        action="poll.closed",
        obj=poll,
        province_id=poll.province_id,
        data={
            "electorate": electorate,
            "participations": participations,
            "ballots": ballots,
            "sealed": sealed,
            "abstain": abstain,
            "votes": {c.name: votes[c.pk] for c in candidates},
            "quorum": result.quorum,
            "proposed": [c.name for c in candidates if c.proposed],
            "tied": [c.name for c in candidates if c.tied],
            "won_tie": [c.name for c in candidates if c.won_tie],
            "council_members": poll.statutory_size,
            "flagged": poll.flagged,
            **confirm.audit_data(shortfalls),
        },
        reason=reason,
    )
    return poll


@transaction.atomic
def poll_publish(*, poll, actor, reason=""):
    """Publish the result: it is frozen from now on and the proposed units become nominations (of
    the cluster year; a province council's poll selects among nominations already made).
    Publishing with voters missing or a higher award's vote unfinished needs a reason
    (clusters.confirm)."""
    poll = (
        Poll.objects.select_for_update(no_key=True, of=("self",))
        .select_related("cluster_year__cluster", "award_type")
        .get(pk=poll.pk)
    )
    require_poll_manager(actor, poll)
    if poll.status == PollStatus.PUBLISHED:
        raise ValidationError(_("The result is already published and cannot be changed."))
    if poll.status != PollStatus.CLOSED:
        raise ValidationError(_("Close the poll before publishing its result."))
    if poll.flagged:
        raise ValidationError(
            _("The count of this poll is flagged (%(reason)s); it cannot be published.")
            % {"reason": poll.flag_reason}
        )
    shortfalls = checks.publish_shortfalls(poll)
    reason = confirm.reason_to_go_on(shortfalls, reason)
    proposed = list(poll.candidates.filter(proposed=True))
    # a cluster's result becomes nominations; a province council's result stays its selection
    for c in proposed if poll.cluster_year_id else ():
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
        province_id=poll.province_id,
        data={"proposed": [c.name for c in proposed], **confirm.audit_data(shortfalls)},
        reason=reason,
    )
    notices.published(poll, proposed)
    return poll
