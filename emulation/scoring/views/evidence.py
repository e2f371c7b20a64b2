"""Evidence files of a sheet row: upload, download, remove."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clusters.access import province_object, require

from .. import services
from ..models import Criterion, Evidence
from ._base import _sheet, _sheet_url
from .sheets import _row_response


@login_required
@require_POST
def evidence_upload(request, pk, unit_pk, criterion_pk):
    cy, sheet = _sheet(request, pk, unit_pk, "scoring.self_score")
    criterion = get_object_or_404(Criterion, pk=criterion_pk, table__cluster_year=cy, is_leaf=True)
    upload = request.FILES.get("file")
    error = None
    if upload is None:
        error = _("Choose a file to upload.")
    else:
        try:
            services.evidence_add(sheet=sheet, criterion=criterion, upload=upload, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if request.htmx:
        return _row_response(request, cy, unit_pk, criterion.pk, evidence_error=error)
    if error:
        messages.error(request, f"{criterion.code}: {error}")
    else:
        messages.success(request, _("File attached to criterion %(code)s.") % {"code": criterion.code})
    return redirect(_sheet_url(cy, sheet) + f"#row-{criterion.pk}")


def _evidence(request, pk, perm):
    evidence = province_object(
        request,
        Evidence.objects.select_related(
            "entry__sheet__cluster_year__cluster", "entry__sheet__unit", "entry__criterion"
        ),
        via="entry__sheet__cluster_year__cluster__province",
        pk=pk,
    )
    require(request.user, perm, evidence.entry.sheet)
    return evidence


@login_required
@require_GET
def evidence_download(request, pk):
    evidence = _evidence(request, pk, "scoring.view_sheet")
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)


@login_required
@require_POST
def evidence_delete(request, pk):
    evidence = _evidence(request, pk, "scoring.self_score")
    sheet = evidence.entry.sheet
    services.evidence_remove(evidence=evidence, actor=request.user)
    if request.htmx:
        return _row_response(request, sheet.cluster_year, sheet.unit_id, evidence.entry.criterion_id)
    messages.success(request, _("File removed."))
    return redirect(_sheet_url(sheet.cluster_year, sheet))
