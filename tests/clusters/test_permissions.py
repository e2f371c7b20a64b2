"""Permission matrix: each clusters view × the fixed cast. Allowed ones succeed, the rest get
403/404 or the login page, and nothing of another province leaks."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CAST = ["anonymous", "staff_a", "staff_b", "secretary", "council", "admin", "other"]


def _client(client, cast, who):
    if who != "anonymous":
        assert client.login(username=getattr(cast, who).username, password=PASSWORD)
    return client


def _get_views(cast):
    return {
        "home": (reverse("home"), {"staff_a", "staff_b", "secretary", "council", "admin", "other"}),
        "cluster_list": (
            reverse("clusters:cluster_list"),
            {"staff_a", "staff_b", "secretary", "council", "admin", "other"},
        ),
        "cluster_detail": (
            reverse("clusters:cluster_detail", args=[cast.cluster.pk]),
            {"staff_a", "staff_b", "secretary", "council", "admin"},
        ),
        "year_detail": (
            reverse("clusters:year_detail", args=[cast.year.pk]),
            {"staff_a", "staff_b", "secretary", "council", "admin"},
        ),
        "unit_list": (reverse("clusters:unit_list"), {"admin", "other"}),
        "unit_detail": (reverse("clusters:unit_detail", args=[cast.unit_a.pk]), {"admin"}),
        "user_list": (reverse("clusters:user_list"), {"admin", "other"}),
        "user_create": (reverse("clusters:user_create"), {"admin", "other"}),
        "cluster_create": (reverse("clusters:cluster_create"), {"admin", "other"}),
    }


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(
    "view",
    [
        "home",
        "cluster_list",
        "cluster_detail",
        "year_detail",
        "unit_list",
        "unit_detail",
        "user_list",
        "user_create",
        "cluster_create",
    ],
)
def test_get_views_follow_the_permission_matrix(client, cast, who, view):
    url, allowed = _get_views(cast)[view]
    response = _client(client, cast, who).get(url)
    if who == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    elif who in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("who", CAST)
def test_only_the_province_admin_adds_members(client, cast, who):
    from clusters.models import Membership
    from tests.factories import UnitFactory

    newcomer = UnitFactory(province=cast.province)
    url = reverse("clusters:membership_add", args=[cast.year.pk])
    response = _client(client, cast, who).post(url, {"unit": newcomer.pk, "role": "member"})
    added = Membership.objects.filter(cluster_year=cast.year, unit=newcomer).exists()
    assert added == (who == "admin")
    if who not in ("admin", "anonymous"):
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("who", CAST)
def test_stage_moves_forward_only_for_admin_and_secretary(client, cast, who):
    url = reverse("clusters:stage_advance", args=[cast.year.pk])
    _client(client, cast, who).post(url)
    cast.year.refresh_from_db()
    assert (cast.year.stage == "registration") == (who in ("admin", "secretary"))


def test_secretary_cannot_move_a_year_back(client, cast):
    cast.year.stage = "scoring"
    cast.year.save()
    _client(client, cast, "secretary").post(
        reverse("clusters:stage_revert", args=[cast.year.pk]), {"reason": "nhầm"}
    )
    cast.year.refresh_from_db()
    assert cast.year.stage == "scoring"


def test_user_of_another_province_sees_nothing_of_ours(client, cast):
    _client(client, cast, "other")
    assert client.get(reverse("clusters:year_detail", args=[cast.year.pk])).status_code == 404
    assert client.get(reverse("clusters:unit_detail", args=[cast.unit_a.pk])).status_code == 404
    for url in (
        reverse("clusters:cluster_list"),
        reverse("clusters:unit_list"),
        reverse("clusters:user_list"),
        reverse("home"),
    ):
        body = client.get(url).content.decode()
        for name in (cast.cluster.name, cast.unit_a.name, cast.staff_a.username):
            assert name not in body, f"{name} leaked on {url}"


def test_post_without_csrf_token_is_refused(cast):

    from tests.conftest import AxesClient

    c = AxesClient(enforce_csrf_checks=True)
    c.login(username=cast.admin.username, password=PASSWORD)
    response = c.post(reverse("clusters:stage_advance", args=[cast.year.pk]))
    assert response.status_code == 403
    cast.year.refresh_from_db()
    assert cast.year.stage == "setup"
