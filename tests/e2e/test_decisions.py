"""Real Chromium: the province admin decides on twelve nominations of two clusters in one form
(choose all, one decision), then grants two of them a lower award, and reads the report. axe
scans every page."""

import re

import pytest
from playwright.sync_api import expect

from awards.models import Decision
from clusters.models import Stage
from tests.awards.helpers import nominated_clusters
from tests.conftest import assert_accessible, login
from tests.factories import make_cast

pytestmark = [pytest.mark.browser]


def test_province_admin_decides_in_bulk_and_reads_the_report(page, live_server):
    cast = make_cast(stage=Stage.VOTING)
    types, years = nominated_clusters(cast, clusters=2, higher=2, lower=4)
    year = cast.year.year
    login(page, cast.admin.username)
    page.goto(live_server.url + "/year-end/province/")
    page.get_by_role("link", name="Quyết định khen thưởng").click()
    expect(page.get_by_role("heading", name=f"Quyết định khen thưởng – {year}")).to_be_visible()
    boxes = page.locator('input[name="nominations"]')
    expect(boxes).to_have_count(12)
    assert_accessible(page, "awards-decisions-bulk")

    page.get_by_label("Chọn tất cả các đề nghị đang hiển thị").check()
    assert all(boxes.nth(i).is_checked() for i in range(12))
    page.locator("#id_number").fill("125/QĐ-UBND")
    page.locator("#id_date").fill("15/01/2027")
    page.locator("#id_signer").fill("Nguyễn Văn Tùng")
    page.locator("#id_outcome").select_option("approved")
    page.get_by_role("button", name="Áp dụng quyết định cho các đề nghị đã chọn").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi quyết định cho 12 đề nghị")
    assert Decision.objects.filter(number="125/QĐ-UBND", signer="Nguyễn Văn Tùng").count() == 12

    # two of the first cluster's "Cờ" nominations get a lower award instead
    page.locator("#f-cluster").select_option(str(years[0].cluster_id))
    page.locator("#f-award").select_option(str(types["co-thanh-pho"].pk))
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(boxes).to_have_count(2)
    page.get_by_label("Chọn tất cả các đề nghị đang hiển thị").check()
    page.locator("#id_number").fill("130/QĐ-UBND")
    page.locator("#id_date").fill("20/01/2027")
    page.locator("#id_outcome").select_option("reduced")
    page.locator("#id_granted_award").select_option(str(types["bk-chuyen-de"].pk))
    page.get_by_role("button", name="Áp dụng quyết định cho các đề nghị đã chọn").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi quyết định cho 2 đề nghị")
    expect(page.locator("main table").first).to_contain_text(
        "Được khen thưởng hình thức thấp hơn: Bằng khen chuyên đề — 130/QĐ-UBND, 20/01/2027"
    )
    assert_accessible(page, "awards-decisions-bulk-done")

    page.get_by_role("link", name="Báo cáo kết quả khen thưởng").click()
    total = page.locator("#report-grand-total")
    expect(total).to_be_visible()
    assert re.findall(r"\d+", total.inner_text()) == ["12", "10", "2", "2", "0", "0"]
    expect(total).to_contain_text("Bằng khen chuyên đề: 2")
    assert_accessible(page, "awards-province-report")

    page.goto(live_server.url + f"/awards/decisions/import/?year={year}")
    expect(page.get_by_role("heading", name=re.compile("Nhập quyết định từ tệp Excel"))).to_be_visible()
    assert_accessible(page, "awards-decisions-import")
