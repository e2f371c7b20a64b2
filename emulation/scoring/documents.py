"""The year's ranking as an official document (PDF rendered by Celery on the Decree 30 base)."""

from clusters.issuers import header_context
from clusters.models import ClusterYear, MemberRole, Membership
from documents.dates import place_date_line
from documents.pdf import render_template_to_pdf

from . import selectors
from .models import TieBreak

KIND = "scoring_ranking"


def document_key(cluster_year):
    return f"scoring-ranking-{cluster_year.pk}"


def _year(document):
    return ClusterYear.objects.select_related("cluster").get(pk=document.params["cluster_year_id"])


def can_view(user, document):
    return user.has_perm("scoring.view_ranking", _year(document))


def can_request(user, document):
    return user.has_perm("scoring.render_ranking", _year(document))


def render_ranking(document, progress):
    cy = ClusterYear.objects.select_related("cluster__province").get(pk=document.params["cluster_year_id"])
    rows = selectors.ranking_for_year(cy)
    table = selectors.table_of(cy)
    majors = [c for c in selectors.criteria_tree(cy) if c.parent_id is None]
    progress(40)
    header = header_context(cy.cluster, place_date="")
    context = {
        **header,
        # sent with the minutes and the cover letter: no number of its own, dated when first issued
        "place_date": place_date_line(header["issuer"].place, document.issued_on),
        "title": f"Kết quả chấm điểm, xếp hạng thi đua {cy.cluster.name} năm {cy.year}",
        # an empty or provisional (unlocked) ranking is a draft
        "draft": not rows or not (table and table.locked),
        "recipients": ["Các đơn vị thành viên", "Lưu: VT"],
        "year": cy,
        "rows": rows,
        "majors": majors,
        "table": table,
        "tie_breaks": TieBreak,
        "head": Membership.objects.filter(cluster_year=cy, role=MemberRole.HEAD)
        .select_related("unit")
        .first(),
    }
    pdf = render_template_to_pdf("scoring/ranking_pdf.html", context)
    progress(90)
    return pdf, f"xep-hang-{cy.cluster.code}-{cy.year}.pdf"
