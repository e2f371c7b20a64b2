from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters.access import province_object, require, year_for
from clusters.audit import history_for
from clusters.models import Cluster, Role, Unit
from clusters.selectors import year_memberships
from documents.models import Document
from documents.views import queue_year_pdf

from . import charts, pagehtml, selectors, services
from .documents import KIND as SUMMARY_KIND
from .documents import document_key
from .forms import HandOverCorrectForm, NextYearForm, ProvinceFilterForm
from .models import HandOver, Notification
from .spreadsheets import XLSX_CONTENT_TYPE, summary_workbook


def _errors(request, exc):
    for msg in exc.messages:
        messages.error(request, msg)


def _totals_chart(data):
    rows = data["ranking"] or []
    if not rows:
        return ""
    return mark_safe(  # noqa: S308 - built from escaped parts in charts.py
        charts.bar_chart(
            [(r.unit_name, r.total) for r in rows],
            title=_("Total score per unit, %(year)s") % {"year": data["year"].year},
        )
    )


@login_required
def year_summary(request, pk):
    """The year's figures (the same as the PDF), the hand-over and "start next year"."""
    cy = year_for(request, pk, "yearend.view_summary")
    data = selectors.summary(cy)
    user = request.user
    can_start = data["handover"] is None and services.can_start_next_year(user, cy)
    can_see_units = user.has_role(Role.PROVINCE_ADMIN) or user.has_role(Role.COUNCIL_MEMBER)
    context = {
        **data,
        "chart": _totals_chart(data),
        "ranking_html": pagehtml.ranking_rows(data["ranking"], data["majors"], can_see_units),
        "signatories_html": pagehtml.signatories(data["pledge"]["signatories"]),
        "can_start": can_start,
        "can_edit_report": user.has_perm("yearend.edit_report", cy),
        "can_see_units": can_see_units,
        "start_possible": cy.stage in services.HANDOVER_STAGES,
        "next_form": NextYearForm(members=data["members"]) if can_start else None,
        "document": Document.objects.filter(key=document_key(cy)).first(),
        "history": [e for e in history_for(cy)[:40] if e.action.startswith("handover.")],
    }
    if data["handover"] is not None and user.has_perm("yearend.correct_handover", cy):
        h = data["handover"]
        context["correct_form"] = HandOverCorrectForm(
            next_members=year_memberships(h.next_year),
            initial={"head": h.to_head_id, "deputy": h.to_deputy_id, "handed_over_on": h.handed_over_on},
        )
    return render(request, "yearend/year_summary.html", context)


@login_required
@require_POST
def start_next_year(request, pk):
    cy = year_for(request, pk, "yearend.start_next_year")
    form = NextYearForm(request.POST, members=year_memberships(cy))
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("yearend:year", pk=cy.pk)
    try:
        handover = services.start_next_year(cluster_year=cy, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("yearend:year", pk=cy.pk)
    messages.success(
        request,
        _("Year %(year)s is open: members, head and deputy are set; edit its criteria and rules.")
        % {"year": handover.next_year.year},
    )
    return redirect("clusters:year_detail", pk=handover.next_year_id)


@login_required
@require_POST
def handover_correct(request, pk):
    cy = year_for(request, pk, "yearend.correct_handover")
    handover = (
        HandOver.objects.select_related("next_year", "cluster_year__cluster").filter(cluster_year=cy).first()
    )
    if handover is None:
        messages.error(request, _("This year has not been handed over yet."))
        return redirect("yearend:year", pk=cy.pk)
    form = HandOverCorrectForm(request.POST, next_members=year_memberships(handover.next_year))
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("yearend:year", pk=cy.pk)
    try:
        services.handover_correct(handover=handover, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The hand-over is corrected."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("yearend:year", pk=cy.pk)


@login_required
@require_POST
def summary_pdf(request, pk):
    """Queue the summary report (rendered by Celery); the page polls its status."""
    cy = year_for(request, pk, "yearend.render_summary")
    return queue_year_pdf(
        request,
        cy,
        kind=SUMMARY_KIND,
        key=document_key(cy),
        title=_("Summary report %(year)s") % {"year": cy.year},
        message=_("The summary report is being prepared."),
        redirect_to=reverse("yearend:year", args=[cy.pk]),
    )


@login_required
def summary_xlsx(request, pk):
    cy = year_for(request, pk, "yearend.view_summary")
    content = summary_workbook(selectors.summary(cy))
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="tong-ket-{cy.cluster.code}-{cy.year}.xlsx"'
    return response


@login_required
def cluster_history(request, pk):
    cluster = province_object(request, Cluster, pk=pk)
    require(request.user, "clusters.view_cluster", cluster)
    return render(
        request,
        "yearend/cluster_history.html",
        {"cluster": cluster, "years": selectors.cluster_history(cluster)},
    )


@login_required
def province_overview(request):
    user = request.user
    require(user, "yearend.view_province", user.province)
    form = ProvinceFilterForm(request.GET or None)
    year, stage, overdue_only = None, "", False
    if form.is_valid():
        year = form.cleaned_data["year"]
        stage = form.cleaned_data["stage"]
        overdue_only = form.cleaned_data["overdue"]
    year = year or selectors.active_year(user.province_id)  # opens on the year being worked on
    rows = selectors.province_overview(user.province_id, year)
    if stage:
        rows = [r for r in rows if r["year"].stage == stage]
    if overdue_only:
        rows = [r for r in rows if r["overdue"]]
    return render(
        request,
        "yearend/province.html",
        {
            "form": form,
            "rows": rows,
            "rows_html": pagehtml.province_rows(rows),
            "shown_year": year,
            "today": timezone.localdate(),
        },
    )


@login_required
def unit_history(request, pk):
    unit = province_object(request, Unit, pk=pk)
    require(request.user, "yearend.view_unit_history", unit)
    rows = selectors.unit_history(unit)
    chart = ""
    if rows:
        chart = mark_safe(  # noqa: S308 - built from escaped parts in charts.py
            charts.line_chart(
                [(r["year"], r["total"]) for r in rows],
                title=_("Total score of %(unit)s by year") % {"unit": unit.name},
            )
        )
    return render(request, "yearend/unit_history.html", {"unit": unit, "rows": rows, "chart": chart})


@login_required
def notifications(request):
    items = list(Notification.objects.filter(user=request.user).select_related("cluster_year__cluster")[:100])
    return render(
        request,
        "yearend/notifications.html",
        {"items": items, "unread": sum(1 for n in items if n.read_at is None)},
    )


@login_required
@require_POST
def notifications_read(request):
    services.notifications_mark_read(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("yearend:notifications")
