"""The province admin's trust decisions: imported root certificates (import, retire) and the
confirmation of a unit's externally held certificate. Every one audited."""

from cryptography import x509
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters import audit

from .. import crypto, notices
from ..models import CertificateSource, TrustRoot, UnitCertificate
from ._common import nfc, require
from .keys import revoke


@transaction.atomic
def trust_root_import(*, province, name, data, actor):
    require(actor, "pledges.manage_trust", province)
    try:
        cert = crypto.load_any_cert(data)
    except ValueError as exc:
        raise ValidationError(_("The file is not an X.509 certificate (PEM or DER).")) from exc
    try:
        is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if not is_ca:
        raise ValidationError(_("This is not a certificate authority's certificate."))
    if cert.not_valid_after_utc <= timezone.now():
        raise ValidationError(_("The certificate has expired."))
    sha = crypto.fingerprint(cert)
    if TrustRoot.objects.filter(province=province, sha256=sha, retired_at__isnull=True).exists():
        raise ValidationError(_("This root is already trusted."))
    root = TrustRoot.objects.create(
        province=province,
        name=nfc(name)[:200] or crypto.common_name(cert)[:200],
        certificate_pem=crypto.cert_pem(cert),
        sha256=sha,
        added_by=actor,
    )
    audit.record(
        actor=actor,
        action="trust_root.imported",
        obj=root,
        province_id=province.pk,
        data={"name": root.name, "subject": crypto.subject_text(cert), "sha256": sha},
    )
    return root


@transaction.atomic
def trust_root_retire(*, root, actor):
    root = TrustRoot.objects.select_for_update().select_related("province").get(pk=root.pk)
    require(actor, "pledges.manage_trust", root.province)
    if root.retired_at is not None:
        raise ValidationError(_("This root is already retired."))
    root.retired_at, root.retired_by = timezone.now(), actor
    root.save(update_fields=["retired_at", "retired_by"])
    audit.record(
        actor=actor,
        action="trust_root.retired",
        obj=root,
        province_id=root.province_id,
        data={"name": root.name, "sha256": root.sha256},
    )
    return root


@transaction.atomic
def external_certificate_confirm(*, certificate, actor):
    uc = UnitCertificate.objects.select_for_update().select_related("unit__province").get(pk=certificate.pk)
    require(actor, "pledges.manage_trust", uc.unit.province)
    if uc.source != CertificateSource.EXTERNAL or uc.revoked_at is not None:
        raise PermissionDenied
    if uc.confirmed_at is not None:
        raise ValidationError(_("This certificate is already confirmed."))
    uc.confirmed_at, uc.confirmed_by = timezone.now(), actor
    uc.save(update_fields=["confirmed_at", "confirmed_by"])
    audit.record(
        actor=actor,
        action="unit_certificate.confirmed",
        obj=uc,
        province_id=uc.unit.province_id,
        data={"unit": uc.unit_id, "year": uc.year, "sha256": uc.sha256},
    )
    notices.certificate_confirmed(uc)
    return uc


@transaction.atomic
def certificate_revoke(*, certificate, actor, reason="revoked_by_admin"):
    uc = UnitCertificate.objects.select_for_update().select_related("unit__province").get(pk=certificate.pk)
    require(actor, "pledges.manage_trust", uc.unit.province)
    revoked = revoke(uc, reason=reason, actor=actor)
    if uc.confirmed_at is None:
        notices.certificate_confirmed(uc)  # nothing left to confirm
    return revoked
