"""The measured province: its units, clusters, people, and the cluster years with their members."""

import datetime

from .common import bulk, person, place, users


def province_units_clusters(w, *, units, clusters, big_cluster):
    """Province P and the auxiliary one; `units` units; cluster 0 has `big_cluster` members, the
    other clusters share the rest."""
    Province, Unit, Cluster = w.M["Province"], w.M["Unit"], w.M["Cluster"]
    w.province = Province.objects.create(code="thu-nghiem", name="Tỉnh Thử Nghiệm", place_name="Thử Nghiệm")
    w.aux = Province.objects.create(code="thu-nghiem-phu", name="Tỉnh Phụ Trợ", place_name="Phụ Trợ")
    w.unit_objs = bulk(
        Unit,
        [
            Unit(
                province=w.province,
                code=f"dv-{i:04d}",
                kind="phuong" if i % 4 == 0 else "xa",
                name=f"{'Phường' if i % 4 == 0 else 'Xã'} {place(i)} {i:03d}",
                short_name=f"{place(i)} {i:03d}",
                leader_name=person(w.rng),
            )
            for i in range(units)
        ],
    )
    w.unit_name = {u.pk: u.name for u in w.unit_objs}
    w.groups = [w.unit_objs[:big_cluster]]
    rest = w.unit_objs[big_cluster:]
    for k in range(clusters - 1):
        w.groups.append(rest[k :: clusters - 1])
    w.cluster_objs = bulk(
        Cluster,
        [
            Cluster(province=w.province, code=f"cum-{k + 1:02d}", name=f"Cụm thi đua số {k + 1:02d}")
            for k in range(clusters)
        ],
    )
    w.timer.step("province, units, clusters", units + clusters)


def people(w, *, burst_voters):
    """Staff and leader of every unit, a secretary per cluster (its head unit), the province admin
    and `burst_voters` council members."""
    specs = []
    for u in w.unit_objs:
        specs.append((f"canbo.{u.code}", person(w.rng), w.province, u, ["unit_staff"]))
        specs.append((f"chutich.{u.code}", u.leader_name, w.province, u, ["unit_leader"]))
    for k, g in enumerate(w.groups):
        specs.append(
            (f"thuky.cum{k + 1:02d}", person(w.rng), w.province, g[0], ["unit_staff", "cluster_secretary"])
        )
    specs.append(("tinh.thunghiem", "Quản trị tỉnh", w.province, None, ["province_admin"]))
    specs.extend(
        (f"hoidong.{k:03d}", person(w.rng), w.province, None, ["council_member"]) for k in range(burst_voters)
    )
    made = users(w.M["User"], w.M["UserRole"], specs, w.pw_hash)
    by_name = {u.username: u for u in made}
    w.admin = by_name["tinh.thunghiem"]
    w.leaders_by_unit = {u.unit_id: u for u in made if u.username.startswith("chutich.")}
    w.council = [u for u in made if u.username.startswith("hoidong.")]
    w.timer.step("users and roles", len(made))


def _stage_of(w, k, year):
    if year < w.this_year:
        return "closed"
    if k == 0:
        return "voting"
    return ("scoring", "voting", "registration")[k % 3]


def cluster_years(w):
    """Every cluster over the years: closed before this year; this year cluster 0 votes, the others
    score, vote or register in turn. → w.cys, w.cy_members [(cy, [unit id])]."""
    ClusterYear, Membership = w.M["ClusterYear"], w.M["Membership"]
    w.cys = bulk(
        ClusterYear,
        [
            ClusterYear(
                cluster=c,
                year=y,
                stage=_stage_of(w, k, y),
                scoring_deadline=datetime.date(y, 11, 30),
                voting_deadline=datetime.date(y, 12, 15),
            )
            for k, c in enumerate(w.cluster_objs)
            for y in w.year_list
        ],
    )
    cluster_by_pk = {c.pk: c for c in w.cluster_objs}
    for cy in w.cys:
        cy.cluster = cluster_by_pk[cy.cluster_id]
    w.cluster_index = {c.pk: k for k, c in enumerate(w.cluster_objs)}
    memberships = []
    w.cy_members = []
    for cy in w.cys:
        g = w.groups[w.cluster_index[cy.cluster_id]]
        w.cy_members.append((cy, [u.pk for u in g]))
        for j, u in enumerate(g):
            memberships.append(
                Membership(
                    cluster_year=cy, unit=u, role="head" if j == 0 else ("deputy" if j == 1 else "member")
                )
            )
    bulk(Membership, memberships)
    w.timer.step("cluster years and memberships", len(w.cys) + len(memberships))
