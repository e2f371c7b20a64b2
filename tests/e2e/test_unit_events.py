"""Real Chromium: the province admin records a district split into three communes in one form
(labelled fields, dd/mm/yyyy dates, Vietnamese messages), then reads the year on dates before
and after the split; axe finds no serious issue on these pages."""

import pytest

from tests.conftest import assert_accessible, login
from tests.factories import UnitFactory, make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_admin_splits_a_district_into_three_communes_in_one_form(page):
    from clusters.models import ClusterYear, Membership

    cast = make_cast()
    district = UnitFactory(province=cast.province, name="Huyện Thạch Thất", short_name="Thạch Thất")
    y2025 = ClusterYear.objects.create(cluster=cast.cluster, year=2025)
    Membership.objects.create(cluster_year=y2025, unit=district)
    login(page, cast.admin.username)
    page.goto(page.live_server_url + f"/clusters/units/{district.pk}/")
    assert_accessible(page, "unit-detail-province-admin")
    page.get_by_role("link", name="Chia tách đơn vị này").click()
    for i, name in enumerate(["Xã Thạch Thất", "Xã Hạ Bằng", "Xã Tây Phương"], 1):
        page.get_by_label(f"Mã của đơn vị kế thừa {i}").fill(f"xa-{i}")
        page.get_by_label(f"Tên của đơn vị kế thừa {i}").fill(name)
    page.get_by_label("Đơn vị kế thừa các năm trước").select_option(label="Đơn vị kế thừa 1")
    page.get_by_label("Có hiệu lực từ (dd/mm/yyyy)").fill("01/07/2025")
    page.get_by_label("Số quyết định").fill("1669/NQ-UBTVQH15")
    page.get_by_label("Ngày quyết định (dd/mm/yyyy)").fill("16/06/2025")
    assert_accessible(page, "unit-split-form")
    page.get_by_role("button", name="Ghi nhận thay đổi").click()
    page.wait_for_load_state("networkidle")
    main = page.locator("main").inner_text()
    assert "Đã ghi nhận việc chia tách" in main
    assert "Xã Hạ Bằng" in main and "1669/NQ-UBTVQH15, 16/06/2025" in main

    page.goto(page.live_server_url + f"/clusters/years/{y2025.pk}/?on=30/06/2025")
    members = page.locator("table").first.inner_text()
    assert "Huyện Thạch Thất" in members and "Xã Hạ Bằng" not in members
    page.get_by_label("Thành viên vào ngày (dd/mm/yyyy)").fill("01/07/2025")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_load_state("networkidle")
    members = page.locator("table").first.inner_text()
    assert "Xã Hạ Bằng" in members and "kế thừa Huyện Thạch Thất" in members
    assert_accessible(page, "year-on-a-date")
