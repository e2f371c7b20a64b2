"""Which real services this test run has. In CI (CI=true) a missing one is a failure, not a skip."""

import os
import shutil
import socket
from functools import cache

from django.conf import settings

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def _port_open(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@cache
def postgres():
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@cache
def redis():
    if not settings.REDIS_URL:
        return False
    import redis as redis_lib

    try:
        return bool(redis_lib.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping())
    except Exception:  # noqa: BLE001
        return False


@cache
def chromium():
    return os.path.exists(CHROMIUM)


@cache
def poppler():
    return all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm"))


MISSING_REASON = {
    "postgres": "PostgreSQL is not configured (DATABASE_URL): ran on SQLite",
    "worker": "Redis is not reachable (REDIS_URL): no real Celery worker",
    "browser": "Chromium is not installed (apt-get install -y chromium)",
    "poppler": "poppler-utils are not installed (pdftotext, pdffonts)",
}
CHECKS = {"postgres": postgres, "worker": redis, "browser": chromium, "poppler": poppler}
