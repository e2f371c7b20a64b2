from celery import shared_task

from . import reminders


@shared_task(name="yearend.send_reminders", acks_late=True)
def send_reminders(today=None):
    """Beat job (hourly): reminders of deadlines to those who have not acted; idempotent."""
    import datetime

    day = datetime.date.fromisoformat(today) if today else None
    return {"sent": reminders.send_reminders(day)}
