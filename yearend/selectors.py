"""Year-end reads. Other apps' data comes through their public selectors and models, imported
plainly: yearend sits above them in the import contract (scripts/import_contract.py)."""

from collections import defaultdict

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone

from awards.models import Dossier, Nomination, Poll, PollStatus
from awards.selectors import decisions, results_summary
from clusters import selectors as clusters_selectors
from clusters.models import ClusterYear, MemberRole, Membership, Stage, Unit, UnitVersion
from clusters.selectors import year_memberships
from emulation.pledges.models import PledgeSignature, SignatureState
from emulation.pledges.selectors import pledge_summary
from emulation.scoring.models import Adjustment, AdjustmentKind, Criterion, ScoreSheet, SheetStatus
from emulation.scoring.selectors import ranking_for_year, rankings_for_years

from .models import HandOver


def major_criteria(cluster_year):
    """[(code, text, max points)] of the year's major criteria, or []."""
    return [(code, text, top) for _pk, code, text, top in _majors(cluster_year)]


def _majors(cluster_year):
    """[(pk, code, text, max points)] of the year's major criteria in order: one query."""
    return list(
        Criterion.objects.filter(table__cluster_year=cluster_year, parent__isnull=True)
        .order_by("position", "id")
        .values_list("pk", "code", "text", "max_points")
    )


def adjustments(cluster_year, members=None):
    """Bonus and deduction points with their reasons: [(unit name, kind label, points, reason, kind)].
    `members`: year_memberships(cluster_year), whose names that year name the units (one query)."""
    rows = list(
        Adjustment.objects.filter(sheet__cluster_year=cluster_year)
        .order_by("sheet__unit__name", "id")
        .values_list("sheet__unit_id", "kind", "points", "reason")
    )
    year = cluster_year.year
    names = {m.unit_id: m.display_name for m in members or ()}
    missing = {unit_id for unit_id, *_rest in rows if unit_id not in names}
    if missing:  # not a member that year (or no members given)
        for unit in Unit.objects.filter(pk__in=missing).prefetch_related("versions"):
            names[unit.pk] = unit.name_in_year(year)
    labels = {value: str(label) for value, label in AdjustmentKind.choices}
    return [(names[unit_id], labels[kind], pts, reason, kind) for unit_id, kind, pts, reason in rows]


def summary(cluster_year):
    """Every figure of the year-end report (HTML, PDF and .xlsx use the same): a fixed number of
    queries; the members read once name the units of the ranking, pledge and adjustments."""
    members = year_memberships(cluster_year)
    majors = _majors(cluster_year)
    rows = ranking_for_year(cluster_year, majors=[(pk, code) for pk, code, *_rest in majors], members=members)
    return {
        "year": cluster_year,
        "members": members,
        "head": next((m for m in members if m.role == MemberRole.HEAD), None),
        "deputy": next((m for m in members if m.role == MemberRole.DEPUTY), None),
        "pledge": pledge_summary(cluster_year, members=members),
        "ranking": rows,
        "majors": [(code, text, top) for _pk, code, text, top in majors] if rows else [],
        "adjustments": adjustments(cluster_year, members),
        "results": results_summary(cluster_year),
        "decisions": decisions(cluster_year),
        "handover": HandOver.objects.select_related("to_head", "to_deputy", "from_head", "next_year")
        .filter(cluster_year=cluster_year)
        .first(),
    }


# ---------------------------------------------------------------------------------------------
# The cluster's history with its hand-overs


def cluster_history(cluster):
    """Each year (newest first) with head and deputy as named that year and its hand-over."""
    years = clusters_selectors.cluster_history(
        cluster,
        ClusterYear.objects.select_related(
            "handover__to_head", "handover__to_deputy", "handover__from_head", "handover__recorded_by"
        )
        .prefetch_related(
            Prefetch("handover__to_head__versions", queryset=UnitVersion.objects.all()),
            Prefetch("handover__from_head__versions", queryset=UnitVersion.objects.all()),
        )
        .annotate(member_count=Count("memberships", distinct=True)),
    )
    for y in years:
        try:
            h = y.handover
        except HandOver.DoesNotExist:
            h = None
        y.ho = h
        if h is not None:
            h.from_name = h.from_head.name_in_year(y.year) if h.from_head else ""
            h.to_name = h.to_head.name_in_year(y.year + 1)
    return years


# ---------------------------------------------------------------------------------------------
# The province's table of all clusters of a year: a constant number of queries.


def _counts(qs, key="cluster_year_id"):
    return {row[key]: row["n"] for row in qs}


def active_year(province_id):
    """The year the province is working on: the latest with a cluster year not closed yet, else
    the latest it has, else this year (the overview and the home page open on it)."""
    years = ClusterYear.objects.filter(cluster__province_id=province_id)
    latest = (
        years.exclude(stage=Stage.CLOSED).order_by("-year").values_list("year", flat=True).first()
        or years.order_by("-year").values_list("year", flat=True).first()
    )
    return latest or timezone.localdate().year


def province_overview(province_id, year, today=None):
    today = today or timezone.localdate()
    years = list(
        ClusterYear.objects.filter(cluster__province_id=province_id, year=year)
        .select_related("cluster")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("cluster__name")
    )
    ids = [y.pk for y in years]
    pledge_signed = _counts(
        PledgeSignature.objects.filter(
            version__pledge__cluster_year_id__in=ids,
            state=SignatureState.DONE,
            version_id=F("version__pledge__final_version_id"),
        )
        .values(cluster_year_id=F("version__pledge__cluster_year_id"))
        .annotate(n=Count("unit_id", distinct=True))
    )
    scores_submitted = _counts(
        ScoreSheet.objects.filter(cluster_year_id__in=ids, status=SheetStatus.SUBMITTED)
        .values("cluster_year_id")
        .annotate(n=Count("id"))
    )
    polls, polls_done = {}, {}
    for r in (
        Poll.objects.filter(cluster_year_id__in=ids)
        .values("cluster_year_id")
        .annotate(n=Count("id"), done=Count("id", filter=Q(status=PollStatus.PUBLISHED)))
    ):
        polls[r["cluster_year_id"]] = r["n"]
        polls_done[r["cluster_year_id"]] = r["done"]
    dossiers = set(
        Dossier.objects.filter(cluster_year_id__in=ids, submitted_at__isnull=False).values_list(
            "cluster_year_id", flat=True
        )
    )
    nominations, decisions_n = {}, {}
    for cy_id, n, decided in (
        Nomination.objects.filter(cluster_year_id__in=ids)
        .values("cluster_year_id")
        .annotate(n=Count("id"), decided=Count("decision"))  # a nomination has at most one decision
        .values_list("cluster_year_id", "n", "decided")
    ):
        nominations[cy_id], decisions_n[cy_id] = n, decided
    rows = []
    for y in years:
        m = y.member_count
        row = {
            "year": y,
            "members": m,
            "pledge_signed": pledge_signed.get(y.pk, 0),
            "scores_submitted": scores_submitted.get(y.pk, 0),
            "polls": polls.get(y.pk, 0),
            "polls_done": polls_done.get(y.pk, 0),
            "dossier": y.pk in dossiers,
            "nominations": nominations.get(y.pk, 0),
            "decisions": decisions_n.get(y.pk, 0),
        }
        row["overdue"] = overdue_items(y, row, today)
        rows.append(row)
    return rows


def overdue_items(cy, row, today):
    """What is late in the year's current stage: [(label key, missing count)] (empty if on time)."""
    deadline = cy.deadline_for_stage()
    if deadline is None or deadline >= today or cy.stage == Stage.CLOSED:
        return []
    m = row["members"]
    late = []
    if cy.stage == Stage.REGISTRATION and row["pledge_signed"] < m:
        late.append(("pledge", m - row["pledge_signed"]))
    elif cy.stage == Stage.SCORING and row["scores_submitted"] < m:
        late.append(("scores", m - row["scores_submitted"]))
    elif cy.stage == Stage.VOTING and row["polls_done"] < row["polls"]:
        late.append(("votes", row["polls"] - row["polls_done"]))
    elif cy.stage == Stage.DOSSIER and not row["dossier"]:
        late.append(("dossier", 1))
    if not late:
        late.append(("stage", 1))
    return late


# ---------------------------------------------------------------------------------------------
# A unit across years


def unit_history(unit):
    """Per year the unit (or a unit merged into it) took part: cluster, role, total, rank, awards."""
    # the unit's own and those of the units merged into it (a subquery, not a query of its own)
    its = Q(unit_id__in=Unit.objects.filter(Q(pk=unit.pk) | Q(merged_into_id=unit.pk)).values("pk"))
    memberships = list(
        Membership.objects.filter(its)
        .select_related("cluster_year__cluster", "unit")
        .prefetch_related("unit__versions")
        .order_by("cluster_year__year")
    )
    awards = defaultdict(list)
    for n in (
        Nomination.objects.filter(its)
        .select_related("award_type", "decision__granted_award", "cluster_year")
        .order_by("award_type__precedence")
    ):
        decision = getattr(n, "decision", None)
        awards[n.cluster_year_id].append(
            {
                "award": n.award_type.name,
                "decided": decision.outcome_text if decision else None,
                "number": decision.number if decision else "",
            }
        )
    rankings = rankings_for_years([m.cluster_year for m in memberships])
    rows = []
    for m in memberships:
        cy = m.cluster_year
        ranking_rows = rankings[cy.pk]
        mine = next((r for r in ranking_rows if r.unit.pk == m.unit_id), None)
        rows.append(
            {
                "year": cy.year,
                "cluster_year": cy,
                "name": m.unit.name_in_year(cy.year),
                "role": m.get_role_display(),
                "total": mine.total if mine and mine.total else None,
                "rank": mine.rank if mine and mine.total else None,
                "of": len(ranking_rows),
                "awards": awards.get(cy.pk, []),
            }
        )
    return rows
