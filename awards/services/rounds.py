"""A new round after a failed quorum or an inconclusive vote, and a tie settled by the chair.

The earlier round stays as it was counted (kept in the record and in the minutes); the new round
is a child poll (`parent`), like a run-off, with the candidates not yet proposed and the seats
still free. A tie for the last seat goes to a run-off (services.polls.runoff_open) or, when the
rule says so, to the chair's decision, recorded here and audited."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from clusters import audit

from .. import ballot_box, notices
from .. import roster as rosters
from ..models import Elector, Poll, PollCandidate, PollStatus, RoundReason, TieBreak
from ..progress import tie_pending
from ..rules import polls_may_open
from ._base import require_poll_manager
from .polls import candidates_carry, check_window, electors_checked, statutory_size
from .province_polls import council_electors


def _locked(poll):
    return (
        Poll.objects.select_for_update(no_key=True, of=("self",))
        .select_related("cluster_year__cluster", "award_type")
        .get(pk=poll.pk)
    )


@transaction.atomic
def round_open(*, poll, opens_at, closes_at, actor, voters=None):
    """Open the next round of a counted poll whose quorum failed, or whose seats were not all
    filled (nobody else reached the threshold). `voters`: a new list (e.g. members who were
    absent are now present); by default the earlier round's."""
    poll = _locked(poll)
    require_poll_manager(actor, poll)
    if poll.status == PollStatus.OPEN:
        raise ValidationError(_("Close the poll first."))
    if poll.flagged:
        raise ValidationError(_("The count of this poll is flagged; investigate it before voting again."))
    if poll.runoffs.exists():
        raise ValidationError(_("A later round of this poll already exists."))
    candidates = list(poll.candidates.all())
    if tie_pending(poll, candidates):
        raise ValidationError(
            _("This vote is tied for the last seat: open a run-off (or record the chair's decision).")
        )
    proposed = [c for c in candidates if c.proposed]
    seats = poll.quota - len(proposed)
    remaining = [c for c in candidates if not c.proposed]
    if poll.quorum_met and seats <= 0:
        raise ValidationError(_("Every seat of this award is filled: there is nothing to vote on again."))
    if not remaining:
        raise ValidationError(_("No candidate is left for a new round."))
    cy = poll.cluster_year
    if cy is not None and not polls_may_open(cy):  # e.g. a closed year's published poll
        raise ValidationError(_("Polls can only be opened while the year is at the review and voting stage."))
    if (
        cy is not None
        and Poll.objects.filter(
            cluster_year=cy, award_type__precedence__gt=poll.award_type.precedence
        ).exists()
    ):
        raise ValidationError(
            _(
                "A lower award has already been voted on this year: a new round of a higher "
                "award would change its seats."
            )
        )
    check_window(opens_at, closes_at)
    if voters is None:
        electors = [(e.user, e.unit_id) for e in poll.electors.select_related("user")]
        statutory = poll.statutory_size
    elif cy is None:
        electors, statutory = council_electors(poll.council_province_id, poll.council_year, voters)
    else:
        electors = electors_checked(cy, poll.electorate_kind, voters)
        statutory = statutory_size(rosters.of_year(cy), electors)
    reason = RoundReason.NO_QUORUM if not poll.quorum_met else RoundReason.INCONCLUSIVE
    child = Poll.objects.create(
        cluster_year=cy,
        council_province_id=poll.council_province_id,
        council_year=poll.council_year,
        award_type_id=poll.award_type_id,
        parent=poll,
        round=poll.round + 1,
        round_reason=reason,
        title=_("%(title)s – round %(round)s") % {"title": poll.award_type.name, "round": poll.round + 1},
        opens_at=opens_at,
        closes_at=closes_at,
        electorate_kind=poll.electorate_kind,
        quota=min(seats, poll.quota),
        rule=poll.rule,
        secret=poll.secret,
        created_by=actor,
        statutory_size=statutory,
    )
    candidates_carry(child, remaining)
    Elector.objects.bulk_create([Elector(poll=child, user=u, unit_id=unit_id) for u, unit_id in electors])
    audit.record(
        actor=actor,
        action="poll.round_opened",
        obj=child,
        province_id=poll.province_id,
        data={
            "parent": poll.pk,
            "reason": reason,
            "seats": child.quota,
            "candidates": [c.name for c in remaining],
            "voters": [u.pk for u, _x in electors],
        },
    )
    ballot_box.key_for(child)
    notices.poll_opened(child)
    return child


@transaction.atomic
def tie_decide(*, poll, actor, candidate_ids, chair_name, note=""):
    """Record the chair's decision of a tie for the last seat(s), where the rule gives the tie to
    the chair: the chosen tied units are proposed, the others not. Before publication only."""
    poll = _locked(poll)
    require_poll_manager(actor, poll)
    if poll.status != PollStatus.CLOSED:
        raise ValidationError(_("The chair decides a tie after the count and before publication."))
    if (poll.rule.get("tie_break") or TieBreak.RUNOFF) != TieBreak.CHAIR:
        raise ValidationError(_("The rule of this award does not give a tie to the chair."))
    tied = list(poll.candidates.filter(tied=True))
    if not poll.runoff_seats or not tied:
        raise ValidationError(_("There is no tie to resolve in this poll."))
    if poll.runoffs.exists():
        raise ValidationError(_("A run-off for this poll already exists."))
    chosen = {int(i) for i in candidate_ids}
    if not chosen <= {c.pk for c in tied} or len(chosen) != poll.runoff_seats:
        raise ValidationError(_("Choose exactly %(n)s of the tied units.") % {"n": poll.runoff_seats})
    chair_name = (chair_name or "").strip()
    if not chair_name:
        raise ValidationError(_("Enter the name of the chair who decided."))
    for c in tied:
        c.tied, c.proposed, c.won_tie = False, c.pk in chosen, c.pk in chosen
    PollCandidate.objects.bulk_update(tied, ["tied", "proposed", "won_tie"])
    poll.runoff_seats = 0
    names = ", ".join(c.name for c in tied if c.pk in chosen)
    with translation.override(settings.LANGUAGE_CODE):  # the record reads in the documents' language
        poll.tie_note = _("Tie decided by the chair, %(chair)s: %(names)s.") % {
            "chair": chair_name,
            "names": names,
        }
    if (note or "").strip():
        poll.tie_note = f"{poll.tie_note} {note.strip()}"[:500]
    poll.save(update_fields=["runoff_seats", "tie_note"])
    audit.record(
        actor=actor,
        action="poll.tie_decided",
        obj=poll,
        province_id=poll.province_id,
        data={"chair": chair_name, "chosen": [c.name for c in tied if c.pk in chosen], "note": note},
    )
    return poll
