"""Public endpoints: the verification page (the QR code's target), the province CRL and the
province time-stamping authority. No login; the copy check runs in a task and is rate-limited."""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from clusters.models import Province
from clusters.uploads import PDF, check_upload, limit_mb

from . import crypto, pades, services
from .authority import authority_of, crl_der
from .forms import VerifyUploadForm
from .models import CopyCheck, PledgeVersion, SignatureState
from .verification import stored_state
from .views import NOT_PDF

RATE = getattr(settings, "PLEDGE_VERIFY_RATE", (10, 600))  # checks per client per window (seconds)


def _client(request):
    return request.META.get("REMOTE_ADDR", "?")


def rate_limited(request, bucket):
    """True once a client made more than RATE[0] requests of `bucket` in RATE[1] seconds (the
    counter lives in the cache: Redis in production, shared by every process)."""
    limit, window = RATE
    key = f"pledges:rate:{bucket}:{_client(request)}"
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return False


def _version(code):
    version = get_object_or_404(
        PledgeVersion.objects.select_related("pledge__cluster_year__cluster__province"), code=code
    )
    if version.pledge.final_version_id != version.pk:
        raise Http404
    return version


def verify(request, code):
    version = _version(code)
    pledge = version.pledge
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if rate_limited(request, "verify"):
            return HttpResponse(
                _("Too many checks from your address; try again in a few minutes."), status=429
            )
        if not form.is_valid():
            messages.error(request, _("Choose a PDF file (at most %(mb)s MB).") % {"mb": limit_mb()})
        else:
            try:
                check_upload(form.cleaned_data["file"], PDF, type_message=NOT_PDF)
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            else:
                check = services.copy_check_request(version=version, data=form.cleaned_data["file"].read())
                return redirect("pledges:verify_check", code=code, token=check.token)
    signatures = list(version.signatures.filter(state=SignatureState.DONE).select_related("unit"))
    year = pledge.cluster_year.year
    for s in signatures:
        s.unit_display = s.unit.name_in_year(year)
    return render(
        request,
        "pledges/verify.html",
        {
            "version": version,
            "year": pledge.cluster_year,
            "signatures": signatures,
            "form": form,
            "stored": stored_state(version, signatures),
            "member_count": pledge.cluster_year.memberships.count(),
        },
    )


@require_GET
def verify_check(request, code, token):
    """The result of a copy check; while it runs, a small page that polls itself (htmx)."""
    version = _version(code)
    if rate_limited(request, "verify-poll"):
        return HttpResponse(_("Too many requests; try again in a few minutes."), status=429)
    check = get_object_or_404(CopyCheck, version=version, token=token, unit__isnull=True)
    template = (
        "pledges/_verify_result.html" if request.headers.get("HX-Request") else "pledges/verify_check.html"
    )
    return render(request, template, {"version": version, "check": check, "result": check.result})


@require_GET
def crl(request, province_code):
    """The province CA's CRL at a stable address (the certificates' CRL distribution point)."""
    province = get_object_or_404(Province, code=province_code)
    ca = authority_of(province.pk)
    if ca is None:
        raise Http404
    response = HttpResponse(crl_der(ca), content_type="application/pkix-crl")
    response["Cache-Control"] = "max-age=300"
    return response


@csrf_exempt
@require_POST
def tsa(request, province_code):
    """The province time-stamping authority over HTTP (RFC 3161), for other tools."""
    province = get_object_or_404(Province, code=province_code)
    ca = authority_of(province.pk)
    if ca is None or request.content_type != "application/timestamp-query":
        raise Http404
    if rate_limited(request, "tsa"):
        return HttpResponse(status=429)
    ca = services.ensure_tsa(ca)
    stamper = pades.ProvinceTimeStamper(
        key=crypto.decrypt_key(ca.tsa_key_encrypted), cert=crypto.load_cert(ca.tsa_certificate_pem)
    )
    try:
        body = stamper.answer(request.body[:8192])
    except ValueError as exc:
        raise Http404 from exc
    return HttpResponse(body, content_type="application/timestamp-reply")
