"""In-app notifications: the notifier and resolver behind clusters.notify, the unread count and
the e-mail preference. The notifications are written in the transaction of the step that caused
them; their e-mails go after commit through a Celery task (yearend.emails)."""

from django.db import connection, transaction
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
    """clusters.notify resolver: the step is done, its notifications leave the unread count.
    One statement: read now unless read before (the earlier time is kept), and done. Plain SQL on
    PostgreSQL: every ballot cast resolves its voter's (the ORM spent ~0.3 ms of CPU compiling it)."""
    now = timezone.now()
    user_ids = None if users is None else [u.pk for u in users]
    if connection.vendor == "postgresql":
        sql = (
            f"UPDATE {Notification._meta.db_table} SET done_at = %s, read_at = COALESCE(read_at, %s) "  # noqa: S608
            "WHERE kind = %s AND ref = %s AND done_at IS NULL"
        )
        params = [now, now, kind, str(ref)]
        if user_ids is not None:
            sql, params = sql + " AND user_id = ANY(%s)", [*params, user_ids]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        return
    qs = Notification.objects.filter(kind=kind, ref=ref, done_at__isnull=True)
    if user_ids is not None:
        qs = qs.filter(user_id__in=user_ids)
    qs.update(done_at=now, read_at=Coalesce("read_at", Value(now)))


def unread_count(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def preference_set(*, user, email):
    """The person's choice of e-mail: at once, a daily digest or none."""
    NotificationPreference.objects.update_or_create(user=user, defaults={"email": EmailChoice(email)})
