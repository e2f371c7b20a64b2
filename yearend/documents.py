"""The year's summary report (báo cáo tổng kết) as an official document, rendered by Celery."""

from django.utils import timezone
from django.utils.safestring import mark_safe

from clusters.audit import chain_head
from clusters.models import ClusterYear
from documents.dates import place_date_line
from documents.pdf import render_template_to_pdf

from . import charts, selectors

KIND = "yearend_summary"


def document_key(cluster_year):
    return f"yearend-summary-{cluster_year.pk}"


def can_view(user, document):
    cy = ClusterYear.objects.select_related("cluster").get(pk=document.params["cluster_year_id"])
    return user.has_perm("yearend.view_summary", cy)


def context_for(cy, today=None):
    data = selectors.summary(cy)
    progress_ranking = data["ranking"] or []
    province = cy.cluster.province
    chart = ""
    if progress_ranking:
        chart = mark_safe(  # noqa: S308 - escaped in charts.py
            charts.bar_chart(
                [(r.unit_name, r.total) for r in progress_ranking],
                title=f"Tổng điểm của các đơn vị năm {cy.year}",
                width=600,
            )
        )
    return {
        **data,
        "title": f"Báo cáo tổng kết công tác thi đua năm {cy.year}",
        "issuer_parent": f"UBND {province.name}",
        "issuer_name": cy.cluster.name,
        "place_date": place_date_line(province.place_name or province.name, today or timezone.localdate()),
        "chart": chart,
        "audit_head": chain_head(province.pk),
    }


def render_summary(document, progress):
    cy = ClusterYear.objects.select_related("cluster__province").get(pk=document.params["cluster_year_id"])
    context = context_for(cy)
    progress(50)
    pdf = render_template_to_pdf("yearend/summary_pdf.html", context)
    return pdf, f"bao-cao-tong-ket-{cy.cluster.code}-{cy.year}.pdf"
