"""Opening a poll and the run-off of a tie (the cluster secretary)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters import audit
from clusters.models import ClusterYear, Role

from .. import ballot_box, notices, selectors
from .. import roster as rosters
from ..models import AwardRule, Elector, ElectorateKind, Poll, PollCandidate, PollStatus, RoundReason
from ..rules import polls_may_open
from ._base import require, require_poll_manager


def check_window(opens_at, closes_at):
    if opens_at is None or closes_at is None:
        raise ValidationError(_("Enter the opening and closing time."))
    if closes_at <= opens_at:
        raise ValidationError(_("The poll must close after it opens."))
    if closes_at <= timezone.now():
        raise ValidationError(_("The closing time is already past."))


def statutory_size(roster, electors):
    """The council's statutory membership (0 without a roster); every voter ticked must hold a
    seat on it."""
    if not roster:
        return 0
    outside = rosters.off_roster(roster, electors)
    if outside:
        raise ValidationError(
            _("%(names)s is not on the council's roster of members.")
            % {"names": ", ".join(str(u) for u in outside)}
        )
    return len(roster)


def electors_checked(cluster_year, electorate_kind, voters):
    roles = selectors.unit_roles(cluster_year)
    voters = list(voters)
    if not voters:
        raise ValidationError(_("Choose at least one voter."))
    province_id = cluster_year.cluster.province_id
    rows, seen_units = [], set()
    for user in voters:
        if user.province_id != province_id:
            raise ValidationError(_("%(name)s belongs to another province.") % {"name": user})
        unit_id = None
        if electorate_kind == ElectorateKind.UNITS:
            if user.unit_id not in roles:
                raise ValidationError(_("%(name)s does not represent a member unit.") % {"name": user})
            if user.unit_id in seen_units:
                raise ValidationError(
                    _("One voter per member unit: %(name)s's unit already has a voter.") % {"name": user}
                )
            seen_units.add(user.unit_id)
            unit_id = user.unit_id
        elif not user.has_role(Role.COUNCIL_MEMBER):
            raise ValidationError(_("%(name)s is not a council member.") % {"name": user})
        rows.append((user, unit_id))
    return rows


@transaction.atomic
def poll_open(
    *,
    cluster_year,
    award_type,
    title,
    opens_at,
    closes_at,
    electorate_kind,
    voters,
    candidate_units,
    actor,
    check_stage=True,
):
    """Open the main poll of an award: candidates the rules allow, the electorate, the window.

    `check_stage=False` only for loading past years (demo data): the year's stage is then not
    asked, the secretary's permission still is."""
    cy = ClusterYear.objects.select_for_update().select_related("cluster").get(pk=cluster_year.pk)
    require(actor, "awards.manage_polls", cy)
    rule = (
        AwardRule.objects.filter(cluster_year=cy, award_type=award_type).select_related("award_type").first()
    )
    if check_stage and not polls_may_open(cy, rule):
        raise ValidationError(_("Polls can only be opened while the year is at the review and voting stage."))
    if rule is None:
        raise ValidationError(_("The province has not set the rule of this award for this year."))
    if Poll.objects.filter(cluster_year=cy, award_type=award_type, parent__isnull=True).exists():
        raise ValidationError(_("A poll for this award already exists this year."))
    pending = selectors.higher_awards_pending(cy, award_type)
    if pending:
        raise ValidationError(
            _("Decide the higher awards first: %(awards)s.") % {"awards": ", ".join(pending)}
        )
    check_window(opens_at, closes_at)
    seats = selectors.poll_seats(cy, rule)
    if seats <= 0:
        raise ValidationError(
            _("The quota of this award is zero for this year: there is nothing to vote on.")
        )
    allowed = {c.unit_id: c for c in selectors.candidate_options(cy, rule) if c.allowed}
    units = list(candidate_units)
    if not units:
        raise ValidationError(_("Choose at least one candidate."))
    for unit in units:
        if unit.pk not in allowed:
            raise ValidationError(_("%(unit)s cannot be a candidate for this award.") % {"unit": unit.name})
    electors = electors_checked(cy, electorate_kind, voters)
    statutory = statutory_size(rosters.of_year(cy), electors)
    poll = Poll.objects.create(
        cluster_year=cy,
        award_type=award_type,
        title=title or award_type.name,
        opens_at=opens_at,
        closes_at=closes_at,
        electorate_kind=electorate_kind,
        quota=seats,
        rule=rule.snapshot(),
        secret=rule.secret,
        created_by=actor,
        statutory_size=statutory,
    )
    PollCandidate.objects.bulk_create(
        [
            PollCandidate(
                poll=poll,
                unit=u,
                name=allowed[u.pk].name,
                position=i,
                total=allowed[u.pk].total,
                rank=allowed[u.pk].rank,
            )
            for i, u in enumerate(
                sorted(units, key=lambda u: (allowed[u.pk].rank or 999, allowed[u.pk].name))
            )
        ]
    )
    Elector.objects.bulk_create([Elector(poll=poll, user=u, unit_id=unit_id) for u, unit_id in electors])
    audit.record(
        actor=actor,
        action="poll.opened",
        obj=poll,
        province_id=cy.cluster.province_id,
        data={
            "award": award_type.code,
            "seats": seats,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "candidates": [u.pk for u in units],
            # chosen by hand although they never submitted their scores (not offered by default)
            "not_submitted": [allowed[u.pk].name for u in units if not allowed[u.pk].submitted],
            "voters": [u.pk for u, _x in electors],
            "council_members": statutory,
            "rule": rule.snapshot(),
        },
    )
    ballot_box.key_for(poll)  # the envelope key exists from the opening
    notices.poll_opened(poll)
    return poll


@transaction.atomic
def runoff_open(*, poll, opens_at, closes_at, actor):
    """A run-off between the candidates tied at the quota boundary, for the seats left."""
    poll = (
        Poll.objects.select_for_update(no_key=True, of=("self",))
        .select_related("cluster_year__cluster")
        .get(pk=poll.pk)
    )
    require_poll_manager(actor, poll)
    if poll.status == PollStatus.OPEN:
        raise ValidationError(_("Close the poll first."))
    tied = list(poll.candidates.filter(tied=True))
    if not poll.runoff_seats or not tied:
        raise ValidationError(_("There is no tie to resolve in this poll."))
    if poll.runoffs.exists():
        raise ValidationError(_("A run-off for this poll already exists."))
    check_window(opens_at, closes_at)
    child = Poll.objects.create(
        cluster_year=poll.cluster_year,
        council_province_id=poll.council_province_id,
        council_year=poll.council_year,
        award_type_id=poll.award_type_id,
        parent=poll,
        round=poll.round + 1,
        round_reason=RoundReason.RUNOFF,
        statutory_size=poll.statutory_size,
        title=_("%(title)s – run-off (round %(round)s)")
        % {"title": poll.award_type.name, "round": poll.round + 1},
        opens_at=opens_at,
        closes_at=closes_at,
        electorate_kind=poll.electorate_kind,
        quota=poll.runoff_seats,
        rule=poll.rule,
        secret=poll.secret,
        created_by=actor,
    )
    candidates_carry(child, tied)
    Elector.objects.bulk_create(
        [Elector(poll=child, user_id=e.user_id, unit_id=e.unit_id) for e in poll.electors.all()]
    )
    audit.record(
        actor=actor,
        action="poll.runoff_opened",
        obj=child,
        province_id=poll.province_id,
        data={"parent": poll.pk, "seats": poll.runoff_seats, "candidates": [c.name for c in tied]},
    )
    ballot_box.key_for(child)
    return child


def candidates_carry(child, candidates):
    """The candidates of an earlier round carried into the next (run-off or new round), in order,
    with their scores and ranks for the tie-break."""
    PollCandidate.objects.bulk_create(
        [
            PollCandidate(
                poll=child,
                unit_id=c.unit_id,
                name=c.name,
                nomination_id=c.nomination_id,
                position=i,
                total=c.total,
                rank=c.rank,
            )
            for i, c in enumerate(candidates)
        ]
    )
