"""Every write about registrations and the pledge: one function per state change, atomic, audited."""

import hashlib
import logging
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from cryptography import x509
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters import audit
from clusters.models import ClusterYear, Membership, Role, Stage
from documents.models import Document, DocumentState
from documents.services import document_finish, document_request

from . import crypto
from .models import (
    Pledge,
    PledgeApproval,
    PledgeSignature,
    PledgeState,
    PledgeVersion,
    ProvinceAuthority,
    Registration,
    RegistrationTarget,
    SignatureState,
    UnitCertificate,
)

log = logging.getLogger(__name__)
OPEN_STAGES = (Stage.SETUP, Stage.REGISTRATION)
KIND = "pledge"
SIGNED_KIND = "pledge_signed"
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def nfc(text):
    return unicodedata.normalize("NFC", (text or "").strip())


def _member_units(cluster_year):
    return set(Membership.objects.filter(cluster_year=cluster_year).values_list("unit_id", flat=True))


def _is_member(cluster_year, unit):
    return unit is not None and Membership.objects.filter(cluster_year=cluster_year, unit=unit).exists()


# ---------------------------------------------------------------------------------------------
# Registration


@transaction.atomic
def registration_save(*, cluster_year, unit, aims, targets, actor):
    """Save a unit's registration: `targets` is a list of dicts (key, name, value, measure, note);
    the list replaces the earlier one. Nothing is saved when one row is wrong."""
    cy = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    if cy.stage not in OPEN_STAGES:
        raise ValidationError(_("Registrations are closed for this year."))
    if not _is_member(cy, unit):
        raise ValidationError(_("This unit is not a member of the cluster this year."))
    clean, errors, seen = [], [], set()
    for n, row in enumerate(targets, 1):
        key, name = nfc(row.get("key")).lower(), nfc(row.get("name"))
        if not name:
            errors.append(_("Row %(n)s: the target needs a name.") % {"n": n})
            continue
        if not KEY_RE.match(key):
            errors.append(
                _("Row %(n)s: the key may only contain lower-case letters, digits and dashes.") % {"n": n}
            )
            continue
        if key in seen:
            errors.append(_("Row %(n)s: the key “%(key)s” is used twice.") % {"n": n, "key": key})
            continue
        seen.add(key)
        try:
            value = Decimal(str(row.get("value")).replace(",", "."))
        except (InvalidOperation, TypeError):
            errors.append(_("Row %(n)s: the value must be a number.") % {"n": n})
            continue
        if not value.is_finite() or abs(value) >= Decimal("1e13"):
            errors.append(_("Row %(n)s: the value must be a number.") % {"n": n})
            continue
        clean.append(
            RegistrationTarget(
                key=key,
                name=name,
                value=value,
                measure=nfc(row.get("measure")),
                note=nfc(row.get("note")),
                position=n,
            )
        )
    if errors:
        raise ValidationError(errors)
    if not clean:
        raise ValidationError(_("Register at least one target."))
    reg, created = Registration.objects.select_for_update().get_or_create(cluster_year=cy, unit=unit)
    old = {"aims": reg.aims, "targets": [(t.key, str(t.value)) for t in reg.targets.all()]}
    reg.targets.all().delete()
    for t in clean:
        t.registration = reg
    RegistrationTarget.objects.bulk_create(clean)
    reg.aims, reg.submitted_at, reg.submitted_by = nfc(aims), timezone.now(), actor
    reg.save()
    audit.record(
        actor=actor,
        action="registration.saved",
        obj=reg,
        province_id=unit.province_id,
        data={
            "old": None if created else old,
            "new": {"aims": reg.aims, "targets": [(t.key, str(t.value)) for t in clean]},
        },
    )
    return reg


# ---------------------------------------------------------------------------------------------
# Drafting, approval, finalisation


def _lock_pledge(cluster_year):
    pledge, _created = Pledge.objects.get_or_create(cluster_year=cluster_year)
    return (
        Pledge.objects.select_for_update(of=("self",))
        .select_related("cluster_year__cluster")
        .get(pk=pledge.pk)
    )


def parse_articles(text):
    """Articles separated by an empty line; an article may span several lines (paragraphs)."""
    blocks = re.split(r"\n\s*\n", nfc(text).replace("\r\n", "\n"))
    articles = []
    for block in blocks:
        block = re.sub(r"^\s*Điều\s+\d+\s*[.:]\s*", "", block.strip())
        if block:
            articles.append(block)
    return articles


@transaction.atomic
def pledge_draft(*, cluster_year, title, preamble, articles, place, signing_date, actor):
    """Save a new draft version. Approvals belong to a version, so a new one starts with none."""
    pledge = _lock_pledge(cluster_year)
    if pledge.state == PledgeState.FINAL:
        raise ValidationError(_("The pledge is finalised; its text can no longer change."))
    if cluster_year.stage not in OPEN_STAGES:
        raise ValidationError(_("The pledge can only be drafted during set-up or registration."))
    title, place = nfc(title), nfc(place)
    articles = [nfc(a) for a in articles if nfc(a)]
    if not title:
        raise ValidationError(_("The pledge needs a title."))
    if not articles:
        raise ValidationError(_("The pledge needs at least one article."))
    if not place:
        raise ValidationError(_("Enter the place of signing."))
    last = pledge.versions.order_by("-number").first()
    version = PledgeVersion.objects.create(
        pledge=pledge,
        number=(last.number + 1) if last else 1,
        title=title,
        preamble=nfc(preamble),
        articles=articles,
        place=place,
        signing_date=signing_date,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="pledge.drafted",
        obj=pledge,
        province_id=pledge.province_id,
        data={
            "version": version.number,
            "title": title,
            "articles": len(articles),
            "previous_version": last.number if last else None,
        },
    )
    return version


def latest_version(pledge):
    return pledge.versions.order_by("-number").first()


@transaction.atomic
def pledge_review(*, version, unit, approved, comment, actor):
    pledge = _lock_pledge(version.pledge.cluster_year)
    if pledge.state == PledgeState.FINAL:
        raise ValidationError(_("The pledge is already finalised."))
    if latest_version(pledge).pk != version.pk:
        raise ValidationError(_("A newer draft exists; please review that one."))
    if not _is_member(pledge.cluster_year, unit):
        raise ValidationError(_("This unit is not a member of the cluster this year."))
    comment = nfc(comment)
    if not approved and not comment:
        raise ValidationError(_("Write a comment to explain what should change."))
    review, _created = PledgeApproval.objects.update_or_create(
        version=version, unit=unit, defaults={"approved": approved, "comment": comment, "by": actor}
    )
    audit.record(
        actor=actor,
        action="pledge.approved" if approved else "pledge.commented",
        obj=pledge,
        province_id=pledge.province_id,
        data={"version": version.number, "unit": unit.pk, "comment": comment},
    )
    return review


def _document_key(version, copy):
    return f"pledge-{version.pk}-v{version.number}-{copy}"


def signed_document_key(version):
    return f"pledge-{version.pk}-v{version.number}-signed"


def request_pdfs(*, version, actor, copies=("signing", "ceremony")):
    """Queue the copies (idempotent per version and copy). The signing copy is frozen once a
    signature exists, since every signature is an update of that exact file."""
    cy = version.pledge.cluster_year
    docs = {}
    for copy in copies:
        key = _document_key(version, copy)
        if copy == "signing" and version.base_sha256:
            docs[copy] = Document.objects.filter(key=key).first()
            continue
        label = _("signing copy") if copy == "signing" else _("ceremony print copy")
        docs[copy] = document_request(
            key=key,
            kind=KIND,
            province_id=cy.cluster.province_id,
            actor=actor,
            title=_("Pledge %(year)s, version %(n)s, %(copy)s")
            % {"year": cy.year, "n": version.number, "copy": label},
            params={"version_id": version.pk, "copy": copy},
        )
    return docs


@transaction.atomic
def pledge_finalise(*, cluster_year, actor):
    pledge = _lock_pledge(cluster_year)
    if pledge.state == PledgeState.FINAL:
        raise ValidationError(_("The pledge is already finalised."))
    version = latest_version(pledge)
    if version is None:
        raise ValidationError(_("There is no draft to finalise."))
    approved = set(version.approvals.filter(approved=True).values_list("unit_id", flat=True))
    missing = _member_units(cluster_year) - approved
    if missing:
        raise ValidationError(
            _("%(n)s member unit(s) have not approved this draft yet.") % {"n": len(missing)}
        )
    pledge.state, pledge.final_version = PledgeState.FINAL, version
    pledge.finalised_at, pledge.finalised_by = timezone.now(), actor
    pledge.save()
    audit.record(
        actor=actor,
        action="pledge.finalised",
        obj=pledge,
        province_id=pledge.province_id,
        data={"version": version.number},
    )
    request_pdfs(version=version, actor=actor)
    return pledge


def _finalised_guard(cluster_year):
    if not Pledge.objects.filter(cluster_year=cluster_year, state=PledgeState.FINAL).exists():
        return _("Finalise the pledge before leaving the registration stage.")
    return None


# ---------------------------------------------------------------------------------------------
# Certificates


@transaction.atomic
def authority_create(*, province, actor=None):
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
    """The unit's active certificate; issued by the province authority on first use."""
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


# ---------------------------------------------------------------------------------------------
# Signing


def _check_can_sign(pledge, version, unit, user):
    if pledge.state != PledgeState.FINAL or pledge.final_version_id != version.pk:
        raise ValidationError(_("Only the finalised version of the pledge can be signed."))
    if user is not None and not (user.has_role(Role.UNIT_LEADER) and user.unit_id == unit.pk):
        raise ValidationError(_("Only the leader of a member unit can sign for it."))
    if not _is_member(pledge.cluster_year, unit):
        raise ValidationError(_("This unit is not a member of the cluster this year."))
    if version.signatures.filter(unit=unit).exclude(state=SignatureState.FAILED).exists():
        raise ValidationError(_("This unit has already signed the pledge."))


@transaction.atomic
def signature_request(*, version, user):
    """A leader asks to sign for their unit: recorded now, signed by a Celery task."""
    pledge = _lock_pledge(version.pledge.cluster_year)
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

        from .tasks import sign_pledge

        # A broker outage fails the signature with a message; the leader can sign again later.
        queue.send(
            sign_pledge, on_failure=lambda: signature_fail(sig.pk, str(QUEUE_DOWN)), signature_id=sig.pk
        )

    transaction.on_commit(enqueue)
    return sig


class NotReady(Exception):
    """The signing copy is not rendered yet: the task retries later."""


def current_pdf(version):
    """The latest signed revision, or the unsigned signing copy when nobody signed yet."""
    signed = Document.objects.filter(key=signed_document_key(version), state=DocumentState.DONE).first()
    if signed and signed.file:
        with signed.file.open("rb") as f:
            return f.read()
    base = Document.objects.filter(key=_document_key(version, "signing"), state=DocumentState.DONE).first()
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
    if done >= _member_units(pledge.cluster_year):
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
    from . import pdf as pledge_pdf

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
    from . import pdf as pledge_pdf
    from .verification import trust_roots

    pledge = _lock_pledge(version.pledge.cluster_year)
    version = PledgeVersion.objects.select_for_update().get(pk=version.pk)
    _check_can_sign(pledge, version, unit, None)
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


STAGE_GUARD = _finalised_guard
