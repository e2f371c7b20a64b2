"""Real Chromium: a cluster year walked from set-up to the hand-over. The work of the other
stages (pledge, scores) is done through their services; every stage move, the reminders list,
the summary report (rendered by the real worker), the hand-over form, the next year, the cluster
history and the province table are used in the browser, with axe scans and screenshots."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clusters.models import ClusterYear, MemberRole
from tests.conftest import OUTPUT, assert_accessible, login
from tests.factories import make_cast
from yearend import reminders
from yearend.models import HandOver

pytestmark = [pytest.mark.browser]


def _page_for(browser, live_server, username, password=None):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(20000)
    pg.live_server_url = live_server.url
    pg.on("dialog", lambda dialog: dialog.accept())
    login(pg, username, *([password] if password else []))
    return context, pg


def _advance(pg, expected_stage_label):
    pg.get_by_role("button", name="Chuyển sang bước tiếp theo").click()
    pg.wait_for_load_state("networkidle")
    expect(pg.locator("[aria-current=step]")).to_have_text(expected_stage_label)


def _finish_registration(cy):
    """What the pledge app's pages do (finalise); done through its models here."""
    pledges = pytest.importorskip("emulation.pledges.models")
    pledges.Pledge.objects.update_or_create(cluster_year=cy, defaults={"state": "final"})


def _lock_scores(cy):
    scoring = pytest.importorskip("emulation.scoring.models")
    scoring.CriteriaTable.objects.update_or_create(
        cluster_year=cy, defaults={"locked": True, "locked_at": timezone.now()}
    )


@pytest.mark.worker
def test_a_year_from_set_up_to_hand_over(browser, live_server, celery_worker):
    cast = make_cast()
    cy = cast.year
    today = timezone.localdate()
    ClusterYear.objects.filter(pk=cy.pk).update(scoring_deadline=today + datetime.timedelta(days=3))
    shots = OUTPUT / "yearend-walk"
    shots.mkdir(exist_ok=True)

    context, admin = _page_for(browser, live_server, cast.admin.username)
    admin.goto(f"{live_server.url}/clusters/years/{cy.pk}/")
    admin.screenshot(path=str(shots / "1-setup.png"), full_page=True)
    _advance(admin, "Đăng ký và giao ước")
    _finish_registration(cy)
    admin.reload()
    # nobody has signed: the page says so before the move and asks for a reason to go on anyway
    expect(admin.get_by_role("region", name="Trước khi chuyển sang bước tiếp theo")).to_contain_text(
        "0/3 đơn vị đã ký giao ước"
    )
    admin.get_by_label("Lý do vẫn chuyển bước (được ghi vào lịch sử)").fill("Ký bổ sung tại hội nghị")
    admin.get_by_role("button", name="Vẫn chuyển sang bước tiếp theo").click()
    admin.wait_for_load_state("networkidle")
    expect(admin.locator("[aria-current=step]")).to_have_text("Chấm điểm")
    admin.screenshot(path=str(shots / "2-scoring.png"), full_page=True)

    # the beat job reminds those who have not submitted their self-score (three days before)
    assert reminders.send_reminders() >= 1
    staff_context, staff = _page_for(browser, live_server, cast.staff_b.username)
    staff.get_by_role("link", name="Thông báo").click()
    expect(
        staff.get_by_role("link", name=f"Nộp kết quả tự chấm điểm năm {cy.year} của đơn vị")
    ).to_be_visible()
    assert_accessible(staff, "yearend-walk-3-notifications")
    staff_context.close()

    _lock_scores(cy)
    admin.reload()
    _advance(admin, "Bình xét, suy tôn")
    _advance(admin, "Hồ sơ khen thưởng")

    # the secretary prepares the summary report and records the hand-over at the conference
    sec_context, sec = _page_for(browser, live_server, cast.secretary.username)
    sec.goto(f"{live_server.url}/clusters/years/{cy.pk}/")
    sec.get_by_role("link", name="Tổng kết năm và bàn giao").first.click()
    expect(sec.get_by_role("heading", level=1)).to_contain_text("Tổng kết năm")
    assert_accessible(sec, "yearend-walk-4-year-end")
    sec.get_by_role("button", name="Báo cáo tổng kết (PDF)").click()
    report = re.compile(rf"(Tải về|Tải xuống|Download) Báo cáo tổng kết năm {cy.year}")
    expect(sec.get_by_role("link", name=report)).to_be_visible(timeout=120000)
    sec.get_by_label("Đơn vị Trưởng cụm năm sau").select_option(label="Huyện Vĩnh Bảo")
    sec.get_by_label("Đơn vị Phó trưởng cụm năm sau").select_option(label="Huyện Thủy Nguyên")
    sec.get_by_label("Ngày bàn giao").fill(f"20/12/{cy.year}")
    sec.get_by_label("Tài khoản thư ký cụm tại đơn vị Trưởng cụm mới").select_option(
        value=str(cast.staff_a.pk)
    )
    sec.screenshot(path=str(shots / "5-hand-over-form.png"), full_page=True)
    sec.get_by_role("button", name=f"Bắt đầu năm {cy.year + 1}").click()
    sec.wait_for_load_state("networkidle")
    expect(sec.get_by_role("heading", level=1)).to_contain_text(str(cy.year + 1))
    assert_accessible(sec, "yearend-walk-6-next-year")
    handover = HandOver.objects.get(cluster_year=cy)
    assert handover.next_year.memberships.get(role=MemberRole.HEAD).unit == cast.unit_a
    sec_context.close()

    # the province closes the year; the cluster history shows the hand-over
    admin.goto(f"{live_server.url}/clusters/years/{cy.pk}/")
    _advance(admin, "Đã kết thúc")
    admin.goto(f"{live_server.url}/year-end/clusters/{cast.cluster.pk}/history/")
    expect(
        admin.get_by_role("cell", name=f"20/12/{cy.year}: Huyện Cát Hải → Huyện Vĩnh Bảo ({cy.year + 1})")
    ).to_be_visible()
    assert_accessible(admin, "yearend-walk-7-cluster-history")
    admin.get_by_role("link", name="Tất cả các cụm").click()
    # the overview opens on the latest year not closed (2027 now): ask for the closed year
    admin.get_by_label("Năm").fill(str(cy.year))
    admin.get_by_label("Giai đoạn").select_option("closed")
    admin.get_by_role("button", name="Lọc").click()
    expect(admin.locator("#province-table")).to_contain_text(cast.cluster.name)
    assert_accessible(admin, "yearend-walk-8-province")
    admin.goto(f"{live_server.url}/year-end/units/{cast.unit_a.pk}/")
    assert_accessible(admin, "yearend-walk-9-unit-history")
    admin.goto(f"{live_server.url}/year-end/years/{cy.pk}/")
    assert_accessible(admin, "yearend-walk-10-closed-year")
    context.close()


@pytest.mark.django_db(transaction=True)
def test_seed_2023_year_end_page_with_data_is_accessible(browser, live_server):
    from tests.yearend.test_report import load_demo_2023

    cy = load_demo_2023()
    context, pg = _page_for(browser, live_server, "hoidong.haiphong", "ThiDua@2024")
    pg.goto(f"{live_server.url}/year-end/years/{cy.pk}/")
    expect(pg.get_by_role("img", name="Tổng điểm của các đơn vị năm 2023")).to_be_visible()
    expect(pg.get_by_role("cell", name="99,97")).to_be_visible()
    assert_accessible(pg, "yearend-seed-2023")
    pg.get_by_role("link", name="Huyện Vĩnh Bảo").first.click()
    expect(pg.get_by_role("img", name="Tổng điểm của Huyện Vĩnh Bảo qua các năm")).to_be_visible()
    assert_accessible(pg, "yearend-seed-unit-history")
    context.close()
