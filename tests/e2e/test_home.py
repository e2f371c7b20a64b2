"""Real Chromium: unit staff log in and see their home page in Vietnamese; axe finds no
serious or critical issue on the pages a staff member and the province admin see first."""

import pytest

from tests.conftest import assert_accessible, login
from tests.factories import make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unit_staff_sees_the_home_page_in_vietnamese(page):
    cast = make_cast()
    login(page, cast.staff_a.username)
    assert page.locator("html").get_attribute("lang") == "vi"
    body = page.locator("main").inner_text()
    assert "Cụm của tôi năm nay" in body
    assert cast.cluster.name in body
    assert "Thiết lập" in body  # the stage, in Vietnamese
    assert_accessible(page, "home-unit-staff")
    page.get_by_role("link", name=f"{cast.cluster.name} – {cast.year.year}").click()
    page.wait_for_load_state("networkidle")
    assert "Thành viên năm nay" in page.locator("main").inner_text()
    assert_accessible(page, "year-unit-staff")


def test_province_admin_pages_are_accessible(page):
    cast = make_cast()
    login(page, cast.admin.username)
    assert_accessible(page, "home-province-admin")
    page.goto(page.live_server_url + f"/clusters/years/{cast.year.pk}/")
    assert_accessible(page, "year-province-admin")
    page.goto(page.live_server_url + "/clusters/units/")
    assert_accessible(page, "units-province-admin")


def test_login_page_is_accessible_and_wrong_password_says_so(page):
    page.goto(page.live_server_url + "/login/")
    assert_accessible(page, "login")
    cast = make_cast()
    page.get_by_label("Tên đăng nhập").fill(cast.staff_a.username)
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert "Tên đăng nhập" in page.locator("main").inner_text()
    assert "/login/" in page.url
