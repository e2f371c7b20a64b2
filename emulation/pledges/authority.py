"""What validation and signing read about a province's trust: its roots (the province CA and
the roots the province admin imported and has not retired), its CRL, its time-stamping
authority. Reads only, except the CRL, which is signed on demand from the database."""

from django.conf import settings
from django.urls import reverse

from . import crypto, pades
from .models import CertificateSource, ProvinceAuthority, TrustRoot, UnitCertificate


def authority_of(province_id):
    return ProvinceAuthority.objects.filter(province_id=province_id).first()


def crl_url(province):
    return settings.SITE_URL + reverse("pledges:crl", args=[province.code])


def trust_roots(province_id):
    """The certificates a signature of this province may chain to (cryptography objects)."""
    roots = []
    ca = authority_of(province_id)
    if ca is not None:
        roots.append(crypto.load_cert(ca.certificate_pem))
    for pem in TrustRoot.objects.filter(province_id=province_id, retired_at__isnull=True).values_list(
        "certificate_pem", flat=True
    ):
        roots.append(crypto.load_cert(pem))
    return roots


def crl_der(ca):
    """The province CA's current CRL (DER): every certificate it issued that was revoked."""
    revoked = [
        (crypto.load_cert(pem).serial_number, at)
        for pem, at in UnitCertificate.objects.filter(
            unit__province_id=ca.province_id, source=CertificateSource.ISSUED, revoked_at__isnull=False
        ).values_list("certificate_pem", "revoked_at")
    ]
    return crypto.build_crl(
        crypto.load_cert(ca.certificate_pem), crypto.decrypt_key(ca.key_encrypted), revoked, ca.crl_number + 1
    )


def province_crls(province_id):
    ca = authority_of(province_id)
    return [crl_der(ca)] if ca is not None else []


def tsa_certificates(province_id):
    ca = authority_of(province_id)
    return [crypto.load_cert(ca.tsa_certificate_pem)] if ca and ca.tsa_certificate_pem else []


def timestamper(ca):
    """The TSA configured by URL (settings.TSA_URL), else the province's own TSA."""
    if settings.TSA_URL:
        return pades.http_timestamper(settings.TSA_URL)
    return pades.ProvinceTimeStamper(
        key=crypto.decrypt_key(ca.tsa_key_encrypted), cert=crypto.load_cert(ca.tsa_certificate_pem)
    )
