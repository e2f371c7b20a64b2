"""Real Chromium: the province admin keeps the province council's roster, opens its poll over the
clusters' nominations from the form, and a council member votes; axe scans every page."""

import re

import pytest
from playwright.sync_api import expect

from awards.models import CouncilSeat, Poll
from tests.awards.test_province_polls import province_vote  # noqa: F401 (fixture)
from tests.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser]


def test_province_admin_keeps_the_council_and_opens_its_poll(page, live_server, province_vote):  # noqa: F811
    province, flag, nominations, admin, council = province_vote
    login(page, admin.username)
    page.goto(live_server.url + "/awards/province/2025/council/")
    expect(
        page.get_by_role("heading", name=re.compile("Hội đồng Thi đua - Khen thưởng tỉnh"))
    ).to_be_visible()
    assert_accessible(page, "awards-province-council-roster")
    page.get_by_label("Họ và tên 10").fill("Trần Văn Vắng")  # a member without an account
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu danh sách thành viên hội đồng.")).to_be_visible()
    assert CouncilSeat.objects.filter(province=province, year=2025, cluster_year__isnull=True).count() == 10
    assert_accessible(page, "awards-province-council-hub")
    page.locator(f'a[href$="/awards/province/2025/polls/new/?award={flag.pk}"]').click()
    page.get_by_label("Số đơn vị hội đồng được đề nghị").fill("2")
    page.get_by_role("button", name="Mở cuộc bỏ phiếu").click()
    poll = Poll.objects.get(council_province=province)
    assert poll.statutory_size == 10 and poll.candidates.count() == 5 and poll.electors.count() == 9
    assert_accessible(page, "awards-province-poll")
    page.context.clear_cookies()  # a council member, on the same browser
    login(page, council[2].username)
    page.goto(live_server.url + f"/awards/polls/{poll.pk}/vote/")
    expect(page.get_by_role("heading", name=re.compile(poll.title))).to_be_visible()
    assert_accessible(page, "awards-province-ballot")
