"""PAdES signing of the pledge: order, refusals, tamper detection, upload checks."""

import pytest

from emulation.pledges import pdf, services
from emulation.pledges.models import SignatureState
from emulation.pledges.verification import check_copy
from tests import pdfcheck
from tests.emulation.pledges.helpers import finalised, render_in_process, sign_in_process

pytestmark = [pytest.mark.poppler, pytest.mark.django_db]


@pytest.fixture
def signed_setup(cast):
    services.authority_create(province=cast.province)
    version = finalised(cast.year, cast.secretary)
    render_in_process(version)
    return cast, version


def _signed_bytes(version):
    return services.current_pdf(version)


def test_two_signatures_in_order_a_then_b_both_stay_valid(signed_setup):
    cast, version = signed_setup
    sig_a = sign_in_process(version, cast.leader_a)
    assert sig_a.state == SignatureState.DONE, sig_a.message
    sig_b = sign_in_process(version, cast.leader_b)
    assert sig_b.state == SignatureState.DONE, sig_b.message
    data = _signed_bytes(version)
    checks = pdf.inspect_signatures(data, [])
    assert [c.field for c in checks] == [pdf.field_name(cast.unit_a.pk), pdf.field_name(cast.unit_b.pk)]
    assert all(c.intact and c.valid for c in checks)
    path = pdfcheck.save(data, "pledge-signed-a-b.pdf")
    pdfcheck.assert_decree30_layout(path)
    assert "Đã ký số bởi" in pdfcheck.text(path)
    version.refresh_from_db()
    assert check_copy(version, data).intact
