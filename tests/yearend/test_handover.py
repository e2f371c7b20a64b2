"""Hand-over and "start next year": membership with renames and merges, head/deputy, copies
forward, permissions, closed years."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from awards import services as award_services
from awards.rule_defaults import default_rule
from clusters import services as cluster_services
from clusters import unit_events
from clusters.models import AuditEvent, ClusterYear, MemberRole, Membership, Stage
from emulation.scoring import services as scoring
from emulation.scoring.models import Criterion
from tests.factories import PASSWORD, UnitFactory
from yearend import services
from yearend.models import HandOver

pytestmark = pytest.mark.django_db

RULE = default_rule()


def at_stage(cy, stage):
    ClusterYear.objects.filter(pk=cy.pk).update(stage=stage)
    return ClusterYear.objects.select_related("cluster").get(pk=cy.pk)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_start_next_year_applies_a_merge_and_a_rename(client, cast):
    cy = at_stage(cast.year, Stage.DOSSIER)
    nxt_start = datetime.date(cy.year + 1, 1, 1)
    # Thủy Nguyên (unit_b) is merged into a new city from next year; Vĩnh Bảo changes its type.
    city = UnitFactory(province=cast.province, name="Thành phố Thủy Nguyên", short_name="Thủy Nguyên")
    basis = {"decision_number": "01/NQ-HĐND", "decision_date": nxt_start}
    unit_events.units_merge(units=[cast.unit_b], into=city, effective=nxt_start, actor=cast.admin, **basis)
    unit_events.unit_rename(
        **basis,
        unit=cast.unit_a,
        name="Thị xã Vĩnh Bảo",
        short_name="Vĩnh Bảo",
        kind="thi_xa",
        effective=nxt_start,
        actor=cast.admin,
    )
    cast.unit_a.refresh_from_db()

    handover = services.start_next_year(
        cluster_year=cy,
        head=cast.unit_a,
        secretaries=[cast.staff_a],
        deputy=cast.unit_b,  # merged: next year its successor is the deputy
        handed_over_on=datetime.date(cy.year + 1, 2, 28),
        actor=cast.secretary,
    )

    nxt = handover.next_year
    assert nxt.year == cy.year + 1 and nxt.cluster_id == cy.cluster_id
    roles = dict(Membership.objects.filter(cluster_year=nxt).values_list("unit_id", "role"))
    assert roles == {
        cast.head.pk: MemberRole.MEMBER,
        cast.unit_a.pk: MemberRole.HEAD,
        city.pk: MemberRole.DEPUTY,
    }
    assert handover.from_head == cast.head and handover.to_head == cast.unit_a and handover.to_deputy == city
    # the closed year keeps its names and roles
    assert dict(Membership.objects.filter(cluster_year=cy).values_list("unit_id", "role")) == {
        cast.head.pk: MemberRole.HEAD,
        cast.unit_a.pk: MemberRole.DEPUTY,
        cast.unit_b.pk: MemberRole.MEMBER,
    }
    event = AuditEvent.objects.get(action="handover.recorded")
    assert event.actor == cast.secretary and event.data["to_head"] == cast.unit_a.pk

    # shown in the cluster's history, with the names of each year
    login(client, cast.leader_a)
    html = client.get(reverse("yearend:cluster_history", args=[cast.cluster.pk])).content.decode()
    assert "Huyện Cát Hải → Thị xã Vĩnh Bảo" in html
    assert "Huyện Vĩnh Bảo" in html  # this year's deputy under its old name
    assert str(cy.year + 1) in html


def test_start_next_year_through_the_page(client, cast):
    cy = at_stage(cast.year, Stage.DOSSIER)
    login(client, cast.secretary)
    page = client.get(reverse("yearend:year", args=[cy.pk]))
    assert page.status_code == 200 and "Bắt đầu năm" in page.content.decode()
    response = client.post(
        reverse("yearend:start_next_year", args=[cy.pk]),
        {
            "head": cast.unit_b.pk,
            "deputy": cast.head.pk,
            "secretaries": [cast.staff_b.pk],
            "handed_over_on": f"28/02/{cy.year + 1}",
            "method": "assigned",
        },
    )
    nxt = ClusterYear.objects.get(cluster=cast.cluster, year=cy.year + 1)
    assert response.status_code == 302 and response["Location"] == reverse(
        "clusters:year_detail", args=[nxt.pk]
    )
    assert nxt.memberships.get(role=MemberRole.HEAD).unit == cast.unit_b
    # a second click changes nothing and says why
    again = client.post(
        reverse("yearend:start_next_year", args=[cy.pk]),
        {"head": cast.unit_a.pk, "handed_over_on": f"28/02/{cy.year + 1}", "method": "assigned"},
        follow=True,
    )
    assert "đã được bàn giao" in again.content.decode()
    assert HandOver.objects.count() == 1 and ClusterYear.objects.filter(cluster=cast.cluster).count() == 2


def test_bad_input_saves_nothing(client, cast):
    cy = at_stage(cast.year, Stage.DOSSIER)
    login(client, cast.secretary)
    url = reverse("yearend:start_next_year", args=[cy.pk])
    same = client.post(
        url,
        {
            "head": cast.unit_a.pk,
            "deputy": cast.unit_a.pk,
            "handed_over_on": "01/01/2020",
            "method": "assigned",
        },
        follow=True,
    )
    assert "phải là hai đơn vị khác nhau" in same.content.decode()
    outsider = UnitFactory(province=cast.province)
    wrong = client.post(
        url, {"head": outsider.pk, "handed_over_on": "01/01/2020", "method": "assigned"}, follow=True
    )
    assert "Hãy chọn một đơn vị thành viên" in wrong.content.decode()
    no_date = client.post(url, {"head": cast.unit_a.pk, "method": "assigned"}, follow=True)
    assert no_date.status_code == 200
    assert ClusterYear.objects.filter(cluster=cast.cluster).count() == 1 and not HandOver.objects.exists()


def test_too_early_in_the_year(cast):
    cy = at_stage(cast.year, Stage.VOTING)
    with pytest.raises(services.ValidationError, match="hồ sơ"):
        services.start_next_year(
            cluster_year=cy,
            head=cast.unit_a,
            secretaries=[cast.staff_a],
            deputy=None,
            handed_over_on=timezone.localdate(),
            actor=cast.admin,
        )
    assert ClusterYear.objects.filter(cluster=cast.cluster).count() == 1


@pytest.mark.parametrize(
    "who,stage,status",
    [
        ("secretary", Stage.DOSSIER, 302),
        ("admin", Stage.DOSSIER, 302),
        ("staff_a", Stage.DOSSIER, 403),
        ("leader_head", Stage.DOSSIER, 403),
        ("council", Stage.DOSSIER, 403),
        ("other", Stage.DOSSIER, 404),
        ("secretary", Stage.CLOSED, 403),  # a closed year: only the province admin
        ("admin", Stage.CLOSED, 302),
    ],
)
def test_who_may_start_next_year(client, cast, who, stage, status):
    cy = at_stage(cast.year, stage)
    login(client, getattr(cast, who))
    response = client.post(
        reverse("yearend:start_next_year", args=[cy.pk]),
        {
            "head": cast.unit_a.pk,
            "handed_over_on": f"20/12/{cy.year}",
            "method": "assigned",
            "secretaries": [cast.staff_a.pk],
        },
    )
    assert response.status_code == status
    assert HandOver.objects.exists() == (status == 302)


@pytest.mark.parametrize(
    "who,status", [("staff_a", 200), ("council", 200), ("admin", 200), ("other", 404), ("staff_b", 200)]
)
def test_who_may_read_the_year_end_page(client, cast, who, status):
    login(client, getattr(cast, who))
    assert client.get(reverse("yearend:year", args=[cast.year.pk])).status_code == status


def test_closed_year_correction_only_by_the_admin_with_a_reason(client, cast):
    cy = at_stage(cast.year, Stage.DOSSIER)
    handover = services.start_next_year(
        cluster_year=cy,
        head=cast.unit_a,
        secretaries=[cast.staff_a],
        deputy=cast.unit_b,
        handed_over_on=datetime.date(cy.year, 12, 20),
        actor=cast.secretary,
    )
    cy = at_stage(cy, Stage.CLOSED)
    url = reverse("yearend:handover_correct", args=[cy.pk])
    data = {"head": cast.unit_b.pk, "deputy": cast.unit_a.pk, "handed_over_on": f"21/12/{cy.year}"}
    login(client, cast.secretary)
    assert client.post(url, {**data, "reason": "nhầm"}).status_code == 403
    client.logout()
    login(client, cast.admin)
    client.post(url, data)  # no reason: refused
    handover.refresh_from_db()
    assert handover.to_head == cast.unit_a
    client.post(url, {**data, "reason": "Biên bản hội nghị ghi Thủy Nguyên"})
    handover.refresh_from_db()
    assert handover.to_head == cast.unit_b and handover.to_deputy == cast.unit_a
    assert handover.next_year.memberships.get(role=MemberRole.HEAD).unit == cast.unit_b
    event = AuditEvent.objects.get(action="handover.corrected")
    assert event.actor == cast.admin and event.reason == "Biên bản hội nghị ghi Thủy Nguyên"


def test_closed_year_is_read_only_for_everyone_but_the_admin(cast):
    """Across the apps, a closed year offers no write permission except to the province admin."""
    cy = at_stage(cast.year, Stage.CLOSED)
    write_perms = [
        "clusters.advance_stage",
        "clusters.manage_cluster_year",
        "yearend.start_next_year",
        "yearend.correct_handover",
        "scoring.edit_criteria",
        "scoring.review",
        "pledges.edit_registration",
        "awards.manage_rules",
    ]
    from rules import perm_exists

    for user in (cast.secretary, cast.staff_a, cast.leader_a, cast.council):
        for perm in write_perms:
            if perm_exists(perm) and perm != "clusters.advance_stage":
                assert not user.has_perm(perm, cy), (user.username, perm)
    assert cast.admin.has_perm("yearend.correct_handover", cy)
    assert cast.admin.has_perm("clusters.revert_stage", cy)
    pledges = pytest.importorskip("emulation.pledges.services")
    with pytest.raises(services.ValidationError):
        pledges.pledge_draft(
            cluster_year=cy,
            title="Giao ước",
            preamble="",
            articles=["Điều 1"],
            place="Hải Phòng",
            signing_date=None,
            actor=cast.secretary,
        )


def _criteria_and_a_rule(cast, cy):
    m1 = scoring.criterion_add(
        cluster_year=cy, actor=cast.admin, code="1", text="Kinh tế", max_points="60", kind="fixed"
    )
    scoring.criterion_add(
        cluster_year=cy,
        actor=cast.admin,
        parent=m1,
        code="1.1",
        text="Thu ngân sách",
        max_points="60",
        kind="fixed",
    )
    flag = award_services.award_type_save(
        province=cast.province,
        actor=cast.admin,
        code="co-tinh",
        name="Cờ thi đua của UBND tỉnh",
        precedence=2,
    )
    award_services.rule_save(cluster_year=cy, award_type=flag, actor=cast.admin, **RULE)
    return flag


def test_the_secretary_handing_the_head_to_another_unit_carries_criteria_and_rules_forward(cast):
    """The secretary's unit is no longer head of the next year when the copies are made: the
    copies are authorised by the secretary's role in the year handed over."""
    flag = _criteria_and_a_rule(cast, cast.year)
    cy = at_stage(cast.year, Stage.DOSSIER)
    handover = services.start_next_year(
        cluster_year=cy,
        head=cast.unit_a,
        secretaries=[cast.staff_a],
        deputy=cast.head,
        handed_over_on=datetime.date(cy.year, 12, 20),
        actor=cast.secretary,
    )
    nxt = handover.next_year
    assert list(Criterion.objects.filter(table__cluster_year=nxt).values_list("code", "parent__code")) == [
        ("1", None),
        ("1.1", "1"),
    ]
    rule = nxt.award_rules.get()
    assert (rule.award_type, rule.quota_kind, rule.quota_count, rule.secret) == (flag, "fixed", 1, True)
    event = AuditEvent.objects.get(action="handover.recorded")
    assert event.actor == cast.secretary and event.data["copied"] == ["criteria", "award_rules"]


def test_a_next_year_with_its_own_criteria_and_rules_keeps_them(cast):
    _criteria_and_a_rule(cast, cast.year)
    nxt = cluster_services.cluster_year_create(
        cluster=cast.cluster, year=cast.year.year + 1, actor=cast.admin, copy_from=cast.year
    )
    scoring.criterion_add(
        cluster_year=nxt, actor=cast.admin, code="A", text="Mới", max_points="10", kind="fixed"
    )
    other = award_services.award_type_save(
        province=cast.province, actor=cast.admin, code="bk", name="Bằng khen", precedence=3
    )
    award_services.rule_save(cluster_year=nxt, award_type=other, actor=cast.admin, **RULE)
    cy = at_stage(cast.year, Stage.DOSSIER)
    services.start_next_year(
        cluster_year=cy,
        head=cast.unit_a,
        secretaries=[cast.staff_a],
        deputy=None,
        handed_over_on=datetime.date(cy.year, 12, 20),
        actor=cast.admin,
    )
    assert list(Criterion.objects.filter(table__cluster_year=nxt).values_list("code", flat=True)) == ["A"]
    assert list(nxt.award_rules.values_list("award_type", flat=True)) == [other.pk]
    assert AuditEvent.objects.get(action="handover.recorded").data["copied"] == []


def test_carrying_criteria_or_rules_forward_is_refused_to_unit_staff_and_criteria_outside_the_next_year(cast):
    _criteria_and_a_rule(cast, cast.year)
    nxt = cluster_services.cluster_year_create(
        cluster=cast.cluster, year=cast.year.year + 1, actor=cast.admin, copy_from=cast.year
    )
    with pytest.raises(PermissionDenied):
        scoring.table_copy_forward(source_year=cast.year, target_year=nxt, actor=cast.staff_a)
    with pytest.raises(PermissionDenied):
        award_services.rules_copy_forward(cast.year, nxt, cast.staff_a)
    later = cluster_services.cluster_year_create(
        cluster=cast.cluster, year=cast.year.year + 2, actor=cast.admin
    )
    with pytest.raises(ValidationError):
        scoring.table_copy_forward(source_year=cast.year, target_year=later, actor=cast.admin)
    assert not Criterion.objects.filter(table__cluster_year__in=[nxt, later]).exists()


def test_criteria_and_award_rules_are_copied_forward(cast):
    cy = cast.year
    m1 = scoring.criterion_add(
        cluster_year=cy, actor=cast.admin, code="1", text="Kinh tế", max_points="60", kind="fixed"
    )
    scoring.criterion_add(
        cluster_year=cy,
        actor=cast.admin,
        parent=m1,
        code="1.1",
        text="Thu ngân sách",
        max_points="60",
        kind="fixed",
    )
    flag = award_services.award_type_save(
        province=cast.province,
        actor=cast.admin,
        code="co-tinh",
        name="Cờ thi đua của UBND tỉnh",
        precedence=2,
    )
    award_services.rule_save(cluster_year=cy, award_type=flag, actor=cast.admin, **RULE)
    cy = at_stage(cy, Stage.DOSSIER)
    handover = services.start_next_year(
        cluster_year=cy,
        head=cast.unit_a,
        secretaries=[cast.staff_a],
        deputy=None,
        handed_over_on=datetime.date(cy.year, 12, 20),
        actor=cast.admin,
    )
    nxt = handover.next_year
    assert list(
        Criterion.objects.filter(table__cluster_year=nxt).order_by("code").values_list("code", "text")
    ) == [
        ("1", "Kinh tế"),
        ("1.1", "Thu ngân sách"),
    ]
    assert nxt.award_rules.get().quota_count == 1
    assert AuditEvent.objects.get(action="handover.recorded").data["copied"] == ["criteria", "award_rules"]


def test_a_next_year_opened_earlier_by_the_province_is_completed(cast):
    cy = cast.year
    nxt = cluster_services.cluster_year_create(
        cluster=cast.cluster, year=cy.year + 1, actor=cast.admin, copy_from=cy
    )
    cluster_services.membership_remove(membership=nxt.memberships.get(unit=cast.unit_b), actor=cast.admin)
    cy = at_stage(cy, Stage.DOSSIER)
    handover = services.start_next_year(
        cluster_year=cy,
        head=cast.unit_a,
        secretaries=[cast.staff_a],
        deputy=cast.head,
        handed_over_on=datetime.date(cy.year, 12, 20),
        actor=cast.secretary,
    )
    assert handover.next_year == nxt
    assert dict(nxt.memberships.values_list("unit_id", "role")) == {
        cast.unit_a.pk: MemberRole.HEAD,
        cast.head.pk: MemberRole.DEPUTY,
    }  # the province's choice of members is kept
    with pytest.raises(services.ValidationError):
        services.start_next_year(
            cluster_year=cy,
            head=cast.unit_b,
            secretaries=[cast.staff_b],
            deputy=None,
            handed_over_on=datetime.date(cy.year, 12, 20),
            actor=cast.admin,
        )


def test_a_next_year_already_under_way_is_refused(cast):
    cy = cast.year
    nxt = cluster_services.cluster_year_create(
        cluster=cast.cluster, year=cy.year + 1, actor=cast.admin, copy_from=cy
    )
    at_stage(nxt, Stage.REGISTRATION)
    cy = at_stage(cy, Stage.DOSSIER)
    with pytest.raises(services.ValidationError, match="đã có"):
        services.start_next_year(
            cluster_year=cy,
            head=cast.unit_a,
            secretaries=[cast.staff_a],
            deputy=None,
            handed_over_on=datetime.date(cy.year, 12, 20),
            actor=cast.admin,
        )
    assert not HandOver.objects.exists()


def test_the_secretary_is_asked_to_record_the_hand_over(client, cast):
    cy = at_stage(cast.year, Stage.DOSSIER)
    login(client, cast.secretary)
    html = client.get(reverse("clusters:year_detail", args=[cy.pk])).content.decode()
    assert f"Ghi nhận bàn giao và bắt đầu năm {cy.year + 1}" in html
    assert reverse("yearend:year", args=[cy.pk]) in html and "Tổng kết năm và bàn giao" in html
    services.start_next_year(
        cluster_year=cy,
        head=cast.unit_a,
        secretaries=[cast.staff_a],
        deputy=None,
        handed_over_on=datetime.date(cy.year, 12, 20),
        actor=cast.secretary,
    )
    html = client.get(reverse("clusters:year_detail", args=[cy.pk])).content.decode()
    assert "Ghi nhận bàn giao" not in html


@pytest.mark.parametrize("n", [1, 6])
def test_cluster_history_query_count_is_constant(client, cast, django_assert_num_queries, n):
    cy = at_stage(cast.year, Stage.DOSSIER)
    for _i in range(n):
        handover = services.start_next_year(
            cluster_year=cy,
            head=cast.unit_a,
            secretaries=[cast.staff_a],
            deputy=cast.unit_b,
            handed_over_on=timezone.localdate(),
            actor=cast.admin,
        )
        cy = at_stage(handover.next_year, Stage.DOSSIER)
    login(client, cast.admin)
    url = reverse("yearend:cluster_history", args=[cast.cluster.pk])
    client.get(url)
    with django_assert_num_queries(9):
        html = client.get(url).content.decode()
    assert html.count("Huyện Vĩnh Bảo (") == n
