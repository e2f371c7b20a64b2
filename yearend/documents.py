"""The year's summary report (báo cáo tổng kết) as an official document, rendered by Celery."""

from django.utils.safestring import mark_safe

from clusters.audit import chain_head
from clusters.issuers import header_context, role_label
from clusters.models import ClusterYear
from documents import register
from documents.dates import place_date_line
from documents.pdf import render_template_to_pdf

from . import charts, report, selectors

KIND = "yearend_summary"
ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII"]


def document_key(cluster_year):
    return f"yearend-summary-{cluster_year.pk}"


def _year(document):
    return ClusterYear.objects.select_related("cluster").get(pk=document.params["cluster_year_id"])


def can_view(user, document):
    return user.has_perm("yearend.view_summary", _year(document))


def can_request(user, document):
    return user.has_perm("yearend.render_summary", _year(document))


def context_for(cy, today=None):
    """Everything the report prints: the narrative (or its draft), the annexes' data, the
    number and date (fixed when the report is issued; a draft keeps room for both)."""
    data = selectors.summary(cy)
    progress_ranking = data["ranking"] or []
    chart = ""
    if progress_ranking:
        chart = mark_safe(  # noqa: S308 - escaped in charts.py
            charts.bar_chart(
                [(r.unit_name, r.total) for r in progress_ranking],
                title=f"Tổng điểm của các đơn vị năm {cy.year}",
                width=600,
            )
        )
    for m in data["members"]:
        m.role_label = role_label(cy.cluster, m.role)
    narrative = report.report_for(cy, data)
    entry = register.entry_for(report.register_subject(cy)) if narrative.issued_at else None
    header = header_context(cy.cluster, place_date="")
    issuer = header["issuer"]
    sections = [
        {
            "heading": report.SECTION_HEADINGS[name].format(year=cy.year, next_year=cy.year + 1),
            "paragraphs": [p.strip() for p in getattr(narrative, name).splitlines() if p.strip()],
        }
        for name in narrative.SECTIONS
    ]
    sections = [s for s in sections if s["paragraphs"]]
    for number, s in enumerate(sections, 1):
        s["number"] = ROMAN[number]
    # the last paragraph goes with the signature (never a page of signature alone)
    closing_paragraph = sections[-1]["paragraphs"].pop() if sections else ""
    signed = {name: (leader, at) for name, leader, at in (data["pledge"] or {}).get("signatories", [])}
    return {
        **data,
        **header,
        "closing_paragraph": closing_paragraph,
        "pledge_signed": signed,
        "deputy_title": role_label(cy.cluster, "deputy"),
        "title": f"Báo cáo tổng kết công tác thi đua năm {cy.year}",
        "doc_number": register.number_line(entry, symbol=report.SYMBOL, issuer_symbol=issuer.symbol),
        "number_text": entry.number if entry else f"{register.BLANK}/{report.SYMBOL}-{issuer.symbol}",
        "issued_on": entry.issued_on if entry else None,
        "place_date": place_date_line(issuer.place, entry.issued_on if entry else today, year=cy.year + 1),
        "draft": entry is None,
        "sections": sections,
        "recipients": [r.strip() for r in narrative.recipients.splitlines() if r.strip()] or ["Lưu: VT"],
        "chart": chart,
        "audit_head": chain_head(cy.cluster.province_id),
    }


def render_summary(document, progress):
    cy = ClusterYear.objects.select_related("cluster__province").get(pk=document.params["cluster_year_id"])
    context = context_for(cy)
    progress(50)
    pdf = render_template_to_pdf("yearend/summary_pdf.html", context)
    return pdf, f"bao-cao-tong-ket-{cy.cluster.code}-{cy.year}.pdf"
