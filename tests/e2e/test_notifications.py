"""Real Chromium: the unread count in the navbar, the notifications list and the e-mail setting."""

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, login
from tests.emulation.pledges.helpers import draft
from tests.factories import make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_navbar_counts_the_unread_notifications_until_they_are_read(page):
    cast = make_cast()
    draft(cast.year, cast.secretary)
    login(page, cast.staff_a.username)
    badge = page.get_by_test_id("unread-count")
    expect(badge).to_have_text("1 thông báo chưa đọc")
    page.get_by_role("link", name="Thông báo").first.click()
    expect(
        page.get_by_role(
            "link", name=f"Phê duyệt hoặc góp ý dự thảo giao ước (phiên bản 1) năm {cast.year.year}"
        )
    ).to_be_visible()
    assert_accessible(page, "notifications-list")
    page.get_by_role("button", name="Đánh dấu").click()
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    page.get_by_role("link", name="Cài đặt thông báo (gửi thư ngay hoặc tổng hợp hằng ngày)").click()
    page.get_by_label("Mỗi ngày một lần, thư tổng hợp các thông báo trong ngày").check()
    assert_accessible(page, "notifications-settings")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu cài đặt thông báo.")).to_be_visible()
