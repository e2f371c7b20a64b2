"""Real Chromium: irreversible steps list what is missing first and go on only with a reason —
the year page before leaving registration with signatures missing, the poll page before closing
with voters who have not voted. axe scans both confirmation steps."""

import pytest
from playwright.sync_api import expect

from awards.models import ElectorateKind
from clusters import services as cluster_services
from clusters.models import AuditEvent, Stage
from tests.awards.helpers import award_types, open_poll, rule, vote
from tests.conftest import assert_accessible, login
from tests.emulation.pledges.helpers import finalised
from tests.factories import make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leaving_registration_with_signatures_missing_asks_a_reason_first(page):
    cast = make_cast()
    cluster_services.stage_advance(cluster_year=cast.year, actor=cast.admin)
    finalised(cast.year, cast.secretary)
    login(page, "admin")
    page.goto(f"{page.live_server_url}/clusters/years/{cast.year.pk}/")
    check = page.get_by_role("region", name="Trước khi chuyển sang bước tiếp theo")
    expect(check).to_contain_text("0/3 đơn vị đã ký giao ước")
    expect(check.get_by_role("listitem")).to_have_count(3)
    expect(page.get_by_role("button", name="Chuyển sang bước tiếp theo", exact=True)).to_have_count(0)
    assert_accessible(page, "year-advance-check")
    page.get_by_label("Lý do vẫn chuyển bước (được ghi vào lịch sử)").fill("Ký bổ sung tại hội nghị")
    page.get_by_role("button", name="Vẫn chuyển sang bước tiếp theo").click()
    expect(page.locator("[aria-current=step]")).to_have_text("Chấm điểm")
    assert AuditEvent.objects.filter(action="stage.advanced", reason="Ký bổ sung tại hội nghị").exists()


def test_closing_a_poll_before_everyone_voted_asks_a_reason_first(page):
    cast = make_cast(stage=Stage.VOTING)
    types = award_types(cast.province)
    rule(cast.year, types["co-thanh-pho"], quota_count=1)
    poll = open_poll(
        cast.year,
        types["co-thanh-pho"],
        candidates=[cast.unit_a, cast.unit_b],
        voters=[cast.leader_a, cast.leader_b],
        actor=cast.secretary,
        kind=ElectorateKind.UNITS,
    )
    vote(poll, cast.leader_a, cast.unit_a)
    login(page, "secretary")
    page.goto(f"{page.live_server_url}/awards/polls/{poll.pk}/")
    check = page.get_by_role("region", name="Trước khi đóng bỏ phiếu")
    expect(check).to_contain_text("1/2 người bỏ phiếu đã bỏ phiếu")
    expect(check).to_contain_text("Huyện Thủy Nguyên")
    assert_accessible(page, "poll-close-check")
    page.get_by_label("Lý do vẫn đóng bỏ phiếu (được ghi vào lịch sử)").fill("Hết giờ họp")
    page.get_by_role("button", name="Vẫn đóng và kiểm phiếu").click()
    expect(page.get_by_role("region", name="Trước khi công bố kết quả")).to_contain_text("1/2")
    assert AuditEvent.objects.filter(action="poll.closed", reason="Hết giờ họp").exists()
