"""Dossier: meeting details, minutes and cover letter, achievement reports, the province's decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters.access import require, year_for
from clusters.audit import history_for
from documents.models import Document
from documents.views import queue_year_pdf

from .. import checks, documents, selectors, services
from ..forms import DecisionForm, DossierForm, ReportUploadForm
from ..models import Dossier
from .common import nomination_for, show_errors


def _dossier_documents(cy):
    keys = {documents.minutes_key(cy): "minutes", documents.cover_key(cy): "cover"}
    return {keys[d.key]: d for d in Document.objects.filter(key__in=list(keys))}


@login_required
def dossier(request, pk):
    cy = year_for(request, pk, "awards.view_awards")
    user = request.user
    can_manage = user.has_perm("awards.manage_dossier", cy)
    record = Dossier.objects.filter(cluster_year=cy).first()
    form = DossierForm(request.POST or None, instance=record) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.dossier_save(cluster_year=cy, actor=user, **form.cleaned_data)
                messages.success(request, _("The meeting details are saved."))
                return redirect("awards:dossier", pk=cy.pk)
            except ValidationError as exc:
                show_errors(request, exc)
    nominations = selectors.nominations_for_year(cy)
    for n in nominations:
        n.cluster_year = cy  # the permission rules then use the year already loaded
        n.can_upload = user.has_perm("awards.upload_report", n) and not (record and record.submitted_at)
    return render(
        request,
        "awards/dossier.html",
        {
            "year": cy,
            "form": form,
            "dossier": record,
            "nominations": nominations,
            "can_manage": can_manage,
            "can_decide": user.has_perm("awards.record_decision", cy),
            "docs": _dossier_documents(cy),
            "upload_form": ReportUploadForm(),
            "submit_checks": checks.dossier_shortfalls(cy)
            if can_manage and not (record and record.submitted_at)
            else [],
        },
    )


@login_required
@require_POST
def dossier_document(request, pk, kind):
    cy = year_for(request, pk, "awards.render_documents")
    if kind not in ("minutes", "cover"):
        raise Http404
    if not Dossier.objects.filter(cluster_year=cy, meeting_date__isnull=False).exists():
        messages.error(request, _("Enter the date and place of the review meeting first."))
        return redirect("awards:dossier", pk=cy.pk)
    kind, key, title = documents.spec(cy, kind)
    return queue_year_pdf(
        request,
        cy,
        kind=kind,
        key=key,
        title=title,
        message=_("The document is being prepared."),
        redirect_to=reverse("awards:dossier", args=[cy.pk]),
    )


@login_required
@require_POST
def dossier_submit(request, pk):
    cy = year_for(request, pk, "awards.view_awards")  # the service checks the secretary's rule (403)
    try:
        services.dossier_submit(cluster_year=cy, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("The dossier is submitted to the province."))
    except ValidationError as exc:
        show_errors(request, exc)
    return redirect("awards:dossier", pk=cy.pk)


@login_required
@require_POST
def report_upload(request, pk):
    nomination = nomination_for(request, pk)
    require(request.user, "awards.upload_report", nomination)
    form = ReportUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.achievement_report_upload(
                nomination=nomination, upload=form.cleaned_data["report"], actor=request.user
            )
            messages.success(request, _("The achievement report is uploaded."))
        except ValidationError as exc:
            show_errors(request, exc)
    else:
        messages.error(request, _("Choose a PDF file."))
    return redirect("awards:dossier", pk=nomination.cluster_year_id)


@login_required
def report_download(request, pk):
    nomination = nomination_for(request, pk)
    require(request.user, "awards.view_awards", nomination.cluster_year)
    if not nomination.achievement_report:
        raise Http404
    return FileResponse(
        nomination.achievement_report.open("rb"),
        as_attachment=True,
        filename=f"bao-cao-thanh-tich-{nomination.pk}.pdf",
        content_type="application/pdf",
    )


@login_required
def decision(request, pk):
    nomination = nomination_for(request, pk)
    require(request.user, "awards.record_decision", nomination.cluster_year)
    existing = getattr(nomination, "decision", None) if hasattr(nomination, "decision") else None
    initial = {}
    if existing:
        initial = {
            "number": existing.number,
            "date": existing.date,
            "outcome": existing.outcome,
            "granted_award": existing.granted_award_id,
            "signer": existing.signer,
            "note": existing.note,
        }
    form = DecisionForm(request.POST or None, province=request.user.province, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_record(nomination=nomination, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The decision is recorded."))
            return redirect("awards:dossier", pk=nomination.cluster_year_id)
        except ValidationError as exc:
            show_errors(request, exc)
    return render(
        request,
        "awards/form.html",
        {
            "form": form,
            "title": _("Decision on %(nomination)s") % {"nomination": nomination},
            "history": history_for(nomination)[:20],
        },
    )
