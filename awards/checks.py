"""What closing a poll, publishing its result or sending the dossier would leave behind, listed
before the step (clusters.confirm): the step then goes on only with a reason, kept in its audit
event."""

from django.utils.translation import gettext as _

from clusters.confirm import Shortfall, found
from clusters.selectors import vn_sort_key

from .models import Elector, Nomination, Participation, Poll, PollStatus
from .selectors import higher_awards_pending


def close_shortfall(poll):
    """Voters who have not voted yet ("5/8 voters have voted; not voted yet: …")."""
    voted = set(Participation.objects.filter(poll=poll).values_list("user_id", flat=True))
    electors = list(Elector.objects.filter(poll=poll).select_related("user", "unit"))
    missing = [
        e.unit.name if e.unit_id else (e.user.full_name or e.user.username)
        for e in electors
        if e.user_id not in voted
    ]
    if not missing:
        return None
    return Shortfall(
        _("%(n)s/%(m)s voters have voted; not voted yet:")
        % {"n": len(electors) - len(missing), "m": len(electors)},
        sorted(missing, key=vn_sort_key),
    )


def publish_shortfalls(poll):
    """Before the result is frozen: the voters who did not vote, and higher awards of the year whose
    vote is not finished (their winners may not be known yet)."""
    shortfalls = [close_shortfall(poll)]
    # a province council's poll (no cluster year) selects among nominations already decided
    pending = higher_awards_pending(poll.cluster_year, poll.award_type) if poll.cluster_year_id else []
    if pending:
        shortfalls.append(Shortfall(_("The vote on a higher award is not finished:"), pending))
    return found(shortfalls)


def dossier_shortfalls(cluster_year):
    """Polls of the year not published, nominations without their achievement report."""
    shortfalls = []
    polls = list(Poll.objects.filter(cluster_year=cluster_year).only("title", "status"))
    unpublished = [p.title for p in polls if p.status != PollStatus.PUBLISHED]
    if unpublished:
        shortfalls.append(
            Shortfall(
                _("%(n)s/%(m)s polls are published; not published:")
                % {"n": len(polls) - len(unpublished), "m": len(polls)},
                sorted(unpublished, key=vn_sort_key),
            )
        )
    nominations = list(Nomination.objects.filter(cluster_year=cluster_year).select_related("award_type"))
    without = [f"{n.unit_name} – {n.award_type.name}" for n in nominations if not n.achievement_report]
    if without:
        shortfalls.append(
            Shortfall(
                _("%(n)s/%(m)s nominations have their achievement report; missing:")
                % {"n": len(nominations) - len(without), "m": len(nominations)},
                without,
            )
        )
    return shortfalls
