"""Uploaded copies, checked by a Celery task with progress (never in the request): a leader's
copy signed outside the application (a USB token) and a copy checked on the public page."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import CheckState, CopyCheck, PledgeSignature, PledgeVersion, SignatureState
from ._common import lock_pledge, same_person
from .signing import _after_signature, _check_can_sign, _fix_base, current_pdf


def _queue(check):
    def enqueue():
        from documents import queue
        from documents.services import QUEUE_DOWN

        from ..tasks import check_copy

        queue.send(
            check_copy,
            on_failure=lambda: CopyCheck.objects.filter(pk=check.pk).update(
                state=CheckState.FAILED, message=str(QUEUE_DOWN)[:300]
            ),
            check_id=check.pk,
        )

    transaction.on_commit(enqueue)


def _new_check(version, data, *, unit=None, actor=None):
    check = CopyCheck(token=secrets.token_urlsafe(16), version=version, unit=unit, actor=actor)
    check.file.save(f"{check.token}.pdf", ContentFile(data), save=False)
    check.save()
    _queue(check)
    return check


@transaction.atomic
def signature_upload(*, version, unit, data, actor):
    """A leader hands in the pledge signed outside the application for their unit: refused at
    once when the actor may not sign for the unit, checked by a task otherwise."""
    pledge = lock_pledge(version.pledge.cluster_year)
    version = PledgeVersion.objects.select_for_update().get(pk=version.pk)
    _check_can_sign(pledge, version, unit, actor)
    return _new_check(version, data, unit=unit, actor=actor)


def copy_check_request(*, version, data):
    """Anyone with the verification code checks a copy (the public page; rate-limited there)."""
    with transaction.atomic():
        return _new_check(version, data)


def _accept_upload(check, data, progress):
    """The copy must be the current signed file plus exactly one new signature, in the unit's
    field, trusted and bound to the unit, with every earlier signature still counting."""
    from .. import pades
    from ..authority import province_crls, trust_roots
    from ..verification import check_signatures

    version, unit = check.version, check.unit
    pledge = lock_pledge(version.pledge.cluster_year)
    version = PledgeVersion.objects.select_for_update().get(pk=version.pk)
    _check_can_sign(pledge, version, unit, check.actor)
    current = current_pdf(version)
    if current is None:
        raise ValidationError(_("The signing copy is not ready yet."))
    if not data.startswith(current) or len(data) == len(current):
        raise ValidationError(_("This file is not the current copy of this pledge with one more signature."))
    province_id = pledge.province_id
    try:
        checks = pades.validate(
            data, roots=trust_roots(province_id), crls=province_crls(province_id), progress=progress
        )
    except ValueError as exc:
        raise ValidationError(_("The file is not a readable PDF.")) from exc
    views, _members = check_signatures(version, checks)
    done = version.signatures.filter(state=SignatureState.DONE).count()
    if len(checks) != done + 1 or len(views) != done + 1:
        raise ValidationError(_("The file must carry exactly one new signature."))
    new = views[-1]
    if new.unit_id != unit.pk:
        raise ValidationError(_("The new signature is not in this unit's signature box."))
    if not checks[-1].whole_file:
        raise ValidationError(_("The file was changed after its last signature."))
    for v in views:
        if not v.counts:
            raise ValidationError(_("Signature of %(unit)s: %(why)s") % {"unit": v.unit, "why": v.why})
    person = version.signatory(unit)[0]
    if person and not same_person(new.person, person):
        raise ValidationError(
            _("The certificate names %(cert)s; the pledge names %(person)s.")
            % {"cert": new.person, "person": person}
        )
    from .. import crypto

    cert = crypto.load_cert(crypto.der_to_pem(new.certificate_der))
    _fix_base(version, current)
    sig = PledgeSignature.objects.create(
        version=version,
        unit=unit,
        signer=check.actor,
        external=True,
        signer_name=(person or new.person)[:150],
        signed_at=new.timestamp or checks[-1].claimed_time,
    )
    _after_signature(pledge, version, sig, data, cert, check.actor)
    return sig


def _report_json(report):
    return {
        "verdict": report.verdict,
        "message": report.message,
        "signed": report.signed,
        "members": report.members,
        "signatures": [
            {
                "unit": v.unit,
                "person": v.person,
                "issuer": v.issuer,
                "trusted": v.trusted,
                "why": v.why,
                "timestamp": v.timestamp.isoformat() if v.timestamp else None,
                "whole_document": v.whole_document,
            }
            for v in report.signatures
        ],
    }


def copy_check_run(check_id):
    """Task body for both kinds of upload; records progress, the result and its message."""
    from ..verification import check_file

    check = CopyCheck.objects.select_related("version__pledge__cluster_year__cluster", "unit", "actor").get(
        pk=check_id
    )
    if check.state in (CheckState.DONE, CheckState.FAILED):
        return check
    CopyCheck.objects.filter(pk=check.pk).update(state=CheckState.RUNNING, progress=5)

    def progress(done, total):
        CopyCheck.objects.filter(pk=check.pk).update(progress=min(95, 5 + 90 * done // max(total, 1)))

    with check.file.open("rb") as f:
        data = f.read()
    if check.unit_id is None:
        report = check_file(check.version, data, progress=progress)
        check.state, check.result, check.message = CheckState.DONE, _report_json(report), report.message[:300]
    else:
        try:
            with transaction.atomic():
                _accept_upload(check, data, progress)
        except ValidationError as exc:
            check.state, check.message = CheckState.FAILED, exc.messages[0][:300]
        else:
            check.state, check.message = CheckState.DONE, _("The signed file was accepted.")
        check.result = {"sha256": hashlib.sha256(data).hexdigest()}
    check.progress = 100
    check.save(update_fields=["state", "result", "message", "progress"])
    check.file.delete(save=True)  # the copy is not kept once checked
    return check
