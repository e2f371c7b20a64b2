"""Chromium: unit staff score three rows (one with a decimal comma, one refused above its maximum)
and submit; the page passes an axe scan; the ranking page shows the PDF's progress, then its link."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from clusters.models import ClusterYear, Stage
from emulation.scoring import services
from emulation.scoring.models import ScoreEntry, ScoreSheet
from tests import pdfcheck
from tests.conftest import assert_accessible, login
from tests.factories import make_cast


@pytest.mark.browser
def test_unit_staff_score_three_rows_and_submit(page, transactional_db):
    cast = make_cast()
    cy = cast.year
    major = services.criterion_add(
        cluster_year=cy, actor=cast.admin, code="1", text="Thực hiện nhiệm vụ", max_points="120", kind="fixed"
    )
    par = services.criterion_add(
        cluster_year=cy,
        actor=cast.admin,
        parent=major,
        code="1.1",
        text="Chỉ số cải cách hành chính (PAR INDEX)",
        max_points="100",
        kind="fixed",
    )
    report = services.criterion_add(
        cluster_year=cy,
        actor=cast.admin,
        parent=major,
        code="1.2",
        text="Báo cáo đúng hạn",
        max_points="10",
        kind="fixed",
    )
    services.criterion_add(
        cluster_year=cy,
        actor=cast.admin,
        parent=major,
        code="1.3",
        text="Chuyển đổi số",
        max_points="10",
        kind="fixed",
    )
    ClusterYear.objects.filter(pk=cy.pk).update(stage=Stage.SCORING)

    login(page, "staff_a")
    page.goto(f"{page.live_server_url}/scoring/year/{cy.pk}/unit/{cast.unit_a.pk}/")
    summary = page.locator("#sheet-summary")
    expect(summary).to_contain_text("0 trên 3 dòng đã chấm")

    page.get_by_label("Điểm tiêu chí 1.1").fill("92,58")
    page.get_by_role("button", name="Lưu 1.1").click()
    expect(summary).to_contain_text("1 trên 3 dòng đã chấm")
    expect(page.locator("#self-total")).to_have_text("92,58")
    expect(page.locator(f"#state-{par.pk}")).to_have_text("Đã lưu.")

    page.get_by_label("Điểm tiêu chí 1.2").fill("12")
    page.get_by_role("button", name="Lưu 1.2").click()
    row = page.locator(f"#row-{report.pk}")
    expect(row.get_by_role("alert")).to_have_text("12 vượt quá điểm tối đa 10 của tiêu chí này.")
    expect(page.locator(f"#state-{report.pk}")).to_have_text("Chưa lưu: xem lỗi")
    expect(page.get_by_label("Điểm tiêu chí 1.2")).to_have_attribute("aria-invalid", "true")
    expect(summary).to_contain_text("1 trên 3 dòng đã chấm")
    assert not ScoreEntry.objects.filter(criterion=report, self_points__isnull=False).exists()

    page.get_by_label("Điểm tiêu chí 1.2").fill("9,5")
    page.get_by_role("button", name="Lưu 1.2").click()
    expect(summary).to_contain_text("2 trên 3 dòng đã chấm")
    expect(page.locator(f"#state-{report.pk}")).to_have_text("Đã lưu.")
    expect(row.get_by_role("alert")).to_have_count(0)
    page.get_by_label("Điểm tiêu chí 1.3").fill("7")
    page.get_by_label("Ghi chú tiêu chí 1.3").fill("Cổng dịch vụ công")
    page.get_by_role("button", name="Lưu 1.3").click()
    expect(summary).to_contain_text("3 trên 3 dòng đã chấm")
    expect(page.locator("#self-total")).to_have_text("109,08")
    assert_accessible(page, "scoring-self-score")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Nộp kết quả tự chấm").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã nộp kết quả tự chấm")
    expect(page.get_by_label("Điểm tiêu chí 1.1")).to_have_count(0)
    sheet = ScoreSheet.objects.get(cluster_year=cy, unit=cast.unit_a)
    assert sheet.is_submitted
    assert ScoreEntry.objects.get(sheet=sheet, criterion=par).self_points == Decimal("92.58")
    assert re.search("Đã nộp", page.content())
    assert_accessible(page, "scoring-self-score-submitted")


@pytest.mark.browser
def test_secretary_reviews_with_reason_and_the_ranking_page_is_accessible(page, transactional_db):
    from tests.emulation.scoring.conftest import build_table, open_scoring

    cast = make_cast()
    k = build_table(cast.year, cast.admin)
    cy = open_scoring(cast.year)
    for unit, staff, par in ((cast.unit_a, cast.staff_a, "46,29"), (cast.unit_b, cast.staff_b, "45,83")):
        s = ScoreSheet(cluster_year=cy, unit=unit)
        for c, v in ((k.c11, "8"), (k.c12, par), (k.c21, "có"), (k.c22, "180"), (k.c31, "0")):
            services.self_score_save(sheet=s, criterion=c, value=v, actor=staff)
        services.sheet_submit(sheet=s, actor=staff)

    login(page, "secretary")
    page.goto(f"{page.live_server_url}/scoring/year/{cy.pk}/unit/{cast.unit_a.pk}/")
    page.get_by_label("Điểm thẩm định tiêu chí 1.1").fill("7")
    page.get_by_role("button", name="Điều chỉnh 1.1").click()
    row = page.locator(f"#row-{k.c11.pk}")
    expect(row.get_by_role("alert")).to_have_text("Mỗi lần điều chỉnh điểm đều phải nêu lý do.")
    page.get_by_label("Điểm thẩm định tiêu chí 1.1").fill("7")
    page.get_by_label("Lý do điều chỉnh tiêu chí 1.1").fill("Thiếu minh chứng quý IV")
    page.get_by_role("button", name="Điều chỉnh 1.1").click()
    expect(row).to_contain_text("Đã điều chỉnh: Thiếu minh chứng quý IV")
    expect(page.locator("#final-total")).to_have_text("77,29")
    assert_accessible(page, "scoring-review")

    page.locator("#id_adj-kind").select_option("bonus")
    page.locator("#id_adj-points").fill("2,5")
    page.locator("#id_adj-reason").fill("Cờ thi đua của Chính phủ")
    page.locator("#adjustments ~ form button[type=submit]").first.click()
    expect(page.locator("#adjustments + ul")).to_contain_text("+2,5 (Điểm thưởng): Cờ thi đua của Chính phủ")
    expect(page.locator("#grand-total")).to_have_text("79,79")

    page.goto(f"{page.live_server_url}/scoring/year/{cy.pk}/ranking/")
    table = page.locator("#ranking-table")
    expect(table.locator("tbody tr").first).to_contain_text("Huyện Vĩnh Bảo")
    expect(table.locator("tbody tr").first).to_contain_text("79,79")
    assert_accessible(page, "scoring-ranking")

    page.context.clear_cookies()
    login(page, "staff_a")
    page.goto(f"{page.live_server_url}/scoring/year/{cy.pk}/unit/{cast.unit_a.pk}/")
    expect(page.locator(f"#row-{k.c11.pk}")).to_contain_text("Đã điều chỉnh: Thiếu minh chứng quý IV")


@pytest.mark.browser
def test_criteria_and_overview_pages_are_accessible(page, transactional_db):
    from tests.emulation.scoring.conftest import build_table

    cast = make_cast()
    build_table(cast.year, cast.admin)
    login(page, "secretary")
    page.goto(f"{page.live_server_url}/clusters/years/{cast.year.pk}/")
    page.get_by_role("link", name="Bộ tiêu chí").click()
    expect(page.locator("h1")).to_contain_text("Bộ tiêu chí năm")
    expect(page.locator("table").first).to_contain_text("Giải quyết khiếu nại đúng hạn")
    assert_accessible(page, "scoring-criteria")
    ClusterYear.objects.filter(pk=cast.year.pk).update(stage=Stage.SCORING)
    page.goto(f"{page.live_server_url}/scoring/year/{cast.year.pk}/")
    expect(page.locator("table")).to_contain_text("Huyện Thủy Nguyên")
    # nobody has submitted: the page says so before locking and asks for a reason to go on
    check = page.get_by_role("region", name="Trước khi khóa điểm")
    expect(check).to_contain_text("3/3 đơn vị chưa nộp kết quả tự chấm")
    expect(check.get_by_role("listitem")).to_have_count(3)
    assert_accessible(page, "scoring-overview")
    page.get_by_label("Lý do vẫn khóa điểm (được ghi vào lịch sử)").fill("Hết hạn nộp theo kế hoạch")
    page.get_by_role("button", name="Vẫn khóa điểm").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã khóa điểm của năm")
    expect(page.locator(".history")).to_contain_text("Hết hạn nộp theo kế hoạch")


@pytest.mark.worker
@pytest.mark.browser
@pytest.mark.poppler
def test_ranking_page_shows_progress_then_the_download_link(page, celery_worker):
    from clusters import demo as clusters_demo
    from clusters.models import ClusterYear
    from emulation.scoring import demo

    clusters_demo.load()
    demo.load()
    cy = ClusterYear.objects.get(cluster__province__code="hai-phong", cluster__code="khoi-huyen", year=2023)
    login(page, "tinh.haiphong", password="ThiDua@2024")  # the producer: province admin
    page.goto(f"{page.live_server_url}/scoring/year/{cy.pk}/ranking/")
    page.get_by_role("button", name="Xếp hạng dạng PDF").click()
    link = page.locator("#ranking-pdf-status a.btn-success")
    expect(link).to_be_visible(timeout=60000)
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    with open(path, "rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF")
    pdfcheck.assert_decree30_layout(pdfcheck.save(data, "scoring-ranking-downloaded--annex.pdf"))
