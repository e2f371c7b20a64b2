"""Test set-up: the real services (PostgreSQL, Redis + a Celery worker process, Chromium).

Where a service is missing outside CI the tests that need it are skipped and the run says so
loudly at the end; with CI=true a missing service fails those tests instead."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client

from tests import services_available as svc

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"
_skipped_for_services = {}


def _allow_flush(sender, connection, **kwargs):
    """The flush between transactional tests TRUNCATEs every table, the audit trail included,
    which clusters/migrations/0004 refuses unless the session allows it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET clusters.allow_truncate = on")


def pytest_configure(config):
    from django.conf import settings
    from django.db.backends.signals import connection_created

    connection_created.connect(_allow_flush, dispatch_uid="tests.allow_flush")

    OUTPUT.mkdir(exist_ok=True)
    # Hashing with PBKDF2 costs ~0.3 s per user; the cast has a dozen users per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The layout and the fixtures carry the slow lanes' markers too, so `make test-fast` cannot pick up
# a browser, worker, bench or drill test that forgot its marker.
TESTS_DIR = Path(__file__).resolve().parent
MARKERS_BY_FOLDER = {"e2e": "browser", "bench": "bench", "drills": "drill"}
MARKERS_BY_FIXTURE = {"browser": "browser", "celery_worker": "worker", "celery_worker_process": "worker"}


def _folder(item):
    parts = Path(str(item.path)).resolve().relative_to(TESTS_DIR).parts
    return parts[0] if len(parts) > 1 else ""


def pytest_collection_modifyitems(config, items):
    for item in items:
        markers = {MARKERS_BY_FOLDER.get(_folder(item))}
        markers |= {MARKERS_BY_FIXTURE[f] for f in item.fixturenames if f in MARKERS_BY_FIXTURE}
        for marker in sorted(markers - {None}):
            item.add_marker(marker)


def _require(item, what):
    if svc.CHECKS[what]():
        return
    reason = svc.MISSING_REASON[what]
    if svc.IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    _skipped_for_services.setdefault(reason, []).append(item.nodeid)
    pytest.skip(reason)


def pytest_runtest_setup(item):
    if item.get_closest_marker("browser") and _folder(item) != "e2e":
        pytest.fail("browser (Playwright) tests live under tests/e2e/", pytrace=False)
    for what in ("postgres", "worker", "browser", "poppler"):
        if item.get_closest_marker(what):
            _require(item, what)


def pytest_sessionstart(session):
    if svc.IN_CI and not svc.postgres():
        pytest.exit("CI=true but DATABASE_URL does not point to PostgreSQL", returncode=3)


def pytest_terminal_summary(terminalreporter):
    if not _skipped_for_services:
        return
    tr = terminalreporter
    tr.section("SKIPPED FOR MISSING SERVICES", sep="!", red=True, bold=True)
    for reason, ids in _skipped_for_services.items():
        tr.write_line(f"{len(ids)} test(s) skipped: {reason}", red=True, bold=True)
    tr.write_line("Run `make test` on a machine with PostgreSQL, Redis and Chromium for the full suite.")


# ---------------------------------------------------------------------------------------------
# Celery: a real worker process against the test database and the Redis broker.


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """Starts `celery worker` on the test database; tests using it need transactional_db."""
    from django.conf import settings
    from django.db import connection

    from emulation.celery import app

    if not svc.redis():
        pytest.skip(svc.MISSING_REASON["worker"])
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip(svc.MISSING_REASON["postgres"])
    # A worker left behind by an interrupted run on the same broker database would take this
    # run's tasks against its own (old) test database: the worker tests then hang or fail.
    others = app.control.ping(timeout=1.0) or []
    if others:
        names = ", ".join(next(iter(r)) for r in others)
        pytest.exit(
            f"another Celery worker already listens on {settings.REDIS_URL} ({names}): stop it, "
            "or give this run its own REDIS_DB",
            returncode=3,
        )
    app.control.purge()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    log = open(OUTPUT / "celery-worker.log", "w")
    hostname = f"test-{os.getpid()}@%h"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "emulation",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "-n",
            hostname,
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"celery worker exited early, see {OUTPUT / 'celery-worker.log'}")
        replies = app.control.ping(timeout=0.5) or []
        if any(hostname.split("@")[0] in next(iter(r)) for r in replies):
            break
    else:
        proc.kill()
        raise RuntimeError("celery worker did not answer within 60 s")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture
def celery_worker(celery_worker_process, transactional_db):
    return celery_worker_process


def own_database(job):
    """The database a bench or drill subprocess drops and makes anew: named after this run's test
    database, so that runs sharing one PostgreSQL server do not drop each other's."""
    test_name = os.environ.get("TEST_DATABASE_NAME")
    return f"{test_name}_{job}" if test_name else f"thidua_{job}"


def wait_for(predicate, timeout=60, interval=0.2):
    """Poll until predicate() is truthy (used with the real worker)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


# ---------------------------------------------------------------------------------------------
# Chromium through Playwright.


@pytest.fixture(scope="session")
def browser():
    if not svc.chromium():
        pytest.skip(svc.MISSING_REASON["browser"])
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread from here on, for the
    # rest of the session: Django's ORM would refuse to run beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=svc.CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--disable-quic",
            ],
        )
        _watch_csp(b)
        yield b
        b.close()


# Every page a browser test opens must keep the Content-Security-Policy: Chromium reports each
# blocked inline script or style in the console ("Refused to …") and as a DOM event.
_csp_violations = []
_CSP_LISTENER = (
    "document.addEventListener('securitypolicyviolation', e => console.error("
    "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' at ' + e.documentURI));"
)


def _watch_csp(browser):
    new_context = browser.new_context

    def watched(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.add_init_script(_CSP_LISTENER)

        def on_page(pg):
            def on_console(msg):
                if "Refused to" in msg.text or "CSP violation" in msg.text:
                    _csp_violations.append(f"{pg.url}: {msg.text}")

            pg.on("console", on_console)

        context.on("page", on_page)
        return context

    browser.new_context = watched


@pytest.fixture(autouse=True)
def no_csp_violation():
    """Fails any test during which a browser page reported a Content-Security-Policy violation."""
    _csp_violations.clear()
    yield
    found, _csp_violations[:] = list(_csp_violations), []
    assert not found, "Content-Security-Policy violations:\n" + "\n".join(found)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.live_server_url = live_server.url
    yield pg
    context.close()


def login(page, username, password="pw-Test-2024!"):
    page.goto(page.live_server_url + "/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")


def assert_accessible(page, name):
    """axe-core scan: no serious or critical violation. Also saves a screenshot."""
    from axe_playwright_python.sync_playwright import Axe

    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes'][:3]]}" for v in bad
    )


# ---------------------------------------------------------------------------------------------
# Django test client whose login() goes through django-axes (which needs the request).


class AxesClient(Client):
    def login(self, **credentials):
        from django.http import HttpRequest

        credentials.setdefault("request", HttpRequest())
        return super().login(**credentials)


@pytest.fixture
def client():
    return AxesClient()


# ---------------------------------------------------------------------------------------------
# The fixed cast used by permission tests.


@pytest.fixture
def cast(db):
    from tests.factories import make_cast

    return make_cast()
