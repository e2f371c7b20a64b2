"""One unit's sheet: the page, an htmx row save, submit, reopen, spreadsheet export and import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clusters.access import require
from clusters.models import Membership

from .. import selectors, services, spreadsheets
from ..forms import AdjustmentForm, EligibilityForm, UploadForm
from ..models import AdjustmentKind, Criterion, CriterionKind, ScoreSheet, SheetStatus
from ._base import _errors, _sheet, _sheet_url, _xlsx


def _sheet_context(request, cy, sheet):
    user = request.user
    rows, history = selectors.sheet_page(sheet) if sheet.pk else (selectors.sheet_view_empty(cy), [])
    table = selectors.table_of(cy)
    can_review = user.has_perm("scoring.review", sheet)
    adjustments = selectors.sheet_adjustments(sheet) if sheet.pk else []
    return {
        "year": cy,
        "sheet": sheet,
        "unit_name": sheet.unit.name_in_year(cy.year),
        "rows": rows,
        "summary": selectors.sheet_summary(sheet, rows, adjustments),
        "table": table,
        "can_self": user.has_perm("scoring.self_score", sheet),
        "can_submit": user.has_perm("scoring.submit_sheet", sheet),
        "can_review": can_review,
        "adjustments": adjustments,
        "history": history,
        "adjustment_form": AdjustmentForm(prefix="adj") if can_review else None,
        "eligibility_form": EligibilityForm(
            prefix="elig", initial={"ineligible": sheet.ineligible, "reason": sheet.ineligible_reason}
        )
        if can_review
        else None,
        "kinds": CriterionKind,
        "adjustment_kinds": AdjustmentKind,
    }


@login_required
def sheet(request, pk, unit_pk):
    cy, sheet = _sheet(request, pk, unit_pk, "scoring.view_sheet")
    return render(request, "scoring/sheet.html", _sheet_context(request, cy, sheet))


def _row_response(
    request,
    cy,
    unit_pk,
    criterion_pk,
    error=None,
    review_error=None,
    posted=None,
    saved=False,
    evidence_error=None,
):
    """After an htmx row action: the row again (with its error, if any) and the summary (out of band)."""
    sheet = ScoreSheet.objects.filter(cluster_year=cy, unit_id=unit_pk).select_related("unit").first()
    if sheet is None:
        sheet = ScoreSheet(
            cluster_year=cy,
            unit=Membership.objects.select_related("unit").get(cluster_year=cy, unit_id=unit_pk).unit,
        )
    sheet.cluster_year = cy
    context = _sheet_context(request, cy, sheet)
    row = next(r for r in context["rows"] if r.criterion.pk == criterion_pk)
    context.update(
        {
            "row": row,
            "error": error,
            "review_error": review_error,
            "evidence_error": evidence_error,
            "posted": posted or {},
            "oob": True,
            "saved": saved and error is None,
        }
    )
    return render(request, "scoring/_row_response.html", context)


@login_required
@require_POST
def row_save(request, pk, unit_pk, criterion_pk):
    cy, sheet = _sheet(request, pk, unit_pk, "scoring.self_score")
    criterion = get_object_or_404(Criterion, pk=criterion_pk, table__cluster_year=cy, is_leaf=True)
    error = None
    try:
        services.self_score_save(
            sheet=sheet,
            criterion=criterion,
            value=request.POST.get("value", ""),
            note=request.POST.get("note", ""),
            target=request.POST.get("target"),
            actor=request.user,
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.htmx:
        return _row_response(request, cy, unit_pk, criterion.pk, error=error, posted=request.POST, saved=True)
    if error:
        messages.error(request, f"{criterion.code}: {error}")
    else:
        messages.success(request, _("Criterion %(code)s saved.") % {"code": criterion.code})
    return redirect(_sheet_url(cy, sheet) + f"#row-{criterion.pk}")


@login_required
@require_POST
def sheet_submit(request, pk, unit_pk):
    cy, sheet = _sheet(request, pk, unit_pk, "scoring.view_sheet")
    if sheet.pk and sheet.status == SheetStatus.SUBMITTED and sheet.unit_id == request.user.unit_id:
        # A second click (or a stale page): the first one already did it.
        messages.info(request, _("This self-score has already been submitted."))
        return redirect(_sheet_url(cy, sheet))
    require(request.user, "scoring.submit_sheet", sheet)
    try:
        services.sheet_submit(sheet=sheet, actor=request.user)
        messages.success(request, _("Your self-score was submitted. Only the reviewer can change it now."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(_sheet_url(cy, sheet))


@login_required
@require_POST
def sheet_reopen(request, pk, unit_pk):
    cy, sheet = _sheet(request, pk, unit_pk, "scoring.view_sheet")
    require(request.user, "scoring.review", sheet)
    try:
        services.sheet_reopen(sheet=sheet, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("The scores were sent back to the unit."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(_sheet_url(cy, sheet))


@login_required
@require_GET
def sheet_export(request, pk, unit_pk):
    cy, sheet = _sheet(request, pk, unit_pk, "scoring.view_sheet")
    rows = selectors.sheet_view(sheet) if sheet.pk else selectors.sheet_view_empty(cy)
    unit_name = sheet.unit.name_in_year(cy.year)
    data = spreadsheets.sheet_export(
        sheet_title=f"Tự chấm điểm thi đua năm {cy.year} – {cy.cluster.name}",
        unit_name=unit_name,
        unit_code=sheet.unit.code,
        rows=rows,
    )
    return _xlsx(data, f"tu-cham-{sheet.unit.code}-{cy.year}.xlsx")


@login_required
@require_POST
def sheet_import(request, pk, unit_pk):
    cy, sheet = _sheet(request, pk, unit_pk, "scoring.self_score")
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an Excel file (.xlsx)."))
        return redirect(_sheet_url(cy, sheet))
    try:
        rows = spreadsheets.sheet_read(form.cleaned_data["file"], unit=sheet.unit)
        changed = services.self_scores_import(sheet=sheet, rows=rows, actor=request.user)
        messages.success(request, _("The file was imported: %(n)s rows changed.") % {"n": changed})
    except ValidationError as exc:
        messages.error(request, _("Nothing was changed. Please correct the file:"))
        _errors(request, exc)
    return redirect(_sheet_url(cy, sheet))
