"""Secret ballots cannot be joined to voters; one ballot per voter even under parallel submissions."""

import threading

import pytest
from django.db import connections, models

from awards import services
from awards.models import Ballot, BallotChoice, BallotEnvelope, CountedReceipt, Participation
from tests.awards.helpers import award_types, open_poll, rule, to_voting, vote


def _links(model):
    return [
        (f.name, f.related_model._meta.label)
        for f in model._meta.get_fields()
        if f.is_relation and f.concrete
    ]


def test_ballot_schema_has_no_link_to_a_voter_or_a_participation():
    for model in (Ballot, BallotChoice, BallotEnvelope, CountedReceipt):
        fields = model._meta.concrete_fields
        assert isinstance(model._meta.pk, models.UUIDField), f"{model.__name__} key is sequential"
        assert not [f.name for f in fields if isinstance(f, models.DateField | models.DateTimeField)]
        assert not [f.name for f in fields if isinstance(f, models.AutoField | models.BigAutoField)]
        targets = {label for _n, label in _links(model)}
        assert targets <= {"awards.Poll", "awards.Ballot", "awards.PollCandidate"}, targets
    assert {label for _n, label in _links(Participation)} == {"awards.Poll", "clusters.User"}
    # no receipt on a ballot: a voter showing their code cannot show their choice
    assert "receipt_hash" not in {f.name for f in Ballot._meta.concrete_fields}
    # and nothing points at a ballot but its own choices
    from django.apps import apps

    pointing = [
        (m.__name__, f.name)
        for m in apps.get_models()
        for f in m._meta.concrete_fields
        if f.is_relation and f.related_model is Ballot
    ]
    assert pointing == [("BallotChoice", "ballot")]


@pytest.mark.django_db
def test_open_poll_records_the_voter_name_on_the_ballot(cast):
    cy = to_voting(cast.year)
    types = award_types(cast.province)
    rule(cy, types["co-thanh-pho"], secret=False)
    poll = open_poll(
        cy, types["co-thanh-pho"], candidates=[cast.unit_a], voters=[cast.leader_a], actor=cast.secretary
    )
    assert not poll.secret
    vote(poll, cast.leader_a, cast.unit_a)
    assert not Ballot.objects.exists()  # sealed until the close, like a secret one
    services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    assert Ballot.objects.get().voter_name == cast.leader_a.full_name


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_submissions_by_one_voter_give_one_ballot(cast):
    cy = to_voting(cast.year)
    types = award_types(cast.province)
    rule(cy, types["co-thanh-pho"])
    poll = open_poll(
        cy,
        types["co-thanh-pho"],
        candidates=[cast.unit_a, cast.unit_b],
        voters=[cast.leader_head, cast.leader_a, cast.leader_b],
        actor=cast.secretary,
    )
    candidate = poll.candidates.get(unit=cast.unit_a).pk
    barrier = threading.Barrier(50)
    receipts, refusals, errors = [], [], []

    def submit():
        try:
            barrier.wait()
            receipts.append(services.ballot_cast(poll=poll, actor=cast.leader_a, candidate_ids=[candidate]))
        except services.VoteRefused as exc:
            refusals.append(exc.messages[0])
        except Exception as exc:  # noqa: BLE001 — any other error fails the test below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(receipts) == 1 and len(refusals) == 49
    assert Participation.objects.filter(poll=poll).count() == 1
    assert BallotEnvelope.objects.filter(poll=poll).count() == 1
    closed = services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    assert not closed.flagged and closed.ballot_count == closed.participation_count == 1
    assert BallotChoice.objects.filter(ballot__poll=poll).count() == 1
    assert CountedReceipt.objects.filter(poll=poll).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_votes_racing_the_close_are_either_counted_or_refused(cast):
    from awards.models import ElectorateKind
    from tests.factories import make_user

    cy = to_voting(cast.year)
    types = award_types(cast.province)
    rule(cy, types["co-thanh-pho"], quorum_num=1, quorum_den=10)
    council = [
        make_user(f"hd_race_{i}", province=cast.province, unit=cast.head, roles=["council_member"])
        for i in range(16)
    ]
    poll = open_poll(
        cy,
        types["co-thanh-pho"],
        candidates=[cast.unit_a, cast.unit_b],
        voters=council,
        actor=cast.secretary,
        kind=ElectorateKind.COUNCIL,
    )
    candidate = poll.candidates.get(unit=cast.unit_a).pk
    barrier = threading.Barrier(len(council) + 1)
    accepted, refused, errors = [], [], []

    def cast_vote(user):
        try:
            barrier.wait()
            accepted.append(services.ballot_cast(poll=poll, actor=user, candidate_ids=[candidate]))
        except services.VoteRefused as exc:
            refused.append(exc.messages[0])
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            connections.close_all()

    def close():
        try:
            barrier.wait()
            services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cast_vote, args=(u,)) for u in council] + [
        threading.Thread(target=close)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(accepted) + len(refused) == len(council)
    poll.refresh_from_db()
    assert poll.status == "closed" and not poll.flagged
    assert poll.ballot_count == poll.participation_count == len(accepted)
    assert poll.candidates.get(pk=candidate).votes == len(accepted)
    assert all("đóng" in m for m in refused), refused


@pytest.mark.postgres
@pytest.mark.django_db
def test_published_counts_and_counted_ballots_are_frozen_in_the_database(cast):
    from django.db import DatabaseError, transaction

    from awards.models import Poll, PollCandidate

    cy = to_voting(cast.year)
    types = award_types(cast.province)
    rule(cy, types["co-thanh-pho"])
    poll = open_poll(
        cy,
        types["co-thanh-pho"],
        candidates=[cast.unit_a, cast.unit_b],
        voters=[cast.leader_a, cast.leader_b],
        actor=cast.secretary,
    )
    vote(poll, cast.leader_a, cast.unit_a)
    vote(poll, cast.leader_b, cast.unit_a)
    services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    with pytest.raises(DatabaseError), transaction.atomic():  # a ballot stuffed after the count
        Ballot.objects.create(poll=poll)
    with pytest.raises(DatabaseError), transaction.atomic():
        Ballot.objects.filter(poll=poll).delete()
    with pytest.raises(DatabaseError), transaction.atomic():  # a receipt added to the published list
        CountedReceipt.objects.create(poll=poll, receipt_hash="z" * 64)
    services.poll_publish(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    attempts = [
        lambda: PollCandidate.objects.filter(poll=poll).update(votes=99),
        lambda: PollCandidate.objects.filter(poll=poll, unit=cast.unit_b).update(proposed=True),
        lambda: Poll.objects.filter(pk=poll.pk).update(ballot_count=5),
        lambda: Poll.objects.filter(pk=poll.pk).update(status="closed"),
        lambda: BallotChoice.objects.filter(ballot__poll=poll).update(
            candidate=poll.candidates.get(unit=cast.unit_b)
        ),
        lambda: Poll.objects.filter(pk=poll.pk).delete(),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    assert (
        poll.candidates.get(unit=cast.unit_a).votes == 2
        and not poll.candidates.get(unit=cast.unit_b).proposed
    )
