"""The ranking PDF: requested from the page, rendered by the real Celery worker, Decree 30 layout."""

import pytest
from django.urls import reverse

from documents.models import Document, DocumentState
from tests import pdfcheck
from tests.conftest import wait_for


@pytest.mark.worker
@pytest.mark.poppler
def test_ranking_pdf_is_rendered_by_the_worker_and_downloadable(client, celery_worker):
    from clusters import demo as clusters_demo
    from clusters.models import ClusterYear, User
    from emulation.scoring import demo

    clusters_demo.load()
    demo.load()
    cy = ClusterYear.objects.get(cluster__province__code="hai-phong", cluster__code="khoi-huyen", year=2023)
    url = reverse("scoring:ranking_pdf", args=[cy.pk])
    client.force_login(
        User.objects.get(username="hoidong.haiphong")
    )  # reads the ranking, does not produce it
    assert client.post(url, HTTP_HX_REQUEST="true").status_code == 403
    client.force_login(User.objects.get(username="tinh.haiphong"))
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'role="status"' in response.content.decode()
    doc = wait_for(lambda: Document.objects.filter(kind="scoring_ranking", state=DocumentState.DONE).first())
    status = client.get(reverse("documents:status", args=[doc.pk])).content.decode()
    assert reverse("documents:download", args=[doc.pk]) in status
    pdf = b"".join(client.get(reverse("documents:download", args=[doc.pk])).streaming_content)
    path = pdfcheck.save(pdf, "scoring-ranking--annex.pdf")
    pdfcheck.assert_decree30_layout(path)
    text = pdfcheck.text(path)
    assert "KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THI ĐUA" in text
    assert "Vĩnh Bảo" in text and "Bạch Long Vĩ" in text
    # Another province's user cannot download it.
    other = User.objects.get(username="tinh.quangbinh")
    client.force_login(other)
    assert client.get(reverse("documents:download", args=[doc.pk])).status_code == 404
