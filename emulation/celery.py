import os

from celery import Celery
from celery.signals import beat_init, worker_init
from django.core.exceptions import ImproperlyConfigured

from emulation.startup import refuse_insecure_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emulation.settings")

app = Celery("emulation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def _refuse_insecure_start(**kwargs):
    # Celery logs and swallows exceptions raised by signal receivers: exit instead.
    try:
        refuse_insecure_start()
    except ImproperlyConfigured as exc:
        raise SystemExit(str(exc)) from exc


@app.task(name="core.ping", ignore_result=False)
def ping(value=None):
    """Trivial round trip used by /healthz and the worker tests."""
    return {"pong": value}
