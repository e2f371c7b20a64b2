"""The reviewer on a sheet: reviewed scores, bonus points and deductions, eligibility."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters.access import province_object, require

from .. import services
from ..forms import AdjustmentForm, EligibilityForm, ReasonForm
from ..models import Adjustment, Criterion
from ._base import _errors, _sheet, _sheet_url
from .sheets import _row_response


@login_required
@require_POST
def review_save(request, pk, unit_pk, criterion_pk):
    cy, sheet = _sheet(request, pk, unit_pk, "scoring.view_sheet")
    require(request.user, "scoring.review", sheet)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, table__cluster_year=cy, is_leaf=True)
    error = None
    try:
        services.review_adjust(
            sheet=sheet,
            criterion=criterion,
            value=request.POST.get("reviewed", ""),
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.htmx:
        return _row_response(request, cy, unit_pk, criterion.pk, review_error=error, posted=request.POST)
    if error:
        messages.error(request, f"{criterion.code}: {error}")
    else:
        messages.success(request, _("Reviewed score of %(code)s saved.") % {"code": criterion.code})
    return redirect(_sheet_url(cy, sheet) + f"#row-{criterion.pk}")


@login_required
@require_POST
def adjustment_add(request, pk, unit_pk):
    cy, sheet = _sheet(request, pk, unit_pk, "scoring.view_sheet")
    require(request.user, "scoring.review", sheet)
    form = AdjustmentForm(request.POST, prefix="adj")
    if form.is_valid():
        try:
            services.adjustment_add(sheet=sheet, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Saved."))
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("Enter the kind, the points and the reason."))
    return redirect(_sheet_url(cy, sheet) + "#adjustments")


@login_required
@require_POST
def adjustment_remove(request, pk):
    adjustment = province_object(
        request,
        Adjustment.objects.select_related("sheet__cluster_year__cluster", "sheet__unit"),
        via="sheet__cluster_year__cluster__province",
        pk=pk,
    )
    cy = adjustment.sheet.cluster_year
    require(request.user, "scoring.review", adjustment.sheet)
    form = ReasonForm(request.POST)
    try:
        services.adjustment_remove(
            adjustment=adjustment, actor=request.user, reason=form.data.get("reason", "")
        )
        messages.success(request, _("Removed."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(_sheet_url(cy, adjustment.sheet) + "#adjustments")


@login_required
@require_POST
def eligibility(request, pk, unit_pk):
    cy, sheet = _sheet(request, pk, unit_pk, "scoring.view_sheet")
    require(request.user, "scoring.review", sheet)
    form = EligibilityForm(request.POST, prefix="elig")
    if form.is_valid():
        try:
            services.eligibility_set(sheet=sheet, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Eligibility saved."))
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("A reason is required to change a unit's eligibility."))
    return redirect(_sheet_url(cy, sheet) + "#eligibility")
