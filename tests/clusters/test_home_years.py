"""The home page lists the person's last five cluster years with their to-dos: its query count
does not grow with the years shown — closed years, or several years (clusters) at the voting
stage with a ballot waiting for the person and polls waiting for the secretary."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import Poll
from clusters.models import Cluster, MemberRole, Membership, Stage
from tests.awards.helpers import award_types, open_poll, rule, to_voting
from tests.factories import ClusterFactory, ClusterYearFactory

pytestmark = pytest.mark.django_db

MEMBERS = (("head", MemberRole.HEAD), ("unit_a", MemberRole.DEPUTY), ("unit_b", MemberRole.MEMBER))


def _members(cast, cy):
    for name, role in MEMBERS:
        Membership.objects.create(cluster_year=cy, unit=getattr(cast, name), role=role)


def _closed_years(cast, n):
    """n earlier years of the cast's cluster, closed, with the same members."""
    for k in range(1, n + 1):
        _members(cast, ClusterYearFactory(cluster=cast.cluster, year=cast.year.year - k, stage=Stage.CLOSED))


def _voting_year(cast, cluster, *, ended):
    """A year at the voting stage with the cast's units (the head's secretary is its secretary)
    and a poll for the leaders: open, or its window ended (the secretary is to close it)."""
    cy = to_voting(cast.year) if cluster is None else ClusterYearFactory(cluster=cluster, year=cast.year.year)
    if cluster is not None:
        _members(cast, cy)
        cy = to_voting(cy)
    types = award_types(cast.province)
    rule(cy, types["co-thanh-pho"], quota_count=1)
    poll = open_poll(
        cy,
        types["co-thanh-pho"],
        candidates=[cast.head, cast.unit_a, cast.unit_b],
        voters=[cast.leader_head, cast.leader_a, cast.leader_b],
        actor=cast.secretary,
    )
    if ended:
        Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    return cy


# same number with 1 or 5 closed years, with 1 or 3 years at the voting stage
HOME = {"secretary": 9, "leader_a": 8, "staff_a": 8}


@pytest.mark.parametrize(("closed", "voting"), [(1, 1), (5, 1), (1, 3), (2, 3)])
@pytest.mark.parametrize("who", list(HOME))
def test_home_query_count_does_not_grow_with_the_years_shown(
    client, cast, django_assert_num_queries, closed, voting, who
):
    _voting_year(cast, None, ended=True)
    for k in range(voting - 1):  # the units are members of other clusters that year too
        _voting_year(cast, ClusterFactory(province=cast.province, name=f"Khối thi đua {k}"), ended=k % 2 == 1)
    _closed_years(cast, closed)
    user = getattr(cast, who)
    client.force_login(user)
    url = reverse("home")
    client.get(url)  # the session is warm
    with django_assert_num_queries(HOME[who]):
        page = client.get(url).content.decode()
    shown = min(5, closed + voting)
    assert page.count('class="h5 card-title"') == shown
    ended = 1 + (voting - 1) // 2
    if who == "leader_a":  # a ballot waiting in each year whose poll is open
        assert page.count("Bỏ phiếu: ") == voting - ended
    if who == "secretary":  # the poll whose window ended, to close and count
        assert page.count("Đóng và kiểm phiếu: ") == ended
    assert Cluster.objects.filter(province=cast.province).count() == voting
