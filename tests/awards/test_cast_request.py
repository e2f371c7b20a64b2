"""The cast request (POST step=cast on the ballot page): its query count, and the page each
refusal found by the service under its lock answers with (the view no longer asks beforehand)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from awards import services
from awards.models import BallotEnvelope, Participation, Poll
from awards.rules import Refusal
from clusters.models import Role, Stage
from tests.awards.helpers import award_types, leaders, open_poll, rule
from tests.factories import ProvinceFactory, make_user, make_year

pytestmark = pytest.mark.django_db


def _poll(n, prefix="ct"):
    """A poll of n candidate units and n voters (one leader per unit)."""
    province = ProvinceFactory()
    cy, units = make_year(province=province, n_members=n, stage=Stage.VOTING, year=timezone.localdate().year)
    secretary = make_user(f"tk{n}", province=province, unit=units[0], roles=[Role.CLUSTER_SECRETARY])
    types = award_types(province)
    rule(cy, types["co-thanh-pho"], quota_kind="fixed", quota_count=2)
    voters = leaders(province, units, prefix=prefix)
    poll = open_poll(cy, types["co-thanh-pho"], candidates=units, voters=voters, actor=secretary)
    return poll, voters, list(poll.candidates.all())


# session, user, the poll (province-scoped), its candidates; under the service: the voter's
# elector row locked, the poll read again with its candidates' ids and its envelope key (one
# query), the participation (INSERT … ON CONFLICT DO NOTHING) with the envelope in the same
# statement, the notification done, the audit event (2: chain head locked, then the event and the
# head in one statement, last before the commit); the roles and the unit for the menu; 2
# savepoints of the test's transaction around the service's atomic block. It was 25 before the
# view stopped asking the elector and participation questions the service asks under its lock,
# the service stopped asking "already voted" apart from its insert (savepoint, INSERT, release)
# and counting the candidates it had read, and the notification was resolved in one UPDATE
# instead of two; 18 before the poll, its candidates' ids and its key were read in one query and
# the event with the head in one; 15 before the participation and the envelope were one statement.
CAST_QUERIES = 14


@pytest.mark.parametrize("n", [3, 9])
def test_cast_request_has_a_constant_query_count(client, django_assert_num_queries, n):
    poll, voters, cands = _poll(n)
    client.force_login(voters[-1])
    url = reverse("awards:vote", args=[poll.pk])
    client.get(url)  # the session is warm
    with django_assert_num_queries(CAST_QUERIES):
        r = client.post(url, {"step": "cast", "candidate": [cands[0].pk, cands[1].pk]})
    assert r.status_code == 200 and b'id="receipt-code"' in r.content
    assert Participation.objects.filter(poll=poll).count() == 1
    assert BallotEnvelope.objects.filter(poll=poll).count() == 1


def test_a_second_cast_is_refused_by_the_insert_and_answered_you_have_voted(client):
    """The participation's insert decides, and the envelope goes in only with it: a second cast
    (its ballot sealed before the insert refused it) leaves one participation and one envelope."""
    poll, voters, cands = _poll(3)
    voter = voters[1]
    services.ballot_cast(poll=poll, actor=voter, candidate_ids=[cands[0].pk])
    with pytest.raises(services.VoteRefused) as refused:
        services.ballot_cast(poll=poll, actor=voter, candidate_ids=[cands[1].pk])
    assert refused.value.refusal == Refusal.ALREADY_VOTED and "đã bỏ phiếu" in refused.value.messages[0]
    client.force_login(voter)
    url = reverse("awards:vote", args=[poll.pk])
    for data in (
        {"candidate": [cands[1].pk]},  # a valid ballot
        {"candidate": [cands[0].pk], "abstain": "1"},  # an invalid one: "already voted" comes first
    ):
        r = client.post(url, {"step": "cast", **data})
        page = r.content.decode()
        assert r.status_code == 200 and 'id="receipt-code"' not in page and "đã được ghi nhận" in page
    assert Participation.objects.filter(poll=poll).count() == 1
    assert BallotEnvelope.objects.filter(poll=poll).count() == 1


def test_refusals_found_by_the_service_answer_as_the_ballot_page_does(client):
    poll, voters, cands = _poll(3)
    url = reverse("awards:vote", args=[poll.pk])
    outsider = make_user("ngoai", province=poll.cluster_year.cluster.province, roles=[Role.UNIT_LEADER])
    client.force_login(outsider)
    r = client.post(url, {"step": "cast", "candidate": [cands[0].pk]})
    assert r.status_code == 403 and 'name="candidate"' not in r.content.decode()
    client.force_login(voters[0])
    r = client.post(url, {"step": "cast", "candidate": [c.pk for c in cands]})  # over the quota
    assert r.status_code == 409 and 'id="ballot-error"' in r.content.decode()
    services.ballot_cast(poll=poll, actor=voters[1], candidate_ids=[cands[0].pk])
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    r = client.post(url, {"step": "cast", "candidate": [cands[0].pk]})
    assert r.status_code == 409 and 'name="candidate"' not in r.content.decode()  # the reason, no form
    client.force_login(voters[1])  # voted, and the window is over: "you have voted" comes first
    r = client.post(url, {"step": "cast", "candidate": [cands[0].pk]})
    assert r.status_code == 200 and "đã được ghi nhận" in r.content.decode()
    assert Participation.objects.filter(poll=poll).count() == 1
    assert BallotEnvelope.objects.filter(poll=poll).count() == 1


def test_the_padded_size_is_the_largest_ballot_page_for_each_person():
    """The layout is measured per request and the blocks' share kept per process: what each
    ballot page adds to the layout must be the same for every reader (the pages name nobody), and
    the padded size what rendering the three pages whole gives, for people whose layout differs
    (a long name, no unit, the province admin's menu)."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.utils import translation

    from awards.views import voting

    poll, voters, cands = _poll(4)
    province = poll.cluster_year.cluster.province
    long_name = voters[1]
    long_name.full_name = "Nguyễn Thị Thanh Hương Ngọc Bích Phương Thảo " * 3
    long_name.save(update_fields=["full_name"])
    people = [
        voters[0],
        long_name,
        make_user("hoidong", province=province, roles=[Role.COUNCIL_MEMBER]),
        make_user("qtv", province=province, roles=[Role.PROVINCE_ADMIN]),
    ]
    url = reverse("awards:vote", args=[poll.pk])
    worst = {
        "poll": poll,
        "candidates": cands,
        "chosen": cands,
        "abstain": True,
        "receipt": "X" * 19,
        "error": "X" * 600,
        "refusal": "X" * 600,
    }
    layouts, shares = set(), {t: set() for t in voting.PAGES}
    with translation.override("vi"):
        voting._BLOCKS.clear()
        for user in people:  # the first fills the blocks' share, the others read it
            request = RequestFactory().post(url)
            request.user, request.session = user, SessionStore()
            request._messages = FallbackStorage(request)
            layout = len(render_to_string("base.html", {}, request).encode())
            layouts.add(layout)
            for t in voting.PAGES:
                shares[t].add(len(render_to_string(t, worst, request).encode()) - layout)
            whole = voting._largest_page(request, poll, cands)
            assert voting._padded_size(request, poll, cands) == (whole // 1024 + 2) * 1024
    assert len(layouts) == len(people)  # four different layouts
    assert all(len(share) == 1 for share in shares.values()), shares


def test_a_candidate_of_another_poll_or_a_poll_of_another_province_writes_nothing(client):
    """The view no longer asks beforehand: the service alone refuses a ballot naming another
    poll's candidate, and another province's poll is not found; no participation, no envelope."""
    poll, voters, cands = _poll(3)
    other, other_voters, other_cands = _poll(4, prefix="kh")  # another province
    with pytest.raises(services.VoteRefused):
        services.ballot_cast(poll=poll, actor=voters[0], candidate_ids=[other_cands[0].pk])
    with pytest.raises(services.VoteRefused) as refused:  # an elector of the other poll only
        services.ballot_cast(poll=poll, actor=other_voters[0], candidate_ids=[cands[0].pk])
    assert refused.value.refusal == Refusal.NOT_ELECTOR
    client.force_login(voters[0])
    r = client.post(
        reverse("awards:vote", args=[other.pk]), {"step": "cast", "candidate": [other_cands[0].pk]}
    )
    assert r.status_code == 404
    r = client.post(
        reverse("awards:vote", args=[poll.pk]), {"step": "cast", "candidate": [other_cands[0].pk]}
    )
    assert r.status_code == 409 and 'id="receipt-code"' not in r.content.decode()
    assert not Participation.objects.exists() and not BallotEnvelope.objects.exists()


def test_the_provinces_chain_head_is_locked_last_and_held_for_two_statements():
    """Every audited write of the province waits for the chain head's row lock until the cast
    commits: the cast takes it after everything else it writes, and holds it for the lock's own
    statement and one more (the event and the head moved together). The event is in the chain."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clusters.audit import verify_chain
    from clusters.models import AuditEvent

    poll, voters, cands = _poll(3)
    with CaptureQueriesContext(connection) as ctx:
        services.ballot_cast(poll=poll, actor=voters[0], candidate_ids=[cands[0].pk])
    sqls = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    first = next(i for i, sql in enumerate(sqls) if "clusters_auditchainhead" in sql)
    assert len(sqls[first:]) == 2, sqls[first:]
    assert "FOR UPDATE" in sqls[first]
    assert sqls[first + 1].startswith("WITH e AS (INSERT INTO clusters_auditevent")
    event = AuditEvent.objects.filter(action="poll.voted").get()
    assert event.actor_id == voters[0].pk and event.data == {"voter": voters[0].pk}
    assert verify_chain(poll.province_id).ok


def test_the_cast_decides_on_the_poll_as_it_is_under_the_lock_not_the_callers_copy():
    """The poll read again under the elector's lock (one statement: the poll, its year's stage and
    province, the candidates' ids, the key) is what decides: a window closed, a year closed or a
    candidate removed after the caller read the poll refuse the ballot; a poll without a key yet
    gets one at its first cast, and the envelope opens with it at the close."""
    from awards import ballot_box
    from awards.models import PollCandidate, PollKey
    from clusters.audit import verify_chain
    from clusters.models import ClusterYear

    poll, voters, cands = _poll(4)
    stale = Poll.objects.get(pk=poll.pk)  # the caller's copy, read before the changes below
    PollCandidate.objects.filter(pk=cands[3].pk).delete()
    with pytest.raises(services.VoteRefused):
        services.ballot_cast(poll=stale, actor=voters[0], candidate_ids=[cands[3].pk])
    PollKey.objects.filter(poll_id=poll.pk).delete()  # opened before the ballot box kept keys
    services.ballot_cast(poll=stale, actor=voters[0], candidate_ids=[cands[0].pk])
    assert PollKey.objects.filter(poll_id=poll.pk).count() == 1
    ClusterYear.objects.filter(pk=poll.cluster_year_id).update(stage=Stage.CLOSED)
    with pytest.raises(services.VoteRefused) as refused:
        services.ballot_cast(poll=stale, actor=voters[1], candidate_ids=[cands[0].pk])
    assert refused.value.refusal is None and str(poll.cluster_year.year) in refused.value.messages[0]
    ClusterYear.objects.filter(pk=poll.cluster_year_id).update(stage=Stage.VOTING)
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(services.VoteRefused) as refused:
        services.ballot_cast(poll=stale, actor=voters[1], candidate_ids=[cands[0].pk])
    assert refused.value.refusal == Refusal.OUTSIDE_WINDOW
    assert Participation.objects.filter(poll=poll).count() == 1
    assert BallotEnvelope.objects.filter(poll=poll).count() == 1
    fresh = Poll.objects.get(pk=poll.pk)
    ballot_box.open_all(fresh)  # the envelope was sealed to the key made at the first cast
    assert [list(b.choices.values_list("candidate_id", flat=True)) for b in fresh.ballots.all()] == [
        [cands[0].pk]
    ]
    assert verify_chain(poll.province_id).ok
