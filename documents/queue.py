"""Queue a Celery task without letting a broker outage turn into a server error.

Callers pass what to do when the task cannot be queued (record the failure so the person
sees a clear message); nothing is lost silently."""

import logging

log = logging.getLogger(__name__)


def send(task, *, on_failure, **kwargs):
    try:
        task.delay(**kwargs)
    except Exception:  # kombu, redis and socket errors all mean "not queued"; logged, then reported
        log.exception("could not queue %s %s", task.name, kwargs)
        on_failure()
        return False
    return True
