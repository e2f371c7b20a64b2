"""The pledge PDF: Decree 30 layout, signature blocks, two copies (rendered in-process here; the
Celery path is covered in test_signing_worker)."""

import pytest

from emulation.pledges import pdf
from tests import pdfcheck
from tests.emulation.pledges.helpers import draft

pytestmark = [pytest.mark.poppler, pytest.mark.django_db]


def test_signing_copy_layout_and_fields(cast):
    version = draft(cast.year, cast.secretary)
    data, boxes = pdf.render(version, pdf.SIGNING)
    path = pdfcheck.save(data, "pledge-3-members-signing.pdf")
    pdfcheck.assert_decree30_layout(path)
    assert len(boxes) == 3
