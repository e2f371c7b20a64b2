"""In-app notifications: the notifier and resolver behind clusters.notify, the unread count and
the e-mail preference. The notifications are written in the transaction of the step that caused
them; their e-mails go after commit through a Celery task (yearend.emails)."""

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from documents.queue import send as queue_send

from . import tasks
from .models import EmailChoice, Notification, NotificationPreference


def _choices(user_ids):
    prefs = dict(NotificationPreference.objects.filter(user_id__in=user_ids).values_list("user_id", "email"))
    return {uid: prefs.get(uid, EmailChoice.IMMEDIATE) for uid in user_ids}


def notifier(users, message):
    """clusters.notify notifier: one notification per person; an earlier open one of the same
    step (kind, ref) is replaced, so a step re-opened twice is listed once."""
    ids = [u.pk for u in users]
    if message.kind:
        Notification.objects.filter(
            user_id__in=ids, kind=message.kind, ref=message.ref, done_at__isnull=True
        ).update(done_at=timezone.now(), read_at=timezone.now())
    made = Notification.objects.bulk_create(
        [
            Notification(
                user=u,
                cluster_year=message.cluster_year,
                kind=message.kind,
                ref=message.ref,
                text=message.text,
                url=message.url,
                deadline=message.deadline,
            )
            for u in users
        ]
    )
    choices = _choices(ids)
    now_ids = [n.pk for n in made if choices[n.user_id] == EmailChoice.IMMEDIATE and n.user.email]
    if now_ids:
        transaction.on_commit(
            lambda: queue_send(tasks.email_notifications, on_failure=lambda: None, ids=now_ids)
        )
    return made


def resolver(kind, ref, users):
    """clusters.notify resolver: the step is done, its notifications leave the unread count."""
    qs = Notification.objects.filter(kind=kind, ref=ref, done_at__isnull=True)
    if users is not None:
        qs = qs.filter(user_id__in=[u.pk for u in users])
    now = timezone.now()
    # one statement: read now unless read before (the earlier time is kept), and done
    qs.update(done_at=now, read_at=Coalesce("read_at", Value(now)))


def unread_count(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def preference_set(*, user, email):
    """The person's choice of e-mail: at once, a daily digest or none."""
    NotificationPreference.objects.update_or_create(user=user, defaults={"email": EmailChoice(email)})
