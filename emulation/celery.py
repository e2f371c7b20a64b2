import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emulation.settings")

app = Celery("emulation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="core.ping", ignore_result=False)
def ping(value=None):
    """Trivial round trip used by /healthz and the worker tests."""
    return {"pong": value}
