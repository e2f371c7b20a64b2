"""Casting a ballot.

Ballot secrecy: `ballot_cast` writes a Participation (who) and a sealed envelope (what, as
ciphertext under the poll's key) that share no key; the audit event "poll.voted" names the voter
but never the envelope or its receipt. Plaintext ballots exist only after the close (ballot_box)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from clusters import audit
from clusters.closing import refuse_if_closed

from .. import ballot_box, notices
from ..models import Elector, Participation, Poll
from ..receipts import new_receipt_code
from ..rules import cast_refusal


class VoteRefused(ValidationError):
    """A vote that is not accepted (outside the window or the electorate, a second vote, …)."""


@transaction.atomic
def ballot_cast(*, poll, actor, candidate_ids=(), abstain=False):
    """`actor` casts one ballot; returns the receipt code (shown once, never stored in clear).

    Who may cast and what a valid ballot is are decided by `rules.cast_refusal` and
    `Poll.ballot_problem`, which the ballot page asks too; here they are asked again under the lock.
    The voter's Elector row is locked first, so parallel submissions by one person queue up and
    all but the first find the Participation; the unique constraint is the last line of defence.
    `poll_close` locks the same rows, so no vote slips in while a poll is being counted. Polls are
    locked FOR NO KEY UPDATE, which does not block the foreign-key checks (FOR KEY SHARE) of the
    Participation and envelope inserts — a plain FOR UPDATE deadlocks a vote racing the close."""
    elector = Elector.objects.select_for_update().filter(poll_id=poll.pk, user_id=actor.pk).first()
    poll = Poll.objects.select_related("cluster_year__cluster").get(pk=poll.pk)
    try:
        refuse_if_closed(poll)  # a closed year refuses every change, a ballot too
    except ValidationError as exc:
        raise VoteRefused(exc.messages[0]) from exc
    refusal = cast_refusal(actor, poll, is_elector=elector is not None)
    if refusal:
        raise VoteRefused(refusal.message)
    problem = poll.ballot_problem(candidate_ids, abstain)
    if problem:
        raise VoteRefused(problem)
    ids = {int(i) for i in candidate_ids}
    try:
        with transaction.atomic():
            Participation.objects.create(poll_id=poll.pk, user_id=actor.pk)
    except IntegrityError as exc:
        raise VoteRefused(
            _("You have already voted in this poll. Each voter has exactly one ballot.")
        ) from exc
    code = new_receipt_code()
    ballot_box.envelope_put(
        poll=poll,
        code=code,
        candidate_ids=ids,
        abstain=abstain,
        voter_name="" if poll.secret else (actor.full_name or actor.username),
        n_candidates=poll.candidates.count(),
    )
    audit.record(
        actor=actor,
        action="poll.voted",
        obj=poll,
        province_id=poll.province_id,
        data={"voter": actor.pk},
    )
    notices.voted(poll, actor)
    return code
