"""The audit chain check runs in a Celery task, never in the request: the page shows the latest
check, whether one is queued or running, and how many events were recorded since (issue 17)."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone, translation

from clusters import audit, chain_checks
from clusters.models import AuditChainCheck, AuditEvent, ChainCheckState, Role
from clusters.tasks import check_audit_chain, check_audit_chains_nightly
from tests.clusters.helpers import run_check_from_page
from tests.factories import PASSWORD, ProvinceFactory, make_user

pytestmark = pytest.mark.django_db
URL = reverse("clusters:audit_chain")


def _events(cast, n):
    audit.bulk_append(
        [
            AuditEvent(
                province_id=cast.province.pk,
                actor=cast.admin,
                action="unit.noted",
                object_type="x",
                object_id=str(i),
                data={"i": i},
            )
            for i in range(n)
        ]
    )


def test_the_page_never_recomputes_the_chain_and_its_queries_do_not_grow_with_it(
    client, cast, monkeypatch, django_assert_num_queries
):
    def refuse(*args, **kwargs):
        raise AssertionError("verify_chain called in the request")

    client.login(username=cast.admin.username, password=PASSWORD)
    for size in (3, 300):
        _events(cast, size)
        run_check_from_page(client)
        _events(cast, size)  # recorded since the check
        monkeypatch.setattr(audit, "verify_chain", refuse)
        client.get(URL)  # warm the session
        # session, user, province, roles, latest done check, newer checks, chain head
        with django_assert_num_queries(7):
            page = client.get(URL).content.decode()
        monkeypatch.undo()
        assert f"Có {size} sự kiện được ghi sau lần kiểm tra này" in page
        assert 'class="alert alert-success"' in page


def test_a_second_click_while_a_check_is_pending_queues_nothing(
    client, cast, django_capture_on_commit_callbacks
):
    client.force_login(cast.admin)
    with django_capture_on_commit_callbacks() as queued:
        first = client.post(URL)
        second = client.post(URL, {"seq": 1, "hash": "a" * 64}, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "không được so sánh" in second.content.decode()  # the paper head was not compared: said
    assert len(queued) == 1  # one task sent
    assert AuditChainCheck.objects.filter(province=cast.province).count() == 1
    assert AuditEvent.objects.filter(action="audit_chain.check_requested").count() == 1
    assert "không tạo thêm lần khác" in second.content.decode()
    check = AuditChainCheck.objects.get()
    assert check.expect_seq is None  # the first request's (no) comparison stays
    assert chain_checks.check_claim(check.pk)
    assert client.post(URL).status_code == 302  # running: still not queued again
    assert AuditChainCheck.objects.count() == 1
    page = client.get(URL).content.decode()
    assert 'id="chain-pending"' in page and 'hx-trigger="every 2s"' in page
    assert "Đang kiểm tra: đã xét 0 trên khoảng" in page
    assert check_audit_chain(check_id=check.pk)["state"] is None  # claimed already: not run twice
    chain_checks.check_finish(check.pk, audit.verify_chain(cast.province.pk))
    page = client.get(URL).content.decode()
    assert 'id="chain-pending"' not in page and 'hx-trigger="every 2s"' not in page
    assert 'class="alert alert-success"' in page
    with django_capture_on_commit_callbacks() as queued:
        client.post(URL)  # done: a new click queues a new check
    assert len(queued) == 1 and AuditChainCheck.objects.count() == 2


def test_the_database_refuses_a_second_pending_check_of_a_province(cast):
    chain_checks.check_request(province=cast.province, actor=cast.admin)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditChainCheck.objects.create(province=cast.province, requested_at=timezone.now())
    AuditChainCheck.objects.create(province=cast.other_province, requested_at=timezone.now())


def _request_in_thread(province, actor, barrier, results):
    try:
        barrier.wait(10)
        results.append(chain_checks.check_request(province=province, actor=actor)[1])
    except Exception as exc:  # noqa: BLE001  (reported by the test)
        results.append(exc)
    finally:
        connections.close_all()


def test_parallel_clicks_queue_one_check(transactional_db, monkeypatch):
    # Committed for real here: the queued check must not reach the suite's live Celery worker,
    # which would run it while the test's tables are being truncated (a deadlock seen in CI).
    sent = []
    monkeypatch.setattr(chain_checks, "_enqueue", sent.append)
    province = ProvinceFactory()
    admin = make_user("rt_chain", province=province, roles=[Role.PROVINCE_ADMIN])
    barrier, results = threading.Barrier(6), []
    threads = [
        threading.Thread(target=_request_in_thread, args=(province, admin, barrier, results))
        for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results, key=str) == [False] * 5 + [True], results
    assert AuditChainCheck.objects.filter(province=province).count() == 1
    assert sent == [AuditChainCheck.objects.get(province=province).pk]  # one task, after the commit
    assert AuditEvent.objects.filter(province=province, action="audit_chain.check_requested").count() == 1


def test_only_the_province_admin_checks_and_only_their_own_province(client, cast):
    with pytest.raises(PermissionDenied):
        chain_checks.check_request(province=cast.province, actor=cast.other)
    with pytest.raises(PermissionDenied):
        chain_checks.check_request(province=cast.province, actor=cast.staff_a)
    client.force_login(cast.admin)
    run_check_from_page(client)
    ours = AuditChainCheck.objects.get(province=cast.province)
    client.force_login(cast.other)  # the other province's admin: their own page, their own check
    page = client.get(URL).content.decode()
    assert ours.head_hash not in page and "Chuỗi nhật ký chưa được kiểm tra lần nào." in page
    assert client.post(URL).status_code == 302
    assert AuditChainCheck.objects.filter(province=cast.province).count() == 1
    assert AuditChainCheck.objects.filter(province=cast.other_province, requested_by=cast.other).count() == 1
    for who in (cast.staff_a, cast.secretary, cast.leader_a):
        client.force_login(who)
        assert client.get(URL).status_code == 403 and client.post(URL).status_code == 403
    assert AuditChainCheck.objects.count() == 2


def test_a_paper_head_that_does_not_match_is_named_and_the_form_is_checked(client, cast):
    _events(cast, 4)
    client.force_login(cast.admin)
    response = client.post(URL, {"seq": 2, "hash": "xyz"})
    assert response.status_code == 200 and not AuditChainCheck.objects.exists()
    assert "64" in response.content.decode()  # the form's error
    page = run_check_from_page(client, {"seq": 2, "hash": "b" * 64})
    check = AuditChainCheck.objects.get()
    assert (check.state, check.broken_code, check.broken_seq) == ("done", "paper", 2)
    assert (check.expect_seq, check.expect_hash) == (2, "b" * 64)
    assert (
        'class="alert alert-danger"' in page and "mã băm của nó khác với mã băm in trên văn bản giấy" in page
    )
    event = AuditEvent.objects.filter(action="audit_chain.checked").get()
    assert event.data["intact"] is False and event.data["problem_code"] == "paper"
    assert event.actor_id == cast.admin.pk


def test_a_check_that_breaks_is_failed_audited_and_shown(client, cast, monkeypatch):
    client.force_login(cast.admin)
    run_check_from_page(client)  # a good one first

    def broken(*args, **kwargs):
        raise RuntimeError("disk")

    monkeypatch.setattr(audit, "verify_chain", broken)
    client.post(URL)
    check = AuditChainCheck.objects.get(state="queued")
    with pytest.raises(RuntimeError):
        check_audit_chain(check_id=check.pk)
    check.refresh_from_db()
    assert check.state == ChainCheckState.FAILED and check.finished_at
    assert AuditEvent.objects.filter(action="audit_chain.check_failed", object_id=str(check.pk)).exists()
    page = client.get(URL).content.decode()
    assert 'id="chain-failed"' in page and "Không hoàn tất được việc kiểm tra" in page
    assert 'class="alert alert-success"' in page  # the last completed check is still shown


def test_queue_down_fails_the_check_with_a_message(
    client, cast, monkeypatch, django_capture_on_commit_callbacks
):
    def down(**kwargs):
        raise ConnectionError("broker")

    monkeypatch.setattr(check_audit_chain, "delay", down)
    client.force_login(cast.admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL)
    check = AuditChainCheck.objects.get()
    assert check.state == "failed"
    page = client.get(URL).content.decode()
    assert 'id="chain-failed"' in page and "Hàng đợi xử lý tạm thời không hoạt động" in page
    assert client.post(URL).status_code == 302  # failed: a new click queues again
    assert AuditChainCheck.objects.filter(state="queued").count() == 1


def test_a_lost_check_is_replaced_after_a_while(cast):
    old, created = chain_checks.check_request(province=cast.province, actor=cast.admin)
    assert created and chain_checks.check_claim(old.pk)
    AuditChainCheck.objects.filter(pk=old.pk).update(
        started_at=timezone.now() - chain_checks.STALE_AFTER - datetime.timedelta(seconds=1)
    )
    new, created = chain_checks.check_request(province=cast.province, actor=cast.admin)
    assert created and new.pk != old.pk
    old.refresh_from_db()
    assert old.state == "failed" and old.message
    assert check_audit_chain(check_id=old.pk)["state"] is None  # a late worker does not run it


def test_the_nightly_job_checks_every_province_with_events_once(cast):
    _events(cast, 2)
    assert check_audit_chains_nightly()["queued"] >= 1
    assert check_audit_chains_nightly()["queued"] == 0  # still pending: not queued twice
    check = AuditChainCheck.objects.get(province=cast.province)
    assert check.requested_by is None
    check_audit_chain(check_id=check.pk)
    check.refresh_from_db()
    assert check.ok and check.count == AuditEvent.objects.filter(province=cast.province).count() - 1
    from django.conf import settings

    assert any(
        job["task"] == "clusters.check_audit_chains_nightly" for job in settings.CELERY_BEAT_SCHEDULE.values()
    )


def test_progress_is_recorded_and_events_recorded_during_the_check_are_not_a_cut(cast, monkeypatch):
    """Before: the stored head was read after the events, so an event recorded while the check ran
    (seconds on a large chain) read as 'the events after number N were removed'."""
    _events(cast, 7)
    monkeypatch.setattr(audit, "PROGRESS_EVERY", 3)
    seen = []

    def progress(n):
        seen.append(n)
        audit.record(actor=cast.admin, action="unit.noted", obj=cast.unit_a, data={"during": n})

    before = AuditEvent.objects.filter(province=cast.province).count()
    check = audit.verify_chain(cast.province.pk, progress=progress)
    assert seen[:2] == [3, 6]
    assert check.ok, check.problem
    assert check.count == before


def test_the_problem_is_worded_when_shown_not_stored_in_the_workers_language(client, cast):
    client.force_login(cast.admin)
    page = run_check_from_page(client, {"seq": 99, "hash": "c" * 64})
    assert "sự kiện số 99 in trên văn bản giấy không còn trong chuỗi" in page
    check = AuditChainCheck.objects.get()
    assert (check.broken_code, check.broken_seq, check.broken_event_id) == ("paper", 99, None)
    with translation.override("en"):
        assert check.problem == "event number 99 printed on paper is no longer in the chain"


@pytest.mark.worker
def test_the_real_worker_runs_the_check_the_page_queues(client, celery_worker, cast):
    from tests.conftest import wait_for

    client.force_login(cast.admin)
    assert client.post(URL).status_code == 302
    mine = AuditChainCheck.objects.filter(province=cast.province)
    wait_for(lambda: mine.filter(state="done").count() == 1, timeout=60)
    check = mine.get()
    page = client.get(URL).content.decode()
    assert check.ok and check.started_at and check.finished_at and check.count >= 1
    assert check.head_hash in page and 'class="alert alert-success"' in page
    assert "Không có sự kiện nào được ghi sau lần kiểm tra này." in page
    # against a head printed on paper that the chain no longer has
    assert client.post(URL, {"seq": 1, "hash": "d" * 64}).status_code == 302
    wait_for(lambda: mine.filter(state="done").count() == 2, timeout=60)
    page = client.get(URL).content.decode()
    assert (
        'class="alert alert-danger"' in page and "mã băm của nó khác với mã băm in trên văn bản giấy" in page
    )
    assert AuditEvent.objects.filter(province=cast.province, action="audit_chain.checked").count() == 2


def test_the_page_says_how_old_the_result_is_in_vietnamese(client, cast):
    client.force_login(cast.admin)
    run_check_from_page(client)
    AuditChainCheck.objects.update(finished_at=timezone.now() - datetime.timedelta(hours=26, minutes=5))
    page = client.get(URL).content.decode()
    assert "Lần kiểm tra gần nhất: 26 giờ trước" in page
    now = timezone.now()
    with translation.override("vi"):
        assert chain_checks.age_text(now, now) == "vừa xong"
        assert chain_checks.age_text(now - datetime.timedelta(minutes=5), now) == "5 phút trước"
        assert chain_checks.age_text(now - datetime.timedelta(days=3), now) == "3 ngày trước"


@pytest.mark.postgres
def test_a_chain_cut_after_the_check_is_not_shown_as_intact_and_unchanged(client, cast):
    """Someone with the database deletes the newest events and rewinds the stored head (the
    chain stays consistent, only a head printed on paper or an earlier check can tell): the page
    must not keep saying "intact, nothing recorded since" for a chain shorter than it checked."""
    from clusters.chain import chain_key
    from clusters.models import AuditChainHead

    client.force_login(cast.admin)
    _events(cast, 6)
    page = run_check_from_page(client)
    assert "Không có sự kiện nào được ghi sau lần kiểm tra này" in page
    done = AuditChainCheck.objects.get(state=ChainCheckState.DONE)
    cut = done.seen_seq - 3
    last = AuditEvent.objects.get(province=cast.province, seq=cut)
    with connection.cursor() as cur:  # as the database's superuser (DDL rolls back with the test)
        cur.execute("DROP TRIGGER clusters_audit_append_only ON clusters_auditevent")
        cur.execute("DROP TRIGGER clusters_audit_head_forward ON clusters_auditchainhead")
    AuditEvent.objects.filter(province=cast.province, seq__gt=cut).delete()
    AuditChainHead.objects.filter(key=chain_key(cast.province.pk)).update(seq=cut, hash=last.hash)
    page = client.get(URL).content.decode()
    assert "Không có sự kiện nào được ghi sau lần kiểm tra này" not in page
    assert "ngắn hơn" in page and 'id="chain-cut"' in page


@pytest.mark.postgres
def test_a_chain_rewritten_after_the_check_is_not_shown_as_intact(client, cast, django_assert_num_queries):
    """A superuser rewrites an event the check covered and recomputes every later link and the
    stored head (same length, internally consistent): the event the check ended at no longer has
    the hash the check read, and the page says so, still in the same seven queries."""
    from clusters.chain import chain_key, event_hash
    from clusters.models import AuditChainHead

    client.force_login(cast.admin)
    _events(cast, 5)
    run_check_from_page(client)
    done = AuditChainCheck.objects.get(state=ChainCheckState.DONE)
    with connection.cursor() as cur:  # as the database's superuser (DDL rolls back with the test)
        cur.execute("DROP TRIGGER clusters_audit_append_only ON clusters_auditevent")
        cur.execute("DROP TRIGGER clusters_audit_head_forward ON clusters_auditchainhead")
    events = list(AuditEvent.objects.filter(province=cast.province).order_by("seq"))
    prev = events[0].hash
    for e in events[1:]:
        if e.seq == 2:
            e.reason = "viết lại"
        e.prev_hash, e.hash = (
            prev,
            event_hash(
                province_id=e.province_id,
                seq=e.seq,
                prev_hash=prev,
                at=e.at,
                actor_id=e.actor_id,
                action=e.action,
                object_type=e.object_type,
                object_id=e.object_id,
                data=e.data,
                reason=e.reason,
            ),
        )
        AuditEvent.objects.filter(pk=e.pk).update(reason=e.reason, prev_hash=e.prev_hash, hash=e.hash)
        prev = e.hash
    AuditChainHead.objects.filter(key=chain_key(cast.province.pk)).update(hash=prev)
    assert audit.verify_chain(cast.province.pk).ok  # consistent: only the check's record tells
    assert events[-1].seq >= done.head_seq
    client.get(URL)
    with django_assert_num_queries(7):
        page = client.get(URL).content.decode()
    assert 'id="chain-rewritten"' in page and str(done.head_seq) in page


def test_a_check_that_finds_a_problem_tells_the_province_admins_and_a_clean_one_clears_it(client, cast):
    """The nightly job finds a problem while nobody looks at the page: the province's admins get a
    notification (not another province's); the next intact check marks it done."""
    from yearend.models import Notification

    _events(cast, 4)
    client.force_login(cast.admin)
    run_check_from_page(client, {"seq": 2, "hash": "b" * 64})
    told = Notification.objects.filter(kind="audit_chain.broken")
    assert list(told.values_list("user_id", "ref", "done_at")) == [
        (cast.admin.pk, str(cast.province.pk), None)
    ]
    assert "sự kiện 2" in told.get().text and told.get().url == URL
    assert not Notification.objects.filter(user=cast.other).exists()
    run_check_from_page(client)
    assert told.get().done_at is not None
