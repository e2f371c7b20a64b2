"""Thin views: province-scoped fetch (404), rule (403), one service call, render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from clusters.access import province_object, require, year_for
from clusters.audit import history_for
from clusters.models import ClusterYear, Membership
from documents.models import Document
from documents.services import document_request
from documents.views import queued_response

from . import selectors, services, spreadsheets
from .documents import KIND as RANKING_KIND
from .documents import document_key as ranking_key
from .forms import (
    AdjustmentForm,
    CriterionEditForm,
    CriterionForm,
    EligibilityForm,
    ReasonForm,
    TieBreakForm,
    UploadForm,
)
from .models import (
    Adjustment,
    CriteriaTable,
    Criterion,
    CriterionKind,
    Evidence,
    ScoreSheet,
    SheetStatus,
    TieBreak,
)
from .values import fmt

MAX_ERRORS_SHOWN = 30


def _errors(request, exc):
    msgs = exc.messages
    for msg in msgs[:MAX_ERRORS_SHOWN]:
        messages.error(request, msg)
    if len(msgs) > MAX_ERRORS_SHOWN:
        messages.error(request, _("… and %(n)s more errors.") % {"n": len(msgs) - MAX_ERRORS_SHOWN})


def _xlsx(data, filename):
    response = HttpResponse(data, content_type=spreadsheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _sheet(request, pk, unit_pk, perm):
    """The year (province-scoped, else 404), the member unit (else 404) and its sheet (possibly
    not saved yet), then the rule (else 403)."""
    cy = province_object(request, ClusterYear, pk=pk)
    membership = get_object_or_404(
        Membership.objects.select_related("unit").prefetch_related("unit__versions"),
        cluster_year=cy,
        unit_id=unit_pk,
    )
    sheet = ScoreSheet.objects.filter(cluster_year=cy, unit_id=unit_pk).first() or ScoreSheet(
        cluster_year=cy, unit=membership.unit
    )
    sheet.cluster_year, sheet.unit = cy, membership.unit
    require(request.user, perm, sheet)
    return cy, sheet


def _sheet_url(cy, sheet):
    return reverse("scoring:sheet", args=[cy.pk, sheet.unit_id])


# ---------------------------------------------------------------------------------------------
# Criteria table


@login_required
def criteria(request, pk):
    cy = year_for(request, pk, "scoring.view_criteria")
    table = selectors.table_of(cy)
    nodes = selectors.criteria_tree(cy)
    can_edit = request.user.has_perm("scoring.edit_criteria", cy)
    frozen = cy.stage_index() >= 2
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
            "max_points": fmt(criterion.max_points),
            "kind": criterion.kind,
            "guidance": criterion.guidance,
            "target_key": criterion.target_key,
            "target_value": fmt(criterion.target_value),
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
            "frozen": cy.stage_index() >= 2,
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


# ---------------------------------------------------------------------------------------------
# One unit's sheet


def _sheet_context(request, cy, sheet):
    user = request.user
    rows = selectors.sheet_view(sheet) if sheet.pk else selectors.sheet_view_empty(cy)
    table = selectors.table_of(cy)
    can_review = user.has_perm("scoring.review", cy)
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
        "history": selectors.sheet_history(sheet) if sheet.pk else [],
        "adjustment_form": AdjustmentForm(prefix="adj") if can_review else None,
        "eligibility_form": EligibilityForm(
            prefix="elig", initial={"ineligible": sheet.ineligible, "reason": sheet.ineligible_reason}
        )
        if can_review
        else None,
        "upload_form": UploadForm(),
        "kinds": CriterionKind,
    }


@login_required
def sheet(request, pk, unit_pk):
    cy, sheet = _sheet(request, pk, unit_pk, "scoring.view_sheet")
    return render(request, "scoring/sheet.html", _sheet_context(request, cy, sheet))


def _row_response(
    request, cy, unit_pk, criterion_pk, error=None, review_error=None, posted=None, saved=False
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
        {"row": row, "error": error, "review_error": review_error, "posted": posted or {}, "oob": True}
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
        return _row_response(request, cy, unit_pk, criterion.pk, error=error)
    if error:
        messages.error(request, f"{criterion.code}: {error}")
    else:
        messages.success(request, _("File attached to criterion %(code)s.") % {"code": criterion.code})
    return redirect(_sheet_url(cy, sheet) + f"#row-{criterion.pk}")


def _evidence(request, pk, perm):
    if not request.user.is_authenticated:
        raise Http404
    evidence = get_object_or_404(
        Evidence.objects.select_related(
            "entry__sheet__cluster_year__cluster", "entry__sheet__unit", "entry__criterion"
        ),
        pk=pk,
        entry__sheet__cluster_year__cluster__province_id=request.user.province_id,
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
def review_save(request, pk, unit_pk, criterion_pk):
    cy, sheet = _sheet(request, pk, unit_pk, "scoring.view_sheet")
    require(request.user, "scoring.review", cy)
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
    require(request.user, "scoring.review", cy)
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
    if not request.user.is_authenticated:
        raise Http404
    adjustment = get_object_or_404(
        Adjustment.objects.select_related("sheet__cluster_year__cluster", "sheet__unit"),
        pk=pk,
        sheet__cluster_year__cluster__province_id=request.user.province_id,
    )
    cy = adjustment.sheet.cluster_year
    require(request.user, "scoring.review", cy)
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
    require(request.user, "scoring.review", cy)
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


@login_required
@require_POST
def sheet_reopen(request, pk, unit_pk):
    cy, sheet = _sheet(request, pk, unit_pk, "scoring.view_sheet")
    require(request.user, "scoring.review", cy)
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
        sheet_title=f"Tự chấm điểm thi đua năm {cy.year} – {cy.cluster.name}", unit_name=unit_name, rows=rows
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
        rows = spreadsheets.sheet_read(form.cleaned_data["file"])
        changed = services.self_scores_import(sheet=sheet, rows=rows, actor=request.user)
        messages.success(request, _("The file was imported: %(n)s rows changed.") % {"n": changed})
    except ValidationError as exc:
        messages.error(request, _("Nothing was changed. Please correct the file:"))
        _errors(request, exc)
    return redirect(_sheet_url(cy, sheet))


# ---------------------------------------------------------------------------------------------
# The year: overview, lock, ranking


@login_required
def overview(request, pk):
    cy = year_for(request, pk, "scoring.view_overview")
    table = selectors.table_of(cy)
    return render(
        request,
        "scoring/overview.html",
        {
            "year": cy,
            "table": table,
            "rows": selectors.year_overview(cy),
            "can_lock": request.user.has_perm("scoring.lock", cy) and not (table and table.locked),
            "can_unlock": request.user.has_perm("scoring.unlock", cy) and bool(table and table.locked),
            "can_assign": request.user.has_perm("scoring.assign_reviewer", cy),
            "history": selectors.table_history(table) if table else [],
        },
    )


@login_required
@require_POST
def reviewer(request, pk):
    cy = year_for(request, pk, "scoring.assign_reviewer")
    unit = None
    if request.POST.get("unit"):
        membership = Membership.objects.filter(cluster_year=cy, unit_id=request.POST["unit"]).select_related(
            "unit"
        )
        unit = getattr(membership.first(), "unit", None)
        if unit is None:
            raise Http404
    try:
        services.reviewer_set(cluster_year=cy, unit=unit, actor=request.user)
        messages.success(request, _("Reviewer unit saved."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("scoring:overview", pk=cy.pk)


@login_required
@require_POST
def lock(request, pk):
    cy = year_for(request, pk, "scoring.lock")
    try:
        table = services.scores_lock(cluster_year=cy, actor=request.user)
        messages.success(request, _("The year's scores are locked."))
        drafts = table.unsubmitted
        if drafts:
            messages.warning(
                request,
                ngettext(
                    "%(n)s unit had not submitted its self-score; its scores are locked as they are.",
                    "%(n)s units had not submitted their self-scores; their scores are locked as they are.",
                    drafts,
                )
                % {"n": drafts},
            )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("scoring:overview", pk=cy.pk)


@login_required
@require_POST
def unlock(request, pk):
    cy = year_for(request, pk, "scoring.unlock")
    try:
        services.scores_unlock(cluster_year=cy, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("The year's scores are unlocked."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("scoring:overview", pk=cy.pk)


def _rule_text(table):
    if table is None or table.tie_break == TieBreak.NONE:
        return _("Tie-break rule: none – units with equal totals share a rank.")
    criterion = table.tie_break_criterion
    named = f"{criterion.code}. {criterion.text}" if criterion else ""
    if table.tie_break == TieBreak.CRITERION:
        return _(
            "Tie-break rule: equal totals are ranked by criterion %(c)s; still equal, they share a rank."
        ) % {"c": named}
    if table.tie_break == TieBreak.CRITERION_THEN_BONUS:
        return _(
            "Tie-break rule: equal totals are ranked by criterion %(c)s, then by bonus points; still equal, "
            "they share a rank."
        ) % {"c": named}
    return _("Tie-break rule: equal totals are ranked by bonus points; still equal, they share a rank.")


def _ranking_data(cy):
    table = selectors.table_of(cy)
    rows = selectors.ranking_for_year(cy)
    majors = list(
        Criterion.objects.filter(table__cluster_year=cy, parent__isnull=True).order_by("position", "id")
    )
    return table, rows, majors


@login_required
def ranking(request, pk):
    cy = year_for(request, pk, "scoring.view_ranking")
    table, rows, majors = _ranking_data(cy)
    return render(
        request,
        "scoring/ranking.html",
        {
            "year": cy,
            "table": table,
            "rows": rows,
            "majors": majors,
            "rule_text": _rule_text(table),
            "document": Document.objects.filter(key=ranking_key(cy)).first(),
        },
    )


@login_required
@require_GET
def ranking_export(request, pk):
    cy = year_for(request, pk, "scoring.view_ranking")
    table, rows, majors = _ranking_data(cy)
    data = spreadsheets.ranking_export(
        title=f"Kết quả chấm điểm thi đua năm {cy.year} – {cy.cluster.name}",
        rows=rows,
        majors=majors,
        rule_text=_rule_text(table),
    )
    return _xlsx(data, f"xep-hang-{cy.cluster.code}-{cy.year}.xlsx")


@login_required
@require_POST
def ranking_pdf(request, pk):
    cy = year_for(request, pk, "scoring.view_ranking")
    doc = document_request(
        key=ranking_key(cy),
        kind=RANKING_KIND,
        province_id=cy.cluster.province_id,
        actor=request.user,
        title=_("Ranking %(year)s") % {"year": cy.year},
        params={"cluster_year_id": cy.pk},
    )
    return queued_response(
        request,
        doc,
        message=_("The ranking PDF is being prepared."),
        redirect_to=reverse("scoring:ranking", args=[cy.pk]),
    )
