from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clusters.access import require, year_for
from clusters.reauth import verify_password
from clusters.selectors import year_memberships
from clusters.uploads import PDF, check_upload, limit_mb
from documents.models import Document

from . import selectors, services
from .forms import (
    CertificateForm,
    DraftForm,
    Pkcs12Form,
    RegistrationForm,
    ReviewForm,
    SignForm,
    TargetFormSet,
    UploadSignedForm,
)
from .models import CopyCheck, Pledge, PledgeState, PledgeVersion, Registration, SignatureState
from .rules import may_sign

NOT_PDF = gettext_lazy("“%(name)s” is not a PDF file.")


def _errors(request, exc):
    for msg in exc.messages:
        messages.error(request, msg)


# ---------------------------------------------------------------------------------------------
# Registration


@login_required
def registrations(request, pk):
    cy = year_for(request, pk, "pledges.view_registrations")
    members, missing = selectors.registrations_overview(cy)
    return render(request, "pledges/registrations.html", {"year": cy, "members": members, "missing": missing})


@login_required
def registration_edit(request, pk):
    cy = year_for(request, pk, "pledges.view_pledge")
    require(request.user, "pledges.edit_registration", cy)
    unit = request.user.unit
    reg = Registration.objects.filter(cluster_year=cy, unit=unit).prefetch_related("targets").first()
    initial = (
        [
            {"key": t.key, "name": t.name, "value": t.value, "measure": t.measure, "note": t.note}
            for t in reg.targets.all()
        ]
        if reg
        else []
    )
    form = RegistrationForm(request.POST or None, initial={"aims": reg.aims if reg else ""})
    formset = TargetFormSet(request.POST or None, initial=initial, prefix="t")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        try:
            services.registration_save(
                cluster_year=cy, unit=unit, aims=form.cleaned_data["aims"], targets=rows, actor=request.user
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Registration saved."))
            return redirect("pledges:registration_edit", pk=cy.pk)
    elif request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "pledges/registration_form.html",
        {"year": cy, "unit": unit, "form": form, "formset": formset, "registration": reg},
    )


# ---------------------------------------------------------------------------------------------
# The pledge


def _pledge(cy):
    return Pledge.objects.filter(cluster_year=cy).select_related("final_version", "official_document").first()


@login_required
def pledge_detail(request, pk):
    cy = year_for(request, pk, "pledges.view_pledge")
    user = request.user
    pledge = _pledge(cy)
    version = (
        pledge.final_version
        if pledge and pledge.final_version_id
        else (services.latest_version(pledge) if pledge else None)
    )
    members = year_memberships(cy)
    selectors.review_status(version, members)
    selectors.signature_status(version, members)
    docs = {}
    if version:
        for d in Document.objects.filter(key__startswith=f"pledge-{version.pk}-v{version.number}-"):
            docs[d.key.rsplit("-", 1)[-1]] = d
    is_final = pledge is not None and pledge.state == PledgeState.FINAL
    signing_pending = any(m.signature and m.signature.state == SignatureState.QUEUED for m in members)
    my = next((m for m in members if m.unit_id == user.unit_id), None)
    can_still_sign = my is not None and (my.signature is None or my.signature.state == SignatureState.FAILED)
    my_check = (
        CopyCheck.objects.filter(version=version, unit_id=user.unit_id).order_by("-created_at").first()
        if version and user.unit_id
        else None
    )
    context = {
        "my_check": my_check,
        "can_manage_trust": user.has_perm("pledges.manage_trust", cy),
        "certificate_form": CertificateForm(),
        "year": cy,
        "pledge": pledge,
        "version": version,
        "members": members,
        "is_final": is_final,
        "versions": list(pledge.versions.only("number", "created_at", "title")) if pledge else [],
        "approved_count": sum(1 for m in members if m.review and m.review.approved),
        "signed_count": sum(1 for m in members if m.signature and m.signature.state == SignatureState.DONE),
        "docs": docs,
        "my": my,
        "signing_pending": signing_pending,
        "can_draft": user.has_perm("pledges.draft_pledge", cy) and not is_final,
        "can_review": version is not None and not is_final and user.has_perm("pledges.review_pledge", cy),
        "can_sign": is_final and can_still_sign and may_sign(user, cy, user.unit),
        "can_upload": is_final and can_still_sign and may_sign(user, cy, user.unit),
        "review_form": ReviewForm(),
        "sign_form": SignForm(),
        "upload_form": UploadSignedForm(),
        "pkcs12_form": Pkcs12Form(),
    }
    return render(request, "pledges/pledge_detail.html", context)


@login_required
def pledge_signatures(request, pk):
    """htmx partial: the signature table, polled while a signature is being added."""
    cy = year_for(request, pk, "pledges.view_pledge")
    pledge = get_object_or_404(Pledge, cluster_year=cy, final_version__isnull=False)
    members = selectors.signature_status(pledge.final_version, year_memberships(cy))
    return render(
        request,
        "pledges/_signatures.html",
        {
            "year": cy,
            "members": members,
            "version": pledge.final_version,
            "signed_count": sum(
                1 for m in members if m.signature and m.signature.state == SignatureState.DONE
            ),
            "signing_pending": any(
                m.signature and m.signature.state == SignatureState.QUEUED for m in members
            ),
        },
    )


@login_required
def pledge_draft(request, pk):
    cy = year_for(request, pk, "pledges.draft_pledge")
    pledge = _pledge(cy)
    last = services.latest_version(pledge) if pledge else None
    initial = {"place": cy.cluster.province.place_name, "title": f"Giao ước thi đua năm {cy.year}"}
    if last:
        initial = {
            "title": last.title,
            "preamble": last.preamble,
            "place": last.place,
            "signing_date": last.signing_date,
            "articles": "\n\n".join(last.articles),
        }
    form = DraftForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.pledge_draft(cluster_year=cy, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                _("Draft version %(n)s saved; members are asked to review it.") % {"n": version.number},
            )
            return redirect("pledges:pledge", pk=cy.pk)
    return render(request, "pledges/draft_form.html", {"year": cy, "form": form, "last": last})


@login_required
def pledge_version(request, pk, number):
    cy = year_for(request, pk, "pledges.view_pledge")
    version = get_object_or_404(PledgeVersion, pledge__cluster_year=cy, number=number)
    return render(request, "pledges/version.html", {"year": cy, "version": version})


@login_required
@require_POST
def pledge_review(request, pk):
    cy = year_for(request, pk, "pledges.review_pledge")
    pledge = get_object_or_404(Pledge, cluster_year=cy)
    form = ReviewForm(request.POST)
    version = get_object_or_404(PledgeVersion, pledge=pledge, pk=request.POST.get("version"))
    if form.is_valid():
        try:
            services.pledge_review(
                version=version,
                unit=request.user.unit,
                actor=request.user,
                approved=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Your review is recorded."))
    else:
        messages.error(request, _("Choose whether you approve the draft."))
    return redirect("pledges:pledge", pk=cy.pk)


@login_required
@require_POST
def pledge_finalise(request, pk):
    cy = year_for(request, pk, "pledges.draft_pledge")
    try:
        services.pledge_finalise(cluster_year=cy, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The pledge is finalised; its PDF copies are being prepared."))
    return redirect("pledges:pledge", pk=cy.pk)


@login_required
@require_POST
def pledge_pdf(request, pk):
    """Queue both copies again (idempotent: the same records and files are replaced)."""
    cy = year_for(request, pk, "pledges.render_pledge")
    pledge = get_object_or_404(Pledge, cluster_year=cy)
    version = pledge.final_version or services.latest_version(pledge)
    if version is None:
        raise Http404
    services.request_pdfs(version=version, actor=request.user)
    messages.info(request, _("The PDF copies are being prepared."))
    return redirect("pledges:pledge", pk=cy.pk)


@login_required
@require_POST
def pledge_sign(request, pk):
    cy = year_for(request, pk, "pledges.sign_pledge")
    pledge = get_object_or_404(Pledge, cluster_year=cy)
    version = get_object_or_404(PledgeVersion, pledge=pledge, pk=request.POST.get("version"))
    form = SignForm(request.POST)
    try:
        correct = form.is_valid() and verify_password(request, form.cleaned_data["password"])
    except ValidationError as exc:  # too many wrong passwords from here
        _errors(request, exc)
        return redirect("pledges:pledge", pk=cy.pk)
    if not correct:
        messages.error(request, _("The password is not correct; nothing was signed."))
        return redirect("pledges:pledge", pk=cy.pk)
    try:
        services.signature_request(version=version, user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Your signature is being added to the pledge."))
    return redirect("pledges:pledge", pk=cy.pk)


@login_required
@require_POST
def pledge_upload(request, pk):
    cy = year_for(request, pk, "pledges.upload_signed")
    pledge = get_object_or_404(Pledge, cluster_year=cy)
    if pledge.final_version_id is None:
        raise Http404
    form = UploadSignedForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a PDF file (at most %(mb)s MB).") % {"mb": limit_mb()})
        return redirect("pledges:pledge", pk=cy.pk)
    try:
        check_upload(form.cleaned_data["file"], PDF, type_message=NOT_PDF)
        services.signature_upload(
            version=pledge.final_version,
            unit=request.user.unit,
            data=form.cleaned_data["file"].read(),
            actor=request.user,
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.info(request, _("The signed file is being checked; the result shows below in a moment."))
    return redirect("pledges:pledge", pk=cy.pk)


@login_required
@require_POST
def certificate_import(request, pk):
    cy = year_for(request, pk, "pledges.sign_pledge")
    form = Pkcs12Form(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a PKCS#12 file."))
        return redirect("pledges:pledge", pk=cy.pk)
    try:
        services.unit_certificate_import(
            unit=request.user.unit,
            year=cy.year,
            data=form.cleaned_data["file"].read(),
            password=form.cleaned_data["password"],
            actor=request.user,
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The certificate was imported; your unit's signatures will use it."))
    return redirect("pledges:pledge", pk=cy.pk)


@login_required
@require_POST
def certificate_register(request, pk):
    """The leader registers the public certificate of the unit's USB token for this year."""
    cy = year_for(request, pk, "pledges.sign_pledge")
    form = CertificateForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a certificate file (.cer, .crt, .pem)."))
        return redirect("pledges:pledge", pk=cy.pk)
    try:
        services.external_certificate_register(
            unit=request.user.unit, year=cy.year, data=form.cleaned_data["file"].read(), actor=request.user
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request, _("The certificate is registered; it counts once the province confirms it.")
        )
    return redirect("pledges:pledge", pk=cy.pk)
