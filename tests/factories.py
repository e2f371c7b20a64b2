"""The fixed cast and small builders shared by all tests."""

from types import SimpleNamespace

import factory
from django.utils import timezone

from clusters.models import (
    Cluster,
    ClusterYear,
    MemberRole,
    Membership,
    Province,
    Role,
    Stage,
    Unit,
    UnitKind,
    User,
    UserRole,
)

PASSWORD = "pw-Test-2024!"


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province

    code = factory.Sequence(lambda n: f"tinh-{n}")
    name = factory.Sequence(lambda n: f"Tỉnh Thử {n}")
    place_name = "Hải Phòng"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    province = factory.SubFactory(ProvinceFactory)
    code = factory.Sequence(lambda n: f"dv-{n}")
    kind = UnitKind.DISTRICT
    name = factory.Sequence(lambda n: f"Huyện Thử {n}")
    short_name = factory.LazyAttribute(lambda o: o.name.split(" ", 1)[1])
    leader_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    province = factory.SubFactory(ProvinceFactory)
    code = factory.Sequence(lambda n: f"cum-{n}")
    name = factory.Sequence(lambda n: f"Cụm thi đua số {n}")


class ClusterYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClusterYear

    cluster = factory.SubFactory(ClusterFactory)
    year = 2024
    stage = Stage.SETUP


def make_user(username, *, province, unit=None, roles=()):
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        province=province,
        unit=unit,
        full_name=username.replace("_", " ").title(),
    )
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
    return user


def make_year(*, province=None, n_members=3, year=2024, stage=Stage.SETUP, cluster=None):
    """A cluster year with a head (first unit) and n_members units in all."""
    province = province or (cluster.province if cluster else ProvinceFactory())
    cluster = cluster or ClusterFactory(province=province)
    cy = ClusterYearFactory(cluster=cluster, year=year, stage=stage)
    units = [UnitFactory(province=province) for _ in range(n_members)]
    Membership.objects.bulk_create(
        [
            Membership(cluster_year=cy, unit=u, role=MemberRole.HEAD if i == 0 else MemberRole.MEMBER)
            for i, u in enumerate(units)
        ]
    )
    return cy, units


def make_cast(stage=Stage.SETUP):
    """Province P with a cluster year (head H, members A and B); province Q with its own year.

    staff_a, staff_b: unit staff of A and B; leader_a: A's leader; secretary: cluster secretary
    of the head unit H; council: council member of P; admin: province admin of P;
    other: province admin of Q (a user of another province)."""
    province = ProvinceFactory(name="Thành phố Hải Phòng", place_name="Hải Phòng")
    cluster = ClusterFactory(province=province, name="Cụm thi đua Khối huyện")
    cy = ClusterYearFactory(cluster=cluster, year=timezone.localdate().year, stage=stage)
    head = UnitFactory(province=province, name="Huyện Cát Hải", short_name="Cát Hải")
    unit_a = UnitFactory(province=province, name="Huyện Vĩnh Bảo", short_name="Vĩnh Bảo")
    unit_b = UnitFactory(province=province, name="Huyện Thủy Nguyên", short_name="Thủy Nguyên")
    Membership.objects.create(cluster_year=cy, unit=head, role=MemberRole.HEAD)
    Membership.objects.create(cluster_year=cy, unit=unit_a, role=MemberRole.DEPUTY)
    Membership.objects.create(cluster_year=cy, unit=unit_b, role=MemberRole.MEMBER)
    other_province = ProvinceFactory(name="Tỉnh Quảng Bình", place_name="Quảng Bình")
    other_cy, other_units = make_year(province=other_province, n_members=2, year=cy.year)
    return SimpleNamespace(
        province=province,
        cluster=cluster,
        year=cy,
        head=head,
        unit_a=unit_a,
        unit_b=unit_b,
        other_province=other_province,
        other_year=other_cy,
        other_units=other_units,
        staff_a=make_user("staff_a", province=province, unit=unit_a, roles=[Role.UNIT_STAFF]),
        staff_b=make_user("staff_b", province=province, unit=unit_b, roles=[Role.UNIT_STAFF]),
        leader_a=make_user("leader_a", province=province, unit=unit_a, roles=[Role.UNIT_LEADER]),
        leader_b=make_user("leader_b", province=province, unit=unit_b, roles=[Role.UNIT_LEADER]),
        leader_head=make_user("leader_head", province=province, unit=head, roles=[Role.UNIT_LEADER]),
        secretary=make_user(
            "secretary", province=province, unit=head, roles=[Role.CLUSTER_SECRETARY, Role.UNIT_STAFF]
        ),
        council=make_user("council", province=province, unit=unit_b, roles=[Role.COUNCIL_MEMBER]),
        admin=make_user("admin", province=province, roles=[Role.PROVINCE_ADMIN]),
        other=make_user(
            "other",
            province=other_province,
            unit=other_units[0],
            roles=[Role.PROVINCE_ADMIN, Role.UNIT_STAFF],
        ),
    )
