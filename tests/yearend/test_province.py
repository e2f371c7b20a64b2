"""The province's table of all clusters, and a unit's history across years."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.models import ClusterYear, Stage
from tests.factories import PASSWORD, ClusterFactory, make_year

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def add_years(province, n, year, stage=Stage.SCORING, members=4):
    """n cluster years, each with `members` units; half of the units submitted their scores."""
    from emulation.scoring.models import ScoreSheet

    out = []
    for i in range(n):
        cy, units = make_year(
            province=province,
            n_members=members,
            year=year,
            stage=stage,
            cluster=ClusterFactory(province=province),
        )
        ClusterYear.objects.filter(pk=cy.pk).update(
            scoring_deadline=datetime.date(year, 1, 1) if i % 2 else None
        )
        for u in units[: members // 2]:
            ScoreSheet.objects.create(
                cluster_year=cy, unit=u, status="submitted", submitted_at=timezone.now()
            )
        for u in units[members // 2 :]:
            ScoreSheet.objects.create(cluster_year=cy, unit=u)
        out.append(cy)
    return out


def test_table_counts_filters_and_links(client, cast):
    pytest.importorskip("emulation.scoring.models")
    year = cast.year.year
    late, on_time = add_years(cast.province, 2, year)[::-1]  # the odd one has a past deadline
    login(client, cast.admin)
    url = reverse("yearend:province")
    html = client.get(url, {"year": year}).content.decode()
    assert reverse("clusters:year_detail", args=[late.pk]) in html
    assert reverse("clusters:year_detail", args=[cast.year.pk]) in html
    assert "2/4" in html  # scores submitted, n of m
    assert "còn 2 đơn vị chưa nộp điểm" in html  # overdue items of the late cluster
    assert reverse("clusters:year_detail", args=[cast.other_year.pk]) not in html  # another province

    scoring_only = client.get(url, {"year": year, "stage": "scoring"}).content.decode()
    assert reverse("clusters:year_detail", args=[cast.year.pk]) not in scoring_only  # in set-up
    assert reverse("clusters:year_detail", args=[on_time.pk]) in scoring_only

    overdue = client.get(url, {"year": year, "overdue": "on"}).content.decode()
    assert reverse("clusters:year_detail", args=[late.pk]) in overdue
    assert reverse("clusters:year_detail", args=[on_time.pk]) not in overdue
    assert reverse("clusters:year_detail", args=[cast.year.pk]) not in overdue


@pytest.mark.parametrize(
    "who,status", [("admin", 200), ("secretary", 403), ("staff_a", 403), ("council", 403)]
)
def test_only_the_province_admin_sees_the_table(client, cast, who, status):
    login(client, getattr(cast, who))
    assert client.get(reverse("yearend:province")).status_code == status


def test_anonymous_goes_to_login(client):
    response = client.get(reverse("yearend:province"))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("n", [2, 12])
def test_province_table_query_count_is_constant(client, cast, django_assert_num_queries, n):
    pytest.importorskip("emulation.scoring.models")
    add_years(cast.province, n, cast.year.year, members=3 + n // 2)
    login(client, cast.admin)
    url = reverse("yearend:province")
    client.get(url)  # warm the session
    with django_assert_num_queries(10):
        response = client.get(url, {"year": cast.year.year})
    assert response.content.decode().count('href="/clusters/years/') == n + 1


def test_unit_history_table_and_chart(client, cast):
    scoring = pytest.importorskip("emulation.scoring.services")
    from clusters import services as cluster_services
    from emulation.scoring.models import ScoreSheet

    cy = cast.year
    m1 = scoring.criterion_add(
        cluster_year=cy, actor=cast.admin, code="1", text="Kinh tế", max_points="100", kind="fixed"
    )
    ClusterYear.objects.filter(pk=cy.pk).update(stage=Stage.SCORING)
    cy.refresh_from_db()
    sheet = ScoreSheet(cluster_year=cy, unit=cast.unit_a)
    scoring.self_score_save(sheet=sheet, criterion=m1, value="87,5", actor=cast.staff_a)
    assert ScoreSheet.objects.filter(unit=cast.unit_a).exists()
    earlier = cluster_services.cluster_year_create(
        cluster=cast.cluster, year=cy.year - 1, actor=cast.admin, copy_from=cy
    )
    assert earlier.memberships.filter(unit=cast.unit_a).exists()

    login(client, cast.staff_a)
    response = client.get(reverse("yearend:unit_history", args=[cast.unit_a.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "87,5" in html and "87,50" not in html  # clusters.formatting: no trailing zero
    assert str(cy.year - 1) in html and str(cy.year) in html
    # another unit's staff: forbidden; another province: not found
    login(client, cast.staff_b)
    assert client.get(reverse("yearend:unit_history", args=[cast.unit_a.pk])).status_code == 403
    login(client, cast.other)
    assert client.get(reverse("yearend:unit_history", args=[cast.unit_a.pk])).status_code == 404


def _scored_earlier_year(cast, year, a_points, b_points):
    from clusters import services as cluster_services
    from emulation.scoring import services as scoring
    from emulation.scoring.models import ScoreSheet

    cy = cluster_services.cluster_year_create(
        cluster=cast.cluster, year=year, actor=cast.admin, copy_from=cast.year
    )
    major = scoring.criterion_add(
        cluster_year=cy, actor=cast.admin, code="1", text="Kinh tế", max_points="100", kind="fixed"
    )
    ClusterYear.objects.filter(pk=cy.pk).update(stage=Stage.SCORING)
    cy.refresh_from_db()
    for unit, staff, points in ((cast.unit_a, cast.staff_a, a_points), (cast.unit_b, cast.staff_b, b_points)):
        scoring.self_score_save(
            sheet=ScoreSheet(cluster_year=cy, unit=unit), criterion=major, value=points, actor=staff
        )
    return cy


def test_unit_history_reads_ten_years_with_the_queries_of_two(client, cast):
    """The history used to rank each year apart (six queries a year): all years are ranked
    together now, and each year's rank is the one its ranking page gives."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from emulation.scoring.selectors import ranking_for_year
    from yearend.selectors import unit_history

    years = [_scored_earlier_year(cast, cast.year.year - 1, "80", "90")]
    years.append(_scored_earlier_year(cast, cast.year.year - 2, "95", "90"))
    login(client, cast.admin)
    url = reverse("yearend:unit_history", args=[cast.unit_a.pk])
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    for back in range(3, 11):
        years.append(_scored_earlier_year(cast, cast.year.year - back, str(50 + back), "60"))
    with CaptureQueriesContext(connection) as ten:
        html = client.get(url).content.decode()
    assert len(ten.captured_queries) == len(two.captured_queries) == 13
    assert str(cast.year.year - 10) in html
    history = {h["cluster_year"].pk: h for h in unit_history(cast.unit_a)}
    for cy in years:
        rows = ranking_for_year(ClusterYear.objects.get(pk=cy.pk))
        mine = next(r for r in rows if r.unit.pk == cast.unit_a.pk)
        assert (history[cy.pk]["rank"], history[cy.pk]["total"]) == (mine.rank, mine.total)
    assert [history[cy.pk]["rank"] for cy in years[:3]] == [2, 1, 2]


@pytest.mark.parametrize(
    "name,method,who,status",
    [
        ("yearend:summary_xlsx", "get", "staff_a", 200),
        ("yearend:summary_xlsx", "get", "other", 404),
        ("yearend:summary_pdf", "get", "staff_a", 405),
        ("yearend:summary_pdf", "post", "other", 404),
        ("yearend:handover_correct", "post", "secretary", 403),
        ("yearend:start_next_year", "get", "secretary", 405),
    ],
)
def test_year_end_endpoints(client, cast, name, method, who, status):
    login(client, getattr(cast, who))
    response = getattr(client, method)(reverse(name, args=[cast.year.pk]))
    assert response.status_code == status


def test_notifications_need_a_login_and_a_post_to_mark_read(client, cast):
    assert client.get(reverse("yearend:notifications")).status_code == 302
    login(client, cast.staff_a)
    assert client.get(reverse("yearend:notifications_read")).status_code == 405


def test_unit_history_ranked_together_names_each_year_as_it_was(cast):
    """rankings_for_years over several years gives each year the ranking (names of that year
    included) that ranking_for_year gives it alone: a unit renamed twice, a year nobody scored."""
    import datetime

    from clusters.models import UnitVersion
    from emulation.scoring.selectors import ranking_for_year, rankings_for_years

    now = cast.year.year
    scored = [_scored_earlier_year(cast, now - back, "80", "90") for back in (1, 2, 3)]
    from clusters import services as cluster_services

    empty = cluster_services.cluster_year_create(
        cluster=cast.cluster, year=now - 4, actor=cast.admin, copy_from=cast.year
    )
    UnitVersion.objects.create(
        unit=cast.unit_a,
        name="Huyện Cũ Nhất",
        kind=cast.unit_a.kind,
        valid_until=datetime.date(now - 2, 1, 1),
    )
    UnitVersion.objects.create(
        unit=cast.unit_a, name="Huyện Cũ", kind=cast.unit_a.kind, valid_until=datetime.date(now - 1, 7, 1)
    )
    years = [ClusterYear.objects.get(pk=cy.pk) for cy in [*scored, empty]]
    together = rankings_for_years(years)
    names = {}
    for cy in years:
        alone = ranking_for_year(ClusterYear.objects.get(pk=cy.pk))
        got = together[cy.pk]
        assert [(r.unit.pk, r.unit_name, r.total, r.rank) for r in got] == [
            (r.unit.pk, r.unit_name, r.total, r.rank) for r in alone
        ]
        names[cy.year] = next((r.unit_name for r in got if r.unit.pk == cast.unit_a.pk), None)
    cast.unit_a.refresh_from_db()
    assert names == {
        now - 1: cast.unit_a.name,  # renamed in the middle of that year: its name at the end
        now - 2: "Huyện Cũ",
        now - 3: "Huyện Cũ Nhất",
        now - 4: None,  # nobody scored: no ranking
    }
    assert names[now - 3] == cast.unit_a.name_in_year(now - 3)


def test_unit_history_has_the_years_of_the_units_merged_into_it(cast):
    from clusters.models import Unit
    from tests.factories import UnitFactory
    from yearend.selectors import unit_history

    city = UnitFactory(province=cast.province, name="Thành phố Thủy Nguyên")
    Unit.objects.filter(pk=cast.unit_b.pk).update(
        merged_into=city, merged_on=datetime.date(cast.year.year + 1, 1, 1)
    )
    rows = unit_history(city)
    assert [(r["year"], r["name"], r["cluster_year"].pk) for r in rows] == [
        (cast.year.year, "Huyện Thủy Nguyên", cast.year.pk)
    ]
    assert [r["cluster_year"].pk for r in unit_history(cast.unit_a)] == [cast.year.pk]
