"""Reads that need joins or aggregates (they own select_related / prefetch_related)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Role, User
from clusters.rules import unit_roles_in_year
from clusters.selectors import vn_sort_key, year_memberships
from emulation.scoring import selectors as scoring_selectors
from emulation.scoring.selectors import RankingRow

from .models import (
    AwardRule,
    AwardType,
    BallotEnvelope,
    CountedReceipt,
    Decision,
    Elector,
    ElectorateKind,
    Nomination,
    Participation,
    Poll,
    PollCandidate,
    PollStatus,
    outcome_text,
)
from .progress import (  # noqa: F401 (read here by the views, the services and the stage guard)
    higher_awards_pending,
    poll_seats,
    units_proposed_higher,
    voting_unfinished,
)
from .receipts import normalise_receipt, receipt_hash, recorded_tag


def unit_roles(cluster_year):
    return unit_roles_in_year(cluster_year)


def ranking_rows(cluster_year) -> list[RankingRow]:
    """The scoring app's ranking of the year; [] while nobody has scored: the secretary then
    enters the candidates by hand."""
    return scoring_selectors.ranking_for_year(cluster_year)


@dataclass
class CandidateOption:
    unit_id: int
    name: str
    total: Decimal | None
    rank: int | None
    allowed: bool
    reason: str = ""
    # False: the unit never submitted its self-score (with a ranking): it may stand, but only when
    # the secretary ticks it — it is not offered (ticked) by default
    submitted: bool = True

    @property
    def offered(self):
        return self.allowed and self.submitted


def candidate_options(cluster_year, rule):
    """Every member unit with whether the rule lets it stand for this award, and why not.

    With a ranking: ineligible units, a total below the minimum, a rank above the maximum, or
    (for "leading unit only") any rank but first are excluded. Units proposed for a higher award
    are excluded unless the rule allows both. Without a ranking every member may stand. A unit
    that never submitted its self-score is allowed but not offered (`submitted=False`)."""
    members = year_memberships(cluster_year)
    ranking = {}
    for row in ranking_rows(cluster_year):
        ranking[row.unit.pk] = row
    submitted = scoring_selectors.units_that_submitted(cluster_year) if ranking else None
    higher = set()
    if not rule.allow_with_higher_award:
        higher = units_proposed_higher(cluster_year, rule.award_type)
    options = []
    for m in members:
        row = ranking.get(m.unit_id)
        total = row.total if row is not None else None
        rank = row.rank if row is not None else None
        reason = ""
        if m.unit_id in higher:
            reason = _("already proposed for a higher award")
        elif ranking:
            if row is None:
                reason = _("not in the ranking")
            elif not row.eligible:
                reason = _("ruled ineligible") + (
                    f": {row.ineligible_reason}" if row.ineligible_reason else ""
                )
            elif rule.min_total is not None and (total is None or Decimal(total) < rule.min_total):
                reason = _("total below %(min)s") % {"min": rule.min_total}
            elif rule.max_rank is not None and (rank is None or rank > rule.max_rank):
                reason = _("rank below %(max)s") % {"max": rule.max_rank}
            elif rule.leading_unit_only and rank != 1:
                reason = _("not the cluster's leading unit")
        options.append(
            CandidateOption(
                m.unit_id,
                m.display_name,
                total,
                rank,
                not reason,
                reason,
                submitted=submitted is None or m.unit_id in submitted,
            )
        )
    options.sort(key=lambda o: (o.rank is None, o.rank or 0, vn_sort_key(o.name)))
    return options


def rules_for_year(cluster_year):
    """Active award types of the province, each with its rule for the year (or None)."""
    types = list(AwardType.objects.filter(province_id=cluster_year.cluster.province_id, active=True))
    rules = {r.award_type_id: r for r in AwardRule.objects.filter(cluster_year=cluster_year)}
    for t in types:
        t.rule = rules.get(t.pk)
    return types


def polls_for_year(cluster_year, user=None):
    qs = (
        Poll.objects.filter(cluster_year=cluster_year)
        .select_related("award_type")
        .annotate(voters=Count("electors", distinct=True))
    )
    if user is not None:
        qs = qs.annotate(
            is_elector=Exists(Elector.objects.filter(poll=OuterRef("pk"), user_id=user.pk)),
            has_voted=Exists(Participation.objects.filter(poll=OuterRef("pk"), user_id=user.pk)),
        )
    return list(qs.order_by("award_type__precedence", "round", "pk"))


def open_polls_for_voter(user, cluster_year=None):
    """Open polls (inside their window) where the user may vote and has not voted yet; of one
    cluster year, or of a list of them."""
    now = timezone.now()
    qs = (
        Poll.objects.filter(
            status=PollStatus.OPEN, opens_at__lte=now, closes_at__gt=now, electors__user_id=user.pk
        )
        .exclude(participations__user_id=user.pk)
        .select_related("award_type", "cluster_year__cluster")
    )
    if isinstance(cluster_year, list | tuple):
        qs = qs.filter(cluster_year__in=cluster_year)
    elif cluster_year is not None:
        qs = qs.filter(cluster_year=cluster_year)
    return list(qs.order_by("closes_at"))


def turnout(poll):
    """(voted, electorate, percent): who took part so far — never what they voted."""
    electorate = poll.electors.count()
    voted = poll.participations.count()
    percent = round(voted * 100 / electorate) if electorate else 0
    return voted, electorate, percent


def electors_with_participation(poll):
    return list(
        Elector.objects.filter(poll=poll)
        .select_related("user", "unit")
        .annotate(voted=Exists(Participation.objects.filter(poll=poll, user_id=OuterRef("user_id"))))
        .order_by("unit__name", "user__username")
    )


def nominations_for_year(cluster_year):
    return list(
        Nomination.objects.filter(cluster_year=cluster_year)
        .select_related("award_type", "poll", "decision__granted_award")
        .order_by("award_type__precedence", "unit_name")
    )


def results_summary(cluster_year):
    """For the year-end report: one dict per award of the year, highest first.

    candidates: (unit name, votes, share %, met_threshold) of the first round; proposed: names of
    the units proposed over all rounds; published: the first round is published and no run-off
    is pending."""
    # two plain queries (values, the candidates grouped here): no model instances, no prefetch
    polls = list(
        Poll.objects.filter(cluster_year=cluster_year)
        .order_by("award_type__precedence", "round")
        .values_list("pk", "award_type_id", "award_type__name", "status", "runoff_seats")
    )
    candidates = {pk: [] for pk, *_rest in polls}
    if polls:
        for row in (
            PollCandidate.objects.filter(poll_id__in=list(candidates))
            .order_by("position", "pk")
            .values_list("poll_id", "name", "votes", "share", "met_threshold", "proposed", "tied")
        ):
            candidates[row[0]].append(row[1:])
    by_award = {}
    for p in polls:
        by_award.setdefault(p[1], []).append(p)
    counted_states = (PollStatus.CLOSED, PollStatus.PUBLISHED)
    summary = []
    for chain in by_award.values():
        main_pk, _type, award, main_status, _seats = chain[0]
        last_pk, _type, _award, last_status, last_seats = chain[-1]
        counted = main_status in counted_states
        summary.append(
            {
                "award": award,
                "candidates": [
                    (
                        name,
                        votes if counted else None,
                        share if counted else None,
                        bool(met) if counted else None,
                    )
                    for name, votes, share, met, _proposed, _tied in candidates[main_pk]
                ],
                "proposed": [
                    c[0]
                    for pk, _type, _award, status, _seats in chain
                    if status == PollStatus.PUBLISHED
                    for c in candidates[pk]
                    if c[4]
                ],
                "published": last_status == PollStatus.PUBLISHED
                and not (last_seats and any(c[5] for c in candidates[last_pk])),
            }
        )
    return summary


def decisions(cluster_year):
    """The province's decisions recorded for the year's nominations (one query, values)."""
    rows = (
        Decision.objects.filter(nomination__cluster_year=cluster_year)
        .order_by("nomination__award_type__precedence", "nomination__unit_name")
        .values_list(
            "nomination__unit_name",
            "nomination__award_type__name",
            "number",
            "date",
            "outcome",
            "granted_award__name",
        )
    )
    return [
        {
            "unit": unit,
            "award": award,
            "number": number,
            "date": date,
            "outcome": outcome,
            "outcome_label": outcome_text(outcome, granted or ""),
            "granted_award": granted,
        }
        for unit, award, number, date, outcome, granted in rows
    ]


def awards_by_year(cluster):
    """For the cluster page: per year, the nominations and decisions."""
    return list(
        Nomination.objects.filter(cluster_year__cluster=cluster)
        .select_related("cluster_year", "award_type", "decision__granted_award")
        .order_by("-cluster_year__year", "award_type__precedence", "unit_name")
    )


def polls_waiting_on_secretary(cluster_year):
    """Polls of the year (or of a list of years) that wait on the secretary, in one query: open
    ones whose window has ended (to close and count) and counted ones not yet published (to
    publish, or to settle a tie or a failed quorum with a run-off, the chair's decision or a new
    round)."""
    years = cluster_year if isinstance(cluster_year, list | tuple) else [cluster_year]
    return list(
        Poll.objects.filter(cluster_year__in=years)
        .filter(Q(status=PollStatus.OPEN, closes_at__lte=timezone.now()) | Q(status=PollStatus.CLOSED))
        .exclude(Exists(Poll.objects.filter(parent=OuterRef("pk"))))  # settled by a later round
        .order_by("closes_at")
    )


def receipt_check(code):
    """(poll, counted) for a receipt code: counted in the published list after the close, or
    recorded as a sealed envelope while the poll is open; None when no ballot has the code."""
    if len(normalise_receipt(code)) != 16:
        return None
    related = ("poll__award_type", "poll__cluster_year__cluster")
    counted = CountedReceipt.objects.filter(receipt_hash=receipt_hash(code)).select_related(*related).first()
    if counted is not None:
        return counted.poll, True
    sealed = BallotEnvelope.objects.filter(tag=recorded_tag(code)).select_related(*related).first()
    return (sealed.poll, False) if sealed is not None else None


def counted_receipts(poll):
    """The published list: hashes of the receipt codes of every counted ballot, sorted."""
    return list(poll.counted_receipts.order_by("receipt_hash").values_list("receipt_hash", flat=True))


def default_voters(cluster_year, electorate_kind):
    """Suggested electorate: each member unit's leader (else its first council member or staff), or
    the province's council members."""
    province_id = cluster_year.cluster.province_id
    if electorate_kind == ElectorateKind.COUNCIL:
        return list(
            User.objects.filter(province_id=province_id, roles__role=Role.COUNCIL_MEMBER, is_active=True)
            .order_by("username")
            .distinct()
        )
    members = unit_roles(cluster_year)
    priority = {Role.UNIT_LEADER: 0, Role.COUNCIL_MEMBER: 1}
    candidates = (
        User.objects.filter(unit_id__in=list(members), is_active=True, roles__role__in=list(priority))
        .values_list("pk", "unit_id", "roles__role")
        .order_by("username")
    )
    best = {}
    for pk, unit_id, role in candidates:
        rank = priority[role]
        if unit_id not in best or rank < best[unit_id][0]:
            best[unit_id] = (rank, pk)
    chosen = [pk for _r, pk in best.values()]
    return list(User.objects.filter(pk__in=chosen).select_related("unit").order_by("unit__name"))
