"""The province's report of the year's decisions: the page, the .xlsx export, the PDF (Celery)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusters.access import require
from documents.models import Document
from documents.services import document_request
from documents.views import queued_response

from .. import province, report
from .decisions import filters


def _year(request):
    require(request.user, "awards.view_province_report", request.user.province)
    return filters(request)


@login_required
def report_page(request):
    f = _year(request)
    pid = request.user.province_id
    return render(
        request,
        "awards/province_report.html",
        {
            **province.report(pid, f["year"]),
            "years": f["years"],
            "document": Document.objects.filter(key=report.document_key(pid, f["year"])).first(),
        },
    )


@login_required
def report_xlsx(request):
    f = _year(request)
    user = request.user
    content = report.workbook(province.report(user.province_id, f["year"]))
    response = HttpResponse(content, content_type=report.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="quyet-dinh-khen-thuong-{user.province.code}-{f["year"]}.xlsx"'
    )
    return response


@login_required
@require_POST
def report_pdf(request):
    f = _year(request)
    pid, year = request.user.province_id, f["year"]
    document = document_request(
        key=report.document_key(pid, year),
        kind=report.KIND,
        province_id=pid,
        actor=request.user,
        title=_("Report of the decisions %(year)s") % {"year": year},
        params={"province_id": pid, "year": year},
    )
    return queued_response(
        request,
        document,
        message=_("The report is being prepared."),
        redirect_to=reverse("awards:province_report") + f"?year={year}",
    )
