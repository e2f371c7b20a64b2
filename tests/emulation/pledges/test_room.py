"""The room left for each signature's CMS is measured, not guessed: a few bytes to spare in
/Contents whatever the signer's key (an app-issued ECDSA key, an imported RSA key), instead of
pyHanko's estimate with half as much again unused (written as hex in every signature)."""

import datetime
import io

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import NoEncryption, pkcs12
from pyhanko.pdf_utils.reader import PdfFileReader

from emulation.pledges import crypto, lean, services
from emulation.pledges.models import SignatureState
from tests.emulation.pledges.helpers import finalised, render_in_process, sign_in_process

pytestmark = [pytest.mark.django_db]


def _unused_bytes(data):
    """Zero bytes left after the CMS in the newest signature's /Contents."""
    sig = PdfFileReader(io.BytesIO(data)).embedded_signatures[-1]
    contents = sig.sig_object["/Contents"]
    return len(contents) - len(contents.rstrip(b"\0")), sig.signer_cert.public_key.algorithm


def test_the_room_for_the_cms_is_tight_for_ecdsa_and_rsa_signers(cast):
    services.authority_create(province=cast.province)
    version = finalised(cast.year, cast.secretary)
    render_in_process(version)
    assert sign_in_process(version, cast.leader_a).state == SignatureState.DONE
    unused, algorithm = _unused_bytes(services.current_pdf(version))
    assert algorithm == "ec" and unused <= 2 * lean.MARGIN, unused
    # B's leader imports an RSA key under a root the province admin trusts
    gov_cert, gov_key = crypto.make_ca("Ban Cơ yếu Chính phủ")
    services.trust_root_import(
        province=cast.province, name="CA Chính phủ", data=crypto.cert_pem(gov_cert).encode(), actor=cast.admin
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    cert = crypto._leaf(
        gov_cert,
        gov_key,
        crypto._name(cast.unit_b.leader_name, f"UBND {cast.unit_b.name}"),
        key.public_key(),
        eku=[crypto.DOCUMENT_SIGNING],
        crl_url="",
        not_before=now - datetime.timedelta(days=1),
        not_after=now + datetime.timedelta(days=365),
    )
    p12 = pkcs12.serialize_key_and_certificates(b"b", key, cert, [gov_cert], NoEncryption())
    services.unit_certificate_import(
        unit=cast.unit_b, year=cast.year.year, data=p12, password="", actor=cast.leader_b
    )
    sig = sign_in_process(version, cast.leader_b)
    assert sig.state == SignatureState.DONE, sig.message
    unused, algorithm = _unused_bytes(services.current_pdf(version))
    assert algorithm == "rsa" and unused <= 2 * lean.MARGIN, unused
