"""The member list PDF goes through the real Celery worker and respects Decree 30."""

import pytest
from django.urls import reverse

from documents import services as document_services
from documents.models import Document, DocumentState
from tests import pdfcheck
from tests.conftest import wait_for
from tests.factories import PASSWORD, make_cast


@pytest.mark.worker
@pytest.mark.poppler
def test_member_list_is_rendered_by_the_worker_with_decree30_layout(client, celery_worker):
    cast = make_cast()
    client.login(username=cast.staff_a.username, password=PASSWORD)
    response = client.post(reverse("clusters:member_list_pdf", args=[cast.year.pk]))
    assert response.status_code == 302
    doc = Document.objects.get(kind="member_list")
    assert doc.state in (DocumentState.QUEUED, DocumentState.RUNNING, DocumentState.DONE)
    doc = wait_for(lambda: Document.objects.filter(pk=doc.pk, state=DocumentState.DONE).first(), timeout=90)
    download = client.get(reverse("documents:download", args=[doc.pk]))
    assert download.status_code == 200
    pdf = b"".join(download.streaming_content)
    path = pdfcheck.save(pdf, "member-list.pdf")
    pdfcheck.assert_decree30_layout(path)
    text = pdfcheck.text(path)
    for name in (
        "Huyện Cát Hải",
        "Huyện Vĩnh Bảo",
        "Huyện Thủy Nguyên",
        "Trưởng cụm",
        "DANH SÁCH ĐƠN VỊ THÀNH VIÊN",
    ):
        assert name in text
    # Re-rendering the same document replaces the file instead of adding one.
    first_name = doc.file.name
    client.post(reverse("clusters:member_list_pdf", args=[cast.year.pk]))
    wait_for(lambda: Document.objects.get(pk=doc.pk).renders == 2, timeout=90)
    assert Document.objects.filter(kind="member_list").count() == 1
    doc.refresh_from_db()
    assert doc.file.name == first_name and doc.file.storage.exists(doc.file.name)


@pytest.mark.worker
def test_status_partial_and_download_are_refused_to_another_province(client, celery_worker):
    cast = make_cast()
    client.login(username=cast.staff_a.username, password=PASSWORD)
    client.post(reverse("clusters:member_list_pdf", args=[cast.year.pk]))
    doc = Document.objects.get(kind="member_list")
    client.logout()
    client.login(username=cast.other.username, password=PASSWORD)
    assert client.get(reverse("documents:status", args=[doc.pk])).status_code == 404
    assert client.get(reverse("documents:download", args=[doc.pk])).status_code == 404


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
