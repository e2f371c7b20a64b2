"""Minutes of the review meeting (biên bản họp bình xét, suy tôn) and the cover letter (tờ trình)
as Decree 30 PDFs, rendered by Celery through the documents registry."""

from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.audit import chain_head
from clusters.issuers import header_context
from clusters.models import ClusterYear, MemberRole
from clusters.selectors import year_memberships
from documents import register
from documents.dates import place_date_line
from documents.names import in_text
from documents.pdf import render_template_to_pdf
from documents.services import document_request

from . import roster as rosters
from .models import Dossier, Poll, PollStatus
from .services.numbering import COVER_SYMBOL, cover_issue

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


def _year(document):
    return ClusterYear.objects.select_related("cluster").get(pk=document.params["cluster_year_id"])


def can_view(user, document):
    return user.has_perm("awards.view_awards", _year(document))


def can_request(user, document):
    return user.has_perm("awards.render_documents", _year(document))


def fraction_text(num, den):
    if (num, den) == (1, 2):
        return "1/2 (50%)"
    if den == 100:
        return f"{num}%"
    return f"{num}/{den} ({num * 100 / den:.2f}%)".replace(".", ",")


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _name_and_note(line):
    """ "Nguyễn Văn A – Trưởng ban" -> ("Nguyễn Văn A", "Trưởng ban")."""
    for sep in (" – ", " - ", ": ", ", "):
        if sep in line:
            name, note = line.split(sep, 1)
            return name.strip(), note.strip()
    return line, ""


def ballot_figures(poll):
    """Ballots issued, received, valid and invalid: the Ban kiểm phiếu's paper count, or for an
    online vote one ballot per eligible voter, every ballot received valid."""
    paper = getattr(poll, "paper_count", None)
    if paper is not None:
        return {
            "paper": True,
            "issued": paper.ballots_issued,
            "received": paper.ballots_received,
            "valid": paper.ballots_valid,
            "invalid": paper.ballots_invalid,
        }
    return {
        "paper": False,
        "issued": poll.electorate_size,
        "received": poll.ballot_count,
        "valid": poll.ballot_count,
        "invalid": 0,
    }


def _context(cluster_year):
    cy = ClusterYear.objects.select_related("cluster__province").get(pk=cluster_year.pk)
    province = cy.cluster.province
    dossier = Dossier.objects.filter(cluster_year=cy).first() or Dossier(cluster_year=cy)
    members = year_memberships(cy)
    head = next((m for m in members if m.role == MemberRole.HEAD), None)
    polls = (
        Poll.objects.filter(
            cluster_year=cy, status__in=[PollStatus.CLOSED, PollStatus.PUBLISHED], flagged=False
        )
        .select_related("award_type", "paper_count")
        .prefetch_related("candidates")
        .order_by("award_type__precedence", "round")
    )
    # every round on record: the published ones, and a counted round that proposed nobody (a failed
    # quorum, an inconclusive vote) which needs no publication but stays in the minutes
    polls = [
        p
        for p in polls
        if p.status == PollStatus.PUBLISHED or not any(c.proposed for c in p.candidates.all())
    ]
    roster = rosters.of_year(cy)
    awards = {}
    for p in polls:
        entry = awards.setdefault(p.award_type_id, {"award": p.award_type, "polls": [], "proposed": []})
        p.rule_threshold = fraction_text(p.rule["threshold_num"], p.rule["threshold_den"])
        p.rule_quorum = fraction_text(p.rule["quorum_num"], p.rule["quorum_den"])
        p.count = ballot_figures(p)
        entry["polls"].append(p)
        entry["proposed"].extend(c.name for c in p.candidates.all() if c.proposed)
    chair, secretary = rosters.chair(roster), rosters.secretary(roster)
    header = header_context(cy.cluster, place_date="")
    return {
        **header,
        "year": cy,
        "province": province,
        "province_in_text": in_text(province.name),
        "dossier": dossier,
        "council_size": dossier.council_size or len(roster),
        "chair_name": dossier.chair_name or (chair.name if chair else ""),
        "chair_title": dossier.chair_title or (chair.title if chair else ""),
        "secretary_name": dossier.secretary_name or (secretary.name if secretary else ""),
        "members": members,
        "head": head,
        "awards": list(awards.values()),
        "attendance": _lines(dossier.attendance),
        "absentees": [_name_and_note(line) for line in _lines(dossier.absentees)],
        "committee": [_name_and_note(line) for line in _lines(dossier.counting_committee)],
        "place": header["issuer"].place,
        "audit_head": chain_head(province.pk),
    }


def cover_number(dossier, issuer, *, actor=None):
    """(number line, date of issue) of the cover letter. A number typed on the dossier (the
    office's own register) is printed as it is; otherwise the TTr number the letter took in the
    cluster's register when the dossier was submitted. Before that the letter is a draft with
    room for the number and the day."""
    if dossier.cover_number:
        submitted = timezone.localtime(dossier.submitted_at).date() if dossier.submitted_at else None
        return f"Số: {dossier.cover_number}", submitted
    if dossier.pk and dossier.submitted_at:
        entry = cover_issue(dossier, actor=actor)  # taken at submission; idempotent
        return register.number_line(entry, symbol=COVER_SYMBOL, issuer_symbol=issuer.symbol), entry.issued_on
    return register.number_line(symbol=COVER_SYMBOL, issuer_symbol=issuer.symbol), None


def render_minutes(document, progress):
    cy = ClusterYear.objects.get(pk=document.params["cluster_year_id"])
    ctx = _context(cy)
    progress(40)
    ctx["title"] = f"Biên bản kiểm phiếu bình xét, suy tôn năm {cy.year}"
    committee = [(name, role, i == 0) for i, (name, role) in enumerate(ctx["committee"])]
    ctx["committee_rows"] = [committee[i : i + 2] for i in range(0, len(committee), 2)]
    absent = len(ctx["absentees"])
    size = ctx["council_size"]
    electorate = max((p.electorate_size for a in ctx["awards"] for p in a["polls"]), default=0)
    ctx["present_count"] = (size - absent) if size else (electorate - absent if electorate else "……")
    # signed at the meeting and numbered by hand: a visible blank; dated by the meeting
    ctx["doc_number"] = register.number_line(symbol="BB", issuer_symbol=ctx["issuer"].symbol)
    ctx["place_date"] = place_date_line(ctx["place"], ctx["dossier"].meeting_date, year=cy.year + 1)
    pdf = render_template_to_pdf("awards/minutes_pdf.html", ctx)
    return pdf, f"bien-ban-binh-xet-{cy.cluster.code}-{cy.year}.pdf"


def render_cover_letter(document, progress):
    cy = ClusterYear.objects.get(pk=document.params["cluster_year_id"])
    ctx = _context(cy)
    progress(40)
    from .selectors import nominations_for_year

    ctx["nominations"] = nominations_for_year(cy)
    ctx["title"] = f"Tờ trình đề nghị khen thưởng năm {cy.year}"
    ctx["doc_number"], issued_on = cover_number(ctx["dossier"], ctx["issuer"], actor=document.requested_by)
    ctx["place_date"] = place_date_line(ctx["place"], issued_on, year=cy.year + 1)
    ctx["recipients"] = [
        "Như trên",
        f"Ban Thi đua - Khen thưởng {ctx['province_in_text']}",
        "Các đơn vị thành viên",
        "Lưu: VT",
    ]
    pdf = render_template_to_pdf("awards/cover_letter_pdf.html", ctx)
    return pdf, f"to-trinh-khen-thuong-{cy.cluster.code}-{cy.year}.pdf"
