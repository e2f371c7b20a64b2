"""Every list page issues the same number of queries whatever the data size."""

import pytest
from django.urls import reverse

from clusters.models import Membership, Role
from tests.factories import PASSWORD, ClusterFactory, UnitFactory, make_user, make_year

pytestmark = pytest.mark.django_db


def _grow(cast, n):
    """n more units (with an earlier name each), n more clusters with a year, n more accounts."""
    from clusters.models import UnitVersion

    for i in range(n):
        unit = UnitFactory(province=cast.province)
        UnitVersion.objects.create(unit=unit, name=f"Cũ {i}", kind="huyen", valid_until="2020-01-01")
        Membership.objects.create(cluster_year=cast.year, unit=unit)
        make_year(cluster=ClusterFactory(province=cast.province), n_members=2)
        make_user(f"u{n}-{i}", province=cast.province, unit=unit, roles=[Role.UNIT_STAFF, Role.UNIT_LEADER])


# page: (url, who looks at it, queries)
PAGES = {
    "home_admin": (lambda c: reverse("home"), "admin", 13),
    "home_staff": (lambda c: reverse("home"), "staff_a", 8),
    "cluster_list": (lambda c: reverse("clusters:cluster_list"), "admin", 4),
    "cluster_detail": (lambda c: reverse("clusters:cluster_detail", args=[c.cluster.pk]), "admin", 7),
    "year_detail": (lambda c: reverse("clusters:year_detail", args=[c.year.pk]), "admin", 8),
    "unit_list": (lambda c: reverse("clusters:unit_list"), "admin", 5),
    "user_list": (lambda c: reverse("clusters:user_list"), "admin", 6),
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("size", [2, 12])
def test_list_pages_have_a_constant_query_count(client, cast, django_assert_num_queries, page, size):
    _grow(cast, size)
    url_of, who, expected = PAGES[page]
    client.login(username=getattr(cast, who).username, password=PASSWORD)
    url = url_of(cast)
    client.get(url)  # warm the session
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
