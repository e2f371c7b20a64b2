"""The criteria table: view, add, edit, remove, tie-break, copy, spreadsheet import and export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clusters.access import year_for
from clusters.audit import history_for
from clusters.formatting import number

from .. import selectors, services, spreadsheets
from ..forms import CriterionEditForm, CriterionForm, TieBreakForm, UploadForm
from ..models import CriteriaTable, Criterion, CriterionKind, TieBreak
from ..rules import criteria_frozen
from ._base import _errors, _xlsx


@login_required
def criteria(request, pk):
    cy = year_for(request, pk, "scoring.view_criteria")
    table = selectors.table_of(cy)
    nodes = selectors.criteria_tree(cy)
    can_edit = request.user.has_perm("scoring.edit_criteria", cy)
    frozen = criteria_frozen(cy)
    context = {
        "year": cy,
        "table": table,
        "criteria": nodes,
        "can_edit": can_edit,
        "frozen": frozen,
        "leaf_count": sum(1 for c in nodes if c.is_leaf),
        "total_max": sum(
            (c.max_points for c in nodes if c.parent_id is None and c.kind != CriterionKind.DEDUCTION), 0
        ),
    }
    if can_edit:
        qs = Criterion.objects.filter(table__cluster_year=cy)
        context["form"] = CriterionForm(criteria=qs)
        context["tie_form"] = TieBreakForm(
            criteria=qs,
            initial={
                "rule": table.tie_break if table else TieBreak.NONE,
                "criterion": table.tie_break_criterion_id if table else None,
            },
        )
        context["upload_form"] = UploadForm()
        context["sources"] = _copy_sources(cy)
    return render(request, "scoring/criteria.html", context)


def _copy_sources(cy):
    """Tables that can be copied into this year: the cluster's earlier years first (copy forward),
    then other clusters' tables of the province (a province template). One query."""
    tables = list(
        CriteriaTable.objects.filter(
            cluster_year__cluster__province_id=cy.cluster.province_id, criteria__isnull=False
        )
        .exclude(cluster_year=cy)
        .select_related("cluster_year__cluster", "tie_break_criterion")
        .distinct()
        .order_by("-cluster_year__year", "cluster_year__cluster__name")[:50]
    )
    return sorted(tables, key=lambda t: (t.cluster_year.cluster_id != cy.cluster_id, -t.cluster_year.year))


@login_required
@require_POST
def criterion_add(request, pk):
    cy = year_for(request, pk, "scoring.edit_criteria")
    form = CriterionForm(request.POST, criteria=Criterion.objects.filter(table__cluster_year=cy))
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.criterion_add(cluster_year=cy, actor=request.user, **data)
            messages.success(request, _("Criterion added."))
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("Please fill in the code, the text, the maximum points and the kind."))
    return redirect("scoring:criteria", pk=cy.pk)


@login_required
def criterion_edit(request, pk, criterion_pk):
    cy = year_for(request, pk, "scoring.edit_criteria")
    criterion = get_object_or_404(
        Criterion.objects.select_related("table__cluster_year__cluster", "parent"),
        pk=criterion_pk,
        table__cluster_year=cy,
    )
    form = CriterionEditForm(
        request.POST or None,
        initial={
            "code": criterion.code,
            "text": criterion.text,
            "max_points": number(criterion.max_points),
            "kind": criterion.kind,
            "guidance": criterion.guidance,
            "target_key": criterion.target_key,
            "target_value": number(criterion.target_value),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_update(criterion=criterion, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Criterion %(code)s saved.") % {"code": form.cleaned_data["code"]})
            return redirect("scoring:criteria", pk=cy.pk)
        except ValidationError as exc:
            _errors(request, exc)
    return render(
        request,
        "scoring/criterion_edit.html",
        {
            "year": cy,
            "criterion": criterion,
            "form": form,
            "frozen": criteria_frozen(cy),
            "history": history_for(criterion),
        },
    )


@login_required
@require_POST
def criterion_delete(request, pk, criterion_pk):
    cy = year_for(request, pk, "scoring.edit_criteria")
    criterion = get_object_or_404(
        Criterion.objects.select_related("table__cluster_year__cluster", "parent"),
        pk=criterion_pk,
        table__cluster_year=cy,
    )
    try:
        services.criterion_delete(
            criterion=criterion, actor=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Criterion removed."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("scoring:criteria", pk=cy.pk)


@login_required
@require_POST
def tie_break(request, pk):
    cy = year_for(request, pk, "scoring.edit_criteria")
    form = TieBreakForm(request.POST, criteria=Criterion.objects.filter(table__cluster_year=cy))
    if form.is_valid():
        try:
            services.tie_break_set(
                cluster_year=cy,
                rule=form.cleaned_data["rule"],
                criterion=form.cleaned_data["criterion"],
                actor=request.user,
            )
            messages.success(request, _("Tie-break rule saved."))
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("Choose a tie-break rule."))
    return redirect("scoring:criteria", pk=cy.pk)


@login_required
@require_POST
def criteria_copy(request, pk):
    cy = year_for(request, pk, "scoring.edit_criteria")
    source = next((t for t in _copy_sources(cy) if str(t.pk) == request.POST.get("source")), None)
    if source is None:
        raise Http404
    try:
        services.table_copy(
            source=source, cluster_year=cy, actor=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The table was copied; you can now edit it."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("scoring:criteria", pk=cy.pk)


@login_required
@require_POST
def criteria_import(request, pk):
    cy = year_for(request, pk, "scoring.edit_criteria")
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an Excel file (.xlsx)."))
        return redirect("scoring:criteria", pk=cy.pk)
    try:
        rows = spreadsheets.criteria_read(form.cleaned_data["file"])
        services.table_replace(
            cluster_year=cy,
            rows=rows,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            source=form.cleaned_data["file"].name,
        )
        messages.success(request, _("The criteria table was imported (%(n)s rows).") % {"n": len(rows)})
    except ValidationError as exc:
        messages.error(request, _("Nothing was changed. Please correct the file:"))
        _errors(request, exc)
    return redirect("scoring:criteria", pk=cy.pk)


@login_required
@require_GET
def criteria_export(request, pk):
    cy = year_for(request, pk, "scoring.view_criteria")
    nodes = selectors.criteria_tree(cy)
    data = spreadsheets.criteria_export(nodes, f"Bộ tiêu chí {cy.cluster.name} năm {cy.year}")
    return _xlsx(data, f"bo-tieu-chi-{cy.cluster.code}-{cy.year}.xlsx")


@login_required
@require_GET
def criteria_template(request):
    if not request.user.is_authenticated:
        raise Http404
    return _xlsx(spreadsheets.criteria_template(), "mau-bo-tieu-chi.xlsx")
