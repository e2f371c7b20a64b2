"""Signing the finalised pledge: a leader's request, the task that signs, external uploads."""

import hashlib

from cryptography import x509
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters import audit
from documents.models import Document, DocumentState
from documents.services import document_finish

from .. import crypto
from ..models import Pledge, PledgeSignature, PledgeState, PledgeVersion, SignatureState
from ..rules import may_sign
from ._common import SIGNED_KIND, document_key, is_member, lock_pledge, member_units, signed_document_key
from .keys import unit_certificate


class NotReady(Exception):
    """The signing copy is not rendered yet: the task retries later."""


def _check_can_sign(pledge, version, unit, user):
    if pledge.state != PledgeState.FINAL or pledge.final_version_id != version.pk:
        raise ValidationError(_("Only the finalised version of the pledge can be signed."))
    if user is None or not may_sign(user, pledge.cluster_year, unit):
        raise PermissionDenied(_("Only the leader of a member unit can sign for it."))
    if not is_member(pledge.cluster_year, unit):
        raise ValidationError(_("This unit is not a member of the cluster this year."))
    if version.signatures.filter(unit=unit).exclude(state=SignatureState.FAILED).exists():
        raise ValidationError(_("This unit has already signed the pledge."))


@transaction.atomic
def signature_request(*, version, user):
    """A leader asks to sign for their unit: recorded now, signed by a Celery task."""
    pledge = lock_pledge(version.pledge.cluster_year)
    version = PledgeVersion.objects.select_for_update().get(pk=version.pk)
    unit = user.unit
    _check_can_sign(pledge, version, unit, user)
    try:
        with transaction.atomic():
            sig = PledgeSignature.objects.create(
                version=version,
                unit=unit,
                signer=user,
                signer_name=user.full_name or unit.leader_name or user.username,
            )
    except IntegrityError as exc:
        raise ValidationError(_("This unit has already signed the pledge.")) from exc
    audit.record(
        actor=user,
        action="pledge.sign_requested",
        obj=pledge,
        province_id=pledge.province_id,
        data={"version": version.number, "unit": unit.pk},
    )

    def enqueue():
        from documents import queue
        from documents.services import QUEUE_DOWN

        from ..tasks import sign_pledge

        # A broker outage fails the signature with a message; the leader can sign again later.
        queue.send(
            sign_pledge, on_failure=lambda: signature_fail(sig.pk, str(QUEUE_DOWN)), signature_id=sig.pk
        )

    transaction.on_commit(enqueue)
    return sig


def current_pdf(version):
    """The latest signed revision, or the unsigned signing copy when nobody signed yet."""
    signed = Document.objects.filter(key=signed_document_key(version), state=DocumentState.DONE).first()
    if signed and signed.file:
        with signed.file.open("rb") as f:
            return f.read()
    base = Document.objects.filter(key=document_key(version, "signing"), state=DocumentState.DONE).first()
    if base is None or not base.file:
        return None
    with base.file.open("rb") as f:
        return f.read()


def _store_signed(version, pdf_bytes):
    cy = version.pledge.cluster_year
    doc, _created = Document.objects.get_or_create(
        key=signed_document_key(version),
        defaults={
            "kind": SIGNED_KIND,
            "province_id": cy.cluster.province_id,
            "params": {"version_id": version.pk},
            "title": _("Signed pledge %(year)s") % {"year": cy.year},
            "state": DocumentState.RUNNING,
        },
    )
    return document_finish(doc, pdf_bytes, f"giao-uoc-{cy.cluster.code}-{cy.year}-da-ky.pdf")


def _fix_base(version, pdf):
    if not version.base_sha256:
        version.base_sha256, version.base_length = hashlib.sha256(pdf).hexdigest(), len(pdf)
        version.save(update_fields=["base_sha256", "base_length"])


def _after_signature(pledge, version, sig, new_pdf, cert, actor):
    doc = _store_signed(version, new_pdf)
    sig.state, sig.signed_at, sig.message = SignatureState.DONE, sig.signed_at or timezone.now(), ""
    sig.certificate_subject = crypto.subject_text(cert)[:300]
    sig.certificate_serial = format(cert.serial_number, "x")[:80]
    sig.certificate_sha256 = crypto.fingerprint(cert)
    sig.file_sha256 = hashlib.sha256(new_pdf).hexdigest()
    sig.save()
    audit.record(
        actor=actor,
        action="pledge.signed",
        obj=pledge,
        province_id=pledge.province_id,
        data={
            "version": version.number,
            "unit": sig.unit_id,
            "external": sig.external,
            "certificate": sig.certificate_sha256,
            "file_sha256": sig.file_sha256,
        },
    )
    done = set(version.signatures.filter(state=SignatureState.DONE).values_list("unit_id", flat=True))
    if done >= member_units(pledge.cluster_year):
        pledge.official_document = doc
        pledge.save(update_fields=["official_document"])
        audit.record(
            actor=actor,
            action="pledge.fully_signed",
            obj=pledge,
            province_id=pledge.province_id,
            data={"version": version.number, "document": doc.pk},
        )


def signature_apply(signature_id):
    """Task body: add the PAdES signature of the unit into its field (incremental update)."""
    from .. import pdf as pledge_pdf

    with transaction.atomic():
        sig = (
            PledgeSignature.objects.select_for_update(of=("self",))
            .select_related("unit__province", "signer")
            .get(pk=signature_id)
        )
        if sig.state != SignatureState.QUEUED:
            return sig
        version = (
            PledgeVersion.objects.select_for_update(of=("self",))
            .select_related("pledge__cluster_year__cluster__province")
            .get(pk=sig.version_id)
        )
        pledge = Pledge.objects.select_for_update().get(pk=version.pledge_id)
        if pledge.final_version_id != version.pk:
            sig.state, sig.message = SignatureState.FAILED, _("This version is no longer the final one.")
            sig.save()
            return sig
        current = current_pdf(version)
        if current is None:
            raise NotReady
        try:
            uc = unit_certificate(sig.unit)
        except ValidationError as exc:
            sig.state, sig.message = SignatureState.FAILED, exc.messages[0][:300]
            sig.save()
            return sig
        _fix_base(version, current)
        cert = crypto.load_cert(uc.certificate_pem)
        sig.signed_at = timezone.now()
        stamp = pledge_pdf.stamp_pdf(
            signer_name=sig.signer_name, unit_name=sig.unit.name, signed_at=timezone.localtime(sig.signed_at)
        )
        new_pdf = pledge_pdf.sign(
            current,
            field=pledge_pdf.field_name(sig.unit_id),
            key=crypto.decrypt_key(uc.key_encrypted),
            cert=cert,
            chain=crypto.load_pem_chain(uc.chain_pem),
            stamp=stamp,
            reason=f"Ký giao ước thi đua năm {pledge.cluster_year.year}",
            location=version.place,
            signer_name=sig.signer_name,
        )
        _after_signature(pledge, version, sig, new_pdf, cert, sig.signer)
    return sig


def signature_fail(signature_id, message):
    PledgeSignature.objects.filter(pk=signature_id, state=SignatureState.QUEUED).update(
        state=SignatureState.FAILED, message=message[:300]
    )


@transaction.atomic
def signature_upload(*, version, unit, data, actor):
    """Accept a copy signed outside the application (e.g. with a USB token) for `unit`: it must
    be the current signed file plus exactly one new, intact signature in that unit's field."""
    from .. import pdf as pledge_pdf
    from ..verification import trust_roots

    pledge = lock_pledge(version.pledge.cluster_year)
    version = PledgeVersion.objects.select_for_update().get(pk=version.pk)
    _check_can_sign(pledge, version, unit, actor)
    current = current_pdf(version)
    if current is None:
        raise ValidationError(_("The signing copy is not ready yet."))
    if not data.startswith(current) or len(data) == len(current):
        raise ValidationError(_("This file is not the current copy of this pledge with one more signature."))
    try:
        checks = pledge_pdf.inspect_signatures(data, trust_roots(pledge.cluster_year.cluster.province_id))
    except ValueError as exc:
        raise ValidationError(_("The file is not a readable PDF.")) from exc
    done = version.signatures.filter(state=SignatureState.DONE).count()
    if len(checks) != done + 1:
        raise ValidationError(_("The file must carry exactly one new signature."))
    new = checks[-1]
    if new.field != pledge_pdf.field_name(unit.pk):
        raise ValidationError(_("The new signature is not in this unit's signature box."))
    if not all(c.intact and c.valid and c.changes_allowed for c in checks) or not new.covers_whole_file:
        raise ValidationError(_("A signature in the file is broken or invalid."))
    cert = x509.load_der_x509_certificate(new.certificate_der)
    _fix_base(version, current)
    sig = PledgeSignature.objects.create(
        version=version,
        unit=unit,
        signer=actor,
        external=True,
        signer_name=new.signer[:150] or unit.leader_name,
        signed_at=new.signed_at or timezone.now(),
    )
    _after_signature(pledge, version, sig, data, cert, actor)
    return sig
