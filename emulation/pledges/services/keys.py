"""Keys and certificates: the province signing authority (CA + time-stamping unit) and the
units' registered signing certificates (one per unit and year, revoked when replaced)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters import audit

from .. import crypto, notices
from ..authority import crl_url
from ..models import CertificateSource, ProvinceAuthority, UnitCertificate
from ._common import require


def _cert_data(uc, cert):
    return {
        "unit": uc.unit_id,
        "year": uc.year,
        "source": uc.source,
        "subject": crypto.subject_text(cert),
        "sha256": uc.sha256,
    }


def ensure_tsa(ca):
    """The province's time-stamping unit (key + certificate with EKU timeStamping under the CA);
    created on first use for a CA made before it existed."""
    if ca.tsa_certificate_pem:
        return ca
    with transaction.atomic():
        ca = ProvinceAuthority.objects.select_for_update().select_related("province").get(pk=ca.pk)
        if ca.tsa_certificate_pem:
            return ca
        cert, key = crypto.issue_tsa_certificate(
            crypto.load_cert(ca.certificate_pem),
            crypto.decrypt_key(ca.key_encrypted),
            ca.province.name,
            crl_url(ca.province),
        )
        ca.tsa_certificate_pem, ca.tsa_key_encrypted = crypto.cert_pem(cert), crypto.encrypt_key(key)
        ca.save(update_fields=["tsa_certificate_pem", "tsa_key_encrypted"])
        audit.record(
            actor=None,
            action="signing_tsa.created",
            obj=ca,
            province_id=ca.province_id,
            data={"subject": crypto.subject_text(cert), "sha256": crypto.fingerprint(cert)},
        )
    return ca


@transaction.atomic
def authority_create(*, province, actor=None):
    """Create the province CA and its TSA. `actor` None means the management command or the
    demo loader (no web user); a web user must be the province's administrator."""
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
    return ensure_tsa(ca)


def revoke(uc, *, reason, actor):
    """Revoke a registered certificate now (the province CRL lists it if the CA issued it)."""
    if uc.revoked_at is not None:
        return uc
    uc.revoked_at, uc.revocation_reason, uc.active = timezone.now(), reason[:40], False
    uc.save(update_fields=["revoked_at", "revocation_reason", "active"])
    ProvinceAuthority.objects.filter(province_id=uc.unit.province_id).update(crl_number=F("crl_number") + 1)
    audit.record(
        actor=actor,
        action="unit_certificate.revoked",
        obj=uc,
        province_id=uc.unit.province_id,
        data={"unit": uc.unit_id, "sha256": uc.sha256, "reason": reason},
    )
    return uc


def _replace_active(unit, *, actor, reason):
    """The unit's previous active certificate is replaced: revoked (a new leader or a new key)."""
    for old in UnitCertificate.objects.select_for_update().filter(unit=unit, active=True):
        revoke(old, reason=reason, actor=actor)


def _register(*, unit, year, cert, key, source, chain_pem="", person_name="", actor=None):
    uc = UnitCertificate.objects.create(
        unit=unit,
        year=year,
        person_name=(person_name or crypto.common_name(cert))[:150],
        source=source,
        certificate_pem=crypto.cert_pem(cert),
        chain_pem=chain_pem,
        key_encrypted=crypto.encrypt_key(key) if key is not None else None,
        sha256=crypto.fingerprint(cert),
        imported=source != CertificateSource.ISSUED,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action=f"unit_certificate.{source}",
        obj=uc,
        province_id=unit.province_id,
        data=_cert_data(uc, cert),
    )
    return uc


def unit_certificate(unit, *, year, person_name, unit_name=None):
    """The unit's signing certificate for `year` held by `person_name`: the active one when it
    matches, else a new one issued by the province CA (a previous holder's is revoked), naming
    the unit as `unit_name` (default: its name in force in `year`). Called by the signing task
    for a signature the service already authorised."""
    current = UnitCertificate.objects.filter(unit=unit, active=True).first()
    if current and current.source == CertificateSource.EXTERNAL:
        raise ValidationError(
            _("Your unit's certificate is on a token: sign outside the application and upload the file.")
        )
    if current and current.year == year and current.key_encrypted:
        # an imported key is the unit's choice for the year; an issued one must name the signer
        if current.source == CertificateSource.PKCS12 or current.person_name == person_name:
            return current
    ca = ProvinceAuthority.objects.filter(province_id=unit.province_id).select_related("province").first()
    if ca is None:
        raise ValidationError(_("The province has no signing authority yet; ask the province administrator."))
    cert, key = crypto.issue_unit_certificate(
        crypto.load_cert(ca.certificate_pem),
        crypto.decrypt_key(ca.key_encrypted),
        person_name=person_name,
        unit_name=unit_name or unit.name_in_year(year),
        crl_url=crl_url(ca.province),
    )
    with transaction.atomic():
        if current and current.person_name != person_name:
            _replace_active(unit, actor=None, reason="superseded")
        else:  # the same person, a new year: the old certificate simply stops being the active one
            UnitCertificate.objects.filter(unit=unit, active=True).update(active=False)
        return _register(
            unit=unit, year=year, cert=cert, key=key, source=CertificateSource.ISSUED, person_name=person_name
        )


@transaction.atomic
def unit_certificate_import(*, unit, year, data, password, actor):
    """The unit's leader imports a PKCS#12 key and certificate: the unit's certificate for
    `year` from now on (the previous one is revoked)."""
    require(actor, "pledges.manage_unit_certificate", unit)
    try:
        key, cert, extra = crypto.read_pkcs12(data, password)
    except ValueError as exc:
        raise ValidationError(_("The PKCS#12 file could not be read (wrong file or password).")) from exc
    _check_validity(cert)
    _replace_active(unit, actor=actor, reason="key_replaced")
    return _register(
        unit=unit,
        year=year,
        cert=cert,
        key=key,
        source=CertificateSource.PKCS12,
        chain_pem="".join(crypto.cert_pem(c) for c in extra),
        actor=actor,
    )


@transaction.atomic
def external_certificate_register(*, unit, year, data, actor):
    """The leader registers the public certificate of a USB token (PEM or DER). It counts only
    after the province admin confirms it."""
    require(actor, "pledges.manage_unit_certificate", unit)
    try:
        cert = crypto.load_any_cert(data)
    except ValueError as exc:
        raise ValidationError(_("The file is not an X.509 certificate (PEM or DER).")) from exc
    _check_validity(cert)
    _replace_active(unit, actor=actor, reason="key_replaced")
    uc = _register(unit=unit, year=year, cert=cert, key=None, source=CertificateSource.EXTERNAL, actor=actor)
    notices.certificate_to_confirm(uc)
    return uc


def _check_validity(cert):
    now = timezone.now()
    if not (cert.not_valid_before_utc <= now <= cert.not_valid_after_utc):
        raise ValidationError(_("The certificate is not valid today."))
