# Quick start: `make run` (embedded: SQLite, in-process tasks) and `make test` (the whole suite).
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-fast lint format worker beat web messages bench drills clean

install:
	@scripts/install-deps.sh

# The embedded demo: loopback only, random secrets of its own kept under var/ (DJANGO_DEMO).
run: export DJANGO_DEMO = true
run: install
	$(UV) run python manage.py migrate --noinput -v0
	$(UV) run python manage.py load_demo
	@echo ">> Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(UV) run python manage.py runserver $(HOST):$(PORT)

# The whole suite (CI's command), with the 15 slowest tests listed at the end.
test:
	@scripts/install-deps.sh test
	@scripts/test.sh --durations=15 $(ARGS)

# The quick lane while working: everything but the browser, real-worker, bench and drill tests,
# on every core (pytest-xdist: one test database per process).
test-fast:
	@scripts/install-deps.sh test
	@scripts/test.sh -m "not browser and not worker and not bench and not drill" -n auto --durations=15 $(ARGS)

lint:
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run python scripts/import_contract.py

format:
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

# With DATABASE_URL and REDIS_URL set (see .env.example):
web:
	$(UV) run gunicorn emulation.wsgi:application --bind $(HOST):$(PORT) --workers 3

worker:
	$(UV) run celery -A emulation worker --loglevel=INFO --concurrency=2

beat:
	$(UV) run celery -A emulation beat --loglevel=INFO --schedule=var/celerybeat-schedule

bench: install
	$(UV) run python -m bench.run $(ARGS)

# Fault drills on loopback: worker killed, broker down, database connections dropped, double-clicks.
drills: install
	$(UV) run python -m bench.drills

# Refresh the translation catalogues after changing user-facing strings.
messages:
	@scripts/messages.sh

clean:
	rm -rf test-output var db.sqlite3
