"""Keys and certificates: the province signing authority and the units' certificates."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters import audit

from .. import crypto
from ..models import ProvinceAuthority, UnitCertificate
from ._common import require


@transaction.atomic
def authority_create(*, province, actor=None):
    """Create the province CA. `actor` None means the management command or the demo loader
    (no web user); a web user must be the province's administrator."""
    if actor is not None:
        require(actor, "pledges.manage_trust", province)
    if ProvinceAuthority.objects.filter(province=province).exists():
        raise ValidationError(_("This province already has a signing authority."))
    cert, key = crypto.make_ca(province.name)
    ca = ProvinceAuthority.objects.create(
        province=province, certificate_pem=crypto.cert_pem(cert), key_encrypted=crypto.encrypt_key(key)
    )
    audit.record(
        actor=actor,
        action="signing_ca.created",
        obj=ca,
        province_id=province.pk,
        data={"subject": crypto.subject_text(cert), "sha256": crypto.fingerprint(cert)},
    )
    return ca


def unit_certificate(unit):
    """The unit's active certificate; issued by the province authority on first use (called by
    the signing task for a signature the service already authorised)."""
    current = UnitCertificate.objects.filter(unit=unit, active=True).first()
    if current:
        return current
    ca = ProvinceAuthority.objects.filter(province_id=unit.province_id).first()
    if ca is None:
        raise ValidationError(_("The province has no signing authority yet; ask the province administrator."))
    ca_cert = crypto.load_cert(ca.certificate_pem)
    cert, key = crypto.issue_unit_certificate(
        ca_cert, crypto.decrypt_key(ca.key_encrypted), unit.name, unit.province.name
    )
    with transaction.atomic():
        uc = UnitCertificate.objects.create(
            unit=unit,
            certificate_pem=crypto.cert_pem(cert),
            chain_pem=ca.certificate_pem,
            key_encrypted=crypto.encrypt_key(key),
        )
        audit.record(
            actor=None,
            action="unit_certificate.issued",
            obj=uc,
            province_id=unit.province_id,
            data={"unit": unit.pk, "subject": crypto.subject_text(cert), "sha256": crypto.fingerprint(cert)},
        )
    return uc


@transaction.atomic
def unit_certificate_import(*, unit, data, password, actor):
    """The unit's leader imports a PKCS#12 key and certificate for the unit."""
    require(actor, "pledges.manage_unit_certificate", unit)
    try:
        key, cert, extra = crypto.read_pkcs12(data, password)
    except ValueError as exc:
        raise ValidationError(_("The PKCS#12 file could not be read (wrong file or password).")) from exc
    now = timezone.now()
    if not (cert.not_valid_before_utc <= now <= cert.not_valid_after_utc):
        raise ValidationError(_("The certificate is not valid today."))
    UnitCertificate.objects.filter(unit=unit, active=True).update(active=False)
    uc = UnitCertificate.objects.create(
        unit=unit,
        certificate_pem=crypto.cert_pem(cert),
        imported=True,
        chain_pem="".join(crypto.cert_pem(c) for c in extra),
        key_encrypted=crypto.encrypt_key(key),
    )
    audit.record(
        actor=actor,
        action="unit_certificate.imported",
        obj=uc,
        province_id=unit.province_id,
        data={"unit": unit.pk, "subject": crypto.subject_text(cert), "sha256": crypto.fingerprint(cert)},
    )
    return uc
