"""The year-end report's narrative: the secretary's page to draft, save and issue it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clusters.access import year_for
from documents import register

from . import report, selectors
from .forms import SummaryReportForm


@login_required
def report_edit(request, pk):
    cy = year_for(request, pk, "yearend.edit_report")
    data = selectors.summary(cy)
    current = report.report_for(cy, data)
    if request.method == "POST":
        form = SummaryReportForm(request.POST, instance_data=current)
        if form.is_valid():
            try:
                report.report_save(cluster_year=cy, actor=request.user, **form.cleaned_data)
                if "issue" in request.POST:
                    report.report_issue(cluster_year=cy, actor=request.user)
                    messages.success(request, _("The report is issued."))
                else:
                    messages.success(request, _("The report is saved."))
                return redirect("yearend:report_edit", pk=cy.pk)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
    else:
        form = SummaryReportForm(instance_data=current)
    missing = [report.SECTION_LABELS[name] for name in current.missing_sections()]
    entry = register.entry_for(report.register_subject(cy)) if current.issued_at else None
    return render(
        request,
        "yearend/report_edit.html",
        {
            "year": cy,
            "form": form,
            "report": current,
            "missing": missing,
            "entry": entry,
            "saved": bool(current.pk),
        },
    )
