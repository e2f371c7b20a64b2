"""The province admin's home is a dashboard of the province's clusters for the active year (stage,
overdue, signatures k/n, scores submitted k/n, votes), opening on the year being worked on, with
the same number of queries however many clusters there are."""

import pytest
from django.urls import reverse

from clusters.models import ClusterYear, Stage
from tests.factories import PASSWORD
from tests.yearend.test_province import add_years
from yearend.selectors import active_year

pytestmark = pytest.mark.django_db


def _home(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client.get(reverse("home")).content.decode()


def test_the_home_page_shows_each_cluster_with_its_progress(client, cast):
    year = cast.year.year
    add_years(cast.province, 2, year)
    page = _home(client, cast.admin)
    assert f"Các cụm của tỉnh, năm {year}" in page
    assert page.count("2/4</td>") == 2  # scores submitted k/n, one per added cluster
    assert "0/4 đã ký" in page and "0/3 đã ký" in page
    assert "đơn vị chưa nộp điểm" in page  # the cluster whose scoring deadline has passed
    assert "Tỉnh Quảng Bình" not in page and cast.other_year.cluster.name not in page


def test_it_opens_on_the_year_being_worked_on_not_an_empty_calendar_year(client, cast):
    last = cast.year.year - 1
    ClusterYear.objects.filter(pk=cast.year.pk).update(year=last, stage=Stage.DOSSIER)
    add_years(cast.province, 1, last - 1, stage=Stage.CLOSED)
    assert active_year(cast.province.pk) == last
    page = _home(client, cast.admin)
    assert f"Các cụm của tỉnh, năm {last}" in page and cast.cluster.name in page
    overview = client.get(reverse("yearend:province")).content.decode()
    assert str(last) in overview and cast.cluster.name in overview


def test_other_roles_get_no_dashboard(client, cast):
    assert "Các cụm của tỉnh, năm" not in _home(client, cast.staff_a)
    assert "Các cụm của tỉnh, năm" not in _home(client, cast.secretary)


@pytest.mark.parametrize("size", [1, 6])
def test_the_dashboard_costs_the_same_queries_whatever_the_number_of_clusters(
    client, cast, django_assert_max_num_queries, size
):
    add_years(cast.province, size, cast.year.year)
    assert client.login(username=cast.admin.username, password=PASSWORD)
    client.get(reverse("home"))  # warm the session
    with django_assert_max_num_queries(15):
        response = client.get(reverse("home"))
    assert response.status_code == 200 and response.content.decode().count("/clusters/years/") >= size
