"""The PDF job framework (documents): status and download are scoped to the user's province;
a document whose worker died is requeued, then failed after its last attempt."""

import pytest
from django.urls import reverse

from documents import services as document_services
from documents.models import Document, DocumentState
from tests.conftest import wait_for
from tests.factories import PASSWORD, make_cast


@pytest.mark.worker
def test_status_partial_and_download_are_refused_to_another_province(client, celery_worker):
    cast = make_cast()
    client.login(username=cast.secretary.username, password=PASSWORD)
    client.post(reverse("clusters:member_list_pdf", args=[cast.year.pk]))
    doc = Document.objects.get(kind="member_list")
    client.logout()
    client.login(username=cast.other.username, password=PASSWORD)
    assert client.get(reverse("documents:status", args=[doc.pk])).status_code == 404
    assert client.get(reverse("documents:download", args=[doc.pk])).status_code == 404
    # Still refused once the file exists (waiting also leaves the solo worker idle for the next
    # test: a worker busy rendering answers no ping).
    pk = doc.pk
    wait_for(lambda: Document.objects.filter(pk=pk, state=DocumentState.DONE).exists())
    assert client.get(reverse("documents:download", args=[pk])).status_code == 404
    client.logout()
    client.login(username=cast.staff_a.username, password=PASSWORD)
    assert client.get(reverse("documents:download", args=[pk])).status_code == 200


@pytest.mark.django_db
def test_a_dead_workers_document_is_requeued_then_failed(cast):
    from datetime import timedelta

    from django.utils import timezone

    doc = Document.objects.create(
        province=cast.province,
        key="k",
        kind="member_list",
        title="t",
        params={"cluster_year_id": cast.year.pk},
        state=DocumentState.RUNNING,
        started_at=timezone.now() - timedelta(minutes=30),
    )
    later = timezone.now()
    assert document_services.requeue_stale(now=later) == 1
    doc.refresh_from_db()
    assert doc.state == DocumentState.QUEUED and doc.attempts == 1
    for _ in range(2):
        Document.objects.filter(pk=doc.pk).update(
            state=DocumentState.RUNNING, started_at=timezone.now() - timedelta(minutes=30)
        )
        document_services.requeue_stale(now=later)
    doc.refresh_from_db()
    assert doc.state == DocumentState.FAILED and doc.message
