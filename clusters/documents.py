"""The member list of a cluster year as an official document (PDF, rendered by Celery)."""

from documents.dates import place_date_line
from documents.pdf import render_template_to_pdf

from . import selectors
from .issuers import header_context, role_label
from .models import ClusterYear, MemberRole

KIND = "member_list"


def document_key(cluster_year):
    return f"member-list-{cluster_year.pk}"


def _year(document):
    return ClusterYear.objects.select_related("cluster").get(pk=document.params["cluster_year_id"])


def can_view(user, document):
    return user.has_perm("clusters.view_cluster_year", _year(document))


def can_request(user, document):
    return user.has_perm("clusters.render_member_list", _year(document))


def render_member_list(document, progress):
    cy = ClusterYear.objects.select_related("cluster__province").get(pk=document.params["cluster_year_id"])
    members = selectors.year_memberships(cy)
    progress(40)
    for m in members:
        m.role_label = role_label(cy.cluster, m.role)
    header = header_context(cy.cluster, place_date="")
    context = {
        **header,
        # a list sent with the cluster's documents: no number of its own, dated when first issued
        "place_date": place_date_line(header["issuer"].place, document.issued_on),
        "title": f"Danh sách đơn vị thành viên {cy.cluster.name} năm {cy.year}",
        "year": cy,
        "members": members,
        "head": next((m for m in members if m.role == MemberRole.HEAD), None),
        "recipients": ["Các đơn vị thành viên", "Lưu: VT"],
    }
    pdf = render_template_to_pdf("clusters/member_list_pdf.html", context)
    return pdf, f"danh-sach-thanh-vien-{cy.cluster.code}-{cy.year}.pdf"
