"""Province-level polls: the province council, run by the province admin, votes on the
nominations that come from all the province's clusters (e.g. which units the province proposes
for the Government flag). Same ballot box, secrecy, receipts, count and minutes as a cluster's poll:
only the electorate (the province council's roster) and the candidates (nominations) differ."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clusters import audit
from clusters.models import Province

from .. import ballot_box, notices
from .. import roster as rosters
from ..models import Elector, ElectorateKind, Nomination, Poll, PollCandidate
from ..models.rules import SNAPSHOT_FIELDS
from ..rule_defaults import default_snapshot
from ._base import require
from .polls import check_window
from .rules import check_rule


def council_electors(province_id, year, voters):
    """(electors, statutory size): the voters, each an account on the province council's roster."""
    roster = rosters.seats(province_id=province_id, year=year)
    if not roster:
        raise ValidationError(
            _("Enter the members of the province council for %(year)s first.") % {"year": year}
        )
    voters = list(voters)
    if not voters:
        raise ValidationError(_("Choose at least one voter."))
    on_roster = {s.user_id for s in roster if s.user_id}
    outside = [u for u in voters if u.pk not in on_roster or u.province_id != province_id]
    if outside:
        raise ValidationError(
            _("%(names)s is not on the council's roster of members.")
            % {"names": ", ".join(str(u) for u in outside)}
        )
    return [(u, None) for u in voters], len(roster)


@transaction.atomic
def province_poll_open(
    *, province, year, award_type, title, opens_at, closes_at, voters, nominations, seats, actor, rule=None
):
    """Open the province council's poll on `award_type` over `nominations` (of the province's
    clusters, for that award, in `year`), for `seats` units. `rule`: the vote's threshold, quorum,
    tie-break… (fields of an award rule; the defaults otherwise), frozen in the poll."""
    province = Province.objects.select_for_update().get(pk=province.pk)
    require(actor, "awards.manage_province_polls", province)
    if award_type.province_id != province.pk:
        raise ValidationError(_("The award type belongs to another province."))
    if Poll.objects.filter(
        council_province=province, council_year=year, award_type=award_type, parent__isnull=True
    ).exists():
        raise ValidationError(_("A poll for this award already exists this year."))
    check_window(opens_at, closes_at)
    snapshot = default_snapshot(**{k: v for k, v in (rule or {}).items() if k in SNAPSHOT_FIELDS})
    check_rule(snapshot)
    if not seats or seats <= 0:
        raise ValidationError(_("Enter the number of units the council may propose."))
    ids = {n.pk for n in nominations}
    noms = list(
        Nomination.objects.filter(
            pk__in=ids,
            cluster_year__cluster__province=province,
            cluster_year__year=year,
            award_type=award_type,
        ).select_related("cluster_year__cluster")
    )
    if not noms or len(noms) != len(ids):
        raise ValidationError(
            _("Choose nominations for this award from the province's clusters of %(year)s.") % {"year": year}
        )
    if len({n.unit_id for n in noms}) != len(noms):
        raise ValidationError(_("A unit is nominated twice: choose one of its nominations."))
    electors, statutory = council_electors(province.pk, year, voters)
    poll = Poll.objects.create(
        council_province=province,
        council_year=year,
        award_type=award_type,
        title=title or award_type.name,
        opens_at=opens_at,
        closes_at=closes_at,
        electorate_kind=ElectorateKind.COUNCIL,
        quota=seats,
        rule=snapshot,
        secret=snapshot["secret"],
        created_by=actor,
        statutory_size=statutory,
    )
    noms.sort(key=lambda n: (n.cluster_year.cluster.name, n.unit_name))
    PollCandidate.objects.bulk_create(
        [
            PollCandidate(poll=poll, unit_id=n.unit_id, name=n.unit_name, nomination=n, position=i)
            for i, n in enumerate(noms)
        ]
    )
    Elector.objects.bulk_create([Elector(poll=poll, user=u) for u, _x in electors])
    audit.record(
        actor=actor,
        action="poll.opened",
        obj=poll,
        province_id=province.pk,
        data={
            "award": award_type.code,
            "year": year,
            "seats": seats,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "nominations": sorted(ids),
            "voters": [u.pk for u, _x in electors],
            "council_members": statutory,
            "rule": snapshot,
        },
    )
    ballot_box.key_for(poll)
    notices.poll_opened(poll)
    return poll
