from celery import shared_task

from . import emails, reminders


@shared_task(name="yearend.send_reminders", acks_late=True)
def send_reminders(today=None):
    """Beat job (hourly): reminders of deadlines to those who have not acted; idempotent."""
    import datetime

    day = datetime.date.fromisoformat(today) if today else None
    return {"sent": reminders.send_reminders(day)}


@shared_task(name="yearend.email_notifications", acks_late=True)
def email_notifications(ids):
    """The immediate e-mails of new notifications (queued after the step's commit)."""
    return {"sent": emails.email_notifications(ids)}


@shared_task(name="yearend.send_digests", acks_late=True)
def send_digests():
    """Beat job (daily): one digest per person who chose it; immediate e-mails left unsent."""
    return {"sent": emails.send_digests()}
