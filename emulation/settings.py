"""Settings, driven by environment variables (see README "Configuration" and .env.example).

Without DATABASE_URL and REDIS_URL the application runs embedded: SQLite, Celery tasks
executed in-process. With them it runs on PostgreSQL with a separate Celery worker.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", False)
# The embedded demo (`make run`): SQLite, in-process tasks, loopback only. Without secrets in the
# environment it makes its own random ones under var/ (never the public defaults below).
DEMO = env_bool("DJANGO_DEMO", False)
# Secret values that are public (this file, .env.example): start-up refuses them outside DEBUG.
PUBLIC_SECRETS = {"", "dev-only-insecure-key-change-me", "change-me-to-a-long-random-string"}


def local_secret(name):
    """A random secret kept in var/<name> (created once, mode 0600) for the demo and DEBUG."""
    path = BASE_DIR / "var" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def secret_from_env(name, local_name):
    value = os.environ.get(name, "").strip()
    if value or not (DEBUG or DEMO):
        return value
    return local_secret(local_name)


# Outside DEBUG and the demo a missing secret stays empty and start-up refuses it
# (emulation/startup.py: a system check, the WSGI/ASGI entry points and the Celery worker).
SECRET_KEY = secret_from_env("DJANGO_SECRET_KEY", "secret-key") or "dev-only-insecure-key-change-me"
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Public base URL used in QR codes and e-mails (no trailing slash).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "emulation.admin_site.SuperuserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "clusters",
    "emulation",
    "documents",
    "emulation.scoring",
    "emulation.pledges",
    "yearend",
    "awards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "emulation.middleware.VietnameseFirstLocaleMiddleware",
    "emulation.middleware.UploadLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]
MIDDLEWARE[:0] = ["emulation.bench_middleware.BenchTimingMiddleware"] if env_bool("BENCH_TIMING") else []

ROOT_URLCONF = "emulation.urls"
WSGI_APPLICATION = "emulation.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
# Several test runs may share one PostgreSQL server (parallel sessions): name the test DB.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "clusters.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
# Locked: one user name from one address (a list inside the list is a combination). Locking the
# name from every address, or the address for every name, let anyone lock others out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["emulation.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": os.environ.get("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Evidence and upload limits.
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_MB", "10")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles from our own static files only, no
# inline script or style (nor style= attributes); the SVG charts are markup, QR codes data: URIs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
if env_bool("DJANGO_SECURE", False):
    # Behind TLS (the documented production set-up, .env.example): secure cookies, HSTS, and
    # plain HTTP redirected to HTTPS. The TLS proxy in front must set X-Forwarded-Proto (and
    # drop the client's own); /healthz stays reachable over plain HTTP for the health checks.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)

# Celery: Redis when REDIS_URL is set; otherwise tasks run in-process (embedded mode).
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# The cache (rate limits of public pages): Redis when REDIS_URL is set, else in-process memory.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
# Jobs record their state in the database; tasks whose result is awaited set ignore_result=False.
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
# A broker that is down must fail fast in a request (the user is told), not hang it.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# A document still "rendering" (or queued) after this long is re-queued by the beat job.
DOCUMENT_STALE_SECONDS = int(os.environ.get("DOCUMENT_STALE_SECONDS", "300"))
# where the documents' font (Liberation Serif) is found to measure names (documents.typeset)
DOCUMENT_FONT_DIRS = [
    d
    for d in os.environ.get(
        "DOCUMENT_FONT_DIRS", "/usr/share/fonts/truetype/liberation2:/usr/share/fonts/truetype/liberation"
    ).split(":")
    if d
]
CELERY_BEAT_SCHEDULE = {
    "documents-requeue-stale": {"task": "documents.requeue_stale", "schedule": 60.0},
    # Each (person, action, deadline, day) is sent once, so running more often only makes
    # reminders arrive sooner.
    "yearend-send-reminders": {"task": "yearend.send_reminders", "schedule": 3600.0},
    # The daily digest of notifications (and any immediate e-mail that could not be queued).
    "yearend-send-digests": {"task": "yearend.send_digests", "schedule": 86400.0},
    # Every province's audit chain recomputed at night (local time), so that the admin's check page
    # always has a recent result; the page also offers a check on demand.
    "clusters-audit-chains-nightly": {
        "task": "clusters.check_audit_chains_nightly",
        "schedule": crontab(hour=1, minute=30),
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "thidua@localhost")

# Key that encrypts the private keys at rest (pledge signing): its own secret, never the secret
# key (refused at start-up outside DEBUG); `manage.py rotate_signing_secret` changes it.
# RFC 3161 time-stamping authority for pledge signatures; empty: the province TSA inside the app.
TSA_URL = os.environ.get("TSA_URL", "")
SIGNING_KEY_SECRET = secret_from_env("SIGNING_KEY_SECRET", "signing-key-secret") or SECRET_KEY

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Static files are served by WhiteNoise straight from the finders: no collectstatic needed
# for `make run`; production images run collectstatic (see Dockerfile).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Key that wraps each open poll's ballot key (awards/envelopes.py). Keep it off the database host
# and out of its backups: with it and a pre-close copy of the database, ballots can be opened.
BALLOT_KEY_SECRET = secret_from_env("BALLOT_KEY_SECRET", "ballot-key-secret") or SECRET_KEY
