"""Demo data (seed 000): at the conference of 28 February 2024 the head role of the Hải Phòng
district cluster passed from Vĩnh Bảo (2023) to Cát Hải (2024). Idempotent."""

import datetime

from clusters.closing import recording_past_years
from clusters.models import ClusterYear, MemberRole, Province, User

from .models import HandOver, HandOverMethod


@recording_past_years()
def load():
    province = Province.objects.filter(code="hai-phong").first()
    if province is None:
        return
    years = {
        cy.year: cy
        for cy in ClusterYear.objects.filter(
            cluster__province=province, cluster__code="khoi-huyen", year__in=[2023, 2024]
        )
    }
    if len(years) < 2 or HandOver.objects.filter(cluster_year=years[2023]).exists():
        return
    old_head = years[2023].memberships.filter(role=MemberRole.HEAD).select_related("unit").first()
    new_head = years[2024].memberships.filter(role=MemberRole.HEAD).select_related("unit").first()
    if new_head is None:
        return
    new_deputy = years[2024].memberships.filter(role=MemberRole.DEPUTY).select_related("unit").first()
    HandOver.objects.create(
        cluster_year=years[2023],
        next_year=years[2024],
        from_head=old_head.unit if old_head else None,
        to_head=new_head.unit,
        to_deputy=new_deputy.unit if new_deputy else None,
        handed_over_on=datetime.date(2024, 2, 28),
        method=HandOverMethod.ASSIGNED,
        note="Hội nghị tổng kết năm 2023, ký giao ước năm 2024 (Vĩnh Bảo, 28/02/2024).",
        recorded_by=User.objects.filter(username="tinh.haiphong").first(),
    )
