"""Minutes of the review meeting (biên bản họp bình xét, suy tôn) and the cover letter (tờ trình)
as Decree 30 PDFs, rendered by Celery through the documents registry."""

from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.audit import chain_head
from clusters.models import ClusterYear, MemberRole
from clusters.selectors import year_memberships
from documents.dates import place_date_line
from documents.pdf import render_template_to_pdf
from documents.services import document_request

from .models import Dossier, Poll, PollStatus

MINUTES = "awards_minutes"
COVER = "awards_cover_letter"


def minutes_key(cluster_year):
    return f"awards-minutes-{cluster_year.pk}"


def cover_key(cluster_year):
    return f"awards-cover-{cluster_year.pk}"


def spec(cluster_year, which):
    """(kind, key, title) of the year's "minutes" or "cover" document."""
    kind, key, title = {
        "minutes": (MINUTES, minutes_key(cluster_year), _("Minutes of the review meeting %(year)s")),
        "cover": (COVER, cover_key(cluster_year), _("Cover letter %(year)s")),
    }[which]
    return kind, key, title % {"year": cluster_year.year}


def request(cluster_year, which, *, actor):
    kind, key, title = spec(cluster_year, which)
    return document_request(
        key=key,
        kind=kind,
        province_id=cluster_year.cluster.province_id,
        actor=actor,
        title=title,
        params={"cluster_year_id": cluster_year.pk},
    )


def can_view(user, document):
    cy = ClusterYear.objects.select_related("cluster").get(pk=document.params["cluster_year_id"])
    return user.has_perm("awards.view_awards", cy)


def fraction_text(num, den):
    if (num, den) == (1, 2):
        return "1/2 (50%)"
    if den == 100:
        return f"{num}%"
    return f"{num}/{den} ({num * 100 / den:.2f}%)".replace(".", ",")


def _context(cluster_year):
    cy = ClusterYear.objects.select_related("cluster__province").get(pk=cluster_year.pk)
    province = cy.cluster.province
    dossier = Dossier.objects.filter(cluster_year=cy).first() or Dossier(cluster_year=cy)
    members = year_memberships(cy)
    head = next((m for m in members if m.role == MemberRole.HEAD), None)
    polls = list(
        Poll.objects.filter(cluster_year=cy, status=PollStatus.PUBLISHED)
        .select_related("award_type")
        .prefetch_related("candidates")
        .order_by("award_type__precedence", "round")
    )
    awards = {}
    for p in polls:
        entry = awards.setdefault(p.award_type_id, {"award": p.award_type, "polls": [], "proposed": []})
        p.rule_threshold = fraction_text(p.rule["threshold_num"], p.rule["threshold_den"])
        p.rule_quorum = fraction_text(p.rule["quorum_num"], p.rule["quorum_den"])
        entry["polls"].append(p)
        entry["proposed"].extend(c.name for c in p.candidates.all() if c.proposed)
    place = province.place_name or province.name
    return {
        "year": cy,
        "province": province,
        "dossier": dossier,
        "members": members,
        "head": head,
        "awards": list(awards.values()),
        "issuer_parent": f"UBND {province.name}",
        "issuer_name": cy.cluster.name,
        "attendance": [line.strip() for line in (dossier.attendance or "").splitlines() if line.strip()],
        "place": place,
        "audit_head": chain_head(province.pk),
    }


def render_minutes(document, progress):
    cy = ClusterYear.objects.get(pk=document.params["cluster_year_id"])
    ctx = _context(cy)
    progress(40)
    ctx["title"] = f"Biên bản họp bình xét, suy tôn năm {cy.year}"
    ctx["doc_number"] = "Số:      /BB-CTĐ"
    ctx["place_date"] = place_date_line(ctx["place"], ctx["dossier"].meeting_date)
    pdf = render_template_to_pdf("awards/minutes_pdf.html", ctx)
    return pdf, f"bien-ban-binh-xet-{cy.cluster.code}-{cy.year}.pdf"


def render_cover_letter(document, progress):
    cy = ClusterYear.objects.get(pk=document.params["cluster_year_id"])
    ctx = _context(cy)
    progress(40)
    from .selectors import nominations_for_year

    ctx["nominations"] = nominations_for_year(cy)
    ctx["title"] = f"Tờ trình đề nghị khen thưởng năm {cy.year}"
    number = ctx["dossier"].cover_number
    ctx["doc_number"] = f"Số: {number}" if number else "Số:      /TTr-CTĐ"
    ctx["place_date"] = place_date_line(ctx["place"], timezone.localdate())
    pdf = render_template_to_pdf("awards/cover_letter_pdf.html", ctx)
    return pdf, f"to-trinh-khen-thuong-{cy.cluster.code}-{cy.year}.pdf"
