"""The member list PDF goes through the real Celery worker and respects Decree 30."""

import pytest
from django.urls import reverse

from documents.models import Document, DocumentState
from tests import pdfcheck
from tests.conftest import wait_for
from tests.factories import PASSWORD, make_cast


@pytest.mark.worker
@pytest.mark.poppler
def test_member_list_is_rendered_by_the_worker_with_decree30_layout(client, celery_worker):
    cast = make_cast()
    client.login(username=cast.secretary.username, password=PASSWORD)
    response = client.post(reverse("clusters:member_list_pdf", args=[cast.year.pk]))
    assert response.status_code == 302
    doc = Document.objects.get(kind="member_list")
    assert doc.state in (DocumentState.QUEUED, DocumentState.RUNNING, DocumentState.DONE)
    doc = wait_for(lambda: Document.objects.filter(pk=doc.pk, state=DocumentState.DONE).first(), timeout=90)
    download = client.get(reverse("documents:download", args=[doc.pk]))
    assert download.status_code == 200
    pdf = b"".join(download.streaming_content)
    path = pdfcheck.save(pdf, "member-list--annex.pdf")
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
