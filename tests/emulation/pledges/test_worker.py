"""The real path: a Celery worker renders both copies and adds the signatures."""

import pytest

from documents.models import Document, DocumentState
from emulation.pledges import pdf, services
from emulation.pledges.models import PledgeSignature, SignatureState
from emulation.pledges.verification import trust_roots
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
    checks = pdf.inspect_signatures(data, trust_roots(cast.province.pk))
    assert [c.field for c in checks] == [pdf.field_name(cast.unit_b.pk), pdf.field_name(cast.unit_a.pk)]
    assert all(c.intact and c.valid and c.trusted for c in checks)
    pdfcheck.assert_decree30_layout(pdfcheck.save(data, "worker-pledge-signed-b-a.pdf"))
