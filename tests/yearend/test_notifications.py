"""Every step that waits on someone tells them: an in-app notification (unread count in the
navbar), an e-mail at once or in the daily digest as they chose; done steps leave the count."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from awards import services as award_services
from clusters import services as cluster_services
from clusters import stages
from clusters.models import Stage
from clusters.notify import notify
from emulation.pledges import services as pledge_services
from emulation.scoring import services as scoring_services
from tests.awards.helpers import award_types, open_poll, rule, to_voting, vote
from tests.emulation.pledges.helpers import approve_all, draft
from tests.emulation.scoring.conftest import build_table, score_all
from tests.emulation.scoring.test_services import full_values
from yearend import emails, notifications
from yearend.models import EmailChoice, Notification

pytestmark = pytest.mark.django_db


def unread(user, kind=None):
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    return qs.filter(kind=kind).count() if kind else qs.count()


def with_emails(*users):
    for u in users:
        u.email = f"{u.username}@example.vn"
        u.save(update_fields=["email"])


def test_pledge_draft_asks_every_member_unit_and_approval_clears_only_that_unit(cast):
    version = draft(cast.year, cast.secretary)
    assert unread(cast.staff_a, "pledge.approve") == 1 and unread(cast.staff_b, "pledge.approve") == 1
    n = Notification.objects.get(user=cast.staff_a, kind="pledge.approve")
    assert "Phê duyệt" in n.text or "dự thảo" in n.text
    assert n.url == reverse("pledges:pledge", args=[cast.year.pk])
    pledge_services.pledge_review(
        version=version, unit=cast.unit_a, approved=True, comment="", actor=cast.staff_a
    )
    assert unread(cast.staff_a, "pledge.approve") == 0
    assert unread(cast.staff_b, "pledge.approve") == 1


def test_a_new_draft_replaces_the_open_request_instead_of_adding_one(cast):
    draft(cast.year, cast.secretary)
    draft(cast.year, cast.secretary, title="Giao ước thi đua (sửa)")
    assert unread(cast.staff_b, "pledge.approve") == 1


def test_finalised_pledge_asks_every_leader_to_sign_and_clears_the_approvals(cast):
    version = draft(cast.year, cast.secretary)
    approve_all(version)
    pledge_services.pledge_finalise(cluster_year=cast.year, actor=cast.secretary)
    assert unread(cast.leader_a, "pledge.sign") == 1 and unread(cast.leader_head, "pledge.sign") == 1
    assert unread(cast.staff_a, "pledge.approve") == 0
    assert Notification.objects.filter(kind="pledge.sign", user=cast.staff_a).count() == 0


def test_scoring_opens_with_a_sheet_to_submit_for_each_unit_and_submit_clears_it(cast):
    cast.criteria = build_table(cast.year, cast.admin)
    cast.year.stage = Stage.SCORING
    cast.year.save(update_fields=["stage"])
    stages.entered(cast.year)  # what stage_advance runs once the year enters the stage
    assert unread(cast.staff_a, "scores.submit") == 1 and unread(cast.staff_b, "scores.submit") == 1
    sheet = score_all(cast, cast.unit_a, cast.staff_a, full_values(cast, c12="45"))
    scoring_services.sheet_submit(sheet=sheet, actor=cast.staff_a)
    assert unread(cast.staff_a, "scores.submit") == 0 and unread(cast.staff_b, "scores.submit") == 1
    scoring_services.sheet_reopen(sheet=sheet, actor=cast.secretary, reason="Thiếu minh chứng 1.2")
    n = Notification.objects.get(user=cast.staff_a, kind="scores.submit", read_at__isnull=True)
    assert "Thiếu minh chứng 1.2" in n.text
    scoring_services.review_adjust(
        sheet=sheet, criterion=cast.criteria.c12, value="40", reason="Minh chứng thiếu", actor=cast.secretary
    )
    assert unread(cast.staff_a, "scores.adjusted") == 1


def test_stage_advance_runs_the_entry_hooks_of_the_stage_entered(cast):
    seen = []
    stages.register_entry_hook(Stage.REGISTRATION, seen.append)
    try:
        cluster_services.stage_advance(cluster_year=cast.year, actor=cast.admin)
    finally:
        stages._ENTRY_HOOKS[Stage.REGISTRATION].remove(seen.append)
    assert [cy.pk for cy in seen] == [cast.year.pk]


def test_poll_asks_each_elector_vote_clears_it_and_result_reaches_members(cast):
    cy = to_voting(cast.year)
    types = award_types(cast.province)
    rule(cy, types["co-thanh-pho"], quota_count=1)
    voters = [cast.leader_head, cast.leader_a, cast.leader_b]
    poll = open_poll(
        cy, types["co-thanh-pho"], candidates=[cast.unit_a, cast.unit_b], voters=voters, actor=cast.secretary
    )
    assert all(unread(v, "poll.vote") == 1 for v in voters)
    assert unread(cast.staff_a, "poll.vote") == 0
    vote(poll, cast.leader_a, cast.unit_a)
    assert unread(cast.leader_a, "poll.vote") == 0 and unread(cast.leader_b, "poll.vote") == 1
    for v in (cast.leader_head, cast.leader_b):
        vote(poll, v, cast.unit_a)
    award_services.poll_close(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    award_services.poll_publish(poll=poll, actor=cast.secretary, reason="Đã hết thời gian theo kế hoạch")
    n = Notification.objects.get(user=cast.staff_b, kind="poll.published")
    assert "Vĩnh Bảo" in n.text
    assert unread(cast.leader_head, "poll.published") == 1


def test_notification_is_written_in_the_step_transaction_and_rolled_back_with_it(cast):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify([cast.staff_a], kind="x.y", ref="1", text="Thử", url="/")
        raise RuntimeError("the step failed")
    assert not Notification.objects.filter(user=cast.staff_a).exists()


@pytest.fixture
def tasks_in_process():
    """The e-mail task runs in this process when queued (the worker tests use a real worker)."""
    from emulation.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_immediate_email_goes_after_commit_and_digest_waits_for_the_daily_run(
    cast, django_capture_on_commit_callbacks, tasks_in_process
):
    with_emails(cast.staff_a, cast.staff_b)
    notifications.preference_set(user=cast.staff_b, email=EmailChoice.DAILY)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        draft(cast.year, cast.secretary)
        assert not mail.outbox  # nothing before the commit
    for cb in callbacks:
        cb()
    assert [m.to for m in mail.outbox] == [["staff_a@example.vn"]]
    assert "dự thảo" in mail.outbox[0].subject
    sent = list(Notification.objects.filter(user=cast.staff_a).values_list("pk", flat=True))
    assert emails.email_notifications(sent) == 0  # never twice
    mail.outbox.clear()
    assert emails.send_digests() == 1
    assert [m.to for m in mail.outbox] == [["staff_b@example.vn"]]
    assert emails.send_digests() == 0


def test_no_email_when_the_person_chose_none(cast, django_capture_on_commit_callbacks, tasks_in_process):
    with_emails(cast.staff_a)
    notifications.preference_set(user=cast.staff_a, email=EmailChoice.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        draft(cast.year, cast.secretary)
    assert emails.send_digests() == 0
    assert not [m for m in mail.outbox if "staff_a@example.vn" in m.to]
    assert unread(cast.staff_a) == 1


def test_unread_count_partial_and_preferences_page(client, cast):
    draft(cast.year, cast.secretary)
    client.force_login(cast.staff_a)
    html = client.get(reverse("yearend:notification_count")).content.decode()
    assert ">1<" in html and "chưa đọc" in html
    page = client.get(reverse("yearend:notification_preferences"))
    assert page.status_code == 200
    r = client.post(reverse("yearend:notification_preferences"), {"email": "daily"})
    assert r.status_code == 302
    assert cast.staff_a.notification_preference.email == "daily"
    client.post(reverse("yearend:notifications_read"))
    assert client.get(reverse("yearend:notification_count")).content.decode().strip() == ""


def test_unread_count_needs_a_login(client):
    r = client.get(reverse("yearend:notification_count"))
    assert r.status_code == 302


def test_a_registered_token_certificate_asks_the_province_admin_until_confirmed(cast):
    """The unit's token certificate counts only once the province confirms it: the province
    admin is told (in Vietnamese, with a link to the trust screen), and confirming clears it."""
    from emulation.pledges import crypto
    from emulation.pledges.models import UnitCertificate
    from tests.emulation.pledges import pki

    gov_cert, gov_key = crypto.make_ca("Ban Cơ yếu Chính phủ - CA")
    token_cert, _key = pki.issued_by(gov_cert, gov_key, cast.unit_b, person=cast.leader_b.full_name)
    uc = pledge_services.external_certificate_register(
        unit=cast.unit_b, year=cast.year.year, data=crypto.cert_pem(token_cert).encode(), actor=cast.leader_b
    )
    assert unread(cast.admin, "certificate.confirm") == 1
    n = Notification.objects.get(user=cast.admin, kind="certificate.confirm")
    assert "Xác nhận" in n.text and cast.unit_b.name in n.text
    assert n.url == reverse("pledges:trust")
    assert unread(cast.leader_b, "certificate.confirm") == 0
    pledge_services.external_certificate_confirm(
        certificate=UnitCertificate.objects.get(pk=uc.pk), actor=cast.admin
    )
    assert unread(cast.admin, "certificate.confirm") == 0


def test_resolving_a_step_marks_it_done_and_read_keeping_an_earlier_reading(cast, django_assert_num_queries):
    """One UPDATE: every open notification of the step is done; one already read keeps the time
    it was read, an unread one is read now; another person's, another step's stay open."""
    import datetime

    from django.utils import timezone

    for user in (cast.staff_a, cast.staff_b, cast.leader_a):
        notify([user], kind="poll.vote", ref="7", text="Bỏ phiếu", url="/")
    notify([cast.staff_a], kind="poll.vote", ref="8", text="Bỏ phiếu", url="/")
    earlier = timezone.now() - datetime.timedelta(days=2)
    Notification.objects.filter(user=cast.staff_b, ref="7").update(read_at=earlier)
    with django_assert_num_queries(1):
        notifications.resolver("poll.vote", "7", [cast.staff_a, cast.staff_b])
    people = (cast.staff_a, cast.staff_b, cast.leader_a)
    a, b, leader = (Notification.objects.get(user=u, ref="7") for u in people)
    assert a.done_at and a.read_at == a.done_at
    assert b.done_at and b.read_at == earlier
    assert leader.done_at is None and leader.read_at is None
    assert Notification.objects.get(user=cast.staff_a, ref="8").done_at is None
    notifications.resolver("poll.vote", 7, None)  # the step done for everybody (a ref as a number)
    leader = Notification.objects.get(user=cast.leader_a, ref="7")
    assert leader.done_at and leader.read_at == leader.done_at
    assert Notification.objects.get(user=cast.staff_b, ref="7").read_at == earlier
    assert Notification.objects.get(user=cast.staff_a, ref="8").done_at is None
