"""The bulk set-up pages (province admin, own province): download the template or the province as
it is, upload a filled workbook, see every row's fate, apply all at once."""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ..access import require
from ..models import ClusterYear
from ..uploads import check_upload
from . import apply as bulk
from . import export

SESSION_KEY = "bulk_setup"
XLSX = {".xlsx": (b"PK\x03\x04",)}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled set-up workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class ExportForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Memberships of the year"), coerce=int, required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("none"))] + [(y, y) for y in years]


def _province(request):
    require(request.user, "clusters.manage_province", request.user.province)
    return request.user.province


def _years(province):
    qs = ClusterYear.objects.filter(cluster__province=province).values_list("year", flat=True)
    return sorted(set(qs), reverse=True)


def _page(request, province, form=None):
    years = _years(province)
    context = {
        "form": form or UploadForm(),
        "export_form": ExportForm(years=years, initial={"year": years[0] if years else ""}),
    }
    return render(request, "clusters/bulk_setup.html", context)


def _xlsx(data, filename):
    response = HttpResponse(data, content_type=export.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def setup(request):
    return _page(request, _province(request))


@login_required
def template_download(request):
    _province(request)
    return _xlsx(export.template(), "thiet-lap-mau.xlsx")


@login_required
def export_download(request):
    province = _province(request)
    form = ExportForm(request.GET, years=_years(province))
    year = form.cleaned_data.get("year") if form.is_valid() else None
    name = f"thiet-lap-{province.code}" + (f"-{year}" if year else "") + ".xlsx"
    return _xlsx(export.export(province, year or None), name)


def _store(request, province, data):
    _discard(request)
    name = default_storage.save(f"bulk-setup/{province.pk}/{uuid.uuid4().hex}.xlsx", ContentFile(data))
    token = uuid.uuid4().hex
    request.session[SESSION_KEY] = {"token": token, "name": name, "province": province.pk}
    return token


def _stored(request, province, token):
    kept = request.session.get(SESSION_KEY) or {}
    if not token or kept.get("token") != token or kept.get("province") != province.pk:
        raise Http404
    with default_storage.open(kept["name"], "rb") as f:
        return f.read()


def _discard(request):
    kept = request.session.pop(SESSION_KEY, None)
    if kept and default_storage.exists(kept["name"]):
        default_storage.delete(kept["name"])


@login_required
@require_POST
def preview(request):
    province = _province(request)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, province, form)
    upload = form.cleaned_data["file"]
    try:
        check_upload(upload, XLSX, type_message=_("“%(name)s” is not an Excel workbook (.xlsx)."))
        data = upload.read()
        plan = bulk.preview(province=province, actor=request.user, data=data)
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error("file", message)
        return _page(request, province, form)
    token = _store(request, province, data) if plan.ok and plan.change_count else ""
    context = {"plan": plan, "token": token, "digest": plan.digest(), "filename": upload.name}
    return render(request, "clusters/bulk_preview.html", context)


@login_required
@require_POST
def apply_upload(request):
    province = _province(request)
    data = _stored(request, province, request.POST.get("token"))
    try:
        plan = bulk.apply(
            province=province, actor=request.user, data=data, digest=request.POST.get("digest", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("clusters:bulk_setup")
    _discard(request)
    messages.success(
        request,
        _("Set-up applied: %(new)s new, %(changed)s changed, %(same)s unchanged.")
        % {"new": plan.count(bulk.NEW), "changed": plan.count(bulk.CHANGED), "same": plan.count("unchanged")},
    )
    return redirect("clusters:bulk_setup")
