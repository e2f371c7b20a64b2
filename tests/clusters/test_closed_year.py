"""Closed means closed: every door of a closed year refuses a change, in Vietnamese, through the
one guard (clusters.closing); the province admin re-opens it with a reason and closes it again."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from awards import services as award_services
from awards.models import AwardType, Poll
from clusters import closing, services
from clusters.models import AuditEvent, ClusterYear, MemberRole, Membership, Stage
from emulation.pledges import services as pledge_services
from emulation.scoring import services as scoring_services
from emulation.scoring.models import ScoreSheet
from tests.factories import PASSWORD, UnitFactory, make_cast
from yearend import report as yearend_report

pytestmark = pytest.mark.django_db
CLOSED_VI = "đã kết thúc"


@pytest.fixture
def closed():
    return make_cast(stage=Stage.CLOSED)


def _poll(cy):
    award = AwardType.objects.create(province=cy.cluster.province, code="co", name="Cờ", precedence=1)
    now = timezone.now()
    return Poll.objects.create(
        cluster_year=cy,
        award_type=award,
        title="Cờ",
        opens_at=now,
        closes_at=now + datetime.timedelta(hours=1),
        quota=1,
    )


DOORS = {
    "membership_add": lambda c: services.membership_add(
        cluster_year=c.year, unit=UnitFactory(province=c.province), actor=c.admin
    ),
    "membership_set_role": lambda c: services.membership_set_role(
        membership=c.year.memberships.get(unit=c.unit_b), role=MemberRole.DEPUTY, actor=c.admin
    ),
    "membership_remove": lambda c: services.membership_remove(
        membership=c.year.memberships.get(unit=c.unit_b), actor=c.admin
    ),
    "memberships_copy": lambda c: services.memberships_copy(
        source=c.other_year, target=c.year, actor=c.admin
    ),
    "criterion_add": lambda c: scoring_services.criterion_add(
        cluster_year=c.year, actor=c.admin, code="1", text="Tiêu chí"
    ),
    "self_score_save": lambda c: scoring_services.self_score_save(
        sheet=ScoreSheet(cluster_year=c.year, unit=c.unit_a), criterion=None, value="5", actor=c.staff_a
    ),
    "scores_unlock": lambda c: scoring_services.scores_unlock(
        cluster_year=c.year, actor=c.admin, reason="sửa"
    ),
    "registration_save": lambda c: pledge_services.registration_save(
        cluster_year=c.year, unit=c.unit_a, aims="", targets=[], actor=c.staff_a
    ),
    "pledge_draft": lambda c: pledge_services.pledge_draft(
        cluster_year=c.year,
        title="Giao ước",
        preamble="",
        articles="Điều 1",
        place="",
        signing_date=None,
        actor=c.secretary,
    ),
    "poll_open": lambda c: award_services.poll_open(
        cluster_year=c.year,
        award_type=None,
        title="",
        opens_at=None,
        closes_at=None,
        electorate_kind="units",
        voters=[],
        candidate_units=[],
        actor=c.secretary,
    ),
    "ballot_cast": lambda c: award_services.ballot_cast(
        poll=_poll(c.year), actor=c.leader_a, candidate_ids=[]
    ),
    "dossier_save": lambda c: award_services.dossier_save(cluster_year=c.year, actor=c.secretary),
    "stage_advance": lambda c: services.stage_advance(cluster_year=c.year, actor=c.admin),
    "report_save": lambda c: yearend_report.report_save(cluster_year=c.year, actor=c.admin, lessons="Sửa"),
    "report_issue": lambda c: yearend_report.report_issue(cluster_year=c.year, actor=c.admin),
}


@pytest.mark.parametrize("door", sorted(DOORS))
def test_every_door_of_a_closed_year_refuses_in_vietnamese(closed, door):
    before = (Membership.objects.count(), AuditEvent.objects.count())
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        DOORS[door](closed)
    assert any(CLOSED_VI in m for m in refused.value.messages), refused.value.messages
    assert (Membership.objects.count(), AuditEvent.objects.count()) == before


def test_add_member_page_on_a_closed_year_says_so_and_adds_nothing(closed, client):
    client.login(username="admin", password=PASSWORD)
    new = UnitFactory(province=closed.province)
    with translation.override("vi"):
        page = client.post(
            reverse("clusters:membership_add", args=[closed.year.pk]),
            {"unit": new.pk, "role": "member"},
            follow=True,
        )
    assert CLOSED_VI in page.content.decode()
    assert not closed.year.memberships.filter(unit=new).exists()
    detail = client.get(reverse("clusters:year_detail", args=[closed.year.pk]))
    assert detail.context["add_form"] is None and not detail.context["can_manage"]


def test_the_admin_reopens_with_a_reason_changes_and_closes_again(closed):
    with pytest.raises(ValidationError):
        services.stage_revert(cluster_year=closed.year, actor=closed.admin, reason=" ")
    with pytest.raises(PermissionDenied):
        services.stage_revert(cluster_year=closed.year, actor=closed.secretary, reason="sai sót")
    cy = services.stage_revert(
        cluster_year=closed.year, actor=closed.admin, reason="Bổ sung thành viên còn thiếu"
    )
    assert cy.stage == Stage.DOSSIER
    event = AuditEvent.objects.filter(action="stage.reverted").latest("id")
    assert event.reason == "Bổ sung thành viên còn thiếu" and event.data == {
        "old": "closed",
        "new": "dossier",
    }
    new = UnitFactory(province=closed.province)
    services.membership_add(cluster_year=cy, unit=new, actor=closed.admin)
    cy = services.stage_advance(cluster_year=cy, actor=closed.admin)
    assert cy.stage == Stage.CLOSED
    with pytest.raises(ValidationError):
        services.membership_add(
            cluster_year=cy, unit=UnitFactory(province=closed.province), actor=closed.admin
        )
    assert ClusterYear.objects.get(pk=cy.pk).memberships.filter(unit=new).exists()


def test_copying_forward_from_a_closed_year_and_the_handover_still_work(closed):
    nxt = services.cluster_year_create(
        cluster=closed.cluster, year=closed.year.year + 1, actor=closed.admin, copy_from=closed.year
    )
    assert nxt.memberships.count() == 3


def test_a_units_staff_cannot_write_the_year_end_report(client):
    cast = make_cast(stage=Stage.DOSSIER)
    with pytest.raises(PermissionDenied):
        yearend_report.report_save(cluster_year=cast.year, actor=cast.staff_a, lessons="Sửa")
    yearend_report.report_save(cluster_year=cast.year, actor=cast.secretary, lessons="Bài học")


def test_a_closed_years_documents_can_still_be_printed_by_their_producers(closed, client):
    client.force_login(closed.admin)
    response = client.post(reverse("clusters:member_list_pdf", args=[closed.year.pk]))
    assert response.status_code == 302
    assert closed.year.memberships.count() == 3
    for perm in (
        "pledges.render_pledge",
        "scoring.render_ranking",
        "awards.render_documents",
        "yearend.render_summary",
    ):
        closing.refuse_if_closed(closed.year, perm)  # a render reads the year: not refused
