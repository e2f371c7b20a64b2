"""Signing the finalised pledge: a leader's request, the task that signs, external uploads."""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters import audit
from clusters.models import Unit
from documents.models import Document, DocumentState
from documents.services import document_finish

from .. import crypto, notices, pades
from ..authority import timestamper
from ..models import Pledge, PledgeSignature, PledgeState, PledgeVersion, SignatureState
from ..rules import may_sign
from ._common import (
    SIGNED_KIND,
    document_key,
    is_member,
    lock_pledge,
    member_units,
    nfc,
    same_person,
    signed_document_key,
)
from .keys import ensure_tsa, unit_certificate


class NotReady(Exception):
    """The signing copy is not rendered yet: the task retries later."""


def _leader_replaced(version, unit):
    """Refuse when the unit's leader of record is no longer the person the finalised pledge
    names for it: the printed name under the block is in the signing copy, and a new leader
    must not sign under the old leader's name (nor be issued a certificate in it)."""
    recorded, _unit_name = version.signatory(unit)
    current = nfc(Unit.objects.filter(pk=unit.pk).values_list("leader_name", flat=True).first())  # as of now
    if recorded and not current:  # the name was cleared since (the leader left): nobody is known
        raise ValidationError(
            _(
                "The finalised pledge names %(recorded)s as the signer for %(unit)s, but the unit "
                "has no leader on record now. Nobody can sign under another person's name: the "
                "province administrator first records the unit's leader."
            )
            % {"recorded": recorded, "unit": unit.name}
        )
    if current and recorded and not same_person(current, recorded):
        raise ValidationError(
            _(
                "The finalised pledge names %(recorded)s as the signer for %(unit)s, but the unit's "
                "leader is now %(current)s. Nobody can sign under another person's name: if the "
                "leader's name was entered wrongly, the province administrator corrects it; "
                "otherwise the cluster secretary asks the province how the unit signs."
            )
            % {"recorded": recorded, "unit": unit.name, "current": current}
        )


def _check_can_sign(pledge, version, unit, user):
    if pledge.state != PledgeState.FINAL or pledge.final_version_id != version.pk:
        raise ValidationError(_("Only the finalised version of the pledge can be signed."))
    if user is None or not may_sign(user, pledge.cluster_year, unit):
        raise PermissionDenied(_("Only the leader of a member unit can sign for it."))
    if not is_member(pledge.cluster_year, unit):
        raise ValidationError(_("This unit is not a member of the cluster this year."))
    if version.signatures.filter(unit=unit).exclude(state=SignatureState.FAILED).exists():
        raise ValidationError(_("This unit has already signed the pledge."))
    _leader_replaced(version, unit)


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
                signer_name=version.signatory(unit)[0] or user.full_name or user.username,
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


def _complete(pledge, version, doc, data, actor):
    """After the last unit: the whole file must check out (every signature trusted and bound),
    then the DSS with the CRLs and a document timestamp are added (B-LT/B-LTA) and the file
    becomes the official copy. A file that does not check out never becomes official."""
    from ..authority import authority_of, province_crls, trust_roots
    from ..verification import check_file

    report = check_file(version, data)
    if not report.intact:
        audit.record(
            actor=actor,
            action="pledge.final_check_failed",
            obj=pledge,
            province_id=pledge.province_id,
            data={"version": version.number, "message": report.message},
        )
        return None
    province_id = pledge.province_id
    ca = ensure_tsa(authority_of(province_id))
    final = pades.add_long_term_data(
        data,
        roots=trust_roots(province_id),
        crls=province_crls(province_id),
        certs=(),  # the signers' and the TSA's certificates are in every CMS and token already
        timestamper=timestamper(ca),
    )
    doc = _store_signed(version, final)
    pledge.official_document = doc
    pledge.save(update_fields=["official_document"])
    audit.record(
        actor=actor,
        action="pledge.fully_signed",
        obj=pledge,
        province_id=pledge.province_id,
        data={"version": version.number, "document": doc.pk, "sha256": hashlib.sha256(final).hexdigest()},
    )
    return final


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
    notices.signed(pledge, sig.unit_id)
    done = set(version.signatures.filter(state=SignatureState.DONE).values_list("unit_id", flat=True))
    if done >= member_units(pledge.cluster_year):
        final = _complete(pledge, version, doc, new_pdf, actor)
        if final is not None:  # the stored file is now the long-term one
            sig.file_sha256 = hashlib.sha256(final).hexdigest()
            sig.save(update_fields=["file_sha256"])


def _fail(sig, message):
    sig.state, sig.message = SignatureState.FAILED, str(message)[:300]
    sig.save()
    return sig


def signature_apply(signature_id):
    """Task body: add the unit's PAdES B-T signature into its field (incremental update) with
    the unit's registered certificate; the new signature must validate as trusted and bound
    to the unit before the file is stored."""
    from .. import pdf as pledge_pdf
    from ..authority import authority_of, province_crls, trust_roots
    from ..verification import check_signatures

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
            return _fail(sig, _("This version is no longer the final one."))
        current = current_pdf(version)
        if current is None:
            raise NotReady
        year = pledge.cluster_year.year
        try:
            _leader_replaced(version, sig.unit)  # replaced between the request and now
        except ValidationError as exc:
            return _fail(sig, exc.messages[0])
        person, unit_name = version.signatory(sig.unit)  # the one record of who signs
        person = person or sig.signer_name
        try:
            uc = unit_certificate(sig.unit, year=year, person_name=person, unit_name=unit_name)
        except ValidationError as exc:
            return _fail(sig, exc.messages[0])
        if not uc.key_encrypted:
            return _fail(sig, _("The unit's registered certificate has no key in the application."))
        ca = ensure_tsa(authority_of(sig.unit.province_id))
        _fix_base(version, current)
        cert = crypto.load_cert(uc.certificate_pem)
        sig.signed_at = timezone.now()
        identity = {
            "signer_name": person,
            "unit_name": unit_name,
            "signed_at": timezone.localtime(sig.signed_at),
        }
        new_pdf = pades.sign(
            current,
            field=pledge_pdf.field_name(sig.unit_id),
            key=crypto.decrypt_key(uc.key_encrypted),
            cert=cert,
            chain=crypto.load_pem_chain(uc.chain_pem),
            stamp=lambda: pledge_pdf.stamp_pdf(**identity),  # only for copies without the shared font
            stamp_lines=pledge_pdf.stamp_lines(**identity),
            box=pledge_pdf.BOX,
            reason=f"Ký giao ước thi đua năm {year}",
            timestamper=timestamper(ca),
        )
        province_id = sig.unit.province_id
        checks = pades.validate(
            new_pdf, roots=trust_roots(province_id), crls=province_crls(province_id), last_only=True
        )
        views, _members = check_signatures(version, checks)
        if not views or not views[-1].counts or views[-1].unit_id != sig.unit_id:
            return _fail(sig, views[-1].why if views else _("The signature could not be verified."))
        if not same_person(uc.person_name, person):  # an imported certificate naming someone else
            return _fail(
                sig,
                _("The certificate names %(cert)s; the pledge names %(person)s.")
                % {"cert": uc.person_name, "person": person},
            )
        sig.signer_name = person
        _after_signature(pledge, version, sig, new_pdf, cert, sig.signer)
    return sig


def signature_fail(signature_id, message):
    PledgeSignature.objects.filter(pk=signature_id, state=SignatureState.QUEUED).update(
        state=SignatureState.FAILED, message=message[:300]
    )
