"""The official copy keeps validating: every signature carries an RFC 3161 token, the DSS holds
the province CRL and the certificates, a document timestamp closes it (B-LT/B-LTA), and the
file validates with no network and the clock five years ahead. pdfsig reads it too."""

import datetime
import io
import shutil
import socket
import subprocess

import pytest
from freezegun import freeze_time
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.dss import DocumentSecurityStore

from emulation.pledges import crypto, pades, services
from emulation.pledges.authority import trust_roots, tsa_certificates
from emulation.pledges.models import Pledge
from tests import pdfcheck
from tests.emulation.pledges.helpers import finalised, render_in_process, sign_in_process

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def official(cast):
    services.authority_create(province=cast.province)
    version = finalised(cast.year, cast.secretary)
    render_in_process(version)
    for leader in (cast.leader_a, cast.leader_b, cast.leader_head):
        sign_in_process(version, leader)
    assert Pledge.objects.get(pk=version.pledge_id).official_document_id is not None
    return cast, services.current_pdf(version)


def _dss_crls(data):
    dss = DocumentSecurityStore.read_dss(PdfFileReader(io.BytesIO(data)))
    return [ref.get_object().data for ref in dss.crls], list(dss.load_certs())


def test_every_signature_has_a_timestamp_token_and_the_dss_holds_the_crl(official):
    cast, data = official
    reader = PdfFileReader(io.BytesIO(data))
    sigs = [s for s in reader.embedded_signatures if s.sig_object_type == "/Sig"]
    stamps = list(reader.embedded_timestamp_signatures)
    assert len(sigs) == 3 and len(stamps) == 1
    for sig in sigs:
        assert pades._timestamp_time(sig) is not None, sig.field_name
    crls, certs = _dss_crls(data)
    ca = crypto.load_cert(cast.province.signing_ca.certificate_pem)
    assert crls and all(crypto.x509.load_der_x509_crl(c).issuer == ca.subject for c in crls)
    # the DSS carries what no signature carries: the CA; each signer's certificate is in its own
    # CMS and the TSA's in every timestamp token (not copied again)
    (tsa,) = tsa_certificates(cast.province.pk)
    dss_names = {crypto.common_name(crypto.load_cert(crypto.der_to_pem(c.dump()))) for c in certs}
    assert dss_names == {crypto.common_name(ca)}
    tokens = [stamp.signed_data for stamp in stamps] + [
        attr["values"][0]["content"]
        for sig in sigs
        for attr in sig.signer_info["unsigned_attrs"]
        if attr["type"].native == "signature_time_stamp_token"
    ]
    tsa_der = tsa.public_bytes(crypto.serialization.Encoding.DER)
    assert len(tokens) == 4 and all(
        any(c.chosen.dump() == tsa_der for c in t["certificates"]) for t in tokens
    )
    assert {sig.signer_cert.subject.native["common_name"] for sig in sigs} == {
        cast.unit_a.leader_name,
        cast.unit_b.leader_name,
        cast.head.leader_name,
    }


def test_the_official_copy_validates_offline_five_years_later(official, monkeypatch):
    cast, data = official
    roots = trust_roots(cast.province.pk)
    crls, _certs = _dss_crls(data)  # only what the file carries, nothing from the application

    def no_network(*args, **kwargs):
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=5 * 365 + 2)
    with freeze_time(later):
        checks = pades.validate(data, roots=roots, crls=crls)
    assert len(checks) == 4
    for c in checks:
        assert c.intact and c.valid and c.trusted, (c.field, c.problem)
        assert c.timestamp is not None and c.later_changes_allowed
    assert checks[-1].is_document_timestamp


@pytest.mark.poppler
@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="pdfsig (poppler-utils) is not installed")
def test_pdfsig_reads_every_signature_and_the_document_timestamp(official):
    _cast, data = official
    path = pdfcheck.save(data, "pledge-official-ltv.pdf")
    out = subprocess.run(["pdfsig", "-nocert", str(path)], capture_output=True, text=True, check=False).stdout
    (path.parent / "pledge-official-ltv.pdfsig.txt").write_text(out)
    # poppler checks the three PAdES signatures; it lists the RFC 3161 document timestamp
    # (ETSI.RFC3161) without checking it, which pyHanko does above
    assert out.count("Signature Validation: Signature is Valid.") == 3, out
    assert out.count("ETSI.CAdES.detached") == 3 and "Field Name: Timestamp-" in out, out
