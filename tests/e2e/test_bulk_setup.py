"""Real Chromium: the province admin sets up a province of 300 units and 35 clusters from one
workbook: downloads the template, fills it (here by code), uploads it, reads the preview, applies
it. Two forms in all; the seconds are printed. axe scans the set-up and preview pages."""

import time

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from clusters.bulk.layout import SHEETS
from clusters.models import Cluster, Membership, Unit, User
from tests.clusters.bulk_workbooks import province_rows
from tests.conftest import OUTPUT, assert_accessible, login
from tests.factories import make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bulk_setup_through_the_pages(page):
    cast = make_cast()
    login(page, cast.admin.username)
    page.goto(page.live_server_url + "/clusters/units/")
    page.get_by_role("link", name="Thiết lập từ tệp Excel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thiết lập tỉnh từ tệp Excel")
    assert_accessible(page, "bulk-setup-1-page")

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp mẫu trống").click()
    template = OUTPUT / "bulk-setup-template.xlsx"
    download.value.save_as(template)
    wb = load_workbook(template)
    year = cast.year.year + 1
    for key, rows in province_rows(cast.province.code, n_units=300, n_clusters=35, year=year).items():
        ws = wb[SHEETS[key][0]]
        for row in rows:
            ws.append(row)
    filled = OUTPUT / "bulk-setup-filled.xlsx"
    wb.save(filled)

    started = time.perf_counter()
    page.get_by_label("Tệp thiết lập đã điền (.xlsx)").set_input_files(str(filled))
    page.get_by_role("button", name="Xem trước").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xem trước thiết lập", timeout=60000)
    previewed = time.perf_counter() - started
    main = page.locator("main").inner_text()
    assert "670 mới, 0 thay đổi, 0 không đổi, 0 lỗi" in main
    expect(page.get_by_role("cell", name="x000", exact=True)).to_be_visible()
    scan = time.perf_counter()
    assert_accessible(page, "bulk-setup-2-preview")
    scan = time.perf_counter() - scan

    started = time.perf_counter()
    page.get_by_role("button", name="Áp dụng mọi thay đổi").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã áp dụng thiết lập: 670 mới", timeout=60000)
    applied = time.perf_counter() - started
    seconds = previewed + applied
    print(
        f"\nbulk set-up in the browser, 300 units / 35 clusters / 300 members / 35 accounts: 2 forms, "
        f"upload to preview {previewed:.1f} s + apply {applied:.1f} s = {seconds:.1f} s "
        f"(axe scan of the 670-row preview, not counted: {scan:.1f} s)"
    )
    assert seconds < 30
    assert Unit.objects.filter(province=cast.province).count() == 303
    assert Cluster.objects.filter(province=cast.province).count() == 36
    assert (
        Membership.objects.filter(
            cluster_year__year=year, cluster_year__cluster__province=cast.province
        ).count()
        == 300
    )
    assert User.objects.filter(province=cast.province, username__startswith="tk").count() == 35

    # the same workbook again: every row unchanged, nothing to apply
    page.get_by_label("Tệp thiết lập đã điền (.xlsx)").set_input_files(str(filled))
    page.get_by_role("button", name="Xem trước").click()
    expect(page.get_by_role("status")).to_contain_text("Không có gì thay đổi")
    expect(page.get_by_role("button", name="Áp dụng mọi thay đổi")).to_have_count(0)
