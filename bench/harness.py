"""Shared plumbing for benchmarks and drills: a private PostgreSQL database, a private Redis,
the application under gunicorn and a Celery worker, all on loopback, and a small HTTP client."""

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answers on port {port}")


class Stack:
    """Database `db_name`, Redis on its own port, gunicorn and a Celery worker."""

    def __init__(self, db_name, *, web_workers=2, stale_seconds=8):
        self.db_name = db_name
        self.redis_port = free_port()
        self.web_port = free_port()
        self.media = ROOT / "var" / f"{db_name}-media"
        self.logs = ROOT / "var" / f"{db_name}-logs"
        self.web_workers = web_workers
        self.env = {
            **os.environ,
            "DATABASE_URL": f"{PG}/{db_name}",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "MEDIA_ROOT": str(self.media),
            "DOCUMENT_STALE_SECONDS": str(stale_seconds),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "AXES_FAILURE_LIMIT": "1000",
        }
        # Loopback only, like the embedded demo: its secrets are the random ones kept under
        # var/ (stable across --reuse), never the public defaults gunicorn and the worker refuse.
        self.env.setdefault("DJANGO_DEMO", "true")
        self.env.pop("TEST_DATABASE_NAME", None)
        self.procs = {}
        self.worker_count = 0

    # -- set-up ---------------------------------------------------------------------------
    def configure_django(self):
        """Point this process's Django at the stack (call before django.setup())."""
        for key in (
            "DATABASE_URL",
            "REDIS_URL",
            "MEDIA_ROOT",
            "DOCUMENT_STALE_SECONDS",
            "DJANGO_DEMO",
        ):
            os.environ[key] = self.env[key]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emulation.settings")
        import django

        django.setup()

    def create_database(self):
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.db_name}"')
        shutil.rmtree(self.media, ignore_errors=True)
        self.logs.mkdir(parents=True, exist_ok=True)
        self.manage("migrate", "--noinput", "-v0")

    def manage(self, *args):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True)

    def _start(self, name, args):
        log = open(self.logs / f"{name}.log", "ab")
        self.procs[name] = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        return self.procs[name]

    def start_redis(self):
        self._start(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
        )
        wait_port(self.redis_port)

    def stop_redis(self):
        proc = self.procs.pop("redis")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)

    def start_web(self, name="web", port=None):
        """A gunicorn instance; a second one (name, port) is another host behind a balancer."""
        port = port or self.web_port
        self._start(
            name,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "emulation.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(self.web_workers),
                "--timeout",
                "60",
                "--access-logfile",
                "-",
            ],
        )
        wait_port(port)
        return f"http://127.0.0.1:{port}"

    def start_worker(self):
        self.worker_count += 1
        name = f"worker{self.worker_count}"
        self._start(
            name,
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "emulation",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "-n",
                f"{name}-{self.db_name}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
        )
        from emulation.celery import app

        # 180 s: on a loaded 2-core machine the worker gets a sixth of a core while gunicorn's
        # workers import the same code (60 s was seen to run out with the log still empty)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            replies = app.control.ping(timeout=0.5) or []
            if any(name in next(iter(r)) for r in replies):
                return self.procs[name]
        raise RuntimeError("worker did not answer")

    def kill(self, name, sig=signal.SIGKILL):
        proc = self.procs.pop(name)
        proc.send_signal(sig)
        proc.wait(timeout=10)

    def stop(self):
        for proc in self.procs.values():
            proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.procs.clear()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.web_port}"


class Session:
    """A person in a browser: cookies, CSRF token, log-in."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _csrf(self):
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, method, path, data=None, headers=None):
        body = urllib.parse.urlencode(data or {}, doseq=True).encode() if method == "POST" else None
        req = urllib.request.Request(self.base + path, data=body, method=method)  # noqa: S310 - loopback only
        req.add_header("X-CSRFToken", self._csrf())
        req.add_header("Referer", self.base + "/")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        start = time.perf_counter()
        try:
            with self.opener.open(req, timeout=60) as resp:
                status, text = resp.status, resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode("utf-8", "replace")
        return status, text, time.perf_counter() - start

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, data=None, **kw):
        data = dict(data or {})
        data.setdefault("csrfmiddlewaretoken", self._csrf())
        return self.request("POST", path, data, **kw)

    def login(self, username, password):
        self.get("/login/")
        status, text, _ = self.post("/login/", {"username": username, "password": password})
        if "/login/" in text and "Đăng xuất" not in text:
            raise RuntimeError(f"log-in failed for {username}")
        return self


def extract(pattern, text):
    m = re.search(pattern, text)
    return m.group(1) if m else None
