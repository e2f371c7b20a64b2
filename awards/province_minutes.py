"""The minutes of the province council's vote count (biên bản kiểm phiếu của Hội đồng Thi đua -
Khen thưởng tỉnh) over the clusters' nominations: one Decree 30 PDF per province and year, every
counted round shown as a cluster's minutes show it (ballots, votes, shares, threshold, quorum)."""

from clusters.audit import chain_head
from clusters.models import Province
from documents import register
from documents.dates import place_date_line
from documents.names import in_text
from documents.pdf import render_template_to_pdf
from documents.register import Issuer

from . import roster as rosters
from .documents import ballot_figures, fraction_text
from .models import Poll, PollStatus

PROVINCE_MINUTES = "awards_province_minutes"


def key(province_id, year):
    return f"awards-province-minutes-{province_id}-{year}"


def _province(document):
    return Province.objects.get(pk=document.params["province_id"])


def can_view(user, document):
    return user.has_perm("awards.view_province_polls", _province(document))


def can_request(user, document):
    return user.has_perm("awards.manage_province_polls", _province(document))


def issuer(province):
    return Issuer(
        key=f"province-council:{province.pk}",
        parent=in_text(f"UBND {province.name}"),
        name="Hội đồng Thi đua - Khen thưởng",
        symbol="HĐTĐKT",
        place=province.place_name or province.name,
        province_id=province.pk,
        sign_for="TM. Hội đồng Thi đua - Khen thưởng",
        head_title="Chủ tịch",
    )


def context(province, year):
    polls = (
        Poll.objects.filter(
            council_province=province,
            council_year=year,
            status__in=[PollStatus.CLOSED, PollStatus.PUBLISHED],
            flagged=False,
        )
        .select_related("award_type", "paper_count")
        .prefetch_related("candidates__nomination__cluster_year__cluster")
        .order_by("award_type__precedence", "round")
    )
    awards = {}
    for p in polls:
        if p.status != PollStatus.PUBLISHED and any(c.proposed for c in p.candidates.all()):
            continue  # a result still to publish is not on record yet
        entry = awards.setdefault(p.award_type_id, {"award": p.award_type, "polls": [], "proposed": []})
        p.rule_threshold = fraction_text(p.rule["threshold_num"], p.rule["threshold_den"])
        p.rule_quorum = fraction_text(p.rule["quorum_num"], p.rule["quorum_den"])
        p.count = ballot_figures(p)
        entry["polls"].append(p)
        entry["proposed"].extend(c.name for c in p.candidates.all() if c.proposed)
    roster = rosters.seats(province_id=province.pk, year=year)
    chair, secretary = rosters.chair(roster), rosters.secretary(roster)
    the_issuer = issuer(province)
    return {
        "issuer": the_issuer,
        "issuer_parent": the_issuer.parent,
        "issuer_name": the_issuer.name,
        "year": year,
        "province": province,
        "province_in_text": in_text(province.name),
        "roster": roster,
        "chair": chair,
        "secretary": secretary,
        "awards": list(awards.values()),
        "audit_head": chain_head(province.pk),
    }


def render(document, progress):
    province = _province(document)
    year = document.params["year"]
    ctx = context(province, year)
    progress(40)
    ctx["title"] = f"Biên bản kiểm phiếu của Hội đồng Thi đua - Khen thưởng năm {year}"
    ctx["doc_number"] = register.number_line(symbol="BB", issuer_symbol=ctx["issuer"].symbol)
    ctx["place_date"] = place_date_line(ctx["issuer"].place, None, year=year + 1)
    pdf = render_template_to_pdf("awards/province_minutes_pdf.html", ctx)
    return pdf, f"bien-ban-hoi-dong-tdkt-{province.code}-{year}.pdf"
