"""The year: overview, reviewer unit, lock and unlock, ranking (page, spreadsheet, PDF)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from clusters import confirm
from clusters.access import year_for
from clusters.models import Membership
from documents.models import Document
from documents.views import queue_year_pdf

from .. import selectors, services, spreadsheets
from ..documents import KIND as RANKING_KIND
from ..documents import document_key as ranking_key
from ..models import Criterion, TieBreak
from ._base import _errors, _xlsx


@login_required
def overview(request, pk):
    cy = year_for(request, pk, "scoring.view_overview")
    table = selectors.table_of(cy)
    rows = selectors.year_overview(cy)
    return render(
        request,
        "scoring/overview.html",
        {
            "year": cy,
            "table": table,
            "rows": rows,
            # what locking now would leave out: shown on the lock form, which then asks for a reason
            "lock_checks": confirm.found(
                [
                    services.unsubmitted_shortfall(
                        [r["name"] for r in rows if not (r["sheet"] and r["sheet"].is_submitted)], len(rows)
                    )
                ]
            ),
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
        table = services.scores_lock(
            cluster_year=cy, actor=request.user, reason=request.POST.get("reason", "")
        )
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


def _tie_note(table):
    """Next to a rank that the tie-break decided: what decided it."""
    if table is None or table.tie_break == TieBreak.NONE:
        return ""
    criterion = table.tie_break_criterion
    if table.tie_break == TieBreak.BONUS or criterion is None:
        return _("equal total: ranked by bonus points")
    if table.tie_break == TieBreak.CRITERION_THEN_BONUS:
        return _("equal total: ranked by criterion %(c)s, then bonus points") % {"c": criterion.code}
    return _("equal total: ranked by criterion %(c)s") % {"c": criterion.code}


def _ranking_data(cy):
    table = selectors.table_of(cy)
    majors = list(
        Criterion.objects.filter(table__cluster_year=cy, parent__isnull=True).order_by("position", "id")
    )
    rows = selectors.ranking_for_year(cy, majors=[(m.pk, m.code) for m in majors])
    for r in rows:  # the cells in column order: no dictionary lookup per cell in the template
        r.cells = [r.by_major.get(m.code) for m in majors]
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
            "tie_note": _tie_note(table),
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
    cy = year_for(request, pk, "scoring.render_ranking")
    return queue_year_pdf(
        request,
        cy,
        kind=RANKING_KIND,
        key=ranking_key(cy),
        title=_("Ranking %(year)s") % {"year": cy.year},
        message=_("The ranking PDF is being prepared."),
        redirect_to=reverse("scoring:ranking", args=[cy.pk]),
    )
