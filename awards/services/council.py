"""The council roster of a year: its statutory members, chair and secretary (one write path)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clusters import audit
from clusters.models import ClusterYear

from .. import roster as rosters
from ..models import CouncilRole, CouncilSeat
from ._base import require


def _check(seat_rows, province_id):
    if not seat_rows:
        raise ValidationError(_("Enter at least one member of the council."))
    errors, users = [], set()
    for i, row in enumerate(seat_rows, 1):
        name, role, user = (row.get("name") or "").strip(), row.get("role"), row.get("user")
        if not name and user is not None:
            name = user.full_name or user.username
        if not name:
            errors.append(_("Line %(n)s: enter the member's name.") % {"n": i})
        if role not in CouncilRole.values:
            errors.append(_("Line %(n)s: choose the member's role in the council.") % {"n": i})
        if user is not None:
            if user.province_id != province_id:
                errors.append(_("%(name)s belongs to another province.") % {"name": user})
            if user.pk in users:
                errors.append(_("%(name)s is on the council twice.") % {"name": user})
            users.add(user.pk)
        unit = row.get("unit")
        if unit is not None and unit.province_id != province_id:
            errors.append(_("%(unit)s belongs to another province.") % {"unit": unit.name})
        row["name"] = name
    if sum(1 for r in seat_rows if r.get("role") == CouncilRole.CHAIR) > 1:
        errors.append(_("A council has one chair."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def council_save(*, actor, seats, cluster_year=None, province=None, year=None):
    """Replace the roster of a council: the cluster year's (its secretary or the province admin),
    or with `province` and `year` the province's council (the province admin). `seats`: dicts of
    name, role, and optionally title, user, unit. Polls already opened keep the membership they
    counted with (frozen in each poll)."""
    if cluster_year is not None:
        cy = ClusterYear.objects.select_for_update().select_related("cluster").get(pk=cluster_year.pk)
        require(actor, "awards.manage_council", cy)
        if cy.is_closed:  # the minutes of a closed year print its council: it stays as it was
            raise ValidationError(_("This year is closed: its council can no longer be changed."))
        province_id, year, obj = cy.cluster.province_id, cy.year, cy
    else:
        require(actor, "awards.manage_province_council", province)
        if not year:
            raise ValidationError(_("Enter the year of the council."))
        cy, province_id, obj = None, province.pk, province
    seat_rows = [dict(row) for row in seats]
    _check(seat_rows, province_id)
    old = rosters.seats(province_id=province_id, year=year, cluster_year=cy)
    CouncilSeat.objects.filter(pk__in=[s.pk for s in old]).delete()
    new = CouncilSeat.objects.bulk_create(
        [
            CouncilSeat(
                province_id=province_id,
                year=year,
                cluster_year=cy,
                name=row["name"],
                title=(row.get("title") or "").strip(),
                role=row["role"],
                user=row.get("user"),
                unit=row.get("unit"),
                position=i,
            )
            for i, row in enumerate(seat_rows)
        ]
    )

    def plain(s):
        return {"name": s.name, "role": s.role, "user": s.user_id, "unit": s.unit_id}

    audit.record(
        actor=actor,
        action="council.saved",
        obj=obj,
        province_id=province_id,
        data={"year": year, "old": [plain(s) for s in old], "new": [plain(s) for s in new]},
    )
    return new
