"""One permission policy: every awards service checks the acting user's rule itself (so no caller
can bypass it), and the state-dependent rules are asked by the pages and the services alike."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from awards import services
from awards.models import AwardRule, Ballot, Dossier, Nomination, Participation, PollStatus
from awards.rules import Refusal, cast_refusal
from clusters.models import Stage
from tests.awards.helpers import award_types, open_poll, rule, submit_dossier, to_voting, vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(cast):
    cy = to_voting(cast.year)
    types = award_types(cast.province)
    rule(cy, types["co-thanh-pho"], quota_count=1)
    return cast, cy, types


def _open(cast, cy, types):
    return open_poll(
        cy,
        types["co-thanh-pho"],
        candidates=[cast.head, cast.unit_a, cast.unit_b],
        voters=[cast.leader_head, cast.leader_a, cast.leader_b],
        actor=cast.secretary,
    )


def test_rule_and_award_type_services_refuse_anyone_but_the_province_admin(year):
    cast, cy, types = year
    for actor in (None, cast.secretary, cast.staff_a, cast.council, cast.other):
        with pytest.raises(PermissionDenied):
            services.rule_save(cluster_year=cy, award_type=types["bk-toan-dien"], actor=actor, quota_count=2)
        with pytest.raises(PermissionDenied):
            services.award_type_save(
                province=cast.province, actor=actor, code="co-moi", name="Cờ mới", precedence=9
            )
    assert not AwardRule.objects.filter(award_type=types["bk-toan-dien"]).exists()
    assert not cast.province.award_types.filter(code="co-moi").exists()


def test_poll_services_refuse_anyone_but_the_year_secretary(year):
    cast, cy, types = year
    now = timezone.now()
    for actor in (cast.admin, cast.staff_a, cast.council, cast.other):
        with pytest.raises(PermissionDenied):
            open_poll(
                cy, types["co-thanh-pho"], candidates=[cast.unit_a], voters=[cast.leader_a], actor=actor
            )
    poll = _open(cast, cy, types)
    for actor in (cast.admin, cast.leader_a, cast.other):
        with pytest.raises(PermissionDenied):
            services.poll_close(poll=poll, actor=actor, reason="Đã hết thời gian theo kế hoạch")
    vote(poll, cast.leader_head, cast.unit_a)
    vote(poll, cast.leader_a, cast.unit_b)
    vote(poll, cast.leader_b, cast.unit_a)
    poll = services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    for actor in (cast.admin, cast.leader_a):
        with pytest.raises(PermissionDenied):
            services.poll_publish(poll=poll, actor=actor, reason="Đã hết thời gian theo kế hoạch")
        with pytest.raises(PermissionDenied):
            services.runoff_open(
                poll=poll, opens_at=now, closes_at=now + datetime.timedelta(hours=1), actor=actor
            )
    poll.refresh_from_db()
    assert poll.status == "closed" and not Nomination.objects.exists()


def test_dossier_and_decision_services_check_their_rules(year):
    cast, cy, types = year
    poll = _open(cast, cy, types)
    for voter in (cast.leader_head, cast.leader_a, cast.leader_b):
        vote(poll, voter, cast.unit_a)
    services.poll_publish(
        poll=services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch"),
        actor=cast.secretary,
        reason="Đã hết thời gian theo kế hoạch",
    )
    nomination = Nomination.objects.get()
    with pytest.raises(PermissionDenied):
        services.dossier_save(cluster_year=cy, actor=cast.admin, meeting_place="Hội trường")
    with pytest.raises(PermissionDenied):
        services.dossier_submit(cluster_year=cy, actor=cast.staff_a, reason="Đã hết thời gian theo kế hoạch")
    assert not Dossier.objects.exists()
    report = SimpleUploadedFile("bc.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    with pytest.raises(PermissionDenied):  # B's staff, not the nominated unit A's
        services.achievement_report_upload(nomination=nomination, upload=report, actor=cast.staff_b)
    with pytest.raises(PermissionDenied):
        services.decision_record(
            nomination=nomination,
            number="12/QĐ-UBND",
            date=timezone.localdate(),
            outcome="approved",
            actor=cast.secretary,
        )
    with pytest.raises(ValidationError, match="hồ sơ"):  # the dossier is not submitted yet
        services.decision_record(
            nomination=nomination,
            number="12/QĐ-UBND",
            date=timezone.localdate(),
            outcome="approved",
            actor=cast.admin,
        )
    submit_dossier(cy, cast.secretary)
    services.decision_record(
        nomination=nomination,
        number="12/QĐ-UBND",
        date=timezone.localdate(),
        outcome="approved",
        actor=cast.admin,
    )


def test_rules_are_copied_forward_by_the_secretary_starting_the_next_year(year):
    cast, cy, types = year
    nxt = type(cy).objects.create(cluster=cy.cluster, year=cy.year + 1)
    with pytest.raises(PermissionDenied):
        services.rules_copy_forward(cy, nxt, cast.staff_a)
    copied = services.rules_copy_forward(cy, nxt, cast.secretary)
    assert [r.award_type for r in copied] == [types["co-thanh-pho"]]
    assert nxt.award_rules.get().quota_count == 1
    assert services.rules_copy_forward(cy, nxt, cast.secretary) == []  # the next year has rules already


def test_may_cast_is_one_rule_for_the_page_and_the_service(year):
    cast, cy, types = year
    poll = _open(cast, cy, types)
    assert cast_refusal(cast.leader_a, poll) is None and cast.leader_a.has_perm("awards.cast_ballot", poll)
    assert cast_refusal(cast.staff_a, poll).code == Refusal.NOT_ELECTOR
    assert not cast.staff_a.has_perm("awards.cast_ballot", poll)
    vote(poll, cast.leader_a, cast.unit_a)
    assert cast_refusal(cast.leader_a, poll).code == Refusal.ALREADY_VOTED
    later = poll.closes_at + datetime.timedelta(seconds=1)
    assert cast_refusal(cast.leader_b, poll, now=later).code == Refusal.OUTSIDE_WINDOW


def test_ballot_page_confirms_only_what_the_service_would_accept(client, year):
    """The confirm step asks Poll.ballot_problem, as ballot_cast does: same refusals, same words."""
    cast, cy, types = year
    poll = _open(cast, cy, types)
    ids = [str(c.pk) for c in poll.candidates.all()]
    client.force_login(cast.leader_a)
    url = reverse("awards:vote", args=[poll.pk])
    for data in ({"step": "confirm"}, {"step": "confirm", "candidate": ids[:2]}):
        page = client.post(url, data)
        assert page.status_code == 400
        expected = poll.ballot_problem([int(i) for i in data.get("candidate", [])], False)
        assert expected and expected in page.content.decode()
        with pytest.raises(services.VoteRefused, match=expected):
            services.ballot_cast(poll=poll, actor=cast.leader_a, candidate_ids=data.get("candidate", []))
    assert client.post(url, {"step": "confirm", "candidate": ids[:1]}).status_code == 200
    assert not Participation.objects.exists() and not Ballot.objects.exists()


def test_results_are_visible_by_one_rule(client, year):
    """The count: to the secretary and the province once closed, to every viewer once published."""
    cast, cy, types = year
    poll = _open(cast, cy, types)
    for voter in (cast.leader_head, cast.leader_a, cast.leader_b):
        vote(poll, voter, cast.unit_a)
    poll = services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    assert cast.secretary.has_perm("awards.view_results", poll) and cast.admin.has_perm(
        "awards.view_results", poll
    )
    assert not cast.council.has_perm("awards.view_results", poll)
    assert not cast.other.has_perm("awards.view_results", poll)
    poll = services.poll_publish(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    assert cast.council.has_perm("awards.view_results", poll) and cast.staff_b.has_perm(
        "awards.view_results", poll
    )
    assert not cast.other.has_perm("awards.view_results", poll)


def test_open_poll_button_and_service_follow_the_voting_stage(client, year):
    cast, cy, types = year
    client.force_login(cast.secretary)
    create = reverse("awards:poll_create", args=[cy.pk])
    assert create in client.get(reverse("awards:year", args=[cy.pk])).content.decode()
    cy.stage = Stage.SCORING
    cy.save(update_fields=["stage"])
    assert create not in client.get(reverse("awards:year", args=[cy.pk])).content.decode()
    assert not cast.secretary.has_perm("awards.open_poll", cy)
    with pytest.raises(ValidationError):
        _open(cast, cy, types)


def test_action_pages_answer_the_services_refusal_with_403(client, year):
    """close, publish and submit look the object up in the user's province (404) and leave the
    rule to the service: its PermissionDenied is the page's 403, and nothing changes."""
    cast, cy, types = year
    poll = _open(cast, cy, types)
    for voter in (cast.leader_head, cast.leader_a, cast.leader_b):
        vote(poll, voter, cast.unit_a)
    client.force_login(cast.admin)
    assert client.post(reverse("awards:poll_close", args=[poll.pk])).status_code == 403
    poll.refresh_from_db()
    assert poll.is_open
    poll = services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    assert client.post(reverse("awards:poll_publish", args=[poll.pk])).status_code == 403
    assert client.post(reverse("awards:dossier_submit", args=[cy.pk])).status_code == 403
    client.force_login(cast.other)
    assert client.post(reverse("awards:poll_publish", args=[poll.pk])).status_code == 404
    assert client.post(reverse("awards:dossier_submit", args=[cy.pk])).status_code == 404
    poll.refresh_from_db()
    assert poll.is_closed and not Nomination.objects.exists() and not Dossier.objects.exists()
    client.force_login(cast.secretary)
    assert (
        client.post(reverse("awards:poll_publish", args=[poll.pk]), {"reason": "Hết giờ"}).status_code == 302
    )
    poll.refresh_from_db()
    assert poll.status == PollStatus.PUBLISHED
