"""A vote taken on paper in the meeting room: the secretary enters the Ban kiểm phiếu's count
(ballots issued, received, invalid; votes per candidate) and the poll is counted by the same
rule as an online vote. One write path, atomic and audited."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters import audit

from ..models import PaperCount, Poll, PollStatus
from ._base import require_poll_manager
from .closing import count, store_count


@transaction.atomic
def poll_close_paper(*, poll, actor, issued, received, invalid, votes):
    """Close an open poll with a paper count. `votes`: {candidate id: votes}."""
    poll = (
        Poll.objects.select_for_update(no_key=True, of=("self",))
        .select_related("cluster_year__cluster")
        .get(pk=poll.pk)
    )
    require_poll_manager(actor, poll)
    if poll.status != PollStatus.OPEN:
        raise ValidationError(_("This poll is already closed."))
    if poll.participations.exists():
        raise ValidationError(_("Ballots were cast online in this poll: it is counted online, not on paper."))
    errors = []
    electors = poll.electors.count()
    if poll.statutory_size and issued > poll.statutory_size:  # members without an account vote on paper too
        errors.append(
            _("More ballots issued (%(i)s) than members of the council (%(e)s).")
            % {"i": issued, "e": poll.statutory_size}
        )
    elif not poll.statutory_size and electors and issued > electors:
        errors.append(
            _("More ballots issued (%(i)s) than voters on the list (%(e)s).") % {"i": issued, "e": electors}
        )
    if received > issued:
        errors.append(_("More ballots received (%(r)s) than issued (%(i)s).") % {"r": received, "i": issued})
    if invalid > received:
        errors.append(
            _("More invalid ballots (%(n)s) than received (%(r)s).") % {"n": invalid, "r": received}
        )
    valid = received - invalid
    candidates = list(poll.candidates.all())
    for c in candidates:
        n = votes.get(c.pk, 0)
        if n < 0 or n > valid:
            errors.append(
                _("%(name)s: %(n)s votes for %(valid)s valid ballots.")
                % {"name": c.name, "n": n, "valid": valid}
            )
    if sum(votes.get(c.pk, 0) for c in candidates) > valid * max(poll.quota, 1):
        errors.append(_("More votes than the valid ballots can carry (each ballot chooses up to the quota)."))
    if errors:
        raise ValidationError(errors)
    electorate = electors or issued
    votes = {c.pk: votes.get(c.pk, 0) for c in candidates}
    tally = count(poll, candidates, votes, electorate=electorate, participations=received, ballots=valid)
    now = timezone.now()
    store_count(poll, candidates, votes, tally, now, electorate, received, valid, 0)
    poll.closes_at = max(poll.opens_at + datetime.timedelta(seconds=1), min(poll.closes_at, now))
    poll.save()
    PaperCount.objects.create(
        poll=poll, ballots_issued=issued, ballots_received=received, ballots_invalid=invalid, entered_by=actor
    )
    audit.record(
        actor=actor,
        action="poll.closed_on_paper",
        obj=poll,
        province_id=poll.province_id,
        data={
            "issued": issued,
            "received": received,
            "invalid": invalid,
            "votes": {c.name: c.votes for c in candidates},
            "quorum": tally.quorum,
            "proposed": [c.name for c in candidates if c.proposed],
            "tied": [c.name for c in candidates if c.tied],
            "won_tie": [c.name for c in candidates if c.won_tie],
            "council_members": poll.statutory_size,
        },
    )
    return poll
