"""Loaded with `-p tests.secrets_env` (pyproject addopts) before Django is set up: the test run
gets its own random secrets, like a production environment, so the Celery worker the tests
start (which refuses public secrets) shares them through the environment."""

import os
import secrets

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-" + secrets.token_urlsafe(40))
os.environ.setdefault("SIGNING_KEY_SECRET", "tests-signing-" + secrets.token_urlsafe(40))
os.environ.setdefault("BALLOT_KEY_SECRET", "tests-ballot-" + secrets.token_urlsafe(40))
