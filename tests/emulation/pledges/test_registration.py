"""Registrations: services, selectors, pages, permissions, query counts."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clusters.models import Role, Stage
from emulation.pledges import services
from emulation.pledges.models import Registration, RegistrationTarget
from emulation.pledges.selectors import registered_target
from tests.emulation.pledges.helpers import reviewer_for
from tests.factories import PASSWORD, make_user, make_year

pytestmark = pytest.mark.django_db

ROWS = [
    {
        "key": "thu-ngan-sach",
        "name": "Thu ngân sách nhà nước",
        "value": "1250,5",
        "measure": "tỷ đồng",
        "note": "",
    },
    {
        "key": "giam-ngheo",
        "name": "Giảm tỷ lệ hộ nghèo",
        "value": "0.8",
        "measure": "%",
        "note": "so với 2023",
    },
]


def test_registration_saved_and_readable_by_key(cast):
    services.registration_save(
        cluster_year=cast.year,
        unit=cast.unit_a,
        aims="Cờ thi đua của UBND thành phố",
        targets=ROWS,
        actor=cast.staff_a,
    )
    assert registered_target(cast.year, cast.unit_a, "thu-ngan-sach") == Decimal("1250.5")
    assert registered_target(cast.year, cast.unit_a, "giam-ngheo") == Decimal("0.8")
    assert registered_target(cast.year, cast.unit_a, "khong-co") is None
    assert registered_target(cast.year, cast.unit_b, "thu-ngan-sach") is None


def test_resaving_replaces_targets_and_is_audited(cast):
    from clusters.audit import history_for

    services.registration_save(
        cluster_year=cast.year, unit=cast.unit_a, aims="", targets=ROWS, actor=cast.staff_a
    )
    reg = services.registration_save(
        cluster_year=cast.year, unit=cast.unit_a, aims="", targets=ROWS[:1], actor=cast.staff_a
    )
    assert list(reg.targets.values_list("key", flat=True)) == ["thu-ngan-sach"]
    events = list(history_for(reg))
    assert len(events) == 2 and events[0].data["old"]["targets"][1][0] == "giam-ngheo"


@pytest.mark.parametrize(
    "row, message",
    [
        ({"key": "a", "name": "", "value": "1"}, "cần có tên"),
        ({"key": "Chữ Hoa", "name": "X", "value": "1"}, "chữ thường"),
        ({"key": "x", "name": "X", "value": "mười"}, "phải là số"),
    ],
)
def test_bad_row_is_rejected_with_vietnamese_message_and_nothing_saved(cast, row, message):
    with pytest.raises(ValidationError) as exc:
        services.registration_save(
            cluster_year=cast.year, unit=cast.unit_a, aims="", targets=[ROWS[0], row], actor=cast.staff_a
        )
    assert any(message in m for m in exc.value.messages), exc.value.messages
    assert not Registration.objects.exists() and not RegistrationTarget.objects.exists()


def test_duplicate_key_is_rejected(cast):
    with pytest.raises(ValidationError, match="hai lần"):
        services.registration_save(
            cluster_year=cast.year, unit=cast.unit_a, aims="", targets=[ROWS[0], ROWS[0]], actor=cast.staff_a
        )


def test_registration_closed_after_registration_stage(cast):
    cast.year.stage = Stage.SCORING
    cast.year.save()
    with pytest.raises(ValidationError, match="hết thời hạn"):
        services.registration_save(
            cluster_year=cast.year, unit=cast.unit_a, aims="", targets=ROWS, actor=cast.staff_a
        )


def test_staff_registers_through_the_page(client, cast):
    client.login(username="staff_a", password=PASSWORD)
    url = reverse("pledges:registration_edit", args=[cast.year.pk])
    assert client.get(url).status_code == 200
    data = {
        "aims": "Bằng khen",
        "t-TOTAL_FORMS": "2",
        "t-INITIAL_FORMS": "0",
        "t-MIN_NUM_FORMS": "0",
        "t-MAX_NUM_FORMS": "60",
        "t-0-key": "thu-ngan-sach",
        "t-0-name": "Thu ngân sách",
        "t-0-value": "12,5",
        "t-0-measure": "tỷ đồng",
        "t-0-note": "",
        "t-1-key": "",
        "t-1-name": "",
        "t-1-value": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert registered_target(cast.year, cast.unit_a, "thu-ngan-sach") == Decimal("12.5")


@pytest.mark.parametrize(
    "username, status",
    [
        ("staff_a", 200),
        ("secretary", 200),
        ("leader_a", 403),
        ("council", 403),
        ("admin", 403),
        ("other", 404),
    ],
)
def test_registration_edit_permissions(client, cast, username, status):
    client.login(username=username, password=PASSWORD)
    assert client.get(reverse("pledges:registration_edit", args=[cast.year.pk])).status_code == status


@pytest.mark.parametrize(
    "username, status",
    [
        ("secretary", 200),
        ("admin", 200),
        ("staff_a", 403),
        ("leader_a", 403),
        ("other", 404),
    ],
)
def test_registration_list_permissions(client, cast, username, status):
    client.login(username=username, password=PASSWORD)
    assert client.get(reverse("pledges:registrations", args=[cast.year.pk])).status_code == status


def test_anonymous_is_sent_to_login(client, cast):
    response = client.get(reverse("pledges:registrations", args=[cast.year.pk]))
    assert response.status_code == 302 and "/login/" in response.url


def test_secretary_sees_missing_registrations(client, cast):
    services.registration_save(
        cluster_year=cast.year, unit=cast.unit_a, aims="", targets=ROWS, actor=cast.staff_a
    )
    client.login(username="secretary", password=PASSWORD)
    html = client.get(reverse("pledges:registrations", args=[cast.year.pk])).content.decode()
    missing = html.split('id="missing-registrations"')[1].split("</ul>")[0]
    assert "Huyện Thủy Nguyên" in missing and "Huyện Cát Hải" in missing and "Huyện Vĩnh Bảo" not in missing
    assert "Thu ngân sách nhà nước" in html


@pytest.mark.parametrize("n_members", [3, 12])
def test_registration_list_query_count_is_constant(client, django_assert_num_queries, n_members):
    cy, units = make_year(n_members=n_members, stage=Stage.REGISTRATION)
    secretary = make_user("sec", province=cy.cluster.province, unit=units[0], roles=[Role.CLUSTER_SECRETARY])
    for i, unit in enumerate(units[1:]):
        services.registration_save(
            cluster_year=cy, unit=unit, aims="", targets=ROWS[: 1 + i % 2], actor=reviewer_for(unit)
        )
    client.force_login(secretary)
    with django_assert_num_queries(10):
        assert client.get(reverse("pledges:registrations", args=[cy.pk])).status_code == 200
