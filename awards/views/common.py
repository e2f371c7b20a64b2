"""What every awards view shares: the province-scoped look-ups (404) before the rule (403), the
errors of a refused service call as messages."""

from django.contrib import messages
from django.db.models.functions import Coalesce

from clusters.access import province_object, require
from clusters.audit import history_for

from ..models import Nomination, Poll


def show_errors(request, exc):
    for msg in exc.messages:
        messages.error(request, msg)


def poll_log(poll):
    """The poll's audit events (not who voted); clusters/_history.html writes them in words."""
    return list(history_for(poll).exclude(action="poll.voted")[:30])


POLL_RELATED = ("award_type", "cluster_year__cluster", "council_province", "parent")


def poll_for(request, pk, perm="awards.view_poll", related=POLL_RELATED):
    """A poll of the user's province (a cluster's, or the province council's), else 404; then the
    rule on the cluster year (a province council's poll: on the poll). `related`: what is read
    with it (the ballot reads only its cluster year: fewer joins to plan on every cast)."""
    qs = Poll.objects.select_related(*related).annotate(
        owner_province_id=Coalesce("cluster_year__cluster__province_id", "council_province_id")
    )
    poll = province_object(request, qs, via="owner_province", pk=pk)
    if perm:
        require(request.user, perm, poll.cluster_year if poll.cluster_year_id else poll)
    return poll


def nomination_for(request, pk):
    return province_object(
        request,
        Nomination.objects.select_related("award_type", "cluster_year__cluster"),
        via="cluster_year__cluster__province",
        pk=pk,
    )
