"""GET /healthz: database, broker and worker state as JSON (200 when all configured parts are up)."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
        return f"error: {exc.__class__.__name__}"


def _broker_and_worker():
    if not settings.REDIS_URL:
        return "embedded", "embedded"
    from emulation.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}", "unknown"
    try:
        replies = app.control.ping(timeout=1.0) or []
    except Exception as exc:  # noqa: BLE001
        return "ok", f"error: {exc.__class__.__name__}"
    return "ok", ("ok" if replies else "no worker answered")


@never_cache
@require_GET
def healthz(request):
    database = _database()
    broker, worker = _broker_and_worker()
    healthy = database == "ok" and broker in ("ok", "embedded") and worker in ("ok", "embedded")
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "database": database, "broker": broker, "worker": worker},
        status=200 if healthy else 503,
    )
