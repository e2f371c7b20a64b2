"""Province-level reads of the awards: the nominations of a year across every cluster (to decide
on many at once) and the report of proposed / approved / reduced / refused per award and
cluster. Each is a fixed number of queries, whatever the number of clusters and nominations."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils import timezone

from clusters.models import Cluster
from clusters.selectors import vn_sort_key

from .models import AwardType, Dossier, Nomination, Outcome


def years(province_id):
    """The years that have nominations, newest first (the current year when none has)."""
    found = list(
        Nomination.objects.filter(cluster_year__cluster__province_id=province_id)
        .values_list("cluster_year__year", flat=True)
        .distinct()
        .order_by("-cluster_year__year")
    )
    return found or [timezone.localdate().year]


def nominations(province_id, year, *, cluster_id=None, award_id=None, awaiting=False):
    """The province's nominations of the year, each with `dossier_submitted`, its cluster and its
    decision (and the award granted instead) loaded."""
    qs = (
        Nomination.objects.filter(cluster_year__cluster__province_id=province_id, cluster_year__year=year)
        .select_related("award_type", "cluster_year__cluster", "decision__granted_award")
        .annotate(
            dossier_submitted=Exists(
                Dossier.objects.filter(
                    cluster_year_id=OuterRef("cluster_year_id"), submitted_at__isnull=False
                )
            )
        )
    )
    if cluster_id:
        qs = qs.filter(cluster_year__cluster_id=cluster_id)
    if award_id:
        qs = qs.filter(award_type_id=award_id)
    if awaiting:
        qs = qs.filter(decision__isnull=True)
    rows = list(qs)
    rows.sort(
        key=lambda n: (
            vn_sort_key(n.cluster_year.cluster.name),
            n.award_type.precedence,
            vn_sort_key(n.unit_name),
        )
    )
    return rows


def clusters(province_id):
    return sorted(Cluster.objects.filter(province_id=province_id), key=lambda c: vn_sort_key(c.name))


def award_types(province_id):
    return list(AwardType.objects.filter(province_id=province_id).order_by("precedence", "name"))


@dataclass
class Tally:
    """Proposed, approved, reduced (with the awards granted instead), refused, awaiting."""

    proposed: int = 0
    approved: int = 0
    reduced: int = 0
    refused: int = 0
    awaiting: int = 0
    granted: dict = field(default_factory=dict)  # lower award name -> count

    def add(self, nomination):
        self.proposed += 1
        decision = getattr(nomination, "decision", None)
        if decision is None:
            self.awaiting += 1
        elif decision.outcome == Outcome.APPROVED:
            self.approved += 1
        elif decision.outcome == Outcome.REFUSED:
            self.refused += 1
        else:
            self.reduced += 1
            name = decision.granted_award.name if decision.granted_award_id else ""
            self.granted[name] = self.granted.get(name, 0) + 1

    def merge(self, other):
        for name in ("proposed", "approved", "reduced", "refused", "awaiting"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for award, count in other.granted.items():
            self.granted[award] = self.granted.get(award, 0) + count

    @property
    def granted_text(self):
        """ "Bằng khen: 2; Giấy khen: 1" (the lower awards granted to the reduced ones)."""
        return "; ".join(f"{name}: {count}" for name, count in sorted(self.granted.items()))

    def as_row(self):
        return [self.proposed, self.approved, self.reduced, self.granted_text, self.refused, self.awaiting]


@dataclass
class AwardBlock:
    award: AwardType
    rows: list  # [(cluster name, Tally)]
    total: Tally


def report(province_id, year):
    """{"awards": [AwardBlock] by precedence, "total": Tally, "details": [Nomination]}: per
    award, one row per cluster that proposed units for it, the award's total and the grand
    total; the details list every nomination with its decision."""
    details = nominations(province_id, year)
    blocks = {}
    for n in details:
        block = blocks.setdefault(n.award_type_id, (n.award_type, {}))
        block[1].setdefault(n.cluster_year.cluster.name, Tally()).add(n)
    awards, grand = [], Tally()
    for award, per_cluster in sorted(
        blocks.values(), key=lambda b: (b[0].precedence, vn_sort_key(b[0].name))
    ):
        total = Tally()
        rows = sorted(per_cluster.items(), key=lambda item: vn_sort_key(item[0]))
        for _name, tally in rows:
            total.merge(tally)
        grand.merge(total)
        awards.append(AwardBlock(award, rows, total))
    details.sort(
        key=lambda n: (
            n.award_type.precedence,
            vn_sort_key(n.cluster_year.cluster.name),
            vn_sort_key(n.unit_name),
        )
    )
    return {"year": year, "awards": awards, "total": grand, "details": details}
