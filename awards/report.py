"""The province's report of the year's nominations and decisions (proposed / approved / reduced /
refused per award and cluster, with totals): as an .xlsx workbook and as a Decree 30 PDF issued
by the province's emulation and commendation council, rendered by Celery through the documents
registry (kind registered from AppConfig.ready())."""

import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from clusters import xlsx
from clusters.audit import chain_head
from clusters.models import Province
from documents import register
from documents.dates import place_date_line
from documents.names import in_text
from documents.pdf import render_template_to_pdf

from . import province

KIND = "awards_province_report"
SYMBOL = "BC"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def document_key(province_id, year):
    return f"awards-province-report-{province_id}-{year}"


def can_view(user, document):
    pid = document.params.get("province_id")
    return (
        pid is not None
        and pid == document.province_id
        and user.has_perm("awards.view_province_report", Province(pk=pid))
    )


def issuer(prov):
    """The province's emulation and commendation council as the issuer of the report."""
    return register.Issuer(
        key=f"province:{prov.pk}",
        parent=f"UBND {in_text(prov.name)}",
        name="Hội đồng Thi đua - Khen thưởng",
        symbol="HĐTĐKT",
        place=prov.place_name or prov.name,
        province_id=prov.pk,
        sign_for="TM. Hội đồng Thi đua - Khen thưởng",
        head_title="Chủ tịch",
    )


def _header(data):
    return [
        _("Award"),
        _("Cluster"),
        _("Proposed"),
        _("Approved"),
        _("Granted a lower award"),
        _("Lower award granted"),
        _("Refused"),
        _("Awaiting"),
    ]


def workbook(data):
    """Two sheets: the totals per award and cluster, and every nomination with its decision.
    Names and numbers typed by people are written as texts (clusters.xlsx), never formulas."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Totals")[:31]
    for col, label in enumerate(_header(data), 1):
        xlsx.put(ws, 1, col, label).font = Font(bold=True)
    r = 2
    for block in data["awards"]:
        for cluster_name, tally in block.rows:
            for col, value in enumerate([block.award.name, cluster_name, *tally.as_row()], 1):
                xlsx.put(ws, r, col, value)
            r += 1
        for col, value in enumerate([block.award.name, _("Total"), *block.total.as_row()], 1):
            xlsx.put(ws, r, col, value).font = Font(bold=True)
        r += 1
    for col, value in enumerate([_("All awards"), _("Total"), *data["total"].as_row()], 1):
        xlsx.put(ws, r, col, value).font = Font(bold=True)
    for letter, width in zip("ABCDEFGH", (34, 30, 10, 10, 14, 30, 10, 12), strict=True):
        ws.column_dimensions[letter].width = width
    details = wb.create_sheet(_("Nominations")[:31])
    header = [
        _("Cluster"),
        _("Unit"),
        _("Award"),
        _("Outcome"),
        _("Decision number"),
        _("Date"),
        _("Signed by"),
    ]
    for col, label in enumerate(header, 1):
        xlsx.put(details, 1, col, label).font = Font(bold=True)
    for r, n in enumerate(data["details"], 2):
        d = getattr(n, "decision", None)
        row = [
            n.cluster_year.cluster.name,
            n.unit_name,
            n.award_type.name,
            d.outcome_text if d else _("awaiting"),
            d.number if d else "",
            d.date.strftime("%d/%m/%Y") if d else "",
            d.signer if d else "",
        ]
        for col, value in enumerate(row, 1):
            xlsx.put(details, r, col, value)
    wb.properties.title = _("Decisions on nominations %(year)s") % {"year": data["year"]}
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def context_for(prov, year, issued_on=None):
    data = province.report(prov.pk, year)
    who = issuer(prov)
    return {
        **data,
        "issuer": who,
        "issuer_parent": who.parent,
        "issuer_name": who.name,
        "issuer_name_lines": ["Hội đồng Thi đua -", "Khen thưởng"],
        "province": prov,
        "province_in_text": in_text(prov.name),
        # numbered by hand in the council's register: visible room for the number
        "doc_number": register.number_line(symbol=SYMBOL, issuer_symbol=who.symbol),
        "place_date": place_date_line(who.place, issued_on, year=year + 1),
        "title": f"Báo cáo kết quả xét khen thưởng năm {year}",
        "recipients": ["UBND " + in_text(prov.name), "Các cụm, khối thi đua", "Lưu: VT"],
        "audit_head": chain_head(prov.pk),
    }


def render_report(document, progress):
    prov = Province.objects.get(pk=document.params["province_id"])
    year = int(document.params["year"])
    with translation.override("vi"):
        context = context_for(prov, year, document.issued_on)
        progress(40)
        pdf = render_template_to_pdf("awards/province_report_pdf.html", context)
    progress(90)
    return pdf, f"bao-cao-khen-thuong-{prov.code}-{year}.pdf"
