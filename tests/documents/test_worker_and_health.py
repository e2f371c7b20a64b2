import pytest
from django.db import transaction

from emulation.celery import ping
from tests.conftest import wait_for


@pytest.mark.django_db
def test_healthz_reports_database_broker_and_worker_as_json(client):
    response = client.get("/healthz")
    body = response.json()
    assert set(body) == {"status", "database", "broker", "worker"}
    assert body["database"] == "ok"
    # Without a worker running (no fixture here) a configured broker gives 503; embedded gives 200.
    if body["broker"] == "embedded":
        assert response.status_code == 200
    else:
        assert response.status_code in (200, 503)
        assert (response.status_code == 200) == (body["worker"] == "ok")


@pytest.mark.worker
def test_healthz_is_200_with_a_real_worker(client, celery_worker):
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "worker": "ok"}


@pytest.mark.worker
def test_task_queued_after_commit_runs_on_the_real_worker(celery_worker):
    results = []
    with transaction.atomic():
        transaction.on_commit(lambda: results.append(ping.delay(value="xin chào")))
        assert results == []  # nothing is queued before the commit
    assert len(results) == 1
    assert results[0].get(timeout=30) == {"pong": "xin chào"}
    assert wait_for(lambda: results[0].successful())
