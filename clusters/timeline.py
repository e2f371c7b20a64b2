"""Units as they were on a date: names, members of a year, successors and predecessors.

Reads only; the changes themselves are written by clusters.unit_events."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from .event_models import UnitEvent, UnitEventKind, UnitEventLink
from .models import MemberRole, Membership, Unit, UnitKind, UnitVersion
from .selectors import vn_sort_key


def state_on(unit, on_date):
    """(name, short_name, kind) of `unit` on `on_date`; uses prefetched `versions`."""
    later = [v for v in unit.versions.all() if v.valid_until > on_date]
    if later:
        v = min(later, key=lambda v: v.valid_until)
        return v.name, v.short_name, v.kind
    return unit.name, unit.short_name, unit.kind


def exists_on(unit, on_date):
    return (unit.started_on is None or unit.started_on <= on_date) and (
        unit.ended_on is None or unit.ended_on > on_date
    )


def successors_on(units, on_date):
    """{unit id: [units carrying it on at `on_date`]}: the unit itself while it exists, else the
    units its merge or split passed it to (followed through later changes), none when abolished."""
    result, pending = {}, {u.pk: u for u in units}
    ended = {pk: u for pk, u in pending.items() if u.ended_on is not None and u.ended_on <= on_date}
    for pk, u in pending.items():
        if pk not in ended:
            result[pk] = [u]
    frontier, seen = {pk: [pk] for pk in ended}, set(ended)
    while frontier:
        links = (
            UnitEventLink.objects.filter(
                unit_id__in=list(frontier), event__effective__lte=on_date, successor__isnull=False
            )
            .select_related("successor")
            .prefetch_related("successor__versions")
        )
        nxt = {}
        for link in links:
            if link.successor_id == link.unit_id:
                continue
            succ = link.successor
            for origin in frontier[link.unit_id]:
                if succ.ended_on is not None and succ.ended_on <= on_date and succ.pk not in seen:
                    nxt.setdefault(succ.pk, []).append(origin)
                elif exists_on(succ, on_date):
                    bucket = result.setdefault(origin, [])
                    if all(s.pk != succ.pk for s in bucket):
                        bucket.append(succ)
        seen.update(nxt)
        frontier = nxt
    for pk in ended:
        result.setdefault(pk, [])
    return result


def default_date(year, today=None):
    """The date a year's page shows first: today within the year, else its first or last day."""
    today = today or timezone.localdate()
    return min(max(today, datetime.date(year, 1, 1)), datetime.date(year, 12, 31))


@dataclass
class MemberOnDate:
    unit: Unit
    name: str
    short_name: str
    kind: str
    membership: Membership | None = None  # None: shown as the successor of a member
    via: str = ""  # the member it carries on
    earlier: list = field(default_factory=list)  # [(name, until)] earlier this year

    @property
    def role(self):
        return self.membership.role if self.membership else MemberRole.MEMBER

    @property
    def kind_label(self):
        return UnitKind(self.kind).label


def year_members(cluster_year):
    return list(
        Membership.objects.filter(cluster_year=cluster_year)
        .select_related("unit")
        .prefetch_related(Prefetch("unit__versions", queryset=UnitVersion.objects.all()))
    )


def key_dates(cluster_year, memberships):
    """1 January, every day a member changed name, type or existence in the year, 31 December."""
    first, last = datetime.date(cluster_year.year, 1, 1), datetime.date(cluster_year.year, 12, 31)
    dates = {first, last}
    for m in memberships:
        u = m.unit
        for d in [u.started_on, u.ended_on, *(v.valid_until for v in u.versions.all())]:
            if d is not None and first < d <= last:
                dates.add(d)
    return sorted(dates)


def members_on(cluster_year, on_date, memberships=None):
    """The year's members as they were on `on_date`: names in force that day; a member that had
    ceased to exist by then is replaced by its successors, a unit formed later is not yet there."""
    memberships = memberships if memberships is not None else year_members(cluster_year)
    first = datetime.date(cluster_year.year, 1, 1)
    province_id = cluster_year.cluster.province_id
    rows, shown = [], set()
    gone = [m.unit for m in memberships if m.unit.ended_on is not None and m.unit.ended_on <= on_date]
    successors = successors_on(gone, on_date) if gone else {}
    for m in memberships:
        u = m.unit
        if exists_on(u, on_date):
            rows.append(_row(u, on_date, first, membership=m))
            shown.add(u.pk)
    for u in gone:
        name = state_on(u, on_date)[0]
        for s in successors.get(u.pk, []):
            if s.pk not in shown and s.province_id == province_id:
                shown.add(s.pk)
                rows.append(MemberOnDate(s, *state_on(s, on_date), via=name))
    order = {MemberRole.HEAD: 0, MemberRole.DEPUTY: 1, MemberRole.MEMBER: 2}
    return sorted(rows, key=lambda r: (order[r.role], vn_sort_key(r.name)))


def _row(unit, on_date, first, membership):
    name, short, kind = state_on(unit, on_date)
    earlier = [
        (v.name, v.valid_until - datetime.timedelta(days=1))
        for v in sorted(unit.versions.all(), key=lambda v: v.valid_until)
        if first < v.valid_until <= on_date
    ]
    return MemberOnDate(unit, name, short, kind, membership=membership, earlier=earlier)


@dataclass
class Lineage:
    predecessors: list  # [(link, depth)] units this one carries on (links point here)
    successors: list  # [(link, depth)] units carrying this one on
    carried: list  # units whose earlier years this unit shows as its own


def lineage(unit):
    """Predecessors and successors of a unit, followed in both directions through every change."""
    preds, carried, frontier, seen = [], [], [unit.pk], {unit.pk}
    depth = 0
    while frontier:
        depth += 1
        links = list(
            UnitEventLink.objects.filter(successor_id__in=frontier)
            .exclude(unit_id__in=frontier)
            .select_related("event", "unit", "successor")
            .order_by("-event__effective", "unit__name")
        )
        frontier = []
        for link in links:
            if link.unit_id in seen:
                continue
            seen.add(link.unit_id)
            preds.append((link, depth))
            frontier.append(link.unit_id)
            if link.carries_history and (
                link.successor_id == unit.pk or link.successor_id in carried_ids(carried)
            ):
                carried.append(link.unit)
    succs, frontier, seen, depth = [], [unit.pk], {unit.pk}, 0
    while frontier:
        depth += 1
        links = list(
            UnitEventLink.objects.filter(unit_id__in=frontier, successor__isnull=False)
            .exclude(successor_id__in=frontier)
            .select_related("event", "unit", "successor")
            .order_by("event__effective", "successor__name")
        )
        frontier = []
        for link in links:
            if link.successor_id in seen:
                continue
            seen.add(link.successor_id)
            succs.append((link, depth))
            frontier.append(link.successor_id)
    return Lineage(preds, succs, carried)


def carried_ids(units):
    return {u.pk for u in units}


def unit_events(unit):
    """The changes that concern a unit (as the unit changed, or as a successor), oldest first."""
    return (
        UnitEvent.objects.filter(links__unit=unit)
        .union(UnitEvent.objects.filter(links__successor=unit))
        .order_by("effective")
    )


def history_years(unit, carried):
    """Memberships of the unit and of the predecessors whose history it carries, newest first,
    each with the name it had that year."""
    ids = [unit.pk, *(u.pk for u in carried)]
    rows = list(
        Membership.objects.filter(unit_id__in=ids)
        .select_related("cluster_year__cluster", "unit")
        .prefetch_related("unit__versions")
        .order_by("-cluster_year__year", "cluster_year__cluster__name")
    )
    for m in rows:
        m.name_then = m.unit.name_in_year(m.cluster_year.year)
        m.as_predecessor = m.unit_id != unit.pk
    return rows


def merged_province_ids(province_id, on_date=None):
    """Provinces merged (directly or through others) into `province_id` by `on_date` (any date
    when None): their people are now this province's, and so are their records."""
    found, frontier = set(), {province_id}
    while frontier:
        qs = UnitEvent.objects.filter(kind=UnitEventKind.PROVINCE_MERGE, province_id__in=frontier)
        if on_date is not None:
            qs = qs.filter(effective__lte=on_date)
        frontier = set(qs.values_list("from_province_id", flat=True)) - found - {province_id}
        found |= frontier
    return found


def province_merge_by(province_id, on_date):
    """The merge that ended province `province_id` on or before `on_date`, if any."""
    return (
        UnitEvent.objects.filter(
            kind=UnitEventKind.PROVINCE_MERGE, from_province_id=province_id, effective__lte=on_date
        )
        .select_related("province", "from_province")
        .first()
    )
