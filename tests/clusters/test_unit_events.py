"""The 2025 reform as dated events: rename mid-year, merge, split, abolish, province merge; years
shown as they were on the date asked; history followed both ways; copying a year applies the
changes in force on its first day."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clusters import services, timeline, unit_events
from clusters.issuers import header_context
from clusters.models import (
    AuditEvent,
    ClusterYear,
    MemberRole,
    Membership,
    Role,
    Unit,
    UnitEvent,
    UnitEventKind,
    UnitKind,
)
from tests.factories import PASSWORD, ClusterFactory, ProvinceFactory, UnitFactory, make_user

pytestmark = pytest.mark.django_db

JULY_1 = datetime.date(2025, 7, 1)
BASIS = {"decision_number": "1669/NQ-UBTVQH15", "decision_date": datetime.date(2025, 6, 16)}


def _year(cluster, year, units, head=None):
    cy = ClusterYear.objects.create(cluster=cluster, year=year)
    for u in units:
        Membership.objects.create(
            cluster_year=cy, unit=u, role=MemberRole.HEAD if u == head else MemberRole.MEMBER
        )
    return cy


def _communes(province):
    return [
        {"code": f"xa-{i}", "name": f"Xã Thạch {n}", "kind": UnitKind.COMMUNE}
        for i, n in enumerate(["Hòa", "Bình", "Tiến"], 1)
    ]


def _members_table(response):
    html = response.content.decode()
    return html[html.index('id="members"') : html.index("</table>")]


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_district_split_into_three_communes_is_followed_from_each(cast):
    district = UnitFactory(province=cast.province, name="Huyện Thạch Thất")
    y2024 = _year(cast.cluster, 2024, [cast.head, cast.unit_a, district], head=cast.head)
    communes = unit_events.unit_split(
        unit=district,
        successors=_communes(cast.province),
        history_to=0,
        effective=JULY_1,
        actor=cast.admin,
        **BASIS,
    )
    district.refresh_from_db()
    assert district.ended_on == JULY_1 and district.merged_into == communes[0]
    assert all(c.started_on == JULY_1 for c in communes)
    event = UnitEvent.objects.get(kind=UnitEventKind.SPLIT)
    assert event.basis == "1669/NQ-UBTVQH15, 16/06/2025" and not event.shared_history
    for commune in communes:
        line = timeline.lineage(commune)
        assert [link.unit for link, _ in line.predecessors] == [district]
        years = timeline.history_years(commune, line.carried)
        carries = commune == communes[0]
        assert [(m.cluster_year, m.name_then) for m in years] == ([(y2024, district.name)] if carries else [])
    succs = timeline.lineage(district).successors
    assert sorted(link.successor.name for link, _ in succs) == sorted(c.name for c in communes)
    audit = AuditEvent.objects.get(action="unit.split")
    assert audit.data["successors"] == [c.pk for c in communes] and audit.actor == cast.admin


def test_a_shared_history_shows_the_districts_years_on_every_commune(cast):
    district = UnitFactory(province=cast.province, name="Huyện Thạch Thất")
    y2024 = _year(cast.cluster, 2024, [district])
    communes = unit_events.unit_split(
        unit=district, successors=_communes(cast.province), effective=JULY_1, actor=cast.admin, **BASIS
    )
    for commune in communes:
        line = timeline.lineage(commune)
        assert [m.cluster_year for m in timeline.history_years(commune, line.carried)] == [y2024]
    assert Unit.objects.get(pk=district.pk).merged_into is None


def test_the_unit_page_shows_predecessors_and_successors(client, cast):
    communes = unit_events.unit_split(
        unit=cast.unit_b,
        successors=_communes(cast.province),
        history_to=1,
        effective=JULY_1,
        actor=cast.admin,
        **BASIS,
    )
    _login(client, cast.admin)
    district_page = client.get(reverse("clusters:unit_detail", args=[cast.unit_b.pk])).content.decode()
    for commune in communes:
        assert commune.name in district_page
        page = client.get(reverse("clusters:unit_detail", args=[commune.pk])).content.decode()
        assert cast.unit_b.name in page and "1669/NQ-UBTVQH15" in page


def test_copying_a_year_applies_the_changes_in_force_on_its_first_day(cast):
    """2025 starts with the district (split on 1 July); 2026 has its three communes, not it."""
    cluster = ClusterFactory(province=cast.province)
    y2024 = _year(cluster, 2024, [cast.head, cast.unit_a, cast.unit_b])
    communes = unit_events.unit_split(
        unit=cast.unit_b,
        successors=_communes(cast.province),
        history_to=0,
        effective=JULY_1,
        actor=cast.admin,
        **BASIS,
    )
    unit_events.unit_abolish(
        unit=cast.unit_a, effective=datetime.date(2025, 10, 1), actor=cast.admin, **BASIS
    )
    y2025 = services.cluster_year_create(cluster=cluster, year=2025, actor=cast.admin, copy_from=y2024)
    assert set(y2025.memberships.values_list("unit_id", flat=True)) == {
        cast.head.pk,
        cast.unit_a.pk,
        cast.unit_b.pk,
    }
    Membership.objects.create(cluster_year=y2025, unit=communes[1])  # added by hand after 1 July
    y2026 = services.cluster_year_create(cluster=cluster, year=2026, actor=cast.admin, copy_from=y2025)
    assert set(y2026.memberships.values_list("unit_id", flat=True)) == {
        cast.head.pk,
        *(c.pk for c in communes),
    }


def test_copying_a_year_after_a_merge_of_many_into_a_new_unit(cast):
    cluster = ClusterFactory(province=cast.province)
    y2025 = _year(cluster, 2025, [cast.head, cast.unit_a, cast.unit_b])
    new = unit_events.units_merge(
        units=[cast.unit_a, cast.unit_b],
        new_unit={"code": "phuong-moi", "name": "Phường Hòa Bình", "kind": UnitKind.WARD},
        effective=datetime.date(2026, 1, 1),
        actor=cast.admin,
        **BASIS,
    )
    y2026 = services.cluster_year_create(cluster=cluster, year=2026, actor=cast.admin, copy_from=y2025)
    assert set(y2026.memberships.values_list("unit_id", flat=True)) == {cast.head.pk, new.pk}
    assert {u.merged_into_id for u in Unit.objects.filter(pk__in=[cast.unit_a.pk, cast.unit_b.pk])} == {
        new.pk
    }
    assert [link.unit for link, _ in timeline.lineage(new).predecessors] != []


def test_a_rename_on_1_july_shows_the_old_name_before_it(client, cast):
    y2025 = _year(cast.cluster, 2025, [cast.head, cast.unit_b], head=cast.head)
    unit_events.unit_rename(
        unit=cast.unit_b,
        name="Thành phố Thủy Nguyên",
        short_name="Thủy Nguyên",
        kind=UnitKind.PROVINCIAL_CITY,
        effective=JULY_1,
        actor=cast.admin,
        **BASIS,
    )
    _login(client, cast.admin)
    url = reverse("clusters:year_detail", args=[y2025.pk])
    march = _members_table(client.get(url, {"on": "15/03/2025"}))
    assert "Huyện Thủy Nguyên" in march and "Thành phố Thủy Nguyên" not in march
    july = client.get(url, {"on": "01/07/2025"}).content.decode()
    assert "Thành phố Thủy Nguyên" in july
    assert "Huyện Thủy Nguyên" in july  # "until 30/06/2025" beside the new name
    assert "30/06/2025" in july
    # the key dates are offered: 1 January, 1 July, 31 December
    for day in ("01/01/2025", "01/07/2025", "31/12/2025"):
        assert f"on={day}" in july.replace("%2F", "/")


def test_the_year_page_shows_the_successors_of_a_member_that_ceased_to_exist(client, cast):
    y2025 = _year(cast.cluster, 2025, [cast.head, cast.unit_b], head=cast.head)
    communes = unit_events.unit_split(
        unit=cast.unit_b,
        successors=_communes(cast.province),
        history_to=0,
        effective=JULY_1,
        actor=cast.admin,
        **BASIS,
    )
    _login(client, cast.admin)
    url = reverse("clusters:year_detail", args=[y2025.pk])
    before = _members_table(client.get(url, {"on": "30/06/2025"}))
    after = _members_table(client.get(url, {"on": "01/07/2025"}))
    assert cast.unit_b.name in before and not any(c.name in before for c in communes)
    assert all(c.name in after for c in communes)


def test_an_abolished_unit_is_no_longer_active_and_cannot_change_again(client, cast):
    unit_events.unit_abolish(unit=cast.unit_b, effective=JULY_1, actor=cast.admin, **BASIS)
    _login(client, cast.admin)
    listing = client.get(reverse("clusters:unit_list")).content.decode()
    row = re.search(r"Huyện Thủy Nguyên.*?</tr>", listing, re.S).group(0)
    assert "Đang hoạt động" not in row and "01/07/2025" in row
    with pytest.raises(ValidationError):
        unit_events.unit_rename(
            unit=cast.unit_b,
            name="X",
            short_name="",
            kind=UnitKind.COMMUNE,
            effective=JULY_1,
            actor=cast.admin,
            **BASIS,
        )


def test_a_change_needs_its_legal_basis(cast):
    with pytest.raises(ValidationError):
        unit_events.unit_abolish(
            unit=cast.unit_b, effective=JULY_1, actor=cast.admin, decision_number=" ", decision_date=JULY_1
        )
    assert Unit.objects.get(pk=cast.unit_b.pk).ended_on is None


def test_a_split_needs_two_successors_of_the_same_province(cast):
    for successors in ([cast.unit_a], [cast.unit_a, cast.other_units[0]], [cast.unit_a, cast.unit_b]):
        with pytest.raises(ValidationError):
            unit_events.unit_split(
                unit=cast.unit_b, successors=successors, effective=JULY_1, actor=cast.admin, **BASIS
            )
    assert not UnitEvent.objects.exists()


def _strip(html):
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


@pytest.fixture
def superuser(db):
    from clusters.models import User

    return User.objects.create_superuser(username="root", password=PASSWORD, email="")


def test_two_provinces_merged_leave_every_earlier_year_unchanged(client, cast, superuser):
    """Hải Dương into Hải Phòng on 1 July 2025: its 2024 year page, ranking and documents keep
    the old province and names; its units and people are Hải Phòng's from then."""
    hd = ProvinceFactory(name="Tỉnh Hải Dương", place_name="Hải Dương", code="hai-duong")
    cluster = ClusterFactory(province=hd, name="Cụm thi đua các huyện phía Bắc")
    units = [UnitFactory(province=hd, name=n) for n in ("Huyện Kinh Môn", "Huyện Nam Sách", "Huyện Thanh Hà")]
    UnitFactory(province=hd, code=cast.unit_a.code, name="Huyện Trùng Mã")  # its code is taken in Hải Phòng
    y2024 = _year(cluster, 2024, units, head=units[0])
    staff = make_user("hd_staff", province=hd, unit=units[0], roles=[Role.UNIT_STAFF])
    hd_admin = make_user("hd_admin", province=hd, roles=[Role.PROVINCE_ADMIN])
    pages = [
        reverse("clusters:year_detail", args=[y2024.pk]) + "?on=31/12/2024",
        reverse("scoring:ranking", args=[y2024.pk]),
    ]
    _login(client, staff)
    before = [client.get(url) for url in pages]
    assert [r.status_code for r in before] == [200, 200]
    header_before = header_context(cluster, place_date="")

    unit_events.province_merge(province=hd, into=cast.province, effective=JULY_1, actor=superuser, **BASIS)

    after = [client.get(url) for url in pages]
    assert [_strip(r.content.decode()) for r in after] == [_strip(r.content.decode()) for r in before]
    cluster.refresh_from_db()
    assert cluster.province == hd and header_context(cluster, place_date="") == header_before
    assert "Hải Dương" in header_before["issuer_parent"] + header_before["issuer"].place
    assert set(Unit.objects.filter(province=hd).values_list("pk", flat=True)) == set()
    assert Unit.objects.get(name="Huyện Trùng Mã").code == f"hai-duong-{cast.unit_a.code}"
    staff.refresh_from_db()
    hd_admin.refresh_from_db()
    assert staff.province == cast.province and hd_admin.province == cast.province
    assert not hd_admin.has_role(Role.PROVINCE_ADMIN)
    # Hải Phòng's admin now reaches the old year, and the new units; Quảng Bình does not
    _login(client, cast.admin)
    assert client.get(pages[0]).status_code == 200
    assert client.get(reverse("clusters:unit_detail", args=[units[1].pk])).status_code == 200
    assert cluster.name in client.get(reverse("clusters:cluster_list")).content.decode()
    _login(client, cast.other)
    assert client.get(pages[0]).status_code == 404
    # the old province opens no new year; both chains record the merge
    with pytest.raises(ValidationError):
        services.cluster_year_create(cluster=cluster, year=2026, actor=cast.admin, copy_from=y2024)
    assert set(AuditEvent.objects.filter(action="province.merged").values_list("province_id", flat=True)) == {
        hd.pk,
        cast.province.pk,
    }


def test_a_hai_phong_year_copied_after_the_merge_takes_the_moved_units(cast, superuser):
    hd = ProvinceFactory(name="Tỉnh Hải Dương", code="hd")
    moved = UnitFactory(province=hd, name="Thành phố Hải Dương")
    unit_events.province_merge(province=hd, into=cast.province, effective=JULY_1, actor=superuser, **BASIS)
    cluster = ClusterFactory(province=cast.province)
    y2025 = _year(cluster, 2025, [cast.head])
    services.membership_add(cluster_year=y2025, unit=Unit.objects.get(pk=moved.pk), actor=cast.admin)
    y2026 = services.cluster_year_create(cluster=cluster, year=2026, actor=cast.admin, copy_from=y2025)
    assert set(y2026.memberships.values_list("unit_id", flat=True)) == {cast.head.pk, moved.pk}


def test_a_unit_transferred_to_another_province_leaves_its_old_clusters_next_year(cast, superuser):
    cluster = ClusterFactory(province=cast.province)
    y2025 = _year(cluster, 2025, [cast.head, cast.unit_b])
    unit_events.unit_transfer(
        unit=cast.unit_b, to_province=cast.other_province, effective=JULY_1, actor=superuser, **BASIS
    )
    assert Unit.objects.get(pk=cast.unit_b.pk).province == cast.other_province
    assert {cast.staff_b.pk, cast.leader_b.pk} <= set(
        type(cast.admin).objects.filter(province=cast.other_province).values_list("pk", flat=True)
    )
    y2026 = services.cluster_year_create(cluster=cluster, year=2026, actor=cast.admin, copy_from=y2025)
    assert set(y2026.memberships.values_list("unit_id", flat=True)) == {cast.head.pk}


def _basis_post(prefix=""):
    p = f"{prefix}-" if prefix else ""
    return {
        f"{p}effective": "01/07/2025",
        f"{p}decision_number": "1669/NQ-UBTVQH15",
        f"{p}decision_date": "16/06/2025",
        f"{p}decision_body": "Ủy ban Thường vụ Quốc hội",
    }


def test_the_reform_of_a_district_into_three_communes_takes_one_form(client, cast):
    """One page, one submission: three new communes, the first carrying the district's years."""
    district = UnitFactory(province=cast.province, name="Huyện Thạch Thất")
    _login(client, cast.admin)
    url = reverse("clusters:unit_split", args=[district.pk])
    page = client.get(url).content.decode()
    for label in ("Số quyết định", "Ngày quyết định (dd/mm/yyyy)", "Có hiệu lực từ (dd/mm/yyyy)"):
        assert label in page
    data = {**_basis_post(), "history": "1"}
    for i, name in enumerate(["Xã Thạch Thất", "Xã Hạ Bằng", "Xã Tây Phương"], 1):
        data.update({f"s{i}_code": f"xa-{i}", f"s{i}_name": name, f"s{i}_kind": UnitKind.COMMUNE})
    response = client.post(url, data)
    assert response.status_code == 302
    event = UnitEvent.objects.get(kind=UnitEventKind.SPLIT)
    assert event.decision_body == "Ủy ban Thường vụ Quốc hội" and event.effective == JULY_1
    successors = [link.successor for link in event.links.order_by("successor__code")]
    assert [s.name for s in successors] == ["Xã Thạch Thất", "Xã Hạ Bằng", "Xã Tây Phương"]
    assert [link.carries_history for link in event.links.order_by("successor__code")] == [True, False, False]


def test_a_split_form_with_one_successor_is_refused_in_vietnamese(client, cast):
    _login(client, cast.admin)
    data = {**_basis_post(), "s1_code": "xa-1", "s1_name": "Xã Một", "s1_kind": UnitKind.COMMUNE}
    page = client.post(reverse("clusters:unit_split", args=[cast.unit_b.pk]), data).content.decode()
    assert "Chia tách cần ít nhất hai đơn vị kế thừa." in page
    assert not UnitEvent.objects.exists()


def test_the_merge_page_merges_many_into_a_new_ward(client, cast):
    _login(client, cast.admin)
    data = {
        **_basis_post(),
        "units": [cast.unit_a.pk, cast.unit_b.pk],
        "new_code": "phuong-moi",
        "new_name": "Phường Hòa Bình",
        "new_kind": UnitKind.WARD,
    }
    response = client.post(reverse("clusters:units_merge"), data)
    new = Unit.objects.get(code="phuong-moi")
    assert response.status_code == 302 and response.url == reverse("clusters:unit_detail", args=[new.pk])
    assert set(new.merged_units.values_list("pk", flat=True)) == {cast.unit_a.pk, cast.unit_b.pk}


def test_rename_and_abolish_forms_record_the_basis(client, cast):
    _login(client, cast.admin)
    rename = {
        **_basis_post(),
        "name": "Thành phố Thủy Nguyên",
        "short_name": "",
        "kind": UnitKind.PROVINCIAL_CITY,
    }
    client.post(reverse("clusters:unit_rename", args=[cast.unit_b.pk]), rename)
    client.post(reverse("clusters:unit_abolish", args=[cast.unit_a.pk]), _basis_post("abolish"))
    assert Unit.objects.get(pk=cast.unit_b.pk).name == "Thành phố Thủy Nguyên"
    assert Unit.objects.get(pk=cast.unit_a.pk).ended_on == JULY_1
    assert UnitEvent.objects.filter(decision_number="1669/NQ-UBTVQH15").count() == 2


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("unit_detail", "get"),
        ("unit_split", "get"),
        ("unit_split", "post"),
        ("unit_rename", "post"),
        ("unit_abolish", "post"),
    ],
)
def test_another_provinces_unit_is_not_found_and_staff_are_refused(client, cast, name, method):
    url = reverse(f"clusters:{name}", args=[cast.unit_b.pk])
    _login(client, cast.other)
    assert getattr(client, method)(url, _basis_post()).status_code == 404
    _login(client, cast.staff_b)
    assert getattr(client, method)(url, _basis_post()).status_code == 403
    assert not UnitEvent.objects.exists() and Unit.objects.get(pk=cast.unit_b.pk).ended_on is None


def test_moves_between_provinces_are_the_superusers(client, cast, superuser):
    url = reverse("clusters:province_changes")
    _login(client, cast.admin)
    assert client.get(url).status_code == 403
    assert client.post(reverse("clusters:units_merge"), {}).status_code == 200  # the admin's own page
    _login(client, superuser)
    data = {**_basis_post("transfer"), "transfer": "1", "transfer-unit": cast.unit_b.pk}
    data["transfer-to_province"] = cast.other_province.pk
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Unit.objects.get(pk=cast.unit_b.pk).province == cast.other_province


def test_the_admin_site_shows_unit_changes_read_only(client, superuser, cast):
    unit_events.unit_abolish(unit=cast.unit_b, effective=JULY_1, actor=cast.admin, **BASIS)
    _login(client, superuser)
    event = UnitEvent.objects.get()
    assert client.get(reverse("admin:clusters_unitevent_change", args=[event.pk])).status_code == 200
    assert client.get(reverse("admin:clusters_unitevent_add")).status_code == 403
    assert (
        client.post(reverse("admin:clusters_unitevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert UnitEvent.objects.filter(pk=event.pk).exists()


def test_a_province_is_merged_once_and_not_into_a_merged_one(cast, superuser):
    hd = ProvinceFactory(name="Tỉnh Hải Dương", code="hd")
    unit_events.province_merge(province=hd, into=cast.province, effective=JULY_1, actor=superuser, **BASIS)
    for province, into in ((hd, cast.other_province), (cast.other_province, hd)):
        with pytest.raises(ValidationError):
            unit_events.province_merge(
                province=province, into=into, effective=JULY_1, actor=superuser, **BASIS
            )
    assert UnitEvent.objects.filter(kind=UnitEventKind.PROVINCE_MERGE).count() == 1


@pytest.mark.parametrize("size", [2, 12])
def test_the_unit_page_has_a_constant_query_count(client, cast, django_assert_num_queries, size):
    """A ward formed from `size` communes, each a member of a 2024 year, each renamed once."""
    cluster = ClusterFactory(province=cast.province)
    communes = [UnitFactory(province=cast.province, kind=UnitKind.COMMUNE) for _ in range(size)]
    _year(cluster, 2024, communes)
    for c in communes:
        unit_events.unit_rename(
            unit=c,
            name=c.name + " mới",
            short_name="",
            kind=UnitKind.COMMUNE,
            effective=datetime.date(2025, 1, 1),
            actor=cast.admin,
            **BASIS,
        )
    ward = unit_events.units_merge(
        units=communes,
        new_unit={"code": "phuong-moi", "name": "Phường Mới", "kind": UnitKind.WARD},
        effective=JULY_1,
        actor=cast.admin,
        **BASIS,
    )
    _login(client, cast.admin)
    url = reverse("clusters:unit_detail", args=[ward.pk])
    client.get(url)
    with django_assert_num_queries(12):
        response = client.get(url)
    assert response.content.decode().count("Huyện Thử") >= size  # each commune's 2024 name
