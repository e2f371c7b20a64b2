"""Real Chromium: the province admin asks for a check of the audit trail; the page says it is
queued, refreshes itself (htmx) until the task has run, then shows the verdict and the head to
print; axe finds no serious issue in either state."""

import pytest

from tests.conftest import assert_accessible, login, wait_for
from tests.factories import make_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_admin_queues_a_check_and_the_page_shows_its_result(page, monkeypatch):
    from clusters import audit, chain_checks
    from clusters.models import AuditChainCheck

    # the live server runs in this process: its checks stay queued for the test to run (a real
    # worker started by another test of the session would take them at once)
    monkeypatch.setattr(chain_checks, "_enqueue", lambda check_id: None)

    cast = make_cast()
    for i in range(3):
        audit.record(actor=cast.admin, action="unit.noted", obj=cast.unit_a, data={"i": i})
    login(page, cast.admin.username)
    page.goto(page.live_server_url + "/clusters/audit/chain/")
    assert "Chuỗi nhật ký chưa được kiểm tra lần nào." in page.locator("main").inner_text()
    page.get_by_role("button", name="Kiểm tra lại ngay").click()
    page.wait_for_load_state("networkidle")
    main = page.locator("main").inner_text()
    assert "Đã đưa việc kiểm tra vào hàng đợi" in main and "Lần kiểm tra đang chờ" in main
    assert_accessible(page, "audit-chain-queued")
    # the task's body (no worker in this test); the page polls and shows the verdict
    check = wait_for(lambda: AuditChainCheck.objects.filter(state="queued").first())
    chain_checks.check_run(check.pk)
    page.get_by_text("Chuỗi nhật ký nguyên vẹn.").wait_for(timeout=15000)
    check.refresh_from_db()
    main = page.locator("main").inner_text()
    assert check.head_hash in main and "Không có sự kiện nào được ghi sau lần kiểm tra này." in main
    assert "Lần kiểm tra gần nhất: vừa xong" in main
    assert_accessible(page, "audit-chain-done")
    page.get_by_label("Số sự kiện in trên văn bản").fill("1")
    page.get_by_label("Mã băm in trên văn bản").fill("e" * 64)
    page.get_by_role("button", name="Đối chiếu với đầu chuỗi này").click()
    page.wait_for_load_state("networkidle")
    assert AuditChainCheck.objects.filter(state="queued", expect_seq=1).exists()
