"""The real path: a Celery worker renders both copies and adds the signatures."""

import pytest

from documents.models import Document, DocumentState
from emulation.pledges import services
from emulation.pledges.models import CheckState, CopyCheck, Pledge, PledgeSignature, SignatureState
from emulation.pledges.verification import check_file
from tests import pdfcheck
from tests.conftest import wait_for
from tests.emulation.pledges.helpers import finalised

pytestmark = [pytest.mark.worker, pytest.mark.poppler]


def _docs(version):
    return Document.objects.filter(key__startswith=f"pledge-{version.pk}-v{version.number}-")


def test_worker_renders_both_copies_idempotently_and_signs(celery_worker, cast):
    services.authority_create(province=cast.province)
    version = finalised(cast.year, cast.secretary)
    wait_for(lambda: _docs(version).filter(state=DocumentState.DONE).count() == 2, timeout=90)
    signing = _docs(version).get(key__endswith="-signing")
    ceremony = _docs(version).get(key__endswith="-ceremony")
    for doc, name in ((signing, "worker-pledge-signing.pdf"), (ceremony, "worker-pledge-ceremony.pdf")):
        path = pdfcheck.save(doc.file.read(), name)
        pdfcheck.assert_decree30_layout(path)
    # rendering the same version again replaces the same records and files
    old_name = ceremony.file.name
    services.request_pdfs(version=version, actor=cast.secretary, copies=("ceremony",))
    wait_for(lambda: Document.objects.get(pk=ceremony.pk).renders == 2, timeout=60)
    assert _docs(version).count() == 2
    new = Document.objects.get(pk=ceremony.pk).file
    assert new.name == old_name or not new.storage.exists(old_name), "the old file is replaced, not kept"
    # two leaders sign, head last; the task runs on the worker
    services.signature_request(version=version, user=cast.leader_b)
    services.signature_request(version=version, user=cast.leader_a)
    wait_for(
        lambda: PledgeSignature.objects.filter(version=version, state=SignatureState.DONE).count() == 2,
        timeout=90,
    )
    assert not PledgeSignature.objects.filter(state=SignatureState.FAILED).exists()
    signed = Document.objects.get(key=services.signed_document_key(version))
    data = signed.file.read()
    version.refresh_from_db()
    report = check_file(version, data)
    assert [s.unit for s in report.signatures] == ["Huyện Thủy Nguyên", "Huyện Vĩnh Bảo"]
    assert all(s.trusted and s.counts and s.timestamp for s in report.signatures)
    pdfcheck.assert_decree30_layout(pdfcheck.save(data, "worker-pledge-signed-b-a.pdf"))
    # a copy checked on the public page: queued, checked by the worker with progress
    check = services.copy_check_request(version=version, data=data)
    wait_for(lambda: CopyCheck.objects.get(pk=check.pk).state == CheckState.DONE, timeout=90)
    check.refresh_from_db()
    assert check.progress == 100 and check.result["verdict"] == "earlier" and "2/3" in check.result["message"]
    # the head signs last: the official copy is the long-term one (DSS + document timestamp)
    services.signature_request(version=version, user=cast.leader_head)
    wait_for(lambda: Pledge.objects.get(pk=version.pledge_id).official_document_id is not None, timeout=90)
    final = services.current_pdf(version)
    assert check_file(version, final).verdict == "intact" and b"/DSS" in final
