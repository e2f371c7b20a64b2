"""Reads of a council's roster (its statutory members), for a cluster year or a province's year."""

from .models import CouncilRole, CouncilSeat


def seats(*, province_id, year, cluster_year=None):
    """The council's members, chair first as entered: the cluster year's council, or the
    province's council of `year` when `cluster_year` is None."""
    qs = CouncilSeat.objects.filter(province_id=province_id, year=year)
    qs = (
        qs.filter(cluster_year=cluster_year)
        if cluster_year is not None
        else qs.filter(cluster_year__isnull=True)
    )
    return list(qs.select_related("user", "unit").order_by("position", "pk"))


def of_year(cluster_year):
    return seats(
        province_id=cluster_year.cluster.province_id, year=cluster_year.year, cluster_year=cluster_year
    )


def chair(roster):
    return next((s for s in roster if s.role == CouncilRole.CHAIR), None)


def secretary(roster):
    return next((s for s in roster if s.role == CouncilRole.SECRETARY), None)


def off_roster(roster, electors):
    """The (user, unit_id) electors who hold no seat of the roster (by account, or by unit when
    the council seats a unit's representative)."""
    users = {s.user_id for s in roster if s.user_id}
    units = {s.unit_id for s in roster if s.unit_id and not s.user_id}
    return [u for u, unit_id in electors if u.pk not in users and (unit_id or u.unit_id) not in units]
