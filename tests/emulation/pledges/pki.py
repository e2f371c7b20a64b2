"""Certificates for the attacks and journeys of the pledge tests (real keys, real pyHanko)."""

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.utils import timezone

from emulation.pledges import crypto, pades, pdf
from emulation.pledges.authority import authority_of, timestamper
from emulation.pledges.services import ensure_tsa


def self_signed(common_name, org):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return cert, key


def issued_by(ca_cert, ca_key, unit, person="Nguyễn Văn Token", **validity):
    return crypto.issue_unit_certificate(ca_cert, ca_key, person_name=person, unit_name=unit.name, **validity)


def sign_field(data, unit, cert, key, *, province, chain=(), person="Nguyễn Văn Token", with_timestamp=True):
    """What a USB-token tool does: one more incremental signature in `unit`'s box, timestamped
    by the province TSA (so that only the certificate differs between the cases)."""
    ca = ensure_tsa(authority_of(province.pk))
    stamp = pdf.stamp_pdf(signer_name=person, unit_name=unit.name, signed_at=timezone.now())
    return pades.sign(
        data,
        field=pdf.field_name(unit.pk),
        key=key,
        cert=cert,
        chain=list(chain),
        stamp=stamp,
        reason="Ký bằng USB token",
        timestamper=timestamper(ca) if with_timestamp else None,
    )
