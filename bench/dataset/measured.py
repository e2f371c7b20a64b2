"""The second province: what is measured on its own — a cluster of `agg_units` units (the ranking
aggregation alone) and clusters of each PDF size with a finalised, unsigned pledge."""

from .common import bulk, person, place, users
from .pledges import finalised_pledges
from .scoring import criteria_tables, scores


def aggregation_cluster(w, *, agg_units, criteria):
    Unit, Cluster, ClusterYear, Membership = (
        w.M[n] for n in ("Unit", "Cluster", "ClusterYear", "Membership")
    )
    agg_units_objs = bulk(
        Unit,
        [
            Unit(
                province=w.aux,
                code=f"tonghop-{i:05d}",
                kind="xa",
                name=f"Xã {place(i)} {i:04d}",
                leader_name=person(w.rng),
            )
            for i in range(agg_units)
        ],
    )
    agg_cluster = Cluster.objects.create(
        province=w.aux, code="tong-hop", name=f"Cụm tổng hợp {agg_units} đơn vị"
    )
    w.agg_cy = ClusterYear.objects.create(cluster=agg_cluster, year=w.this_year, stage="voting")
    w.agg_cy.cluster = agg_cluster
    agg_cluster.province = w.aux
    bulk(
        Membership,
        [
            Membership(cluster_year=w.agg_cy, unit=u, role="head" if i == 0 else "member")
            for i, u in enumerate(agg_units_objs)
        ],
    )
    agg_tables = criteria_tables(w.M, [w.agg_cy], criteria)
    scores(
        w.M,
        [(w.agg_cy, [u.pk for u in agg_units_objs])],
        agg_tables,
        lambda cy: True,
        None,
        w.rng,
        audit=False,
    )
    w.timer.step(f"aggregation cluster ({agg_units} units × {criteria} criteria)", agg_units * criteria)


def pdf_clusters(w, *, pdf_sizes):
    """→ w.pdf_years {size: {cluster_year, version}}, w.aux_admin."""
    Unit, Cluster, ClusterYear, Membership = (
        w.M[n] for n in ("Unit", "Cluster", "ClusterYear", "Membership")
    )
    w.pdf_years = {}
    for n in pdf_sizes:
        pu = bulk(
            Unit,
            [
                Unit(
                    province=w.aux,
                    code=f"gu{n}-{i:02d}",
                    kind="xa",
                    name=f"Xã {place(i * 7 + n)}",
                    leader_name=person(w.rng),
                    leader_title="CHỦ TỊCH",
                )
                for i in range(n)
            ],
        )
        pc = Cluster.objects.create(province=w.aux, code=f"giao-uoc-{n}", name=f"Cụm thi đua {n} đơn vị")
        pcy = ClusterYear.objects.create(cluster=pc, year=w.this_year, stage="registration")
        pc.province = w.aux
        pcy.cluster = pc
        bulk(
            Membership,
            [
                Membership(
                    cluster_year=pcy,
                    unit=u,
                    role="head" if i == 0 else ("deputy" if i == 1 else "member"),
                )
                for i, u in enumerate(pu)
            ],
        )
        (version,) = finalised_pledges(w.M, [(pcy, [u.pk for u in pu])], lambda cy: False, {})
        w.pdf_years[str(n)] = {"cluster_year": pcy.pk, "version": version.pk}
    w.aux_admin = users(
        w.M["User"],
        w.M["UserRole"],
        [("tinh.phutro", "Quản trị tỉnh phụ", w.aux, None, ["province_admin"])],
        w.pw_hash,
    )[0]
    w.timer.step("pledge clusters for the PDF figures")
