"""Finding 6 and issue 11 item 7: no start-up on public or shared secrets outside DEBUG, a clean
`check --deploy` with the documented production environment, a non-root image, and the signing
keys re-encrypted by a rotation that is all or nothing."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import InvalidToken
from django.core.management import call_command
from django.core.management.base import CommandError

from clusters.models import AuditEvent
from emulation.pledges import crypto, services
from emulation.pledges.models import ProvinceAuthority, UnitCertificate
from tests.factories import make_cast

ROOT = Path(__file__).resolve().parents[2]
# The test run sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; a deployment never does.
SECRET_VARS = (
    "DJANGO_SECRET_KEY",
    "SIGNING_KEY_SECRET",
    "BALLOT_KEY_SECRET",
    "DJANGO_DEBUG",
    "DJANGO_DEMO",
    "DJANGO_SECURE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in SECRET_VARS}
    env.update(extra)
    return env


def _run(args, **extra):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=_env(**extra), capture_output=True, text=True, timeout=120
    )


def _good():
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "SIGNING_KEY_SECRET": secrets.token_urlsafe(50),
        "BALLOT_KEY_SECRET": secrets.token_urlsafe(50),
    }


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"DJANGO_SECRET_KEY": "dev-only-insecure-key-change-me", "SIGNING_KEY_SECRET": "x" * 50},
        {"DJANGO_SECRET_KEY": "change-me-to-a-long-random-string", "SIGNING_KEY_SECRET": "x" * 50},
        {"DJANGO_SECRET_KEY": "s" * 50},
        {"DJANGO_SECRET_KEY": "s" * 50, "SIGNING_KEY_SECRET": "s" * 50},
        {"DJANGO_SECRET_KEY": "s" * 50, "SIGNING_KEY_SECRET": "g" * 50},
        {"DJANGO_SECRET_KEY": "s" * 50, "SIGNING_KEY_SECRET": "g" * 50, "BALLOT_KEY_SECRET": "s" * 50},
        {"DJANGO_SECRET_KEY": "s" * 50, "SIGNING_KEY_SECRET": "g" * 50, "BALLOT_KEY_SECRET": "g" * 50},
    ],
    ids=[
        "nothing",
        "settings-default",
        "env-example-default",
        "no-signing-secret",
        "signing-equals-secret",
        "no-ballot-secret",
        "ballot-equals-secret",
        "ballot-equals-signing",
    ],
)
def test_manage_py_refuses_to_start_on_a_missing_public_or_shared_secret(env):
    result = _run(["manage.py", "check"], **env)
    assert result.returncode != 0
    assert "emulation.E001" in result.stderr


def test_gunicorn_entry_point_refuses_the_public_secret_key():
    result = _run(["-c", "import emulation.wsgi"], DJANGO_SECRET_KEY="dev-only-insecure-key-change-me")
    assert result.returncode != 0
    assert "Refusing to start" in result.stderr


def test_celery_worker_refuses_to_start_without_its_own_signing_secret():
    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "emulation", "worker", "--pool=solo", "-n", "refused@%h"],
        cwd=ROOT,
        env=_env(DJANGO_SECRET_KEY="s" * 50, REDIS_URL=""),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Refusing to start" in result.stdout + result.stderr


def test_debug_and_the_embedded_demo_start_without_secrets():
    assert _run(["manage.py", "check"], DJANGO_DEBUG="true").returncode == 0
    demo = _run(["manage.py", "check"], DJANGO_DEMO="true")
    assert demo.returncode == 0, demo.stderr
    # The demo's secrets are random, kept under var/, and not the public defaults.
    key = (ROOT / "var" / "secret-key").read_text().strip()
    assert len(key) >= 50 and key != (ROOT / "var" / "signing-key-secret").read_text().strip()
    assert oct((ROOT / "var" / "secret-key").stat().st_mode & 0o777) == "0o600"


def test_check_deploy_with_the_documented_production_environment_gives_no_warning():
    env = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            env[name] = value
    env.update(_good())  # the secrets the operator is told to fill in
    env.pop("TEST_DATABASE_NAME", None)
    env["DATABASE_URL"] = os.environ.get("DATABASE_URL", env["DATABASE_URL"])
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_docker_image_runs_as_a_non_root_user():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    cmd = next(i for i, line in enumerate(lines) if line.startswith("CMD"))
    assert lines.index(f"USER {users[-1]}") < cmd


@pytest.fixture
def keys(db):
    cast = make_cast()
    services.authority_create(province=cast.province)
    services.unit_certificate(cast.unit_a, year=cast.year.year, person_name="Lãnh đạo A")
    return cast


def test_rotation_re_encrypts_every_stored_key_and_audits_it(keys, settings, monkeypatch):
    old = settings.SIGNING_KEY_SECRET
    new = secrets.token_urlsafe(50)
    settings.SIGNING_KEY_SECRET = new
    monkeypatch.setenv("SIGNING_KEY_SECRET_OLD", old)
    call_command("rotate_signing_secret")
    ca = ProvinceAuthority.objects.get()
    blobs = [ca.key_encrypted, ca.tsa_key_encrypted, UnitCertificate.objects.get().key_encrypted]
    for blob in blobs:
        crypto.decrypt_key(blob)  # opens with the new secret
        with pytest.raises(InvalidToken):
            crypto.decrypt_key(blob, secret=old)
    assert AuditEvent.objects.filter(action="signing_key.reencrypted").count() == 3  # CA, TSA, unit


def _blobs():
    return [bytes(m.objects.get().key_encrypted) for m in (ProvinceAuthority, UnitCertificate)]


def test_rotation_with_a_wrong_old_secret_changes_nothing(keys, settings, monkeypatch):
    before = _blobs()
    settings.SIGNING_KEY_SECRET = secrets.token_urlsafe(50)
    monkeypatch.setenv("SIGNING_KEY_SECRET_OLD", "not-the-secret")
    with pytest.raises(CommandError, match="chưa có gì bị thay đổi"):
        call_command("rotate_signing_secret")
    assert _blobs() == before
    assert not AuditEvent.objects.filter(action="signing_key.reencrypted").exists()


def test_rotation_refuses_a_new_secret_equal_to_the_secret_key(keys, settings, monkeypatch):
    settings.SIGNING_KEY_SECRET = settings.SECRET_KEY
    monkeypatch.setenv("SIGNING_KEY_SECRET_OLD", "whatever")
    with pytest.raises(CommandError):
        call_command("rotate_signing_secret")
