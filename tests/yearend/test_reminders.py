"""Deadline reminders: only to those who have not acted, once each, before and on the deadline."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from clusters.models import ClusterYear, Stage, User
from tests.conftest import wait_for
from tests.factories import PASSWORD, make_cast
from yearend import reminders
from yearend.models import Notification, ReminderSent

DEADLINE = datetime.date(2030, 3, 15)


def with_emails(cast):
    for name in ("staff_a", "staff_b", "leader_a", "leader_b", "leader_head", "secretary"):
        User.objects.filter(pk=getattr(cast, name).pk).update(email=f"{name}@example.vn")


def set_year(cy, stage, **deadlines):
    ClusterYear.objects.filter(pk=cy.pk).update(stage=stage, **deadlines)


@pytest.mark.django_db
def test_registration_reminders_only_to_units_that_have_not_registered(cast):
    Registration = pytest.importorskip("emulation.pledges.models").Registration
    with_emails(cast)
    set_year(cast.year, Stage.REGISTRATION, registration_deadline=DEADLINE)
    Registration.objects.create(cluster_year=cast.year, unit=cast.unit_a, submitted_at=timezone.now())

    with freeze_time("2030-03-11 09:00", tz_offset=7):  # four days before: nothing yet
        assert reminders.send_reminders() == 0
    with freeze_time("2030-03-12 09:00", tz_offset=7):  # three days before
        sent = reminders.send_reminders()
        assert reminders.send_reminders() == 0  # the job runs again: nothing twice
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert sent == len(mail.outbox) == 2
    assert recipients == ["secretary@example.vn", "staff_b@example.vn"]  # Thủy Nguyên, Cát Hải; not Vĩnh Bảo
    msg = next(m for m in mail.outbox if m.to == ["staff_b@example.vn"])
    assert msg.subject == "[Thi đua] Nhắc việc: Đăng ký chỉ tiêu thi đua năm %s của đơn vị" % cast.year.year
    assert "Hạn chót là 15/03/2030, còn 3 ngày." in msg.body
    assert settings.SITE_URL + reverse("pledges:registration_edit", args=[cast.year.pk]) in msg.body
    assert "Kính gửi" in msg.body

    with freeze_time("2030-03-13 09:00", tz_offset=7):
        assert reminders.send_reminders() == 0
    with freeze_time("2030-03-15 09:00", tz_offset=7):  # on the deadline: once more
        assert reminders.send_reminders() == 2
        assert reminders.send_reminders() == 0
    assert "Hạn chót là hôm nay (15/03/2030)." in mail.outbox[-1].body
    assert ReminderSent.objects.count() == 4 and ReminderSent.objects.filter(emailed=True).count() == 4
    assert Notification.objects.filter(user=cast.staff_b).count() == 2
    assert not Notification.objects.filter(user=cast.staff_a).exists()


@pytest.mark.django_db
def test_score_reminders_link_to_the_sheet_and_show_in_the_list(client, cast):
    ScoreSheet = pytest.importorskip("emulation.scoring.models").ScoreSheet
    set_year(cast.year, Stage.SCORING, scoring_deadline=DEADLINE)
    ScoreSheet.objects.create(
        cluster_year=cast.year, unit=cast.unit_a, status="submitted", submitted_at=timezone.now()
    )
    with freeze_time("2030-03-12 09:00", tz_offset=7):
        reminders.send_reminders()
    assert not mail.outbox  # nobody has an e-mail address: in-app only
    users = set(Notification.objects.values_list("user__username", flat=True))
    assert users == {"staff_b", "secretary"}
    n = Notification.objects.get(user=cast.staff_b)
    assert n.url == reverse("scoring:sheet", args=[cast.year.pk, cast.unit_b.pk])

    assert client.login(username="staff_b", password=PASSWORD)
    html = client.get(reverse("yearend:notifications")).content.decode()
    assert "Nộp kết quả tự chấm điểm" in html and n.url in html
    client.post(reverse("yearend:notifications_read"))
    n.refresh_from_db()
    assert n.read_at is not None
    client.logout()
    assert client.login(username="staff_a", password=PASSWORD)
    assert "Nộp kết quả" not in client.get(reverse("yearend:notifications")).content.decode()


@pytest.mark.django_db
def test_no_reminder_for_a_closed_or_undated_year(cast):
    set_year(cast.year, Stage.CLOSED, scoring_deadline=DEADLINE)
    with freeze_time("2030-03-12 09:00", tz_offset=7):
        assert reminders.send_reminders() == 0
    set_year(cast.year, Stage.SCORING, scoring_deadline=None)
    with freeze_time("2030-03-12 09:00", tz_offset=7):
        assert reminders.send_reminders() == 0


def test_the_job_is_in_the_beat_schedule():
    from emulation.celery import app

    entry = app.conf.beat_schedule["yearend-send-reminders"]
    assert entry["task"] == "yearend.send_reminders"


@pytest.mark.worker
def test_beat_driven_by_a_frozen_clock_sends_through_the_real_worker_once(celery_worker):
    """The beat scheduler (with a frozen clock) finds the job due and sends it; the real worker
    sends the reminders; a second run an hour later sends nothing more."""
    from celery.beat import Scheduler

    from emulation.celery import app

    cast = make_cast()
    today = timezone.localdate()  # the worker's clock is the real one
    set_year(cast.year, Stage.SCORING, scoring_deadline=today + datetime.timedelta(days=3))
    ScoreSheet = pytest.importorskip("emulation.scoring.models").ScoreSheet
    ScoreSheet.objects.create(
        cluster_year=cast.year, unit=cast.unit_a, status="submitted", submitted_at=timezone.now()
    )

    ignore = ["kombu", "redis", "amqp", "billiard", "vine"]
    with freeze_time(timezone.now(), ignore=ignore) as clock:
        scheduler = Scheduler(app=app)
        entry = scheduler.schedule["yearend-send-reminders"]
        assert not entry.is_due().is_due
        clock.tick(datetime.timedelta(hours=1, seconds=1))
        assert entry.is_due().is_due
        scheduler.apply_async(entry)
        entry = scheduler.reserve(entry)
        wait_for(lambda: ReminderSent.objects.count() == 2)
        assert set(ReminderSent.objects.values_list("user__username", flat=True)) == {"staff_b", "secretary"}

        clock.tick(datetime.timedelta(hours=1, seconds=1))
        entry = scheduler.schedule["yearend-send-reminders"]
        assert entry.is_due().is_due
        result = scheduler.apply_async(entry)
    # wait until the worker has run the second job too
    from tests.conftest import OUTPUT

    wait_for(lambda: f"{result.id}] succeeded" in (OUTPUT / "celery-worker.log").read_text())
    assert ReminderSent.objects.count() == 2
    assert Notification.objects.count() == 2


@pytest.mark.django_db
def test_pledge_reminders_go_to_leaders_of_units_that_have_not_signed(cast):
    pledges = pytest.importorskip("emulation.pledges.models")
    set_year(cast.year, Stage.REGISTRATION, registration_deadline=DEADLINE)
    pledge = pledges.Pledge.objects.create(cluster_year=cast.year)
    version = pledges.PledgeVersion.objects.create(
        pledge=pledge, number=1, title="Giao ước", place="Hải Phòng"
    )
    pledge.state, pledge.final_version = "final", version
    pledge.save()
    pledges.PledgeSignature.objects.create(
        version=version, unit=cast.unit_a, signer_name="A", state="done", signed_at=timezone.now()
    )
    pledges.PledgeSignature.objects.create(version=version, unit=cast.unit_b, signer_name="B", state="failed")
    with freeze_time("2030-03-15 08:00", tz_offset=7):
        reminders.send_reminders()
    signers = set(
        Notification.objects.filter(url=reverse("pledges:sign", args=[cast.year.pk])).values_list(
            "user__username", flat=True
        )
    )
    assert signers == {"leader_b", "leader_head"}  # not leader_a: Vĩnh Bảo has signed


@pytest.mark.django_db
def test_ballot_reminders_go_to_electors_who_have_not_voted(cast):
    award_services = pytest.importorskip("awards.services")
    from awards.models import Participation

    set_year(cast.year, Stage.VOTING, voting_deadline=DEADLINE + datetime.timedelta(days=30))
    flag = award_services.award_type_save(
        province=cast.province, actor=cast.admin, code="co", name="Cờ thi đua", precedence=1
    )
    from tests.yearend.test_handover import RULE

    award_services.rule_save(cluster_year=cast.year, award_type=flag, actor=cast.admin, **RULE)
    now = timezone.now()
    poll = award_services.poll_open(
        cluster_year=cast.year,
        award_type=flag,
        title="Cờ thi đua",
        opens_at=now - datetime.timedelta(minutes=1),
        closes_at=now + datetime.timedelta(days=30),
        electorate_kind="units",
        voters=[cast.leader_head, cast.leader_a, cast.leader_b],
        candidate_units=[cast.unit_a, cast.unit_b],
        actor=cast.secretary,
    )
    award_services.ballot_cast(poll=poll, actor=cast.leader_a, candidate_ids=[], abstain=True)
    assert Participation.objects.filter(poll=poll).count() == 1
    # the poll closes on 15/03 at 17:00, long before the stage's deadline: it sets the day
    type(poll).objects.filter(pk=poll.pk).update(
        opens_at=datetime.datetime(2030, 3, 1, tzinfo=datetime.UTC),
        closes_at=datetime.datetime(2030, 3, 15, 10, tzinfo=datetime.UTC),
    )
    with freeze_time("2030-03-11 08:00", tz_offset=7):
        assert reminders.send_reminders() == 0
    with freeze_time("2030-03-12 08:00", tz_offset=7):  # three days before the poll closes
        assert reminders.send_reminders() == 2
        assert reminders.send_reminders() == 0
    assert (
        "Hạn chót là 15/03/2030, còn 3 ngày." in Notification.objects.exclude(kind="poll.vote").first().text
    )
    with freeze_time("2030-03-15 18:00", tz_offset=7):  # the window is over (not yet counted): no reminder
        assert reminders.send_reminders() == 0
    # the reminders, not the notices of the opening (clusters.notify, kind poll.vote)
    notes = Notification.objects.filter(url=reverse("awards:vote", args=[poll.pk])).exclude(kind="poll.vote")
    assert set(notes.values_list("user__username", flat=True)) == {"leader_head", "leader_b"}
    assert notes.first().text.startswith("Bỏ phiếu: Cờ thi đua.")


@pytest.mark.django_db
@pytest.mark.parametrize("n", [2, 20])
def test_notification_list_query_count_is_constant(client, cast, django_assert_num_queries, n):
    Notification.objects.bulk_create(
        [Notification(user=cast.staff_a, cluster_year=cast.year, text=f"Việc {i}", url="/") for i in range(n)]
    )
    assert client.login(username="staff_a", password=PASSWORD)
    url = reverse("yearend:notifications")
    client.get(url)
    with django_assert_num_queries(5):
        html = client.get(url).content.decode()
    assert html.count("Việc ") == n


@pytest.mark.django_db
def test_reminder_emails_follow_the_persons_choice_and_the_digest_never_repeats_them(cast):
    from yearend import emails
    from yearend.models import EmailChoice, NotificationPreference

    with_emails(cast)
    set_year(cast.year, Stage.REGISTRATION, registration_deadline=DEADLINE)
    NotificationPreference.objects.create(user=cast.secretary, email=EmailChoice.DAILY)
    with freeze_time("2030-03-12 09:00", tz_offset=7):
        assert reminders.send_reminders() == 3  # staff_a, staff_b, the secretary: all notified in the app
    assert sorted(m.to[0] for m in mail.outbox) == ["staff_a@example.vn", "staff_b@example.vn"]
    assert not ReminderSent.objects.get(user=cast.secretary).emailed

    mail.outbox.clear()
    assert emails.send_digests() == 1  # the digest reader gets it there; the others not a second time
    assert [m.to for m in mail.outbox] == [["secretary@example.vn"]]
    assert "Đăng ký chỉ tiêu" in mail.outbox[0].body

    NotificationPreference.objects.filter(user=cast.secretary).update(email=EmailChoice.NONE)
    mail.outbox.clear()
    with freeze_time("2030-03-15 09:00", tz_offset=7):
        assert reminders.send_reminders() == 3
    assert emails.send_digests() == 0
    assert "secretary@example.vn" not in [m.to[0] for m in mail.outbox]
