#!/usr/bin/env bash
# The whole test suite on the real services: PostgreSQL, Redis (+ a Celery worker the tests
# start), Chromium. Outside CI a missing service is reported and its tests skipped; with
# CI=true a missing service is an error.
set -uo pipefail
cd "$(dirname "$0")/.."
UV="uv"; command -v uv >/dev/null 2>&1 || UV="python3 -m uv"
ci=false; case "${CI:-}" in 1|true|TRUE|yes) ci=true;; esac

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

if [ -z "${DATABASE_URL:-}" ]; then
  if port_open 127.0.0.1 5432; then
    export DATABASE_URL="postgres://${PGUSER:-postgres}@127.0.0.1:5432/thidua"
  elif $ci; then
    echo "!! CI=true and PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 3
  else
    echo "!!!!! PostgreSQL is not reachable: running on SQLite; PostgreSQL-only tests are SKIPPED !!!!!"
  fi
fi
if [ -z "${REDIS_URL:-}" ]; then
  if port_open 127.0.0.1 6379; then
    export REDIS_URL="redis://127.0.0.1:6379/${REDIS_DB:-0}"
  elif $ci; then
    echo "!! CI=true and Redis is not reachable on 127.0.0.1:6379" >&2; exit 3
  else
    echo "!!!!! Redis is not reachable: tests that need a real Celery worker are SKIPPED !!!!!"
  fi
fi
export MEDIA_ROOT="${MEDIA_ROOT:-$PWD/test-output/media}"
# `python -m pytest` puts the project folder on sys.path before plugins load (-p tests.secrets_env).
exec $UV run python -m pytest "$@"
