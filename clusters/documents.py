"""The member list of a cluster year as an official document (PDF, rendered by Celery)."""

from django.utils import timezone

from documents.dates import place_date_line
from documents.pdf import render_template_to_pdf

from . import selectors
from .models import ClusterYear, MemberRole

KIND = "member_list"


def document_key(cluster_year):
    return f"member-list-{cluster_year.pk}"


def can_view(user, document):
    cy = ClusterYear.objects.select_related("cluster").get(pk=document.params["cluster_year_id"])
    return user.has_perm("clusters.view_cluster_year", cy)


def render_member_list(document, progress):
    cy = ClusterYear.objects.select_related("cluster__province").get(pk=document.params["cluster_year_id"])
    members = selectors.year_memberships(cy)
    progress(40)
    province = cy.cluster.province
    context = {
        "title": f"Danh sách đơn vị thành viên {cy.cluster.name} năm {cy.year}",
        "issuer_parent": f"UBND {province.name}",
        "issuer_name": cy.cluster.name,
        "place_date": place_date_line(province.place_name or province.name, timezone.localdate()),
        "year": cy,
        "members": members,
        "head": next((m for m in members if m.role == MemberRole.HEAD), None),
    }
    pdf = render_template_to_pdf("clusters/member_list_pdf.html", context)
    return pdf, f"danh-sach-thanh-vien-{cy.cluster.code}-{cy.year}.pdf"
