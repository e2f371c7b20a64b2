"""The province admin's trust screen: the province CA, imported roots (import, retire) and the
units' externally held certificates waiting for confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters.access import require

from . import crypto, services
from .authority import authority_of
from .forms import TrustRootForm
from .models import CertificateSource, TrustRoot, UnitCertificate


def _province(request):
    user = request.user
    if user.province_id is None:
        raise Http404
    require(user, "pledges.manage_trust", user.province)
    return user.province


def _describe(pem):
    cert = crypto.load_cert(pem)
    return {
        "subject": crypto.subject_text(cert),
        # the holder's name for a heading, not the raw "CN=…,O=…,C=VN" line
        "name": crypto.common_name(cert) or crypto.subject_text(cert),
        "until": cert.not_valid_after_utc,
    }


@login_required
def trust(request):
    province = _province(request)
    form = TrustRootForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.trust_root_import(
                    province=province,
                    name=form.cleaned_data["name"],
                    data=form.cleaned_data["file"].read(),
                    actor=request.user,
                )
            except ValidationError as exc:
                for msg in exc.messages:
                    messages.error(request, msg)
            else:
                messages.success(request, _("The root certificate is trusted from now on."))
                return redirect("pledges:trust")
    roots = list(TrustRoot.objects.filter(province=province).select_related("added_by", "retired_by"))
    for r in roots:
        r.info = _describe(r.certificate_pem)
    external = list(
        UnitCertificate.objects.filter(
            unit__province=province, source=CertificateSource.EXTERNAL, revoked_at__isnull=True
        )
        .select_related("unit", "created_by", "confirmed_by")
        .order_by("confirmed_at", "-created_at")
    )
    for c in external:
        c.info = _describe(c.certificate_pem)
    ca = authority_of(province.pk)
    return render(
        request,
        "pledges/trust.html",
        {
            "province": province,
            "ca": _describe(ca.certificate_pem) if ca else None,
            "roots": roots,
            "external": external,
            "form": form,
        },
    )


@login_required
@require_POST
def trust_root_retire(request, pk):
    province = _province(request)
    root = get_object_or_404(TrustRoot, province=province, pk=pk)
    try:
        services.trust_root_retire(root=root, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request, _("The root is retired: signatures chaining only to it are no longer trusted.")
        )
    return redirect("pledges:trust")


@login_required
@require_POST
def certificate_confirm(request, pk):
    province = _province(request)
    uc = get_object_or_404(UnitCertificate, unit__province=province, pk=pk)
    try:
        services.external_certificate_confirm(certificate=uc, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The certificate is confirmed for the unit."))
    return redirect("pledges:trust")
