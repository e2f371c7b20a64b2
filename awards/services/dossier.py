"""The dossier sent to the province and the nominees' achievement reports (the province's
decisions on them: `decisions`)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters import audit, confirm
from clusters.uploads import PDF, check_upload

from .. import checks
from ..models import Dossier, Nomination
from ._base import require
from .numbering import cover_issue

DOSSIER_FIELDS = [
    "meeting_date",
    "meeting_place",
    "chair_name",
    "chair_title",
    "secretary_name",
    "attendance",
    "started_at",
    "ended_at",
    "council_size",
    "absentees",
    "counting_committee",
    "cover_number",
]


@transaction.atomic
def dossier_save(*, cluster_year, actor, **data):
    require(actor, "awards.manage_dossier", cluster_year)
    dossier, _created = Dossier.objects.select_for_update().get_or_create(cluster_year=cluster_year)
    if dossier.submitted_at:
        raise ValidationError(
            _("The dossier has been submitted to the province and can no longer be changed.")
        )
    data = {k: data[k] for k in DOSSIER_FIELDS if k in data}
    old = {k: getattr(dossier, k) for k in data}
    for k, v in data.items():
        setattr(dossier, k, v)
    dossier.save()
    audit.record(
        actor=actor,
        action="dossier.saved",
        obj=cluster_year,
        province_id=cluster_year.cluster.province_id,
        data={"old": old, "new": data},
    )
    return dossier


@transaction.atomic
def dossier_submit(*, cluster_year, actor, reason=""):
    """Send the dossier to the province. Polls not published or achievement reports missing are
    listed before and need a reason to send anyway (clusters.confirm), kept in the audit event."""
    require(actor, "awards.manage_dossier", cluster_year)
    dossier, _created = Dossier.objects.select_for_update().get_or_create(cluster_year=cluster_year)
    if dossier.submitted_at:
        raise ValidationError(_("The dossier has already been submitted."))
    if not Nomination.objects.filter(cluster_year=cluster_year).exists():
        raise ValidationError(_("There is no nomination to submit yet: publish the results first."))
    if not (dossier.meeting_date and dossier.meeting_place):
        raise ValidationError(_("Enter the date and place of the review meeting first."))
    shortfalls = checks.dossier_shortfalls(cluster_year)
    reason = confirm.reason_to_go_on(shortfalls, reason)
    dossier.submitted_at, dossier.submitted_by = timezone.now(), actor
    dossier.save(update_fields=["submitted_at", "submitted_by"])
    if not dossier.cover_number:
        # the cover letter is issued with the dossier: it takes its TTr number now
        cover_issue(dossier, actor=actor)
    audit.record(
        actor=actor,
        action="dossier.submitted",
        obj=cluster_year,
        province_id=cluster_year.cluster.province_id,
        data=confirm.audit_data(shortfalls),
        reason=reason,
    )
    return dossier


@transaction.atomic
def achievement_report_upload(*, nomination, upload, actor):
    require(actor, "awards.upload_report", nomination)
    check_upload(upload, PDF, type_message=_("The achievement report must be a PDF file."))
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if Dossier.objects.filter(
        cluster_year_id=nomination.cluster_year_id, submitted_at__isnull=False
    ).exists():
        raise ValidationError(
            _("The dossier has been submitted to the province and can no longer be changed.")
        )
    old = nomination.achievement_report.name or ""
    if old:
        nomination.achievement_report.storage.delete(old)
    nomination.achievement_report.save(f"bao-cao-thanh-tich-{nomination.pk}.pdf", upload, save=True)
    audit.record(
        actor=actor,
        action="nomination.report_uploaded",
        obj=nomination,
        province_id=nomination.award_type.province_id,
        data={"old": old, "new": nomination.achievement_report.name},
    )
    return nomination
