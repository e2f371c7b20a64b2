"""A unit that never submitted its self-score is not offered as a candidate (not ticked on the poll
form) — the secretary may still choose it explicitly, and the poll's history says so."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from awards import selectors
from awards.models import Poll
from clusters.models import AuditEvent
from emulation.scoring.models import ScoreSheet, SheetStatus
from tests.awards.helpers import award_types, open_poll, rule, to_voting
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(cast, monkeypatch):
    """Everyone is ranked (locked scores keep the unsubmitted at what they had); only A and the
    head submitted their sheets."""
    import emulation.scoring.selectors as scoring

    rows = [(cast.unit_a, "95", 1), (cast.head, "90", 2), (cast.unit_b, "0", 3)]
    monkeypatch.setattr(
        scoring,
        "ranking_for_year",
        lambda cy: [
            SimpleNamespace(
                unit=u, unit_name=u.name, total=Decimal(t), rank=r, eligible=True, ineligible_reason=""
            )
            for u, t, r in rows
        ],
    )
    cy = to_voting(cast.year)
    for unit in (cast.unit_a, cast.head):
        ScoreSheet.objects.create(cluster_year=cy, unit=unit, status=SheetStatus.SUBMITTED)
    ScoreSheet.objects.create(cluster_year=cy, unit=cast.unit_b, status=SheetStatus.DRAFT)
    types = award_types(cast.province)
    return SimpleNamespace(cy=cy, award=types["bk-toan-dien"], rule=rule(cy, types["bk-toan-dien"]))


def test_a_unit_that_never_submitted_is_allowed_but_not_offered(cast, ranked):
    options = {o.unit_id: o for o in selectors.candidate_options(ranked.cy, ranked.rule)}
    assert options[cast.unit_a.pk].offered and options[cast.head.pk].offered
    assert options[cast.unit_b.pk].allowed and not options[cast.unit_b.pk].offered


def test_the_poll_form_does_not_tick_it_and_says_why(client, cast, ranked):
    client.login(username="secretary", password=PASSWORD)
    page = client.get(reverse("awards:poll_create", args=[ranked.cy.pk]), {"award": ranked.award.pk})
    form = page.context["form"]
    assert set(form.initial["candidates"]) == {str(cast.unit_a.pk), str(cast.head.pk)}
    labels = dict(form.fields["candidates"].choices)
    assert (
        "chưa từng nộp" in labels[str(cast.unit_b.pk)] and "chưa từng nộp" not in labels[str(cast.unit_a.pk)]
    )


def test_chosen_explicitly_it_stands_and_the_history_says_so(cast, ranked):
    poll = open_poll(
        ranked.cy,
        ranked.award,
        candidates=[cast.unit_a, cast.unit_b],
        voters=[cast.leader_a],
        actor=cast.secretary,
    )
    assert set(poll.candidates.values_list("unit_id", flat=True)) == {cast.unit_a.pk, cast.unit_b.pk}
    event = AuditEvent.objects.get(action="poll.opened", object_id=str(poll.pk))
    assert event.data["not_submitted"] == ["Huyện Thủy Nguyên"]
    assert Poll.objects.count() == 1
