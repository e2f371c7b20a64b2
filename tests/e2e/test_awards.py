"""Real Chromium: three council members vote from a phone-sized screen, the secretary closes and
publishes, and the minutes PDF is produced by the real Celery worker. axe scans every page."""

import re

import pytest
from playwright.sync_api import expect

from awards import services
from awards.models import BallotEnvelope, ElectorateKind, Participation
from clusters.models import Role, Stage
from tests import pdfcheck
from tests.awards.helpers import award_types, open_poll, rule
from tests.conftest import assert_accessible, login
from tests.factories import make_cast, make_user

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.poppler]

PHONE = {"width": 390, "height": 844}


def _phone_page(browser, live_server):
    context = browser.new_context(
        locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.live_server_url = live_server.url
    return context, pg


def test_council_votes_on_phones_secretary_publishes_and_gets_the_minutes(
    browser, live_server, page, celery_worker
):
    cast = make_cast(stage=Stage.VOTING)
    types = award_types(cast.province)
    rule(cast.year, types["co-thanh-pho"], quota_count=1, threshold_base="ballots")
    council = [cast.council] + [
        make_user(f"hoidong{i}", province=cast.province, unit=cast.head, roles=[Role.COUNCIL_MEMBER])
        for i in (1, 2)
    ]
    poll = open_poll(
        cast.year,
        types["co-thanh-pho"],
        candidates=[cast.unit_a, cast.unit_b],
        voters=council,
        actor=cast.secretary,
        kind=ElectorateKind.COUNCIL,
    )

    receipts = []
    for n, member in enumerate(council):
        context, phone = _phone_page(browser, live_server)
        login(phone, member.username)
        phone.goto(live_server.url + "/awards/ballots/")
        phone.get_by_role("link", name=re.compile(r"^Bỏ phiếu")).click()
        expect(phone.get_by_role("heading", name=f"Phiếu bầu: {poll.title}")).to_be_visible()
        if n == 0:
            assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            assert_accessible(phone, "awards-ballot-phone")
        choice = "Huyện Thủy Nguyên" if n == 2 else "Huyện Vĩnh Bảo"
        phone.get_by_label(choice).check()
        phone.get_by_role("button", name="Tiếp tục").click()
        expect(phone.get_by_role("button", name="Xác nhận và bỏ phiếu")).to_be_visible()
        expect(phone.locator("main")).to_contain_text(choice)
        if n == 0:
            assert_accessible(phone, "awards-ballot-confirm-phone")
        phone.get_by_role("button", name="Xác nhận và bỏ phiếu").click()
        expect(phone.get_by_role("heading", name="Bạn đã bỏ phiếu")).to_be_visible()
        receipts.append(phone.locator("#receipt-code").inner_text())
        if n == 0:
            assert_accessible(phone, "awards-ballot-receipt-phone")
            phone.goto(live_server.url + "/awards/receipt/")
            phone.get_by_label("Mã biên nhận").fill(receipts[0])
            phone.get_by_role("button", name="Kiểm tra").click()
            expect(phone.locator("main")).to_contain_text("đã được ghi nhận")
        context.close()
    assert len(set(receipts)) == 3
    assert (
        Participation.objects.filter(poll=poll).count()
        == BallotEnvelope.objects.filter(poll=poll).count()
        == 3
    )

    page.on("dialog", lambda dialog: dialog.accept())
    login(page, cast.secretary.username)
    page.goto(live_server.url + f"/awards/polls/{poll.pk}/")
    assert "3 trên 3 người đã bỏ phiếu" in page.locator("#turnout").inner_text()
    assert "Số phiếu" not in page.locator("main").inner_text()
    assert_accessible(page, "awards-poll-open-secretary")
    page.get_by_role("button", name="Đóng và kiểm phiếu").click()
    page.get_by_role("button", name="Công bố kết quả").click()
    expect(page.locator("main")).to_contain_text("Đã công bố")
    expect(page.locator("main")).to_contain_text("được đề nghị")
    assert_accessible(page, "awards-poll-published")

    page.goto(live_server.url + f"/awards/years/{cast.year.pk}/dossier/")
    page.get_by_label("Ngày họp").fill("20/12/2026")
    page.get_by_label("Địa điểm họp").fill("Hội trường UBND huyện Cát Hải")
    page.get_by_label("Người chủ trì", exact=True).fill("Hoàng Văn Hải")
    page.get_by_label("Thư ký cuộc họp").fill("Nguyễn Thị Thư")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("button", name="Biên bản cuộc họp (PDF)").click()
    # the link text comes from the shared documents/_status.html (not translated at the time of writing)
    link = page.get_by_role("link", name=re.compile(r"(Tải về|Tải xuống|Download) Biên bản họp bình xét"))
    expect(link).to_be_visible(timeout=90000)
    assert_accessible(page, "awards-dossier")
    with page.expect_download() as info:
        link.click()
    path = pdfcheck.save(open(info.value.path(), "rb").read(), "awards-minutes-online-browser.pdf")
    pdfcheck.assert_decree30_layout(path)
    text = " ".join(pdfcheck.text(path).split())
    assert "Huyện Vĩnh Bảo" in text and "Đề nghị" in text and "Hoàng Văn Hải" in text


@pytest.mark.django_db(transaction=True)
def test_admin_sets_a_rule_and_the_secretary_opens_a_poll_in_the_browser(page, live_server):
    cast = make_cast(stage=Stage.VOTING)
    types = award_types(cast.province)
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, cast.admin.username)
    page.goto(live_server.url + f"/awards/years/{cast.year.pk}/")
    assert_accessible(page, "awards-year-admin")
    page.get_by_role("link", name=re.compile(r"Đặt quy định.*Cờ thi đua của UBND thành phố")).click()
    page.locator("#id_quota_kind").select_option("share_members")
    page.locator("#id_quota_num").fill("1")
    page.locator("#id_quota_den").fill("3")
    page.locator("#id_rounding").select_option("up")
    assert_accessible(page, "awards-rule-form")
    page.get_by_role("button", name=re.compile("Lưu")).click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu quy định")
    rule_row = page.get_by_role("row", name=re.compile("Cờ thi đua của UBND thành phố"))
    expect(rule_row).to_contain_text("1/3")

    page.context.clear_cookies()
    login(page, cast.secretary.username)
    page.goto(live_server.url + f"/awards/years/{cast.year.pk}/")
    page.get_by_role("link", name=re.compile(r"Mở bỏ phiếu.*Cờ thi đua của UBND thành phố")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cờ thi đua của UBND thành phố")
    expect(page.locator("main")).to_contain_text("Chỉ tiêu năm nay: 1 đơn vị.")  # 3 members x 1/3
    assert_accessible(page, "awards-poll-form")
    page.get_by_role("button", name="Mở cuộc bỏ phiếu").click()
    expect(page.locator(".alert-success")).to_contain_text("Cuộc bỏ phiếu đã mở")
    poll = types["co-thanh-pho"].polls.get()
    assert poll.electors.count() == 3  # one leader per member unit
    assert_accessible(page, "awards-poll-detail-open")
    expect(page.locator("#turnout")).to_contain_text("0 trên 3")
    services.ballot_cast(poll=poll, actor=cast.leader_a, candidate_ids=[poll.candidates.first().pk])
    expect(page.locator("#turnout")).to_contain_text("1 trên 3", timeout=12000)  # htmx, no reload
    assert "Số phiếu" not in page.locator("main").inner_text()


@pytest.mark.django_db(transaction=True)
def test_seed_000_pages_are_accessible_to_the_province_and_the_units(page, live_server):
    from awards.models import Nomination
    from tests.awards.test_seed000 import play_2023

    cy, units, secretary = play_2023()
    admin = make_user("tinh", province=cy.cluster.province, roles=[Role.PROVINCE_ADMIN])
    login(page, admin.username)
    for name, url in [
        ("awards-types", "/awards/types/"),
        ("awards-year-2023", f"/awards/years/{cy.pk}/"),
        ("awards-cluster-history", f"/awards/clusters/{cy.cluster_id}/"),
        ("awards-dossier-admin", f"/awards/years/{cy.pk}/dossier/"),
        ("awards-decision-form", f"/awards/nominations/{Nomination.objects.first().pk}/decision/"),
        ("awards-results-city-flag", f"/awards/polls/{cy.polls.get(award_type__code='co-thanh-pho').pk}/"),
    ]:
        page.goto(live_server.url + url)
        assert_accessible(page, name)
    assert "Huyện Thủy Nguyên" in page.locator("main").inner_text()
    page.context.clear_cookies()
    login(page, secretary.username)
    page.goto(live_server.url + "/awards/ballots/")
    assert "Không có cuộc bỏ phiếu nào" in page.locator("main").inner_text()
    assert_accessible(page, "awards-my-ballots-empty")
    page.goto(live_server.url + f"/awards/years/{cy.pk}/dossier/")
    assert_accessible(page, "awards-dossier-secretary")
