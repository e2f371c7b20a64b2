"""Eligibility from the ranking, the stage guard, secretary to-dos, dossier submission, and
constant query counts on the list pages."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from awards import selectors, services
from awards.models import AwardType, Nomination, Poll
from clusters.home import todos_for
from clusters.models import Stage
from clusters.services import stage_advance
from tests.awards.helpers import award_types, open_poll, rule, submit_dossier, to_voting, vote

pytestmark = pytest.mark.django_db


def _ranking(cast, rows):
    def ranking_for_year(cluster_year):
        return [
            SimpleNamespace(
                unit=u, unit_name=u.name, total=Decimal(t), rank=r, eligible=e, ineligible_reason=why
            )
            for u, t, r, e, why in rows
        ]

    return ranking_for_year


def test_candidates_follow_the_ranking_and_the_rule(cast, monkeypatch):
    """The scoring app's contract (ranking_for_year rows); the rows are given here, the filter is ours."""
    import emulation.scoring.selectors as scoring

    monkeypatch.setattr(
        scoring,
        "ranking_for_year",
        _ranking(
            cast,
            [
                (cast.unit_a, "95.5", 1, True, ""),
                (cast.head, "90", 2, True, ""),
                (cast.unit_b, "97", 0, False, "vi phạm kỷ luật"),
            ],
        ),
    )
    cy = to_voting(cast.year)
    types = award_types(cast.province)
    gov = rule(cy, types["co-chinh-phu"], leading_unit_only=True)
    options = {o.unit_id: o for o in selectors.candidate_options(cy, gov)}
    assert options[cast.unit_a.pk].allowed and options[cast.unit_a.pk].rank == 1
    assert not options[cast.head.pk].allowed and "dẫn đầu" in options[cast.head.pk].reason
    assert not options[cast.unit_b.pk].allowed and "vi phạm kỷ luật" in options[cast.unit_b.pk].reason
    city = rule(cy, types["co-thanh-pho"], min_total=Decimal("92"))
    options = {o.unit_id: o for o in selectors.candidate_options(cy, city)}
    assert [k for k, o in options.items() if o.allowed] == [cast.unit_a.pk]
    rank2 = rule(cy, types["bk-toan-dien"], max_rank=2)
    assert {o.unit_id for o in selectors.candidate_options(cy, rank2) if o.allowed} == {
        cast.unit_a.pk,
        cast.head.pk,
    }
    with pytest.raises(ValidationError, match="không đủ điều kiện"):
        open_poll(
            cy, types["co-chinh-phu"], candidates=[cast.head], voters=[cast.leader_a], actor=cast.secretary
        )
    poll = open_poll(
        cy, types["co-chinh-phu"], candidates=[cast.unit_a], voters=[cast.leader_a], actor=cast.secretary
    )
    c = poll.candidates.get()
    assert (c.total, c.rank) == (Decimal("95.50"), 1)


def test_missing_ranking_lets_the_secretary_choose_any_member(cast, monkeypatch):
    import emulation.scoring.selectors as scoring

    monkeypatch.setattr(scoring, "ranking_for_year", lambda cy: [])
    cy = to_voting(cast.year)
    types = award_types(cast.province)
    gov = rule(cy, types["co-chinh-phu"], leading_unit_only=True)
    assert all(o.allowed for o in selectors.candidate_options(cy, gov))


def test_year_cannot_leave_voting_while_a_poll_is_unfinished(cast):
    cy = to_voting(cast.year)
    types = award_types(cast.province)
    rule(cy, types["co-thanh-pho"])
    poll = open_poll(
        cy,
        types["co-thanh-pho"],
        candidates=[cast.unit_a],
        voters=[cast.leader_a, cast.leader_b],
        actor=cast.secretary,
    )
    with pytest.raises(ValidationError, match="vẫn đang mở"):
        stage_advance(cluster_year=cy, actor=cast.admin)
    vote(poll, cast.leader_a, cast.unit_a)
    vote(poll, cast.leader_b, cast.unit_a)
    services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    with pytest.raises(ValidationError, match="chưa được công bố"):
        stage_advance(cluster_year=cy, actor=cast.admin)
    services.poll_publish(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    assert stage_advance(cluster_year=cy, actor=cast.admin).stage == Stage.DOSSIER


def test_secretary_is_told_to_close_an_expired_poll_and_voters_to_vote(cast):
    cy = to_voting(cast.year)
    types = award_types(cast.province)
    rule(cy, types["co-thanh-pho"])
    poll = open_poll(
        cy, types["co-thanh-pho"], candidates=[cast.unit_a], voters=[cast.leader_a], actor=cast.secretary
    )
    assert [t.url for t in todos_for(cast.leader_a, cy)] == [reverse("awards:vote", args=[poll.pk])]
    assert todos_for(cast.secretary, cy) == []
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    assert [t.url for t in todos_for(cast.secretary, cy)] == [reverse("awards:poll", args=[poll.pk])]
    assert todos_for(cast.leader_a, cy) == []
    # counted (nobody voted in time) but not published: still waiting on the secretary, until then
    services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    [todo] = todos_for(cast.secretary, cy)
    assert todo.url == reverse("awards:poll", args=[poll.pk]) and "Công bố" in str(todo.text)
    services.poll_publish(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    assert todos_for(cast.secretary, cy) == []


def test_dossier_submission_needs_nominations_and_the_meeting_then_locks(cast):
    cy = to_voting(cast.year)
    with pytest.raises(ValidationError):
        services.dossier_submit(
            cluster_year=cy, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch"
        )
    types = award_types(cast.province)
    rule(cy, types["co-thanh-pho"])
    poll = open_poll(
        cy, types["co-thanh-pho"], candidates=[cast.unit_a], voters=[cast.leader_a], actor=cast.secretary
    )
    vote(poll, cast.leader_a, cast.unit_a)
    services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    services.poll_publish(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    with pytest.raises(ValidationError, match="ngày và địa điểm"):
        services.dossier_submit(
            cluster_year=cy, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch"
        )
    services.dossier_save(
        cluster_year=cy,
        actor=cast.secretary,
        meeting_date=datetime.date(2026, 12, 20),
        meeting_place="Cát Hải",
    )
    services.dossier_submit(cluster_year=cy, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    with pytest.raises(ValidationError):
        services.dossier_save(cluster_year=cy, actor=cast.secretary, meeting_place="Khác")
    n = Nomination.objects.get()
    with pytest.raises(ValidationError):
        services.decision_record(
            nomination=n,
            number="1/QĐ",
            date=datetime.date(2027, 1, 5),
            outcome="reduced",
            granted_award=types["co-chinh-phu"],
            actor=cast.admin,
        )  # not a lower award
    d = services.decision_record(
        nomination=n,
        number="1/QĐ",
        date=datetime.date(2027, 1, 5),
        outcome="reduced",
        granted_award=types["bk-toan-dien"],
        actor=cast.admin,
    )
    assert d.granted_award == types["bk-toan-dien"]
    assert selectors.decisions(cy)[0]["granted_award"] == types["bk-toan-dien"].name


def _published_year(cast, n):
    cy = to_voting(cast.year)
    units = [cast.head, cast.unit_a, cast.unit_b]
    for i in range(n):
        t = AwardType.objects.create(province=cast.province, code=f"g{i}", name=f"Giải {i}", precedence=5)
        rule(cy, t, quota_count=3, quorum_num=1, quorum_den=3)
        poll = open_poll(cy, t, candidates=units, voters=[cast.leader_a], actor=cast.secretary)
        vote(poll, cast.leader_a, units[i % 3])
        services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
        services.poll_publish(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    submit_dossier(cy, cast.secretary)
    for nom in Nomination.objects.all():
        services.decision_record(
            nomination=nom,
            number=f"{nom.pk}/QĐ",
            date=datetime.date(2027, 1, 5),
            outcome="approved",
            actor=cast.admin,
        )
    return cy


@pytest.mark.parametrize("n", [1, 3])
def test_dossier_page_query_count_is_constant(client, cast, django_assert_num_queries, n):
    cy = _published_year(cast, n)
    client.force_login(cast.secretary)
    url = reverse("awards:dossier", args=[cy.pk])
    client.get(url)
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [1, 3])
def test_cluster_awards_page_query_count_is_constant(client, cast, django_assert_num_queries, n):
    _published_year(cast, n)
    client.force_login(cast.admin)
    url = reverse("awards:cluster", args=[cast.cluster.pk])
    client.get(url)
    with django_assert_num_queries(5):
        body = client.get(url).content.decode()
    assert "Huyện Vĩnh Bảo" in body or "Huyện Cát Hải" in body
    client.force_login(cast.other)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("n", [1, 3])
def test_poll_page_and_my_ballots_query_counts_are_constant(client, cast, django_assert_num_queries, n):
    cy = to_voting(cast.year)
    polls = []
    for i in range(n):
        t = AwardType.objects.create(province=cast.province, code=f"h{i}", name=f"Giải {i}", precedence=5)
        rule(cy, t)
        polls.append(
            open_poll(
                cy,
                t,
                candidates=[cast.head, cast.unit_a, cast.unit_b],
                voters=[cast.leader_a, cast.leader_b, cast.leader_head],
                actor=cast.secretary,
            )
        )
        vote(polls[-1], cast.leader_b, cast.unit_a)
    client.force_login(cast.leader_a)
    client.get(reverse("awards:my_ballots"))
    with django_assert_num_queries(5):
        assert client.get(reverse("awards:my_ballots")).content.decode().count("/vote/") == n
    client.force_login(cast.secretary)
    url = reverse("awards:poll", args=[polls[-1].pk])
    client.get(url)
    with django_assert_num_queries(15):  # + who has not voted yet, listed before closing (2 queries)
        client.get(url)
