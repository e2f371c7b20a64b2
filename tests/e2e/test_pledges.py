"""Real Chromium + real Celery worker: the secretary finalises the pledge, two leaders sign, the
signed PDF is downloaded and its first page is turned into a PNG (test-output/)."""

import subprocess

import pytest
from playwright.sync_api import expect

from emulation.pledges import pades, pdf, services
from emulation.pledges.authority import province_crls, trust_roots
from tests import pdfcheck
from tests.conftest import OUTPUT, assert_accessible, login
from tests.emulation.pledges.helpers import approve_all, draft
from tests.factories import make_cast

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.poppler]


def _sign(page, username, year_pk):
    page.context.clear_cookies()
    login(page, username)
    page.goto(page.live_server_url + f"/pledges/years/{year_pk}/")
    page.get_by_label("Mật khẩu của bạn, để xác nhận chữ ký").fill("pw-Test-2024!")
    page.get_by_role("button", name="Ký giao ước").click()
    expect(page.locator("main")).to_contain_text("Chữ ký của bạn đang được thêm vào giao ước")


def _wait_signed(page, count, total=3):
    # the signature table polls itself (htmx) while a signature is pending: no reload
    expect(page.locator("#signature-status h2")).to_have_text(f"Chữ ký: {count}/{total}", timeout=60000)


def test_secretary_finalises_two_leaders_sign_and_the_signed_pdf_downloads(page, celery_worker):
    cast = make_cast()
    services.authority_create(province=cast.province)
    version = draft(cast.year, cast.secretary)
    approve_all(version, cast.secretary)

    login(page, "secretary")
    page.goto(page.live_server_url + f"/pledges/years/{cast.year.pk}/")
    assert_accessible(page, "pledge-draft-secretary")
    page.get_by_role("button", name="Chốt giao ước").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("link", name="bản để ký")).to_be_visible(timeout=60000)  # htmx polls the render
    expect(page.get_by_role("link", name="bản in lễ ký kết")).to_be_visible(timeout=60000)
    assert_accessible(page, "pledge-final-secretary")

    _sign(page, "leader_a", cast.year.pk)
    _wait_signed(page, 1)
    _sign(page, "leader_b", cast.year.pk)
    _wait_signed(page, 2)
    assert_accessible(page, "pledge-signed-leader")

    with page.expect_download() as info:
        page.get_by_role("link", name="đã ký số").click()
    data = open(info.value.path(), "rb").read()
    path = pdfcheck.save(data, "e2e-pledge-signed.pdf")
    pdfcheck.assert_decree30_layout(path)
    checks = pades.validate(data, roots=trust_roots(cast.province.pk), crls=province_crls(cast.province.pk))
    assert [c.field for c in checks] == [pdf.field_name(cast.unit_a.pk), pdf.field_name(cast.unit_b.pk)]
    assert all(c.intact and c.valid and c.trusted and c.timestamp for c in checks), checks
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(path),
            str(OUTPUT / "e2e-pledge-signed-page1"),
        ],
        check=True,
    )
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "2",
            "-l",
            "2",
            "-singlefile",
            str(path),
            str(OUTPUT / "e2e-pledge-signed-page2"),
        ],
        check=True,
    )
    assert (OUTPUT / "e2e-pledge-signed-page1.png").stat().st_size > 10000

    page.context.clear_cookies()
    page.goto(page.live_server_url + f"/pledges/verify/{version.code}/")
    assert "2/3 thành viên đã ký" in page.locator("main").inner_text()
    page.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(path))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    # checked by the worker, the page polls: a copy with 2 of 3 signatures is not "intact"
    expect(page.locator("#check-result")).to_contain_text("Bản ở thời điểm 2/3 đơn vị đã ký", timeout=60000)
    table = page.locator("#check-signatures")
    expect(table).to_contain_text("Huyện Vĩnh Bảo")
    expect(table).to_contain_text(f"CA {cast.province.name}")
    assert "SHA-256" not in page.locator("main").inner_text()
    assert_accessible(page, "pledge-verify-public")


@pytest.mark.django_db(transaction=True)
def test_staff_registers_targets_and_the_secretary_sees_who_is_missing(page):
    cast = make_cast()
    login(page, "staff_a")
    page.goto(page.live_server_url + f"/pledges/years/{cast.year.pk}/registration/")
    page.get_by_label("Danh hiệu, hình thức khen thưởng đăng ký").fill("Cờ thi đua của UBND thành phố")
    first = page.get_by_role("group", name="Chỉ tiêu 1")
    first.get_by_label("Mã").fill("thu-ngan-sach")
    first.locator("input[name='t-0-name']").fill("Thu ngân sách nhà nước")
    first.get_by_label("Giá trị").fill("1250,5")
    first.get_by_label("Đơn vị tính").fill("tỷ đồng")
    assert_accessible(page, "pledges-registration-form")
    page.get_by_role("button", name="Lưu đăng ký").click()
    expect(page.locator("main")).to_contain_text("Đã lưu đăng ký thi đua.")

    page.context.clear_cookies()
    login(page, "secretary")
    page.goto(page.live_server_url + f"/pledges/years/{cast.year.pk}/registrations/")
    body = page.locator("main").inner_text()
    assert "2/3 đơn vị thành viên chưa đăng ký." in body and "Thu ngân sách nhà nước" in body
    missing = page.locator("#missing-registrations").inner_text()
    assert "Huyện Thủy Nguyên" in missing and "Huyện Vĩnh Bảo" not in missing
    assert_accessible(page, "pledges-registrations-secretary")
