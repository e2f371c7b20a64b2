"""Casting a ballot.

Ballot secrecy: `ballot_cast` writes a Participation (who) and a Ballot (what) that share no key;
the audit event "poll.voted" names the voter but never the ballot or its receipt."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clusters import audit

from ..models import Ballot, BallotChoice, Elector, Participation, Poll, PollStatus
from ..receipts import new_receipt_code, receipt_hash


class VoteRefused(ValidationError):
    """A vote that is not accepted (outside the window or the electorate, a second vote, …)."""


def _when(value):
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def window_problem(poll, now=None):
    """Why a vote cannot be cast in this poll right now (closed, not yet open, over), or None."""
    now = now or timezone.now()
    if poll.status != PollStatus.OPEN:
        return _("This poll is closed; votes are no longer accepted.")
    if now < poll.opens_at:
        return _("Voting has not started yet: it opens at %(at)s.") % {"at": _when(poll.opens_at)}
    if now >= poll.closes_at:
        return _("Voting ended at %(at)s; your vote cannot be accepted.") % {"at": _when(poll.closes_at)}
    return None


@transaction.atomic
def ballot_cast(*, poll, user, candidate_ids=(), abstain=False):
    """Cast one ballot; returns the receipt code (shown once, never stored in clear).

    The voter's Elector row is locked first, so parallel submissions by one person queue up and
    all but the first find the Participation; the unique constraint is the last line of defence.
    `poll_close` locks the same rows, so no vote slips in while a poll is being counted. Polls are
    locked FOR NO KEY UPDATE, which does not block the foreign-key checks (FOR KEY SHARE) of the
    Participation and Ballot inserts — a plain FOR UPDATE deadlocks a vote racing the close."""
    elector = Elector.objects.select_for_update().filter(poll_id=poll.pk, user_id=user.pk).first()
    poll = Poll.objects.select_related("cluster_year__cluster").get(pk=poll.pk)
    if elector is None:
        raise VoteRefused(
            _("You are not on the list of voters of this poll, so your vote cannot be accepted.")
        )
    problem = window_problem(poll)
    if problem:
        raise VoteRefused(problem)
    if Participation.objects.filter(poll_id=poll.pk, user_id=user.pk).exists():
        raise VoteRefused(_("You have already voted in this poll. Each voter has exactly one ballot."))
    try:
        ids = {int(i) for i in candidate_ids}
    except (TypeError, ValueError) as exc:
        raise VoteRefused(_("The ballot names someone who is not a candidate in this poll.")) from exc
    valid = set(poll.candidates.values_list("pk", flat=True))
    if not ids <= valid:
        raise VoteRefused(_("The ballot names someone who is not a candidate in this poll."))
    if abstain and ids:
        raise VoteRefused(_("Either abstain or choose candidates, not both."))
    if not abstain and not ids:
        raise VoteRefused(_("Choose at least one candidate, or abstain."))
    if len(ids) > poll.quota:
        raise VoteRefused(_("You may choose at most %(n)s candidate(s) for this award.") % {"n": poll.quota})
    try:
        with transaction.atomic():
            Participation.objects.create(poll_id=poll.pk, user_id=user.pk)
    except IntegrityError as exc:
        raise VoteRefused(
            _("You have already voted in this poll. Each voter has exactly one ballot.")
        ) from exc
    code = new_receipt_code()
    ballot = Ballot.objects.create(
        poll_id=poll.pk,
        receipt_hash=receipt_hash(code),
        abstain=bool(abstain),
        voter_name="" if poll.secret else (user.full_name or user.username),
    )
    BallotChoice.objects.bulk_create([BallotChoice(ballot=ballot, candidate_id=i) for i in sorted(ids)])
    audit.record(
        actor=user,
        action="poll.voted",
        obj=poll,
        province_id=poll.cluster_year.cluster.province_id,
        data={"voter": user.pk},
    )
    return code
