import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from clusters import services, unit_events
from clusters.models import AuditEvent, ClusterYear, MemberRole, Membership, Stage, UnitKind
from clusters.selectors import vn_sort_key, year_memberships
from tests.factories import PASSWORD, ClusterFactory, UnitFactory

pytestmark = pytest.mark.django_db

BASIS = {"decision_number": "1669/NQ-UBTVQH15", "decision_date": datetime.date(2025, 6, 16)}


def test_two_heads_in_one_year_are_refused_by_the_database(cast):
    with pytest.raises(IntegrityError):
        Membership.objects.create(
            cluster_year=cast.year, unit=UnitFactory(province=cast.province), role=MemberRole.HEAD
        )


def test_assigning_a_new_head_demotes_the_old_one_and_is_audited(cast):
    m_b = Membership.objects.get(cluster_year=cast.year, unit=cast.unit_b)
    services.membership_set_role(membership=m_b, role=MemberRole.HEAD, actor=cast.admin)
    roles = dict(cast.year.memberships.values_list("unit_id", "role"))
    assert roles[cast.unit_b.pk] == "head" and roles[cast.head.pk] == "member"
    event = AuditEvent.objects.filter(action="membership.role_changed").latest("id")
    assert event.actor == cast.admin and event.data == {
        "unit": cast.unit_b.pk,
        "old": "member",
        "new": "head",
    }


def test_year_cannot_leave_setup_without_a_head(cast):
    cast.year.memberships.filter(role="head").update(role="member")
    with pytest.raises(ValidationError, match="Trưởng cụm|head"):
        services.stage_advance(cluster_year=cast.year, actor=cast.admin)
    cast.year.refresh_from_db()
    assert cast.year.stage == Stage.SETUP


def test_stage_revert_needs_a_reason(cast):
    services.stage_advance(cluster_year=cast.year, actor=cast.admin)
    with pytest.raises(ValidationError):
        services.stage_revert(cluster_year=cast.year, actor=cast.admin, reason="  ")
    services.stage_revert(cluster_year=cast.year, actor=cast.admin, reason="Sai danh sách")
    cast.year.refresh_from_db()
    assert cast.year.stage == Stage.SETUP
    assert AuditEvent.objects.filter(action="stage.reverted", reason="Sai danh sách").exists()


def test_rename_keeps_the_old_name_for_earlier_years(client, cast):
    """Thủy Nguyên district became a city in 2025: 2023 shows the district, 2025 the city."""
    unit = cast.unit_b
    y2023 = ClusterYear.objects.create(cluster=cast.cluster, year=2023)
    y2025 = ClusterYear.objects.create(cluster=cast.cluster, year=2025)
    for cy in (y2023, y2025):
        Membership.objects.create(cluster_year=cy, unit=unit)
    unit_events.unit_rename(
        decision_number="1669/NQ-UBTVQH15",
        decision_date=datetime.date(2024, 12, 1),
        unit=unit,
        name="Thành phố Thủy Nguyên",
        short_name="Thủy Nguyên",
        kind=UnitKind.PROVINCIAL_CITY,
        effective=datetime.date(2025, 1, 1),
        actor=cast.admin,
    )
    client.login(username=cast.admin.username, password=PASSWORD)
    page_2023 = client.get(reverse("clusters:year_detail", args=[y2023.pk])).content.decode()
    page_2025 = client.get(reverse("clusters:year_detail", args=[y2025.pk])).content.decode()
    assert "Huyện Thủy Nguyên" in page_2023 and "Thành phố Thủy Nguyên" not in page_2023
    assert "Thành phố Thủy Nguyên" in page_2025 and "Huyện Thủy Nguyên" not in page_2025


def test_merge_moves_membership_to_the_successor_in_the_next_year(cast):
    unit_events.units_merge(
        decision_number="1669/NQ-UBTVQH15",
        decision_date=datetime.date(2024, 12, 1),
        units=[cast.unit_b],
        into=cast.unit_a,
        effective=datetime.date(cast.year.year + 1, 1, 1),
        actor=cast.admin,
    )
    nxt = services.cluster_year_create(
        cluster=cast.cluster, year=cast.year.year + 1, actor=cast.admin, copy_from=cast.year
    )
    units = set(nxt.memberships.values_list("unit_id", flat=True))
    assert units == {cast.head.pk, cast.unit_a.pk}
    assert set(nxt.memberships.values_list("role", flat=True)) == {"member"}


def test_merge_into_itself_or_across_provinces_is_refused(cast):
    with pytest.raises(ValidationError):
        unit_events.units_merge(
            units=[cast.unit_a],
            into=cast.unit_a,
            effective=datetime.date(2025, 7, 1),
            actor=cast.admin,
            **BASIS,
        )
    with pytest.raises(ValidationError):
        unit_events.units_merge(
            units=[cast.unit_a],
            into=cast.other_units[0],
            effective=datetime.date(2025, 7, 1),
            actor=cast.admin,
            **BASIS,
        )


def test_member_of_another_province_cannot_be_added(cast):
    with pytest.raises(ValidationError):
        services.membership_add(cluster_year=cast.year, unit=cast.other_units[0], actor=cast.admin)


def test_vietnamese_alphabetical_order():
    names = ["Đồng Hới", "Ba Đồn", "Dương Kinh", "Ân Thi", "An Lão", "Âu Cơ", "Ăn Uống", "Bố Trạch"]
    assert sorted(names, key=vn_sort_key) == [
        "An Lão",
        "Ăn Uống",
        "Ân Thi",
        "Âu Cơ",
        "Ba Đồn",
        "Bố Trạch",
        "Dương Kinh",
        "Đồng Hới",
    ]


def test_year_members_are_listed_head_first_then_in_vietnamese_order(cast):
    UnitFactory.reset_sequence()
    for name in ("Huyện Đông Hưng", "Huyện An Dương"):
        Membership.objects.create(cluster_year=cast.year, unit=UnitFactory(province=cast.province, name=name))
    names = [m.display_name for m in year_memberships(cast.year)]
    assert names[0] == "Huyện Cát Hải" and names[1] == "Huyện Vĩnh Bảo"
    rest = names[2:]
    assert rest == sorted(rest, key=vn_sort_key)


def test_copying_a_year_twice_is_refused(cast):
    with pytest.raises(ValidationError):
        services.cluster_year_create(cluster=cast.cluster, year=cast.year.year, actor=cast.admin)
    assert ClusterFactory  # factories import is used by other tests


def test_a_second_click_on_next_stage_changes_nothing(cast):
    services.stage_advance(cluster_year=cast.year, actor=cast.admin, from_stage="setup")
    with pytest.raises(ValidationError):
        services.stage_advance(cluster_year=cast.year, actor=cast.admin, from_stage="setup")
    cast.year.refresh_from_db()
    assert cast.year.stage == "registration"
    assert AuditEvent.objects.filter(action="stage.advanced").count() == 1
